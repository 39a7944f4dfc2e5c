package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/node"
	"github.com/vcache/vcache/proxy"
	"github.com/vcache/vcache/vector/ft"
)

// devFlags are vcache dev's command-line flags.
type devFlags struct {
	nodes, spares, replicas                  int
	adminAddr, port, bind, maxmemory, policy string
	logLevel, dir, aclFile, maxMem, io       string
	frisoIni                                 string
	readReplicas, autoscale                  bool
	maxOps                                   float64
	scale                                    scaleFlags
}

func (f *devFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&f.nodes, "nodes", 3, "data nodes to start")
	fs.IntVar(&f.spares, "spares", 0, "warm spare data nodes: they join once the cluster has formed and lead no shard until a split needs a node (replicas may move to them)")
	fs.IntVar(&f.replicas, "replicas", 1, "replicas per shard (at most --nodes - 1; fewer nodes mean fewer)")
	fs.StringVar(&f.adminAddr, "admin-addr", "127.0.0.1:8080", "the status page and the proxy's /metrics (empty: off)")
	fs.StringVar(&f.port, "port", "6379", "the proxy's port (0 picks a free one)")
	fs.StringVar(&f.bind, "bind", "127.0.0.1", "the proxy's address")
	fs.StringVar(&f.maxmemory, "maxmemory", "0", "memory limit of each node (e.g. 256mb; 0 = none)")
	fs.StringVar(&f.policy, "maxmemory-policy", "allkeys-lru", "eviction policy of each node")
	fs.StringVar(&f.logLevel, "loglevel", "info", "log level: debug, info, warn, error")
	fs.StringVar(&f.dir, "dir", "vcache-data", "keep the data here: each node snapshots into its own subdirectory at shutdown (and SAVE) and loads it at start, with its FT indexes, vector sets and the shard map (empty: memory only)")
	fs.StringVar(&f.aclFile, "aclfile", "", "ACL file of the proxy's users (Redis's format), loaded at start and by ACL LOAD, written by ACL SAVE")
	fs.BoolVar(&f.readReplicas, "read-from-replicas", false, "the proxy sends single-slot reads to replicas (they may miss a write just acknowledged)")
	fs.BoolVar(&f.autoscale, "autoscale", true, "split a shard when any resource reaches 50% of its budget (and merge cold ones)")
	fs.Float64Var(&f.maxOps, "shard-max-ops", 100_000, "ops/s budget of one shard")
	fs.StringVar(&f.maxMem, "shard-max-memory", "256mb", "memory budget of one shard")
	fs.StringVar(&f.io, "io", "auto", ioFlagHelp+" (auto in dev: the nodes on goroutines, the proxy on a loop, as they share one process)")
	fs.StringVar(&f.frisoIni, "friso-ini", "", frisoIniHelp)
	f.scale.register(fs)
}

// check validates the flags and caps --replicas at --nodes - 1 (a replica
// lives on another node).
func (f *devFlags) check() error {
	if f.nodes < 1 || f.nodes > 64 {
		return errors.New("--nodes must be between 1 and 64")
	}
	if f.spares < 0 || f.spares > 64 {
		return errors.New("--spares must be between 0 and 64")
	}
	if f.replicas < 0 {
		return errors.New("--replicas must not be negative")
	}
	f.replicas = min(f.replicas, f.nodes-1)
	return nil
}

// devCluster is what runDev starts: data nodes in this process, sharing
// one serving group, their metrics and addresses for the banner and the
// status page.
type devCluster struct {
	f        *devFlags
	ctx      context.Context
	log      *slog.Logger
	group    *serving.Group
	node     serverFlags // each node's flags, --dir aside
	shardMem uint64      // budgets, when autoscaling
	shardOps float64
	wg       sync.WaitGroup
	errc     chan error // a server that stopped with an error

	seeds   []string
	metrics []labeled // each data node's metrics, by name
	addrs   []string  // "name addr" of each data node
	started []*node.Node
}

// startNode starts data node i (named node-<i+1>) and joins it to the
// nodes started before it.
func (d *devCluster) startNode(i int) error {
	name := fmt.Sprintf("node-%d", i+1)
	nf := d.node
	if d.f.dir != "" {
		// A stable name and a directory of its own: a restarted node
		// loads its snapshot and takes its place back.
		nf.dir = filepath.Join(d.f.dir, name)
	}
	cfg, err := nf.nodeConfig()
	if err != nil {
		return err
	}
	cc := devClusterConfig(name, d.seeds, d.f.nodes)
	cc.Replicas = d.f.replicas
	cc.InitialShards = d.f.nodes
	if d.f.autoscale {
		devBudgets(&cc, d.shardMem, d.shardOps, d.f.nodes+d.f.spares)
		cc.MaxShards = 4 * (d.f.nodes + d.f.spares)
	}
	d.f.scale.apply(&cc, d.f.nodes)
	cfg.Cluster = &cc
	cfg.Serving = d.group
	n, err := node.New(cfg, d.log.With("node", cc.Name))
	if err != nil {
		return err
	}
	d.started = append(d.started, n)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		if err := n.Serve(d.ctx, ln); err != nil {
			d.errc <- fmt.Errorf("%s: %w", cc.Name, err)
		}
	}()
	if err := waitUntil(d.ctx, 10*time.Second, func() bool { return n.Cluster() != nil }); err != nil {
		return fmt.Errorf("%s did not join: %w", cc.Name, err)
	}
	if i == 0 {
		d.seeds = []string{n.Cluster().GossipAddr()}
	}
	d.metrics = append(d.metrics, labeled{value: cc.Name, write: n.WritePrometheus})
	d.addrs = append(d.addrs, cc.Name+" "+ln.Addr().String())
	return nil
}

// joinProxy makes the proxy's gossip member, which owns nothing, and
// waits for the cluster to serve every slot.
func (d *devCluster) joinProxy() (*cluster.Cluster, error) {
	pc := devClusterConfig("proxy-1", d.seeds, d.f.nodes)
	pc.Role = cluster.RoleProxy
	// The proxy's status page shows usage against the nodes' budgets.
	if d.f.autoscale {
		devBudgets(&pc, d.shardMem, d.shardOps, d.f.nodes+d.f.spares)
	}
	member, err := cluster.New(pc, d.log.With("component", "proxy-member"))
	if err != nil {
		return nil, err
	}
	if err := member.Start(d.ctx); err != nil {
		return nil, err
	}
	if err := waitUntil(d.ctx, 30*time.Second, func() bool {
		m := member.Map()
		return m != nil && m.SlotsAssigned() == keyslot.Count
	}); err != nil {
		member.Shutdown(context.Background())
		return nil, fmt.Errorf("the cluster did not form: %w", err)
	}
	return member, nil
}

// runDev starts the embedded default deployment in this process: a local
// cluster of data nodes on 127.0.0.1 (free ports, gossiping) and the proxy
// on --port, so `redis-cli -p 6379` talks to the whole cluster at once.
func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vcache dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f devFlags
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	ft.SetChineseLexicon(f.frisoIni)
	log, err := newLogger(stderr, f.logLevel)
	if err != nil {
		return err
	}
	// The nodes and the proxy share this process and its processors:
	// one serving group decides how each serves (internal/serving).
	group, err := servingGroup(f.io, true)
	if err != nil {
		return err
	}
	restoring, err := prepareDevDir(f.dir)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	d := &devCluster{
		f: &f, ctx: ctx, log: log,
		group: group,
		node:  serverFlags{io: f.io, maxmemory: f.maxmemory, policy: f.policy, maxBulk: "512mb", maxClients: 10000, dbfilename: "dump.vcache"},
		errc:  make(chan error, f.nodes+f.spares+1),
	}
	// On the way out, whether the context ended or a server failed: stop
	// every server, then wait for them.
	defer func() {
		cancel()
		d.wg.Wait()
	}()
	if f.autoscale {
		mm, err := node.ParseMemory(f.maxMem)
		if err != nil {
			return fmt.Errorf("--shard-max-memory: %w", err)
		}
		d.shardMem, d.shardOps = uint64(mm), f.maxOps
	}
	first := f.nodes
	if restoring {
		// The saved map may name spares that a split put to work: the
		// coordinator waits for every node it names.
		first += f.spares
	}
	for i := 0; i < first; i++ {
		if err := d.startNode(i); err != nil {
			return err
		}
	}
	member, err := d.joinProxy()
	if err != nil {
		return err
	}
	defer member.Shutdown(context.Background())
	defer member.Leave(context.Background())
	// Spares join the formed cluster: the first map has placed every
	// shard, so they lead none until a split picks one (the replica
	// spread may give them replicas).
	for j := first - f.nodes; j < f.spares; j++ {
		if err := d.startNode(f.nodes + j); err != nil {
			return err
		}
	}
	pcfg := proxy.DefaultConfig()
	pcfg.Version = version
	pcfg.ReadFromReplicas = f.readReplicas
	pcfg.ACLFile = f.aclFile
	pcfg.Serving = d.group
	p, err := proxy.New(pcfg, member.Router(), log.With("component", "proxy"))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(f.bind, f.port))
	if err != nil {
		return err
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		if err := p.Serve(ctx, ln); err != nil {
			d.errc <- fmt.Errorf("proxy: %w", err)
		}
	}()
	spareNote := ""
	if f.spares > 0 {
		spareNote = fmt.Sprintf(" (+%d warm spare)", f.spares)
	}
	fmt.Fprintf(stdout, "vcache dev: %d data nodes%s and the proxy, ready on %s  (try: redis-cli -p %d)\n",
		f.nodes, spareNote, ln.Addr(), ln.Addr().(*net.TCPAddr).Port)
	fmt.Fprintf(stdout, "data nodes (RESP, for a look at one node alone): %s\n", strings.Join(d.addrs, ", "))
	fmt.Fprintln(stdout, devDataNote(f.dir, d.started, member.Map()))
	if a, err := startAdmin(ctx, f.adminAddr, devAdmin(p, ln.Addr().String(), member, d.metrics), nil); err != nil {
		// The cluster works without its status page (the port may be taken).
		fmt.Fprintf(stderr, "vcache dev: no status page: %v\n", err)
	} else if a != "" {
		fmt.Fprintf(stdout, "status page and metrics on http://%s/\n", a)
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-d.errc:
		return err
	}
}

// devClusterConfig is a member config for one machine: gossip on
// 127.0.0.1, no replicas and no budgets (runDev sets them from its flags).
func devClusterConfig(name string, seeds []string, nodes int) cluster.Config {
	c := cluster.DefaultConfig()
	c.Name = name
	c.BindAddr = "127.0.0.1"
	c.BindPort = 0
	c.Seeds = seeds
	c.BootstrapExpect = nodes
	c.Replicas = 0
	c.ProbeInterval = 500 * time.Millisecond
	c.GossipInterval = 50 * time.Millisecond
	c.LoadInterval = 500 * time.Millisecond
	c.ShardMaxMemory, c.ShardMaxOps, c.ShardMaxCPU, c.ShardMaxNetwork, c.ShardMaxConns, c.ShardMaxVectors = 0, 0, 0, 0, 0, 0
	return c
}

// waitUntil polls cond every 20 ms until it holds, ctx ends or d passes.
func waitUntil(ctx context.Context, d time.Duration, cond func() bool) error {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return errors.New("timed out")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// prepareDevDir creates vcache dev's data directory (so a directory that
// cannot be written is an error at start, not at the shutdown save) and
// reports whether it holds a node snapshot to restore.
func prepareDevDir(dir string) (restoring bool, err error) {
	if dir == "" {
		return false, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, fmt.Errorf("--dir: %w (--dir '' keeps everything in memory)", err)
	}
	snaps, err := filepath.Glob(filepath.Join(dir, "node-*", "dump.vcache"))
	return len(snaps) > 0, err
}

// devDataNote is the banner line that says where vcache dev keeps its data
// and what it restored.
func devDataNote(dir string, nodes []*node.Node, m *cluster.Map) string {
	if dir == "" {
		return "data: in memory only (--dir ''): nothing is kept after exit"
	}
	var snaps int
	var saved *cluster.Map
	for _, n := range nodes {
		if r := n.RestoredMap(); r != nil {
			snaps++
			if saved == nil || r.NewerThan(saved) {
				saved = r
			}
		}
	}
	if snaps == 0 {
		return fmt.Sprintf("data: %s (new; saved at exit, restored at the next start)", dir)
	}
	restored := "a new shard map (the saved one was not used)"
	if sameSlots(saved, m) {
		restored = "the saved shard map"
	}
	return fmt.Sprintf("data: %s (restored %d node snapshots with their keys, FT indexes and vector sets; %s: %d shards)",
		dir, snaps, restored, len(m.Shards()))
}

// sameSlots reports whether a and b have the same shards owning the same
// slots.
func sameSlots(a, b *cluster.Map) bool {
	if a == nil || len(a.Shards()) != len(b.Shards()) {
		return false
	}
	for _, s := range a.Shards() {
		o, ok := b.Shard(s.ID)
		if !ok || cluster.FormatRanges(o.Slots) != cluster.FormatRanges(s.Slots) {
			return false
		}
	}
	return true
}

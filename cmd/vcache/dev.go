package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
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
)

// runDev starts the embedded default deployment in this process: a local
// cluster of data nodes on 127.0.0.1 (free ports, gossiping) and the proxy
// on --port, so `redis-cli -p 6379` talks to the whole cluster at once.
func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vcache dev", flag.ContinueOnError)
	fs.SetOutput(stderr)
	nodes := fs.Int("nodes", 3, "data nodes to start")
	spares := fs.Int("spares", 0, "warm spare data nodes: they join once the cluster has formed and own nothing until a split needs a node")
	replicas := fs.Int("replicas", 1, "replicas per shard (at most --nodes - 1; fewer nodes mean fewer)")
	adminAddr := fs.String("admin-addr", "127.0.0.1:8080", "the status page and the proxy's /metrics (empty: off)")
	port := fs.String("port", "6379", "the proxy's port (0 picks a free one)")
	bind := fs.String("bind", "127.0.0.1", "the proxy's address")
	maxmemory := fs.String("maxmemory", "0", "memory limit of each node (e.g. 256mb; 0 = none)")
	policy := fs.String("maxmemory-policy", "allkeys-lru", "eviction policy of each node")
	logLevel := fs.String("loglevel", "info", "log level: debug, info, warn, error")
	dir := fs.String("dir", "vcache-data", "keep the data here: each node snapshots into its own subdirectory at shutdown (and SAVE) and loads it at start, with its FT indexes, vector sets and the shard map (empty: memory only)")
	aclFile := fs.String("aclfile", "", "ACL file of the proxy's users (Redis's format), loaded at start and by ACL LOAD, written by ACL SAVE")
	readReplicas := fs.Bool("read-from-replicas", false, "the proxy sends single-slot reads to replicas (they may miss a write just acknowledged)")
	autoscale := fs.Bool("autoscale", true, "split a shard when any resource reaches 50% of its budget (and merge cold ones)")
	maxOps := fs.Float64("shard-max-ops", 100_000, "ops/s budget of one shard")
	maxMem := fs.String("shard-max-memory", "256mb", "memory budget of one shard")
	io := fs.String("io", "auto", ioFlagHelp+" (auto in dev: the nodes on goroutines, the proxy on a loop, as they share one process)")
	var sc scaleFlags
	sc.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *nodes < 1 || *nodes > 64 {
		return errors.New("--nodes must be between 1 and 64")
	}
	if *spares < 0 || *spares > 64 {
		return errors.New("--spares must be between 0 and 64")
	}
	if *replicas < 0 {
		return errors.New("--replicas must not be negative")
	}
	*replicas = min(*replicas, *nodes-1) // a replica lives on another node
	log, err := newLogger(stderr, *logLevel)
	if err != nil {
		return err
	}
	mode, err := serving.ParseMode(*io)
	if err != nil {
		return fmt.Errorf("--io: %w", err)
	}
	// The nodes and the proxy share this process and its processors: one
	// serving group decides how each serves (internal/serving).
	group := serving.NewGroup(mode, true)
	sf := serverFlags{io: *io, maxmemory: *maxmemory, policy: *policy, maxBulk: "512mb", maxClients: 10000, dbfilename: "dump.vcache"}
	restoring, err := prepareDevDir(*dir)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	errc := make(chan error, *nodes+1)

	var shardMem uint64
	var shardOps float64
	if *autoscale {
		mm, err := node.ParseMemory(*maxMem)
		if err != nil {
			return fmt.Errorf("--shard-max-memory: %w", err)
		}
		shardMem, shardOps = uint64(mm), *maxOps
	}
	var seeds []string
	var devNodes []labeled // each data node's metrics, by name
	var nodeAddrs []string // "name addr" of each data node, for the banner
	var started []*node.Node
	// startNode starts data node i (1-based names) and joins it to seeds.
	startNode := func(i int) error {
		name := fmt.Sprintf("node-%d", i+1)
		nf := sf
		if *dir != "" {
			// A stable name and a directory of its own: a restarted
			// node loads its snapshot and takes its place back.
			nf.dir = filepath.Join(*dir, name)
		}
		cfg, err := nf.nodeConfig()
		if err != nil {
			return err
		}
		cc := devClusterConfig(name, seeds, *nodes)
		cc.Replicas = *replicas
		cc.InitialShards = *nodes
		if *autoscale {
			devBudgets(&cc, shardMem, shardOps, *nodes+*spares)
			cc.MaxShards = 4 * (*nodes + *spares)
		}
		sc.apply(&cc, *nodes)
		cfg.Cluster = &cc
		cfg.Serving = group
		n, err := node.New(cfg, log.With("node", cc.Name))
		if err != nil {
			return err
		}
		started = append(started, n)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := n.Serve(ctx, ln); err != nil {
				errc <- fmt.Errorf("%s: %w", cc.Name, err)
			}
		}()
		if err := waitUntil(ctx, 10*time.Second, func() bool { return n.Cluster() != nil }); err != nil {
			return fmt.Errorf("%s did not join: %w", cc.Name, err)
		}
		if i == 0 {
			seeds = []string{n.Cluster().GossipAddr()}
		}
		devNodes = append(devNodes, labeled{value: cc.Name, write: n.WritePrometheus})
		nodeAddrs = append(nodeAddrs, cc.Name+" "+ln.Addr().String())
		return nil
	}
	first := *nodes
	if restoring {
		// The saved map may name spares that a split put to work: the
		// coordinator waits for every node it names.
		first += *spares
	}
	for i := 0; i < first; i++ {
		if err := startNode(i); err != nil {
			return err
		}
	}

	// The proxy joins the gossip as a listener that owns nothing.
	pc := devClusterConfig("proxy-1", seeds, *nodes)
	pc.Role = cluster.RoleProxy
	// The proxy's status page shows usage against the nodes' budgets.
	if *autoscale {
		devBudgets(&pc, shardMem, shardOps, *nodes+*spares)
	}
	member, err := cluster.New(pc, log.With("component", "proxy-member"))
	if err != nil {
		return err
	}
	if err := member.Start(ctx); err != nil {
		return err
	}
	defer member.Shutdown(context.Background())
	defer member.Leave(context.Background())
	if err := waitUntil(ctx, 30*time.Second, func() bool {
		m := member.Map()
		return m != nil && m.SlotsAssigned() == keyslot.Count
	}); err != nil {
		return fmt.Errorf("the cluster did not form: %w", err)
	}
	// Spares join the formed cluster: the first map has placed every
	// shard, so they own nothing until a split picks one.
	for j := first - *nodes; j < *spares; j++ {
		if err := startNode(*nodes + j); err != nil {
			return err
		}
	}
	pcfg := proxy.DefaultConfig()
	pcfg.Version = version
	pcfg.ReadFromReplicas = *readReplicas
	pcfg.ACLFile = *aclFile
	pcfg.Serving = group
	p, err := proxy.New(pcfg, member.Router(), log.With("component", "proxy"))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(*bind, *port))
	if err != nil {
		return err
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := p.Serve(ctx, ln); err != nil {
			errc <- fmt.Errorf("proxy: %w", err)
		}
	}()
	spareNote := ""
	if *spares > 0 {
		spareNote = fmt.Sprintf(" (+%d warm spare)", *spares)
	}
	fmt.Fprintf(stdout, "vcache dev: %d data nodes%s and the proxy, ready on %s  (try: redis-cli -p %d)\n",
		*nodes, spareNote, ln.Addr(), ln.Addr().(*net.TCPAddr).Port)
	fmt.Fprintf(stdout, "data nodes (RESP, for a look at one node alone): %s\n", strings.Join(nodeAddrs, ", "))
	fmt.Fprintln(stdout, devDataNote(*dir, started, member.Map()))
	if a, err := startAdmin(ctx, *adminAddr, devAdmin(p, ln.Addr().String(), member, devNodes), nil); err != nil {
		// The cluster works without its status page (the port may be taken).
		fmt.Fprintf(stderr, "vcache dev: no status page: %v\n", err)
	} else if a != "" {
		fmt.Fprintf(stdout, "status page and metrics on http://%s/\n", a)
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-errc:
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

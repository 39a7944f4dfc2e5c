package chaos

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// cluster is three data nodes and a proxy, each a real process.
type cluster struct {
	nodes []*proc
	proxy *proc
	tmpfs string  // a node's data directory mounted as a small tmpfs ("" if none)
	full  int     // index of that node
	lab   *netLab // each node in its own network namespace (nil: all on 127.0.0.1)
	// initialShards is the number of shards once the cluster first was
	// healthy: merges never go below it.
	initialShards int
}

// startCluster starts cfg.Nodes data nodes (node i in dir/ni, logging to
// dir/ni.log) and a proxy, and waits until every shard has a replica in
// sync and the proxy routes writes. With diskFull, the last node's data
// directory is a tmpfs of cfg.TmpfsSize. With a lab, node i runs in the
// lab's namespace i at its address there, and the proxy gossips on the
// bridge; cl.stop removes the lab.
func startCluster(ctx context.Context, cfg Config, diskFull bool, lab *netLab) (*cluster, error) {
	cl := &cluster{full: -1, lab: lab}
	host := func(i int) string {
		if lab == nil {
			return "127.0.0.1"
		}
		return lab.addr(i)
	}
	var gossip []string
	ports := make([]int, 0, 2*cfg.Nodes+2)
	for len(ports) < 2*cfg.Nodes+2 {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		if !containsInt(ports, p) {
			ports = append(ports, p)
		}
	}
	for i := 0; i < cfg.Nodes; i++ {
		gossip = append(gossip, fmt.Sprintf("%s:%d", host(i), ports[cfg.Nodes+i]))
	}
	join := strings.Join(gossip, ",")
	for i := 0; i < cfg.Nodes; i++ {
		name := fmt.Sprintf("n%d", i)
		dir := filepath.Join(cfg.Dir, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			cl.stop()
			return nil, err
		}
		if diskFull && i == cfg.Nodes-1 {
			out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d", cfg.TmpfsSize), "tmpfs", dir).CombinedOutput()
			if err != nil {
				cl.stop()
				return nil, fmt.Errorf("mount a tmpfs on %s: %v %s", dir, err, out)
			}
			cl.tmpfs, cl.full = dir, i
		}
		args := []string{"server", "--port", fmt.Sprint(ports[i]), "--gossip", gossip[i], "--join", join,
			"--node-name", name, "--replicas", "1", "--bootstrap-expect", fmt.Sprint(cfg.Nodes), "--dir", dir,
			"--loglevel", "info", "--shard-max-ops", fmt.Sprint(cfg.ShardMaxOps)}
		if cfg.MergeAfter > 0 {
			args = append(args, "--merge-after", cfg.MergeAfter.String())
		}
		switch {
		case cfg.SplitMethod != "":
			args = append(args, "--split-method", cfg.SplitMethod)
		case slices.Contains(cfg.Faults, KillMidSplit):
			args = append(args, "--split-method", "auto") // the fault needs splits by promotion
		}
		bin := cfg.Bin
		if lab != nil {
			args = append(args, "--bind", host(i))
			bin, args = lab.command(i, cfg.Bin, args...)
		}
		cl.nodes = append(cl.nodes, &proc{name: name, bin: bin, args: args, addr: fmt.Sprintf("%s:%d", host(i), ports[i]),
			log: filepath.Join(cfg.Dir, name+".log")})
	}
	px := 2 * cfg.Nodes
	proxyGossip := "127.0.0.1"
	if lab != nil {
		proxyGossip = lab.hostAddr()
	}
	cl.proxy = &proc{name: "proxy", bin: cfg.Bin, addr: fmt.Sprintf("127.0.0.1:%d", ports[px]), log: filepath.Join(cfg.Dir, "proxy.log"),
		args: []string{"proxy", "--port", fmt.Sprint(ports[px]), "--gossip", fmt.Sprintf("%s:%d", proxyGossip, ports[px+1]), "--join", join,
			"--loglevel", "warn", "--shard-max-ops", fmt.Sprint(cfg.ShardMaxOps)}}
	// The nodes wait for each other (bootstrap-expect) before they own
	// slots, but they answer PING at once.
	for _, n := range cl.nodes {
		if err := n.start(ctx, 30*time.Second); err != nil {
			cl.stop()
			return nil, err
		}
	}
	if err := cl.proxy.start(ctx, 30*time.Second); err != nil {
		cl.stop()
		return nil, err
	}
	if err := cl.waitHealthy(ctx, 60*time.Second); err != nil {
		cl.stop()
		return nil, err
	}
	n, err := cl.shardCount(ctx)
	if err != nil {
		cl.stop()
		return nil, err
	}
	cl.initialShards = n
	return cl, nil
}

// stop kills every process, unmounts the tmpfs and removes the lab.
func (cl *cluster) stop() {
	for _, p := range append([]*proc{cl.proxy}, cl.nodes...) {
		if p != nil {
			p.kill()
		}
	}
	if cl.tmpfs != "" {
		_ = exec.Command("umount", cl.tmpfs).Run()
	}
	if cl.lab != nil {
		cl.lab.close()
	}
}

// waitHealthy waits until every node is up and answers, every node's
// CLUSTER SHARDS gives every slot one primary with a replica, all nodes
// agree, and the proxy takes a write that WAIT 1 acknowledges.
func (cl *cluster) waitHealthy(ctx context.Context, timeout time.Duration) error {
	pc := redis.NewClient(&redis.Options{Addr: cl.proxy.addr, MaxRetries: -1, ReadTimeout: 10 * time.Second})
	defer pc.Close()
	return until(ctx, timeout, func() error {
		views, err := cl.shardViews(ctx)
		if err != nil {
			return err
		}
		if err := agree(views, true); err != nil {
			return err
		}
		if err := pc.Set(ctx, "chaos:probe", "1", 0).Err(); err != nil {
			return fmt.Errorf("proxy: SET: %w", err)
		}
		if n, err := pc.Wait(ctx, 1, time.Second).Result(); err != nil || n < 1 {
			return fmt.Errorf("proxy: WAIT 1 answered %d, %v", n, err)
		}
		return nil
	})
}

// slotView is one node's CLUSTER SHARDS: the primary's and replicas'
// node ids of every slot.
type slotView struct {
	node     string
	primary  [16384]string
	replicas [16384]int
}

// shardViews asks every node for CLUSTER SHARDS.
func (cl *cluster) shardViews(ctx context.Context) ([]slotView, error) {
	var views []slotView
	for _, n := range cl.nodes {
		c := redis.NewClient(&redis.Options{Addr: n.addr, MaxRetries: -1, DialTimeout: time.Second, ReadTimeout: 2 * time.Second})
		shards, err := c.ClusterShards(ctx).Result()
		c.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: CLUSTER SHARDS: %w", n.name, err)
		}
		v := slotView{node: n.name}
		for _, s := range shards {
			var primary string
			replicas := 0
			for _, nd := range s.Nodes {
				switch nd.Role {
				case "master":
					if primary != "" {
						return nil, fmt.Errorf("%s: a shard with two primaries (%s, %s)", n.name, primary, nd.ID)
					}
					primary = nd.ID
				case "replica":
					if nd.Health == "online" {
						replicas++
					}
				}
			}
			for _, r := range s.Slots {
				for slot := r.Start; slot <= r.End && slot < 16384; slot++ {
					if v.primary[slot] != "" {
						return nil, fmt.Errorf("%s: slot %d is in two shards", n.name, slot)
					}
					v.primary[slot] = primary
					v.replicas[slot] = replicas
				}
			}
		}
		views = append(views, v)
	}
	return views, nil
}

// agree checks that every view gives every slot a primary (and, with
// replicas, an online replica), and that all views name the same primary.
func agree(views []slotView, replicas bool) error {
	var errs []error
	for _, v := range views {
		missing, noReplica := 0, 0
		for slot := range v.primary {
			if v.primary[slot] == "" {
				missing++
			} else if v.replicas[slot] == 0 {
				noReplica++
			}
		}
		if missing > 0 {
			errs = append(errs, fmt.Errorf("%s: %d slots have no primary", v.node, missing))
		}
		if replicas && noReplica > 0 {
			errs = append(errs, fmt.Errorf("%s: %d slots have no online replica", v.node, noReplica))
		}
	}
	for _, v := range views[1:] {
		diff := 0
		first := -1
		for slot := range v.primary {
			if v.primary[slot] != views[0].primary[slot] {
				diff++
				if first < 0 {
					first = slot
				}
			}
		}
		if diff > 0 {
			errs = append(errs, fmt.Errorf("%s and %s disagree on the owner of %d slots (slot %d: %q vs %q)",
				views[0].node, v.node, diff, first, views[0].primary[first], v.primary[first]))
		}
	}
	return errors.Join(errs...)
}

// roles returns the nodes that are primary of some shard and those that
// are replica of some shard, by index, as node 0's CLUSTER SHARDS says
// (or the first node that answers).
func (cl *cluster) roles(ctx context.Context) (primaries, replicas []int, err error) {
	ids := map[string]int{}
	for i, n := range cl.nodes {
		if n.isPaused() || !n.running() {
			continue
		}
		c := redis.NewClient(&redis.Options{Addr: n.addr, MaxRetries: -1, DialTimeout: time.Second, ReadTimeout: 2 * time.Second})
		id, err := c.ClusterMyID(ctx).Result()
		c.Close()
		if err == nil {
			ids[id] = i
		}
	}
	for _, n := range cl.nodes {
		if n.isPaused() || !n.running() {
			continue
		}
		c := redis.NewClient(&redis.Options{Addr: n.addr, MaxRetries: -1, DialTimeout: time.Second, ReadTimeout: 2 * time.Second})
		shards, e := c.ClusterShards(ctx).Result()
		c.Close()
		if e != nil {
			err = e
			continue
		}
		p, r := map[int]bool{}, map[int]bool{}
		for _, s := range shards {
			for _, nd := range s.Nodes {
				i, ok := ids[nd.ID]
				if !ok {
					continue
				}
				if nd.Role == "master" {
					p[i] = true
				} else {
					r[i] = true
				}
			}
		}
		return keys(p), keys(r), nil
	}
	return nil, nil, fmt.Errorf("no node answered CLUSTER SHARDS: %v", err)
}

func keys(m map[int]bool) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

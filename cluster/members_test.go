package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestProxyFollowsTheMapAndNeverCoordinates(t *testing.T) {
	cs := startCluster(t, 3, nil)
	cfg := testConfig("a-proxy", 6379) // sorts before every data node
	cfg.Role = RoleProxy
	proxy := startMember(t, cfg)
	join(t, proxy, cs[0])
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	maps := proxy.Watch(ctx)
	all := append([]*Cluster{proxy}, cs...)
	waitFor(t, 10*time.Second, "one map on data nodes and proxy", func() bool { return converged(all) })
	m := proxy.Map()
	if m.Coordinator() != "n1" || proxy.IsCoordinator() {
		t.Fatalf("coordinator %s, proxy coordinates: %v", m.Coordinator(), proxy.IsCoordinator())
	}
	if _, ok := m.Node("a-proxy"); ok {
		t.Fatal("the proxy owns something")
	}
	for slot := range 16384 {
		addr, ok := m.AddrOfSlot(slot)
		s, _ := m.Owner(slot)
		if !ok || addr != cs[0].Map().Addr(s.Primary) {
			t.Fatalf("proxy routes slot %d to %q", slot, addr)
		}
	}
	var last *Map
	for last == nil || last.Epoch() == 0 {
		select {
		case last = <-maps:
		case <-time.After(10 * time.Second):
			t.Fatal("Watch delivered no map")
		}
	}
	cancel()
	for range maps { // drains, then ends: closed when ctx ends
	}
}

func TestWatchClosesAtShutdown(t *testing.T) {
	c := startMember(t, testConfig("solo", 7001))
	ch := c.Watch(context.Background())
	if m := <-ch; m == nil || m.Epoch() != 0 {
		t.Fatalf("first map %v, want the empty one", m)
	}
	stopMember(t, c)
	open := 0
	for range ch { // at most the one map buffered, then closed
		if open++; open > 1 {
			t.Fatal("channel still delivering after Shutdown")
		}
	}
	if err := c.Shutdown(context.Background()); err != nil {
		t.Fatalf("second Shutdown: %v", err)
	}
	if err := c.Leave(context.Background()); err != nil {
		t.Fatalf("Leave after Shutdown: %v", err)
	}
}

func TestLeaveFailsOver(t *testing.T) {
	cs := startCluster(t, 3, nil)
	waitFor(t, 10*time.Second, "one map", func() bool { return converged(cs) })
	before := cs[0].Map().Epoch()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := cs[1].Leave(ctx); err != nil {
		t.Fatal(err)
	}
	stopMember(t, cs[1])
	rest := []*Cluster{cs[0], cs[2]}
	waitFor(t, 10*time.Second, "n2 failed over", func() bool {
		_, in := cs[0].Map().Node("n2")
		return !in && converged(rest) && cs[0].Map().Epoch() > before
	})
	checkCoverage(t, rest)
}

func TestEncryptedGossip(t *testing.T) {
	key := []byte("0123456789abcdef")
	cs := startCluster(t, 3, func(c *Config) { c.SecretKey = key })
	waitFor(t, 10*time.Second, "one map over encrypted gossip", func() bool { return converged(cs) })
	cfg := testConfig("intruder", 7009)
	cfg.SecretKey = []byte("fedcba9876543210")
	other := startMember(t, cfg)
	if _, err := other.Join([]string{cs[0].GossipAddr()}); err == nil {
		t.Fatal("a member with another key joined")
	}
	if n := len(cs[0].Members()); n != 3 {
		t.Fatalf("%d members after the intruder tried", n)
	}
}

func TestNameConflictIsRefused(t *testing.T) {
	cs := startCluster(t, 2, func(c *Config) { c.BootstrapExpect = 2 })
	waitFor(t, 10*time.Second, "one map", func() bool { return converged(cs) })
	twin := startMember(t, testConfig("n2", 7010))
	if _, err := twin.Join([]string{cs[0].GossipAddr()}); !errors.Is(err, ErrNameConflict) {
		t.Fatalf("Join with a taken name: %v, want ErrNameConflict", err)
	}
	if m, _ := cs[0].Map().Member("n2"); m.Addr != "127.0.0.1:7002" {
		t.Fatalf("n2 is now %+v", m)
	}
}

func TestScaleOutHookAndNewNode(t *testing.T) {
	loads := map[string]*fakeLoad{}
	asked := make(chan ScaleOutRequest, 4)
	tweak := func(c *Config) {
		f := &fakeLoad{}
		loads[c.Name] = f
		c.Load = f
		c.MaxShardsPerNode = 2
		c.Cooldown = time.Minute
		c.ScaleOut = func(ctx context.Context, req ScaleOutRequest) error {
			asked <- req
			return nil
		}
	}
	cs := startCluster(t, 3, tweak)
	waitFor(t, 10*time.Second, "one map", func() bool { return converged(cs) })
	hot, _ := cs[0].Map().ShardsOf("n3")
	loads["n3"].set(NodeLoad{Shards: []ShardLoad{{Shard: hot[0].ID, Ops: 70_000}}}, nil)

	var req ScaleOutRequest
	select {
	case req = <-asked:
	case <-time.After(20 * time.Second):
		t.Fatal("the scale-out hook was not called")
	}
	if req.Shard != hot[0].ID || req.Resource != ResOps || req.DataNodes != 3 {
		t.Fatalf("scale-out request %+v", req)
	}
	// The "command" brings a node up.
	cfg := testConfig("n4", 7004)
	tweak(&cfg)
	n4 := startMember(t, cfg)
	join(t, n4, cs[0])
	all := append(cs, n4)
	waitFor(t, 20*time.Second, "the split lands on n4", func() bool {
		p, _ := all[0].Map().ShardsOf("n4")
		return converged(all) && len(p) == 1 && len(p[0].Slots) > 0
	})
	var joined *Event
	for _, e := range cs[0].Events(100) {
		if e.Kind == EventScaleOut && strings.Contains(e.Detail, "n4 joined") {
			joined = &e
		}
	}
	if joined == nil || joined.Duration <= 0 {
		t.Fatalf("no scale-out event with a duration: %+v", cs[0].Events(100))
	}
	select {
	case r := <-asked:
		t.Fatalf("hook called again: %+v", r)
	default:
	}
}

func TestExecScaleOut(t *testing.T) {
	out := filepath.Join(t.TempDir(), "asked")
	hook := ExecScaleOut(`echo "$VCACHE_SCALE_SHARD $VCACHE_SCALE_RESOURCE $VCACHE_DATA_NODES" > ` + out)
	if err := hook(context.Background(), ScaleOutRequest{Shard: 7, Resource: ResMemory, Usage: 0.6, DataNodes: 3}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil || strings.TrimSpace(string(got)) != "7 memory 3" {
		t.Fatalf("command saw %q, %v", got, err)
	}
	if err := ExecScaleOut("exit 3")(context.Background(), ScaleOutRequest{}); err == nil {
		t.Fatal("a failing command returned no error")
	}
}

// gateMigrator is a Migrator that holds every migration until released.
type gateMigrator struct {
	started chan MigrationTask
	release chan struct{}
}

func (g *gateMigrator) Migrate(ctx context.Context, t MigrationTask) error {
	select {
	case g.started <- t:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-g.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func TestMigrationFlipsAfterTheMigratorIsDone(t *testing.T) {
	loads := map[string]*fakeLoad{}
	gate := &gateMigrator{started: make(chan MigrationTask, 1), release: make(chan struct{})}
	cs := startCluster(t, 3, func(c *Config) {
		f := &fakeLoad{}
		loads[c.Name] = f
		c.Load = f
		c.Cooldown = time.Minute
		c.Migrator = gate
	})
	waitFor(t, 10*time.Second, "one map", func() bool { return converged(cs) })
	hot, _ := cs[0].Map().ShardsOf("n2")
	loads["n2"].set(NodeLoad{Shards: []ShardLoad{{Shard: hot[0].ID, Memory: 700 << 20}}}, nil)

	var task MigrationTask
	select {
	case task = <-gate.started:
	case <-time.After(20 * time.Second):
		t.Fatal("no migration started")
	}
	if task.From != hot[0].ID || task.TargetAddr == "" || task.Kind != MoveSplit {
		t.Fatalf("task %+v", task)
	}
	slot := task.Slots[0].Start
	waitFor(t, 10*time.Second, "n2 sees the migration", func() bool {
		_, ok := cs[1].Map().MigrationOf(slot)
		return ok
	})
	m := cs[1].Map()
	if ok, r := m.RouteKeys(slot, "n2", false, 1, 1); ok || !sameRoute(r, &Redirect{ErrAsk, slot, task.TargetAddr}) {
		t.Fatalf("source with a moved key: %v %v", ok, r)
	}
	if ok, _ := m.Route(slot, "n2"); !ok {
		t.Fatal("the source stopped owning the slot before the flip")
	}
	close(gate.release)
	waitFor(t, 10*time.Second, "the flip", func() bool {
		s, _ := cs[1].Map().Owner(slot)
		return s.ID == task.To && len(cs[1].Map().Migrations()) == 0 && converged(cs)
	})
	checkCoverage(t, cs)
}

func TestColdShardsMergeDownToMinShards(t *testing.T) {
	loads := map[string]*fakeLoad{}
	cs := startCluster(t, 3, func(c *Config) {
		f := &fakeLoad{}
		loads[c.Name] = f
		c.Load = f
		c.MergeWindow = 300 * time.Millisecond
		c.MinShards = 2
		c.Cooldown = time.Minute
	})
	waitFor(t, 10*time.Second, "one map", func() bool { return converged(cs) })
	for _, c := range cs {
		prim, _ := c.Map().ShardsOf(c.Self())
		loads[string(c.Self())].set(NodeLoad{Shards: []ShardLoad{{Shard: prim[0].ID, Memory: 1 << 20, Ops: 10}}}, nil)
	}
	waitFor(t, 20*time.Second, "two shards left", func() bool {
		m := cs[0].Map()
		return converged(cs) && len(m.Shards()) == 2 && len(m.Migrations()) == 0
	})
	checkCoverage(t, cs)
	var merged bool
	for _, e := range cs[0].Events(100) {
		merged = merged || (e.Kind == EventMerge && strings.HasPrefix(e.Detail, "done"))
	}
	if !merged {
		t.Fatalf("no merge event: %+v", cs[0].Events(100))
	}
}

func TestLargerClusterFailsOver(t *testing.T) {
	cs := startCluster(t, 6, func(c *Config) { c.BootstrapExpect = 6 })
	waitFor(t, 15*time.Second, "one map on six members", func() bool { return converged(cs) })
	stopMember(t, cs[4])
	rest := append(cs[:4:4], cs[5])
	waitFor(t, 15*time.Second, "n5 failed over and every member up", func() bool {
		_, in := cs[0].Map().Node("n5")
		if in || !converged(rest) {
			return false
		}
		for _, c := range rest {
			if c.Map().Down() {
				return false
			}
		}
		return true
	})
	checkCoverage(t, rest)
	checkReplicas(t, rest[0].Map(), 1)
}

func TestRouterFollowsTheMap(t *testing.T) {
	cs := startCluster(t, 3, nil)
	cfg := testConfig("proxy", 6379)
	cfg.Role = RoleProxy
	proxy := startMember(t, cfg)
	join(t, proxy, cs[0])
	r := proxy.Router()
	changed := r.Changed()
	waitFor(t, 10*time.Second, "the proxy's map", func() bool { return converged(append(cs, proxy)) })
	select {
	case <-changed:
	default:
		t.Fatal("Changed not closed after the first map")
	}
	if got := r.Addrs(); len(got) != 3 || got[0] != "127.0.0.1:7001" || got[2] != "127.0.0.1:7003" {
		t.Fatalf("Addrs = %v", got)
	}
	addr, ok := r.Lookup(0)
	if want, _ := cs[0].Map().AddrOfSlot(0); !ok || addr != want {
		t.Fatalf("Lookup(0) = %q %v, want %q", addr, ok, want)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.Refresh(ctx); err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	changed = r.Changed()
	stopMember(t, cs[2])
	select {
	case <-changed:
	case <-time.After(15 * time.Second):
		t.Fatal("Changed not closed by the failover")
	}
	waitFor(t, 10*time.Second, "the proxy stops routing to n3", func() bool {
		for slot := range 16384 {
			if a, _ := r.Lookup(slot); a == "127.0.0.1:7003" {
				return false
			}
		}
		return len(r.Addrs()) == 2
	})
}

func TestSeedsJoinedAtStartAndRetried(t *testing.T) {
	// A free port for the seed, which starts after the member that names it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	seedPort := l.Addr().(*net.TCPAddr).Port
	l.Close()

	cfg := testConfig("n2", 7002)
	cfg.BootstrapExpect = 2
	cfg.Seeds = []string{fmt.Sprintf("127.0.0.1:%d", seedPort)}
	early := startMember(t, cfg) // its seed is not up: Start still succeeds

	seedCfg := testConfig("n1", 7001)
	seedCfg.BootstrapExpect = 2
	seedCfg.BindPort = seedPort
	seed := startMember(t, seedCfg)
	waitFor(t, 10*time.Second, "the member finds its seed", func() bool { return converged([]*Cluster{seed, early}) })
}

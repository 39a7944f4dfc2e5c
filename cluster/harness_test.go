package cluster

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/testutil"
)

var logLevel = flag.String("cluster.log", "", "log cluster members at this level (debug, info, warn) to stderr")

// testLogger returns a logger for test members: silent unless -cluster.log.
func testLogger() *slog.Logger {
	var l slog.Level
	if *logLevel == "" || l.UnmarshalText([]byte(*logLevel)) != nil {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

// testConfig returns a data node config with gossip timers shrunk for tests
// on 127.0.0.1. The RESP address is fake unless the test overrides it.
func testConfig(name string, respPort int) Config {
	c := DefaultConfig()
	c.Name = name
	c.Addr = fmt.Sprintf("127.0.0.1:%d", respPort)
	c.BindAddr = "127.0.0.1"
	c.BindPort = 0
	c.ProbeInterval = 200 * time.Millisecond
	c.ProbeTimeout = 100 * time.Millisecond
	c.GossipInterval = 20 * time.Millisecond
	c.SuspicionMult = 2
	c.PushPullInterval = 500 * time.Millisecond
	c.TCPTimeout = 5 * time.Second // generous: tests share two busy cores
	c.DeadNodeReclaimTime = time.Millisecond
	c.ReconnectInterval = 200 * time.Millisecond
	c.LoadInterval = 100 * time.Millisecond
	c.BootstrapExpect = 3
	c.ScaleWindow = 300 * time.Millisecond
	c.Cooldown = 500 * time.Millisecond
	c.MergeWindow = time.Hour
	return c
}

// startMember starts a member and stops it (crash-style) at the end of the
// test.
func startMember(t testing.TB, cfg Config) *Cluster {
	t.Helper()
	c, err := New(cfg, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopMember(t, c) })
	return c
}

// stopMember shuts a member down without leaving: the others see a crash.
func stopMember(t testing.TB, c *Cluster) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Shutdown(ctx); err != nil {
		t.Errorf("shutdown %s: %v", c.Self(), err)
	}
}

// join makes c join the gossip through seed.
func join(t testing.TB, c *Cluster, seed *Cluster) {
	t.Helper()
	if _, err := c.Join([]string{seed.GossipAddr()}); err != nil {
		t.Fatalf("%s joins %s: %v", c.Self(), seed.Self(), err)
	}
}

// startCluster starts n data nodes named n1..nn that join the first.
func startCluster(t testing.TB, n int, tweak func(*Config)) []*Cluster {
	t.Helper()
	var cs []*Cluster
	for i := range n {
		cfg := testConfig(fmt.Sprintf("n%d", i+1), 7001+i)
		if tweak != nil {
			tweak(&cfg)
		}
		c := startMember(t, cfg)
		if i > 0 {
			join(t, c, cs[0])
		}
		cs = append(cs, c)
	}
	return cs
}

// waitFor polls cond until it holds, failing the test after d.
func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	testutil.WaitFor(t, d, cond, what)
}

// converged reports whether every member has the same non-empty map and
// sees all of them alive.
func converged(cs []*Cluster) bool {
	first := cs[0].Map()
	if first.Epoch() == 0 {
		return false
	}
	for _, c := range cs {
		m := c.Map()
		if m.Epoch() != first.Epoch() || m.Coordinator() != first.Coordinator() || len(m.Members()) != len(cs) {
			return false
		}
	}
	return true
}

// checkCoverage waits until every slot has exactly one serving primary
// among cs, each deciding with its own map; it fails at once if a slot ever
// has two. (A member starved of CPU may briefly count itself in a minority
// and serve nothing, hence the wait.)
func checkCoverage(t *testing.T, cs []*Cluster) {
	t.Helper()
	var unserved int
	waitFor(t, 10*time.Second, "every slot served once", func() bool {
		owners := make([]int, keyslot.Count)
		for _, c := range cs {
			m := c.Map()
			for slot := range keyslot.Count {
				if ok, _ := m.Route(slot, c.Self()); ok {
					owners[slot]++
				}
			}
		}
		unserved = 0
		for slot, n := range owners {
			if n > 1 {
				t.Fatalf("slot %d has %d serving owners", slot, n)
			}
			if n == 0 {
				unserved++
			}
		}
		return unserved == 0
	})
}

// checkReplicas fails unless every shard's replicas are on nodes other than
// its primary and each other.
func checkReplicas(t *testing.T, m *Map, want int) {
	t.Helper()
	for _, s := range m.Shards() {
		if len(s.Replicas) != want {
			t.Fatalf("shard %d has %d replicas, want %d", s.ID, len(s.Replicas), want)
		}
		all := append([]NodeID{s.Primary}, s.Replicas...)
		slices.Sort(all)
		if len(slices.Compact(all)) != len(s.Replicas)+1 {
			t.Fatalf("shard %d has two roles on one node: %v", s.ID, all)
		}
	}
}

// fakeLoad is a LoadSource whose load the test sets.
type fakeLoad struct {
	mu    sync.Mutex // guards load and slots
	load  NodeLoad
	slots map[int]SlotStat
}

func (f *fakeLoad) Load() NodeLoad {
	f.mu.Lock()
	defer f.mu.Unlock()
	l := f.load
	l.Shards = slices.Clone(l.Shards)
	return l
}

func (f *fakeLoad) SlotStats(rs []SlotRange) []SlotStat {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []SlotStat
	for _, r := range rs {
		for s := r.Start; s <= r.End; s++ {
			if st, ok := f.slots[s]; ok {
				out = append(out, st)
			}
		}
	}
	return out
}

func (f *fakeLoad) set(l NodeLoad, slots map[int]SlotStat) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.load, f.slots = l, slots
}

package cluster

import (
	"fmt"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/testutil"
)

func TestThreeMembersConverge(t *testing.T) {
	cs := startCluster(t, 3, nil)
	waitFor(t, 10*time.Second, "one map on all members", func() bool { return converged(cs) })
	m := cs[0].Map()
	if got := m.SlotsAssigned(); got != keyslot.Count {
		t.Fatalf("map assigns %d slots, want %d", got, keyslot.Count)
	}
	if len(m.Shards()) != 3 {
		t.Fatalf("%d shards, want one per node", len(m.Shards()))
	}
	checkReplicas(t, m, 1)
	checkCoverage(t, cs)
	if m.Coordinator() != "n1" {
		t.Fatalf("coordinator %s, want n1 (sorts first)", m.Coordinator())
	}
	primaries := map[NodeID]bool{}
	for _, s := range m.Shards() {
		primaries[s.Primary] = true
	}
	if len(primaries) != 3 {
		t.Fatalf("primaries %v: want one shard led by each node", primaries)
	}
}

func TestKilledPrimaryFailsOver(t *testing.T) {
	cs := startCluster(t, 3, nil)
	waitFor(t, 10*time.Second, "one map", func() bool { return converged(cs) })
	before := cs[0].Map()
	victim := cs[2] // n3: a primary, not the coordinator
	prim, _ := before.ShardsOf(victim.Self())
	if len(prim) == 0 {
		t.Fatal("n3 leads no shard")
	}
	lost := prim[0]
	wantPrimary := lost.Replicas[0]

	stopMember(t, victim) // a crash: no Leave
	alive := cs[:2]
	waitFor(t, 15*time.Second, "failover of n3's shard", func() bool {
		if !converged(alive) {
			return false
		}
		s, ok := alive[0].Map().Shard(lost.ID)
		return ok && s.Primary == wantPrimary
	})
	after := alive[0].Map()
	if after.Epoch() <= before.Epoch() {
		t.Fatalf("epoch %d after failover, was %d: want a bump", after.Epoch(), before.Epoch())
	}
	if _, ok := after.Node(victim.Self()); ok {
		t.Fatal("the dead node is still in the map")
	}
	checkCoverage(t, alive)
	// The map still names the dead node's slots' new owner in MOVED.
	slot := lost.Slots[0].Start
	addr, _ := after.AddrOfSlot(slot)
	if want := after.Addr(wantPrimary); addr != want {
		t.Fatalf("slot %d at %s, want promoted replica's %s", slot, addr, want)
	}
	// With two nodes left every shard gets its replica back on the other.
	waitFor(t, 10*time.Second, "replicas placed again", func() bool {
		for _, s := range alive[0].Map().Shards() {
			if len(s.Replicas) != 1 {
				return false
			}
		}
		return converged(alive)
	})
	checkReplicas(t, alive[0].Map(), 1)
	found := false
	for _, e := range alive[0].Events(100) {
		found = found || (e.Kind == EventFailover && e.Shard == lost.ID)
	}
	if !found {
		t.Fatalf("no failover event for shard %d in %v", lost.ID, alive[0].Events(100))
	}
}

func TestFourthNodeReceivesSplitShard(t *testing.T) {
	loads := map[string]*fakeLoad{}
	tweak := func(c *Config) {
		f := &fakeLoad{}
		loads[c.Name] = f
		c.Load = f
		c.MaxShardsPerNode = 2 // three nodes with a primary and a replica each are full
		c.Cooldown = time.Minute
	}
	cs := startCluster(t, 3, tweak)
	waitFor(t, 10*time.Second, "one map", func() bool { return converged(cs) })
	cfg := testConfig("n4", 7004)
	tweak(&cfg)
	spare := startMember(t, cfg)
	join(t, spare, cs[0])
	all := append(cs, spare)
	waitFor(t, 10*time.Second, "n4 in every view", func() bool { return converged(all) })
	if p, r := spare.Map().ShardsOf("n4"); len(p)+len(r) != 0 {
		t.Fatal("the fourth node got a shard before anything asked for one")
	}

	// n2's shard runs hot in memory, its load all in its last 100 slots.
	m := cs[0].Map()
	hot, _ := m.ShardsOf("n2")
	s := hot[0]
	last := s.Slots[len(s.Slots)-1].End
	slots := map[int]SlotStat{}
	for slot := last - 99; slot <= last; slot++ {
		slots[slot] = SlotStat{Slot: slot, Keys: 10, Bytes: 1 << 20}
	}
	loads["n2"].set(NodeLoad{Shards: []ShardLoad{{Shard: s.ID, Memory: 600 << 20}}}, slots)

	waitFor(t, 20*time.Second, "n4 primary of a shard with slots", func() bool {
		if !converged(all) {
			return false
		}
		p, _ := all[0].Map().ShardsOf("n4")
		return len(p) == 1 && len(p[0].Slots) > 0 && len(all[0].Map().Migrations()) == 0
	})
	after := all[0].Map()
	p, _ := after.ShardsOf("n4")
	moved := CountSlots(p[0].Slots)
	// Split by load: the load sits in 100 slots, so about 50 move, not half
	// of the shard's 5000-odd slots.
	if moved < 40 || moved > 60 {
		t.Fatalf("%d slots moved to n4, want about 50 (half the load); events %+v", moved, all[0].Events(100))
	}
	if got := after.SlotsAssigned(); got != keyslot.Count {
		t.Fatalf("%d slots assigned after the split", got)
	}
	checkCoverage(t, all)
	// Events travel by gossip apart from the map: wait for the split's.
	testutil.WaitNil(t, 10*time.Second, func() error {
		var kinds []EventKind
		for _, e := range all[3].Events(100) {
			kinds = append(kinds, e.Kind)
		}
		if !containsKind(kinds, EventSplit) {
			return fmt.Errorf("no split event reached n4: %v", kinds)
		}
		return nil
	})
}

func containsKind(ks []EventKind, k EventKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

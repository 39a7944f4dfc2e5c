package cluster

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/keyslot"
)

func members(specs ...string) []Member {
	var out []Member
	for i, s := range specs {
		id, zone, _ := strings.Cut(s, "@")
		out = append(out, Member{ID: NodeID(id), Role: RoleNode, Zone: zone, Addr: "10.0.0." + string(rune('1'+i)) + ":6379", Boot: uint64(i + 1)})
	}
	return out
}

func byID(ms []Member) map[NodeID]Member {
	out := map[NodeID]Member{}
	for _, m := range ms {
		out[m.ID] = m
	}
	return out
}

func TestBootstrapSpreadsPrimariesAndReplicas(t *testing.T) {
	l, err := bootstrap(1, members("c", "a", "b"), 0)
	if err != nil {
		t.Fatal(err)
	}
	m, err := l.build(1, "a")
	if err != nil {
		t.Fatal(err)
	}
	if m.SlotsAssigned() != keyslot.Count || len(m.Shards()) != 3 {
		t.Fatalf("%d slots in %d shards", m.SlotsAssigned(), len(m.Shards()))
	}
	checkReplicas(t, m, 1)
	roles := map[NodeID]int{}
	for _, s := range m.Shards() {
		roles[s.Primary]++
		roles[s.Replicas[0]]++
	}
	for id, n := range roles {
		if n != 2 {
			t.Fatalf("node %s hosts %d roles, want 2 each: %v", id, n, roles)
		}
	}
}

func TestBootstrapPrefersAnotherZoneForReplicas(t *testing.T) {
	l, err := bootstrap(1, members("a@z1", "b@z1", "c@z2", "d@z2"), 0)
	if err != nil {
		t.Fatal(err)
	}
	zone := byID(members("a@z1", "b@z1", "c@z2", "d@z2"))
	for _, s := range l.shards {
		if zone[s.Primary].Zone == zone[s.Replicas[0]].Zone {
			t.Fatalf("shard %d: primary %s and replica %s in one zone", s.ID, s.Primary, s.Replicas[0])
		}
	}
}

func TestHandleFailures(t *testing.T) {
	p := DefaultConfig().Policy()
	now := time.Unix(1000, 0)
	var events []string
	record := func(k EventKind, s ShardID, d string, dur time.Duration) { events = append(events, string(k)+" "+d) }

	t.Run("primary dies: replica promoted", func(t *testing.T) {
		l := testMap(t).edit()
		alive := members("a", "b")
		l.handleFailures(map[NodeID]failure{"c": {at: now.Add(-time.Second)}}, newPlacer(p, alive, nil, l), now, record, nil)
		if s := l.shard(3); s.Primary != "a" || len(s.Replicas) != 0 {
			t.Fatalf("shard 3 = %+v, want a promoted", s)
		}
		if s := l.shard(2); s.Primary != "b" || len(s.Replicas) != 0 {
			t.Fatalf("shard 2 = %+v, want its dead replica dropped", s)
		}
		l.fillReplicas(newPlacer(p, alive, nil, l), 1)
		m, err := l.build(8, "a")
		if err != nil {
			t.Fatal(err)
		}
		checkReplicas(t, m, 1)
		if _, ok := m.Node("c"); ok {
			t.Fatal("dead node still in the map")
		}
	})
	t.Run("primary and replica die: empty primary placed", func(t *testing.T) {
		l := testMap(t).edit()
		alive := members("a", "x") // b and c gone, x is a spare
		alive[1].ID = "x"
		l.handleFailures(map[NodeID]failure{"b": {at: now}, "c": {at: now}}, newPlacer(p, alive, nil, l), now, record, nil)
		s := l.shard(2)
		if s.Primary != "x" {
			t.Fatalf("shard 2 primary %s, want the spare x (most room)", s.Primary)
		}
		if _, err := l.build(8, "a"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("restarted primary counts as failed", func(t *testing.T) {
		l := testMap(t).edit()
		alive := members("a", "b", "c")
		l.handleFailures(map[NodeID]failure{"a": {at: now, restarted: true}}, newPlacer(p, alive, nil, l), now, record, nil)
		if s := l.shard(1); s.Primary != "b" {
			t.Fatalf("shard 1 primary %s, want its replica b", s.Primary)
		}
	})
	if len(events) == 0 || !strings.Contains(events[0], "promoted replica a") {
		t.Fatalf("events %q", events)
	}
}

func TestFillReplicasRespectsRoom(t *testing.T) {
	p := DefaultConfig().Policy()
	p.MaxShardsPerNode = 2
	l := testMap(t).edit()
	for i := range l.shards {
		l.shards[i].Replicas = nil
	}
	alive := members("a", "b", "c")
	loads := map[NodeID]NodeLoad{"b": {MemoryUsed: 90, MemoryLimit: 100}} // b is full
	l.fillReplicas(newPlacer(p, alive, loads, l), 1)
	for _, s := range l.shards {
		if slices.Contains(s.Replicas, "b") {
			t.Fatalf("replica placed on full node b: %+v", s)
		}
	}
	if got := l.shard(1).Replicas; !slices.Equal(got, []NodeID{"c"}) {
		t.Fatalf("shard 1 replicas %v, want [c]", got)
	}
}

func TestFinishAndAbortMigrations(t *testing.T) {
	l := testMap(t).edit()
	g, err := l.startPlan(Plan{Kind: MoveSplit, Shard: 1, MovingSlots: []SlotRange{{5000, 5460}}, Target: Target{Kind: TargetSpare, Primary: "d"}},
		8, time.Unix(10, 0), byID(members("a", "b", "c", "d")))
	if err != nil {
		t.Fatal(err)
	}
	if g.To != 4 {
		t.Fatalf("new shard %d, want 4", g.To)
	}
	if _, err := l.build(8, "a"); err != nil {
		t.Fatalf("map during the split: %v", err)
	}
	aborted := copyLayout(t, l)
	aborted.abortMigration(g.ID)
	if aborted.shard(4) != nil || len(aborted.migrations) != 0 {
		t.Fatal("abort left the split's shard or migration")
	}
	l.finishMigration(g.ID)
	m, err := l.build(9, "a")
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := m.Owner(5000); s.ID != 4 || s.Primary != "d" {
		t.Fatalf("slot 5000 owned by %+v after the split", s)
	}
	if s, _ := m.Owner(4999); s.ID != 1 {
		t.Fatalf("slot 4999 owned by shard %d", s.ID)
	}
	// Merge shard 4 back into shard 1.
	l = m.edit()
	g, err = l.startPlan(Plan{Kind: MoveMerge, Shard: 4, MovingSlots: []SlotRange{{5000, 5460}}, Target: Target{Kind: TargetShard, Shard: 1}},
		10, time.Unix(20, 0), nil)
	if err != nil {
		t.Fatal(err)
	}
	l.finishMigration(g.ID)
	m, err = l.build(11, "a")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.Shard(4); ok || m.SlotsAssigned() != keyslot.Count {
		t.Fatalf("after the merge: shard 4 still there or %d slots", m.SlotsAssigned())
	}
	if _, ok := m.Node("d"); ok {
		t.Fatal("node d hosts nothing but is still in the map")
	}
}

// copyLayout copies a layout through a built map.
func copyLayout(t *testing.T, l *layout) *layout {
	t.Helper()
	m, err := l.build(1, "t")
	if err != nil {
		t.Fatal(err)
	}
	return m.edit()
}

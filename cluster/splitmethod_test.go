package cluster

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSplitPlanMethod checks which method a due split of shard 1 (primary
// a, replica b) gets under each policy and state of b's copy, and what
// the plan says about it.
func TestSplitPlanMethod(t *testing.T) {
	m := testMap(t)
	alive := members("a", "b", "c", "d")
	whole := map[NodeID]map[ShardID]ShardOffset{"b": {1: {Shard: 1, Offset: 42}}}
	partial := map[NodeID]map[ShardID]ShardOffset{"b": {1: {Shard: 1, Offset: 42, Partial: true}}}
	for _, tc := range []struct {
		name    string
		policy  SplitPolicy
		copies  map[NodeID]map[ShardID]ShardOffset
		alive   []Member
		method  SplitMethod
		target  TargetKind
		primary NodeID
		due     bool
		why     string
	}{
		{"copy policy copies", SplitCopy, whole, alive, MethodCopy, TargetNode, "", true, "--split-method copy"},
		{"auto promotes a whole copy", SplitAuto, whole, alive, MethodPromote, TargetReplica, "b", true, "replica b holds a whole copy (offset 42)"},
		{"auto copies when the replica is in its full sync", SplitAuto, partial, alive, MethodCopy, TargetNode, "", true, "no replica of the shard is in sync"},
		{"auto copies when the replica never reported", SplitAuto, nil, alive, MethodCopy, TargetNode, "", true, "no replica of the shard is in sync"},
		{"auto copies when the replica is gone", SplitAuto, whole, members("a", "c", "d"), MethodCopy, TargetNode, "", true, "no replica of the shard is in sync"},
		{"promote waits for an in-sync replica", SplitPromote, partial, alive, MethodPromote, TargetReplica, "", false, "waiting for one"},
		{"promote promotes a whole copy", SplitPromote, whole, alive, MethodPromote, TargetReplica, "b", true, "replica b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := testPolicy()
			p.SplitMethod = tc.policy
			a := NewAutoscaler(p)
			feed(a, 1, steady(0, 10, 600))
			plan, ok := splitOf(t, a.Plans(t0.Add(10*time.Second), Input{Map: m, Alive: tc.alive, Copies: tc.copies}), 1)
			if !ok {
				t.Fatal("no split plan")
			}
			if plan.Method != tc.method || plan.Target.Kind != tc.target || plan.Due != tc.due {
				t.Fatalf("method %s target %s due %v, want %s %s %v (%s)", plan.Method, plan.Target.Kind, plan.Due,
					tc.method, tc.target, tc.due, plan.Reason)
			}
			if tc.primary != "" && plan.Target.Primary != tc.primary {
				t.Fatalf("target primary %s, want %s", plan.Target.Primary, tc.primary)
			}
			if !strings.Contains(plan.MethodReason, tc.why) || !strings.HasPrefix(plan.MethodReason, "method "+tc.method.String()) {
				t.Fatalf("method reason %q, want it to say %q", plan.MethodReason, tc.why)
			}
		})
	}
}

// TestPromoteLayout checks that a split by promotion makes the replica the
// new shard's primary, and that finishing it hands the halves over: the old
// primary becomes the new shard's replica and the promoted node stays the
// old shard's, so neither shard is left without a copy (fillReplicas has
// nothing to add).
func TestPromoteLayout(t *testing.T) {
	m := testMap(t)
	l := m.edit()
	moving := []SlotRange{{2731, 5460}}
	plan := Plan{Kind: MoveSplit, Shard: 1, MovingSlots: moving, Method: MethodPromote,
		Target: Target{Kind: TargetReplica, Primary: "b"}}
	byID := map[NodeID]Member{}
	for _, n := range m.nodes {
		byID[n.ID] = n
	}
	g, err := l.startPlan(plan, 9, t0, byID)
	if err != nil {
		t.Fatal(err)
	}
	if g.Method != MethodPromote || l.shard(g.To).Primary != "b" || len(l.shard(g.To).Replicas) != 0 {
		t.Fatalf("started %+v, new shard %+v", g, *l.shard(g.To))
	}
	if _, err := l.startPlan(Plan{Kind: MoveSplit, Shard: 1, MovingSlots: moving, Method: MethodPromote,
		Target: Target{Kind: TargetReplica, Primary: "c"}}, 10, t0, byID); err == nil {
		t.Fatal("a split promoted c, which is no replica of shard 1")
	}
	// The map with the migration travels with its method.
	next, err := l.build(8, "a")
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeMessage(encodeMapMsg(next))
	if err != nil {
		t.Fatal(err)
	}
	if gs := back.(mapMsg).m.Migrations(); len(gs) != 1 || gs[0].Method != MethodPromote || gs[0].Kind != MoveSplit {
		t.Fatalf("decoded migrations %+v", gs)
	}
	// Before the flip the new shard gets no replica: the old primary
	// becomes it.
	l.fillReplicas(newPlacer(testPolicy(), members("a", "b", "c", "d"), nil, l), 1)
	if r := l.shard(g.To).Replicas; len(r) != 0 {
		t.Fatalf("a replica was placed for the new shard before the flip: %v", r)
	}
	if _, ok := l.finishMigration(g.ID); !ok {
		t.Fatal("finish failed")
	}
	from, to := l.shard(1), l.shard(g.To)
	if !slices.Equal(from.Replicas, []NodeID{"b"}) || to.Primary != "b" || !slices.Equal(to.Replicas, []NodeID{from.Primary}) ||
		!slices.Equal(to.Slots, moving) || !slices.Equal(from.Slots, []SlotRange{{0, 2730}}) {
		t.Fatalf("after the flip: old %+v new %+v", *from, *to)
	}
	pl := newPlacer(testPolicy(), members("a", "b", "c", "d"), nil, l)
	if notes := l.fillReplicas(pl, 1); len(notes) != 0 {
		t.Fatalf("replicas placed after the flip although both shards have one: %v", notes)
	}
}

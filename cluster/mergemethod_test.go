package cluster

import (
	"strings"
	"testing"
	"time"
)

// TestMergeByPromotion checks the merge plan's method: a cold shard whose
// replica is a neighbour's primary with a whole copy merges into that
// neighbour by promotion (even over an adjacent one), and by copy when the
// copy is partial, the policy is copy, or no such neighbour exists; and
// that starting it keeps the method, refusing a target primary that is no
// replica of the cold shard.
func TestMergeByPromotion(t *testing.T) {
	base := testMap(t) // shard 1 on a (replica b), 2 on b (replica c), 3 on c (replica a)
	l := base.edit()
	l.shard(1).Replicas = []NodeID{"c"}
	replicaOnC, err := l.build(8, "a")
	if err != nil {
		t.Fatal(err)
	}
	alive := members("a", "b", "c")
	whole := func(id NodeID) map[NodeID]map[ShardID]ShardOffset {
		return map[NodeID]map[ShardID]ShardOffset{id: {1: {Shard: 1, Offset: 42}}}
	}
	partial := map[NodeID]map[ShardID]ShardOffset{"b": {1: {Shard: 1, Offset: 42, Partial: true}}}
	for _, tc := range []struct {
		name   string
		m      *Map
		policy SplitPolicy
		copies map[NodeID]map[ShardID]ShardOffset
		into   ShardID
		method SplitMethod
		why    string
	}{
		{"replica b leads the neighbour", base, SplitAuto, whole("b"), 2, MethodPromote, "primary b replicates shard 1 whole"},
		{"replica b's copy is partial", base, SplitAuto, partial, 2, MethodCopy, "no eligible shard's primary holds a whole copy"},
		{"policy copy", base, SplitCopy, whole("b"), 2, MethodCopy, "--split-method copy"},
		{"promotion before adjacency", replicaOnC, SplitAuto, whole("c"), 3, MethodPromote, "primary c replicates shard 1 whole"},
		{"policy promote does not wait", replicaOnC, SplitPromote, nil, 2, MethodCopy, "no eligible"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := testPolicy()
			p.MinShards = 1
			p.SplitMethod = tc.policy
			a := NewAutoscaler(p)
			for i, mem := range []uint64{50, 100, 100} {
				feed(a, ShardID(i+1), steady(0, 60, mem))
			}
			var got *Plan
			for _, pl := range a.Plans(t0.Add(60*time.Second), Input{Map: tc.m, Alive: alive, Copies: tc.copies}) {
				if pl.Kind == MoveMerge && pl.Shard == 1 {
					got = &pl
				}
			}
			if got == nil || !got.Due {
				t.Fatalf("no due merge of shard 1: %+v", got)
			}
			if got.Target.Shard != tc.into || got.Method != tc.method || !strings.Contains(got.MethodReason, tc.why) {
				t.Fatalf("merge into %d by %s (%q), want into %d by %s (%q)", got.Target.Shard, got.Method,
					got.MethodReason, tc.into, tc.method, tc.why)
			}
			g, err := tc.m.edit().startPlan(*got, 9, t0, byID(alive))
			if err != nil || g.Method != tc.method || g.To != tc.into {
				t.Fatalf("started %+v, %v", g, err)
			}
		})
	}
	bad := Plan{Kind: MoveMerge, Shard: 1, MovingSlots: []SlotRange{{0, 5460}}, Method: MethodPromote,
		Target: Target{Kind: TargetShard, Shard: 3, Primary: "c"}}
	if _, err := base.edit().startPlan(bad, 9, t0, byID(alive)); err == nil {
		t.Fatal("a merge promoted c, which is no replica of shard 1")
	}
}

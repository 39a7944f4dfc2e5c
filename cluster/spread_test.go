package cluster

import (
	"slices"
	"strings"
	"testing"
)

// pairLayout is the layout a split by promotion leaves on the first two
// of nodes: shard 1 led by a and replicated by b, shard 2 the other way.
func pairLayout(t *testing.T, nodes ...string) (*layout, []Member) {
	t.Helper()
	ms := members(nodes...)
	l, err := bootstrap(1, ms, 1)
	if err != nil {
		t.Fatal(err)
	}
	to := l.addShard(ms[1])
	l.shard(1).Slots = []SlotRange{{0, 8191}}
	l.shard(1).Replicas = []NodeID{"b"}
	l.shard(to).Slots = []SlotRange{{8192, 16383}}
	l.shard(to).Replicas = []NodeID{"a"}
	return l, ms
}

func TestSpreadReplicasAfterPromotion(t *testing.T) {
	p := DefaultConfig().Policy()
	for _, tc := range []struct {
		nodes []string
		final map[ShardID]NodeID // each shard's replica at the end
	}{
		{[]string{"a", "b", "c"}, map[ShardID]NodeID{1: "c", 2: "c"}},
		{[]string{"a", "b", "c", "d"}, map[ShardID]NodeID{1: "c", 2: "d"}},
	} {
		t.Run(strings.Join(tc.nodes, ""), func(t *testing.T) {
			l, ms := pairLayout(t, tc.nodes...)
			copies := map[NodeID]map[ShardID]ShardOffset{"b": {1: {Shard: 1}}, "a": {2: {Shard: 2}}}
			step := func() string { return l.spreadReplicas(newPlacer(p, ms, nil, l), 1, copies) }
			for _, s := range []ShardID{1, 2} {
				note := step()
				reps := l.shard(s).Replicas
				if len(reps) != 2 || !strings.Contains(note, "new replica "+string(tc.final[s])) {
					t.Fatalf("shard %d: replicas %v after %q, want the old one and %s", s, reps, note, tc.final[s])
				}
				// Throttled: nothing more until the new replica's copy is whole.
				if note := step(); note != "" {
					t.Fatalf("a second step while shard %d's new replica syncs: %q", s, note)
				}
				copies[tc.final[s]] = map[ShardID]ShardOffset{s: {Shard: s, Partial: true}}
				if note := step(); note != "" {
					t.Fatalf("a step while shard %d's new replica's copy is partial: %q", s, note)
				}
				copies[tc.final[s]][s] = ShardOffset{Shard: s}
				note = step()
				if got := l.shard(s).Replicas; !slices.Equal(got, []NodeID{tc.final[s]}) || !strings.Contains(note, "dropped") {
					t.Fatalf("shard %d: replicas %v after %q, want [%s]", s, got, note, tc.final[s])
				}
			}
			if note := step(); note != "" {
				t.Fatalf("a step after the spread: %q (shards %+v)", note, l.shards)
			}
			if _, err := l.build(2, "a"); err != nil {
				t.Fatalf("the spread layout does not build: %v", err)
			}
		})
	}
	t.Run("no node leads nothing", func(t *testing.T) {
		l, ms := pairLayout(t, "a", "b")
		if note := l.spreadReplicas(newPlacer(p, ms, nil, l), 1, map[NodeID]map[ShardID]ShardOffset{"b": {1: {}}, "a": {2: {}}}); note != "" {
			t.Fatalf("moved a replica with no third node: %q", note)
		}
	})
	t.Run("not during a migration", func(t *testing.T) {
		l, ms := pairLayout(t, "a", "b", "c")
		l.migrations = append(l.migrations, Migration{ID: 9, Kind: MoveSplit, From: 1, To: 2, Slots: []SlotRange{{0, 10}}})
		if note := l.spreadReplicas(newPlacer(p, ms, nil, l), 1, map[NodeID]map[ShardID]ShardOffset{"b": {1: {}}, "a": {2: {}}}); note != "" {
			t.Fatalf("moved a replica during a migration: %q", note)
		}
	})
}

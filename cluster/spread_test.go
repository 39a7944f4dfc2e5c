package cluster

import (
	"slices"
	"strings"
	"testing"
	"time"
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
			copies := map[NodeID]map[ShardID]ShardOffset{"b": {1: {Shard: 1}, 2: {Shard: 2}}, "a": {1: {Shard: 1}, 2: {Shard: 2}}}
			st := spreadStep{want: 1, copies: copies, epoch: 7, now: time.Unix(1000, 0), bound: 10 * time.Second, hold: newSpreadHold()}
			step := func() string { st.now = st.now.Add(time.Second); return l.spreadReplicas(newPlacer(p, ms, nil, l), st) }
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
				// Whole, but its primary has not released the old replica
				// (or released it in an older map): it stays.
				primary := l.shard(s).Primary
				for _, released := range []uint64{0, st.epoch - 1} {
					copies[primary][s] = ShardOffset{Shard: s, Released: released}
					if note := step(); note != "" || len(l.shard(s).Replicas) != 2 {
						t.Fatalf("shard %d: replicas %v after %q before its primary released the old one in the current map", s, l.shard(s).Replicas, note)
					}
				}
				copies[primary][s] = ShardOffset{Shard: s, Released: st.epoch}
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
	t.Run("a new replica that does not catch up", func(t *testing.T) {
		l, ms := pairLayout(t, "a", "b", "c")
		copies := map[NodeID]map[ShardID]ShardOffset{"b": {1: {Shard: 1}}, "a": {2: {Shard: 2}}}
		st := spreadStep{want: 1, copies: copies, epoch: 7, now: time.Unix(1000, 0), bound: 10 * time.Second, hold: newSpreadHold()}
		step := func(after time.Duration) string {
			st.now = st.now.Add(after)
			return l.spreadReplicas(newPlacer(p, ms, nil, l), st)
		}
		if note := step(0); !strings.Contains(note, "shard 1: new replica c") {
			t.Fatalf("first step %q, want a new replica c for shard 1", note)
		}
		copies["c"] = map[ShardID]ShardOffset{1: {Shard: 1}} // whole, never released
		for _, after := range []time.Duration{0, 5 * time.Second, 5*time.Second - 1} {
			if note := step(after); note != "" {
				t.Fatalf("a step %v into the wait: %q", after, note)
			}
		}
		note := step(1)
		if got := l.shard(1).Replicas; !slices.Equal(got, []NodeID{"b"}) || !strings.Contains(note, "new replica c dropped") {
			t.Fatalf("after the wait: replicas %v after %q, want the old replica b kept", got, note)
		}
		delete(copies, "c")
		// Shard 1 waits before it moves again (shard 2 may move meanwhile).
		if note := step(time.Second); strings.HasPrefix(note, "shard 1:") || len(l.shard(1).Replicas) != 1 {
			t.Fatalf("shard 1 moved again at once: %q", note)
		}
	})
	t.Run("no node leads nothing", func(t *testing.T) {
		l, ms := pairLayout(t, "a", "b")
		if note := l.spreadReplicas(newPlacer(p, ms, nil, l), spreadStep{want: 1, copies: map[NodeID]map[ShardID]ShardOffset{"b": {1: {}}, "a": {2: {}}}}); note != "" {
			t.Fatalf("moved a replica with no third node: %q", note)
		}
	})
	t.Run("not during a migration", func(t *testing.T) {
		l, ms := pairLayout(t, "a", "b", "c")
		l.migrations = append(l.migrations, Migration{ID: 9, Kind: MoveSplit, From: 1, To: 2, Slots: []SlotRange{{0, 10}}})
		if note := l.spreadReplicas(newPlacer(p, ms, nil, l), spreadStep{want: 1, copies: map[NodeID]map[ShardID]ShardOffset{"b": {1: {}}, "a": {2: {}}}}); note != "" {
			t.Fatalf("moved a replica during a migration: %q", note)
		}
	})
}

package cluster

import (
	"errors"
	"testing"
	"time"
)

// A node that was failed over and came back owns nothing (its shards'
// replicas were placed elsewhere meanwhile), but it still counts towards
// the majority: with three data nodes, the next primary cut off must be
// failed over by the other two, as in Redis Cluster, rather than leave
// both sides without a majority until the partition heals.
func TestPartitionFailoverAfterFailedNodeReturns(t *testing.T) {
	cs, nw := startPartitionable(t, nil)
	waitFor(t, 10*time.Second, "one map", func() bool { return converged(cs) })

	// First cut: n1 fails over and comes back with no role.
	nw.split(map[string]int{"127.0.0.1": 1})
	waitFor(t, 15*time.Second, "majority side fails n1 over", func() bool {
		p, r := cs[1].Map().ShardsOf("n1")
		return len(p) == 0 && len(r) == 0 && converged(cs[1:3]) && servedBy(cs[1])+servedBy(cs[2]) == 16384
	})
	nw.split(nil)
	waitFor(t, 20*time.Second, "one map with every replica after healing", func() bool {
		for _, s := range cs[0].Map().Shards() {
			if len(s.Replicas) != 1 {
				return false
			}
		}
		return converged(cs) && !cs[0].Map().Down()
	})

	// Second cut: a primary among n2 and n3.
	cut := 1
	if p, _ := cs[1].Map().ShardsOf("n2"); len(p) == 0 {
		cut = 2
	}
	victim := cs[cut].Self()
	before := cs[cut].Map().Epoch()
	rest := []*Cluster{cs[0], cs[3-cut]}
	nw.split(map[string]int{"127.0.0." + string(rune('1'+cut)): 1})
	at := time.Now()
	// Detection (suspicion), the step-down wait and two decisions take
	// about 2 s with the test timers; 15 s leaves room for busy cores.
	waitFor(t, 15*time.Second, "the other two fail "+string(victim)+" over", func() bool {
		m := rest[0].Map()
		p, _ := m.ShardsOf(victim)
		return m.Epoch() > before && len(p) == 0 && !m.Down() && !rest[1].Map().Down() &&
			converged(rest) && servedBy(rest[0])+servedBy(rest[1]) == 16384
	})
	t.Logf("%s failed over %.1fs after the cut", victim, time.Since(at).Seconds())
	waitFor(t, 10*time.Second, string(victim)+" in the minority stops serving", func() bool {
		return cs[cut].Map().Down() && servedBy(cs[cut]) == 0
	})
	for slot := 0; slot < 16384; slot += 97 {
		if ok, redirect := cs[cut].Map().Route(slot, victim); ok || !errors.Is(redirect, ErrDown) {
			t.Fatalf("cut-off member routes slot %d: %v %v, want ErrDown", slot, ok, redirect)
		}
	}

	nw.split(nil)
	waitFor(t, 20*time.Second, "one map after healing", func() bool { return converged(cs) })
	checkCoverage(t, cs)
}

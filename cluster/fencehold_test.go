package cluster

import (
	"fmt"
	"testing"
	"time"
)

// leaseEnd returns when x's lease for writes ends.
func leaseEnd(x *Cluster) time.Time { return x.clock.Add(time.Duration(x.lease.Load())) }

// probeFrom makes x send a lease probe at now and hands it to the members
// to, whose acks come back at once.
func probeFrom(x *Cluster, now time.Time, to ...*Cluster) {
	x.loop.lastProbe = time.Time{}
	x.probeLease(now)
	for _, c := range to {
		if ack, ok := c.ackFor(leaseProbeMsg{from: x.Self(), boot: x.boot, seq: x.probeSeq}, now); ok {
			x.takeAck(ack, now)
		}
	}
}

// reportTo hands member from's load report, made at sent, to the
// coordinator c, where it arrives at at.
func reportTo(c, from *Cluster, sent, at time.Time) {
	fl := from.loop
	fl.seq++
	c.takeLoad(loadMsg{from: from.Self(), boot: from.boot, seq: fl.seq, epoch: fl.gossip.epoch, coord: fl.gossip.coord,
		leases: true, acks: from.recentAcks(sent)}, at)
}

// A primary x stalls (its loop sends no probes), then comes back and
// probes again while the coordinator a is about to give its slots away,
// judged from b's load reports and its own acks. Whatever the order of
// x's return, b's reports and a's decision, x must hold no lease once a
// has decided: a member that acked x after the report a decided on would
// let x go on taking writes for the slots a gave to another node. Driven
// by hand with explicit clocks, so every interleaving is tried.
func TestFenceNoLeaseAfterTheTakeoverDecision(t *testing.T) {
	probe := handDriven(t, "a", "a", "b", "x")
	L := probe.cfg.LoadInterval
	decided, violated := 0, 0
	for _, reach := range []string{"", "b", "a", "ab"} {
		for back := 500 * time.Millisecond; back <= 1200*time.Millisecond; back += 20 * time.Millisecond {
			for _, offB := range []time.Duration{0, 3 * L / 10, L / 2, 7 * L / 10} {
				name := fmt.Sprintf("x back at %s to %q, b reports at +%s", back, reach, offB)
				a, b, x := handDriven(t, "a", "a", "b", "x"), handDriven(t, "b", "a", "b", "x"), handDriven(t, "x", "a", "b", "x")
				alive := byID(members("a", "b"))
				var to, toB []*Cluster
				for _, id := range reach {
					to = append(to, map[rune]*Cluster{'a': a, 'b': b}[id])
					if id == 'b' {
						toB = append(toB, b)
					}
				}
				t0 := time.Now()
				probeFrom(x, t0, a, b)
				if !leaseEnd(x).After(t0) {
					t.Fatalf("%s: x holds no lease after a and b acked", name)
				}
				const step = 10 * time.Millisecond
				var decidedAt time.Time
				for d := step; d <= 3*time.Second; d += step {
					now := t0.Add(d)
					if !decidedAt.IsZero() && now.Sub(decidedAt) > 2*L {
						break
					}
					if d >= back && (d-back)%(L/2) == 0 {
						if decidedAt.IsZero() {
							probeFrom(x, now, to...)
						} else {
							// a installed the new map at the decision: its acks
							// name a newer map, which x does not count. b's copy
							// of it is still on the way.
							probeFrom(x, now, toB...)
						}
					}
					if (d-offB)%L == 0 {
						reportTo(a, b, now, now.Add(L/4)) // a quarter interval in flight
					}
					if d%L == 0 && decidedAt.IsZero() {
						a.recentAcks(now) // a's own report
						if !now.Before(a.leaseBound(a.loop.gossip, "x", alive, now)) {
							decidedAt = now
							decided++
						}
					}
					if !decidedAt.IsZero() && leaseEnd(x).After(decidedAt) {
						violated++
						t.Errorf("%s: a decided to give x's slots away at +%s, but x holds a lease until +%s (checked at +%s)",
							name, decidedAt.Sub(t0), leaseEnd(x).Sub(t0), d)
						break
					}
				}
				if reach == "" && decidedAt.IsZero() {
					t.Fatalf("%s: x never came back and a never decided", name)
				}
			}
		}
	}
	t.Logf("%d runs decided a takeover, %d of them with x still leased", decided, violated)
}

// A primary whose loop stalls long enough for the others to hold their
// acks (fencehold.go), but not long enough to be failed over (memberlist
// still answers for it), gets its lease back within the hold after its
// loop resumes: the cost of the hold, with the default timers (-v logs
// it).
func TestLeaseBackAfterStallDefaultTimers(t *testing.T) {
	if testing.Short() {
		t.Skip("stalls a primary with the default timers")
	}
	def := DefaultConfig()
	cs := startCluster(t, 3, func(c *Config) {
		c.GossipInterval, c.LoadInterval = def.GossipInterval, def.LoadInterval
	})
	x := cs[2]
	leasedSlotOf(t, cs, x, 30*time.Second)
	release := freezeLoop(t, x)
	stalled := time.Now()
	waitFor(t, 20*time.Second, "x's lease runs out", func() bool { return x.Fenced(true) })
	// Stall until the others' reports carry a gap that holds their acks.
	time.Sleep(def.holdAt() + 2*def.LoadInterval)
	release()
	back := time.Now()
	waitFor(t, 20*time.Second, "x holds its lease again", func() bool { return !x.Fenced(true) })
	lost := time.Since(back)
	t.Logf("loop stalled %s; lease back %s after the loop resumed (hold %s, load interval %s)",
		back.Sub(stalled).Round(10*time.Millisecond), lost.Round(10*time.Millisecond), def.ackHold(), def.LoadInterval)
	if max := def.ackHold() + 2*def.LoadInterval; lost > max {
		t.Fatalf("x got its lease back %s after its loop resumed, want at most %s (the hold, from a report up to one interval before x's first probe, and a probe round)", lost, max)
	}
	for _, c := range cs {
		if !c.Map().hasNode(x.Self()) {
			t.Fatalf("%s dropped x from its map: the stall was taken for a failure", c.Self())
		}
	}
}

package cluster

import (
	"fmt"
	"slices"
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

// reportOf returns the load report (its part with the acks) that c sends
// at now, as reportLoad makes it.
func reportOf(c *Cluster, now time.Time) loadMsg {
	ls := c.loop
	ls.seq++
	acks, holding := c.recentAcks(now, ls.seq)
	return loadMsg{from: c.Self(), boot: c.boot, seq: ls.seq, epoch: ls.gossip.epoch, coord: ls.gossip.coord,
		leases: true, answers: true, holding: holding, acks: acks}
}

// takeover drives one run of a takeover by hand, with explicit clocks: in
// the map of a (the coordinator), b and x, the primary x stalls (its loop
// sends no probes) once a and b acked it at t0, and comes back at back,
// probing the members in reach every half interval. b reports every
// interval from offB on, a every interval; each report is a quarter
// interval in flight, and so is the answer to it. a decides at its tick
// once x's lease bound has passed, and installs the failover map, which
// reaches b late after the decision (never, if late is zero). x's lease
// is checked for window after the decision.
type takeover struct {
	reach            string
	back, offB, late time.Duration
	window           time.Duration
	// decided is when a decided, after t0; leasedTil, set if x held a
	// lease after that, when it ended; regained, when a did not decide,
	// how long after its return x held a lease again.
	decided, leasedTil, regained time.Duration
}

func (r *takeover) String() string {
	late := "never"
	if r.late > 0 {
		late = r.late.String()
	}
	return fmt.Sprintf("x back at %s to %q, b reports at +%s, failover map at b %s after the decision", r.back, r.reach, r.offB, late)
}

func (r *takeover) run(t *testing.T) {
	a, b, x := handDriven(t, "a", "a", "b", "x"), handDriven(t, "b", "a", "b", "x"), handDriven(t, "x", "a", "b", "x")
	L := a.cfg.LoadInterval
	alive := byID(members("a", "b"))
	var to []*Cluster
	for _, id := range r.reach {
		to = append(to, map[rune]*Cluster{'a': a, 'b': b}[id])
	}
	failover, err := a.loop.gossip.edit().build(a.loop.gossip.epoch+1, "a")
	if err != nil {
		t.Fatal(err)
	}
	type delivery struct {
		at time.Time
		do func(at time.Time)
	}
	var queue []delivery
	send := func(at time.Time, do func(time.Time)) { queue = append(queue, delivery{at, do}) }
	report := func(from, to *Cluster, now time.Time) {
		m := reportOf(from, now)
		send(now.Add(L/4), func(at time.Time) {
			to.takeLoad(m, at)
			if ans, ok := to.answerFor(m); ok {
				send(at.Add(L/4), func(time.Time) { from.takeAnswer(ans) })
			}
		})
	}
	t0 := time.Now()
	probeFrom(x, t0, a, b)
	if !leaseEnd(x).After(t0) {
		t.Fatalf("%s: x holds no lease after a and b acked", r)
	}
	const step = 10 * time.Millisecond
	var decidedAt time.Time
	for d := step; d <= 5*time.Second; d += step {
		now := t0.Add(d)
		if !decidedAt.IsZero() && now.Sub(decidedAt) > r.window {
			break
		}
		for len(queue) > 0 {
			i := slices.IndexFunc(queue, func(q delivery) bool { return !q.at.After(now) })
			if i < 0 {
				break
			}
			q := queue[i]
			queue = slices.Delete(queue, i, i+1)
			q.do(q.at)
		}
		if d >= r.back && (d-r.back)%(L/2) == 0 {
			// After the decision a's acks name the failover map, which x
			// does not count; b's name the old map until its copy comes.
			probeFrom(x, now, to...)
		}
		if (d-r.offB)%L == 0 {
			report(b, a, now)
		}
		if d%L == 0 {
			report(a, b, now)
			if decidedAt.IsZero() {
				if !now.Before(a.leaseBound(a.loop.gossip, "x", alive, now)) {
					decidedAt = now
					r.decided = d
					a.adopt(failover)
					if r.late > 0 {
						send(now.Add(r.late), func(time.Time) { b.adopt(failover) })
					}
				}
				a.decided()
			}
		}
		if !decidedAt.IsZero() && leaseEnd(x).After(decidedAt) {
			r.leasedTil = leaseEnd(x).Sub(t0)
			return
		}
		if r.regained == 0 && d >= r.back && leaseEnd(x).After(now) {
			r.regained = d - r.back + step
		}
	}
	if r.reach == "" && decidedAt.IsZero() {
		t.Fatalf("%s: x never came back and a never decided", r)
	}
	if decidedAt.IsZero() && r.regained == 0 {
		t.Errorf("%s: a did not decide, and x never held a lease again", r)
	}
}

// A primary x stalls (its loop sends no probes), then comes back and
// probes again while the coordinator a is about to give its slots away,
// judged from b's load reports and its own acks. Whatever the order of
// x's return, b's reports and a's decision, x must hold no lease once a
// has decided: a member that acked x after the report a decided on would
// let x go on taking writes for the slots a gave to another node. The
// failover map reaches b only after the check ends here; driven by hand
// with explicit clocks, so every interleaving is tried.
func TestFenceNoLeaseAfterTheTakeoverDecision(t *testing.T) {
	L := testConfig("a", 0).LoadInterval
	decided, violated, regained := 0, 0, time.Duration(0)
	for _, reach := range []string{"", "b", "a", "ab"} {
		for back := 500 * time.Millisecond; back <= 1200*time.Millisecond; back += 20 * time.Millisecond {
			for _, offB := range []time.Duration{0, 3 * L / 10, L / 2, 7 * L / 10} {
				r := &takeover{reach: reach, back: back, offB: offB, window: 2 * L}
				r.run(t)
				if r.decided > 0 {
					decided++
				}
				regained = max(regained, r.regained)
				if r.leasedTil > 0 {
					violated++
					t.Errorf("%s: a decided to give x's slots away at +%s, but x holds a lease until +%s", r, r.decided, r.leasedTil)
				}
			}
		}
	}
	t.Logf("%d runs decided a takeover, %d of them with x still leased; in the others x held a lease again at most %s after it came back",
		decided, violated, regained)
}

// As above, but the failover map reaches b half an interval to five
// intervals after the decision (a loaded member, lost packets until the
// next push), and x's lease is checked for eight intervals after it: b
// must hold its acks to x until the map comes, however late, since a
// decided on its report. With holds that end by the clock alone (three
// intervals after the report), b acked x again and x renewed its lease
// whenever the map took more than about one interval.
func TestFenceNoLeaseWhenTheFailoverMapComesLate(t *testing.T) {
	L := testConfig("a", 0).LoadInterval
	for _, late := range []time.Duration{L / 2, L, 3 * L / 2, 2 * L, 3 * L, 5 * L} {
		decided, violated := 0, 0
		for _, reach := range []string{"b", "ab"} { // x probes b: b's acks count until the map comes
			for back := 500 * time.Millisecond; back <= 1200*time.Millisecond; back += 20 * time.Millisecond {
				for _, offB := range []time.Duration{0, 3 * L / 10, L / 2, 7 * L / 10, 9 * L / 10} {
					r := &takeover{reach: reach, back: back, offB: offB, late: late, window: 8 * L}
					r.run(t)
					if r.decided > 0 {
						decided++
					}
					if r.leasedTil > 0 {
						violated++
						t.Errorf("%s: a decided to give x's slots away at +%s, but x holds a lease until +%s", r, r.decided, r.leasedTil)
					}
				}
			}
		}
		t.Logf("failover map at b %s after the decision: %d runs decided a takeover, %d of them with x still leased", late, decided, violated)
	}
}

// ackAgeOf returns the age of the ack to x in report m.
func ackAgeOf(m loadMsg, x NodeID) (time.Duration, bool) {
	i := slices.IndexFunc(m.acks, func(a ackAge) bool { return a.id == x })
	if i < 0 {
		return 0, false
	}
	return m.acks[i].age, true
}

// A primary x that probed a member during its hold and then fell silent
// again must not stay acked in the member's reports while the hold waits
// for a member that is gone: the report's ack to x ages from x's probe,
// and once it is holdAt old the coordinator can fail x over (and the
// failover map, which drops the gone member too, ends the hold).
func TestHeldProbeAgesLikeAnAck(t *testing.T) {
	b := handDriven(t, "b", "a", "b", "c", "x")
	x := handDriven(t, "x", "a", "b", "c", "x")
	L := b.cfg.LoadInterval
	now := time.Now()
	b.acked["x"] = now.Add(-b.cfg.holdAt())
	reportOf(b, now)
	if acks(b, x, now) {
		t.Fatal("b acked x during its hold")
	}
	// c is gone: the hold is never answered. x probed once at now.
	for d := L; d <= b.cfg.holdAt()+L; d += L {
		m := reportOf(b, now.Add(d))
		if age, ok := ackAgeOf(m, "x"); !ok || age != d {
			t.Fatalf("b's report %s after x's probe says x was acked %s ago (ok %v)", d, age, ok)
		}
	}
	a := handDriven(t, "a", "a", "b", "c", "x")
	at := now.Add(b.cfg.holdAt() + L)
	a.takeLoad(reportOf(b, at), at)
	a.takeLoad(loadMsg{from: "c", boot: a.members["c"].Boot, seq: 1, epoch: 5, coord: "a", leases: true, answers: true,
		acks: []ackAge{{id: "x", age: b.cfg.holdAt() + L}}}, at)
	wait := a.cfg.fenceTime() + a.cfg.fenceMargin()
	if got := a.leaseBound(a.loop.gossip, "x", byID(members("a", "b", "c")), at); got.After(now.Add(wait)) {
		t.Fatalf("x's lease bound is %s after its probe, want at most %s (T and the margin after it)", got.Sub(now), wait)
	}
}

// acks reports whether c acks x's probe at now.
func acks(c, x *Cluster, now time.Time) bool {
	_, ok := c.ackFor(leaseProbeMsg{from: x.Self(), boot: x.boot, seq: 1}, now)
	return ok
}

// A member that holds its acks to x lets the hold go only once every
// other data node took a later report of its own under a map no newer
// than its own: one that answers with a newer map may have decided on
// the held report. A member of an older version, which answers nothing,
// lets it go by the clock as those versions did; one not heard from yet
// must answer.
func TestHoldEndsWhenEveryMemberTookALaterReport(t *testing.T) {
	for _, older := range []bool{false, true} {
		b := handDriven(t, "b", "a", "b", "c", "x")
		x := handDriven(t, "x", "a", "b", "c", "x")
		now := time.Now()
		at := now.Add(b.cfg.LoadInterval)
		b.acked["x"] = now.Add(-b.cfg.holdAt())
		held := reportOf(b, now)
		if !held.holding || acks(b, x, now) {
			t.Fatalf("older %v: b's report with a gap of holdAt to x holds nothing (holding %v)", older, held.holding)
		}
		// x is back: b reports it as acked at its probe, and still asks
		// for answers.
		next := reportOf(b, at)
		if age, ok := ackAgeOf(next, "x"); !next.holding || !ok || age != at.Sub(now) {
			t.Fatalf("older %v: b's report after x's probe: %+v", older, next)
		}
		answer := func(from string, seq, epoch uint64) {
			b.takeAnswer(reportSeenMsg{from: NodeID(from), boot: b.members[NodeID(from)].Boot, to: "b", toBoot: b.boot, seq: seq, epoch: epoch, coord: "a"})
		}
		for _, from := range []string{"a", "c"} {
			b.takeLoad(loadMsg{from: NodeID(from), boot: b.members[NodeID(from)].Boot, seq: 1, epoch: 5, coord: "a",
				leases: true, answers: from == "a" || !older}, at)
		}
		if acks(b, x, at) {
			t.Fatalf("older %v: b acked x before anyone answered", older)
		}
		answer("a", held.seq, 5)
		if !older {
			answer("c", held.seq, 5)
		}
		if acks(b, x, at) {
			t.Fatalf("older %v: b acked x once the others had taken only the report it holds for", older)
		}
		answer("a", next.seq, 5)
		if older {
			if acks(b, x, now.Add(b.cfg.ackHold()-time.Millisecond)) {
				t.Fatal("b acked x before the hold of the older version ran out")
			}
			if !acks(b, x, now.Add(b.cfg.ackHold())) {
				t.Fatal("b did not ack x once a took a later report and the hold of the older version ran out")
			}
			continue
		}
		answer("c", next.seq, 6) // c's map is newer: it may have decided on b's report
		if acks(b, x, at) {
			t.Fatal("b acked x on the word of a member whose map is newer than its own")
		}
		answer("c", next.seq, 5)
		if !acks(b, x, at) {
			t.Fatal("b did not ack x once a and c had taken a later report")
		}
	}
}

// A primary whose loop stalls long enough for the others to hold their
// acks (fencehold.go), but not long enough to be failed over (memberlist
// still answers for it), gets its lease back once the others answered
// each other's reports after its loop resumes: the cost of the hold, with
// the default timers (-v logs it).
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
	t.Logf("loop stalled %s; lease back %s after the loop resumed (load interval %s)",
		back.Sub(stalled).Round(10*time.Millisecond), lost.Round(10*time.Millisecond), def.LoadInterval)
	if max := 3 * def.LoadInterval; lost > max {
		t.Fatalf("x got its lease back %s after its loop resumed, want at most %s (the others' next reports after x's first probe, their answers, and a probe round)", lost, max)
	}
	for _, c := range cs {
		if !c.Map().hasNode(x.Self()) {
			t.Fatalf("%s dropped x from its map: the stall was taken for a failure", c.Self())
		}
	}
}

package cluster

import (
	"context"
	"sync"
	"testing"
	"time"
)

// freezeLoop stops c's loop, as a process starved of CPU stops it, until
// the returned function is called (or the test ends).
func freezeLoop(t *testing.T, c *Cluster) (release func()) {
	t.Helper()
	ch := make(chan struct{})
	select {
	case c.hold <- ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("the loop of %s did not stop", c.Self())
	}
	var once sync.Once
	release = func() { once.Do(func() { close(ch) }) }
	t.Cleanup(release)
	return release
}

// servesWrite reports whether c, deciding with its own published map,
// takes a write to slot as its primary: what the node's routeOK checks.
func servesWrite(c *Cluster, slot int) bool {
	ok, _ := c.Map().Route(slot, c.Self())
	return ok && !c.Fenced(true)
}

// A primary without a replica is cut off while its loop is stopped (a
// starved process: it never gets round to noticing that it lost its
// majority) and a client keeps writing to it. The others declare it
// failed and give its slots to another node, empty. The old primary must
// have stopped acknowledging writes before that node serves the slots:
// every write it acknowledged after that would be lost.
func TestFenceStarvedPrimaryWithoutReplicaStopsWritesBeforeTakeover(t *testing.T) {
	cs, nw := startPartitionable(t, func(c *Config) { c.Replicas = 0 })
	x := cs[2] // n3: not the coordinator
	slot := leasedSlotOf(t, cs, x, 15*time.Second)
	if s, _ := x.Map().Owner(slot); len(s.Replicas) != 0 {
		t.Fatalf("shard %d has replicas %v, want none", s.ID, s.Replicas)
	}

	// The client: a write is acknowledged if n3 would take it.
	var (
		mu      sync.Mutex
		acks    []time.Time
		refused []time.Time
	)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			ok := servesWrite(x, slot)
			at := time.Now()
			mu.Lock()
			if ok {
				acks = append(acks, at)
			} else {
				refused = append(refused, at)
			}
			mu.Unlock()
		}
	}()

	freezeLoop(t, x)
	cutAt := time.Now()
	nw.split(map[string]int{"127.0.0.3": 1})

	// When does another node first take writes for the slot?
	var takeover time.Time
	waitFor(t, 20*time.Second, "another node serves n3's slot", func() bool {
		for _, c := range cs[:2] {
			if servesWrite(c, slot) {
				takeover = time.Now()
				return true
			}
		}
		return false
	})
	time.Sleep(300 * time.Millisecond) // the client goes on writing to n3
	close(stop)
	<-done

	mu.Lock()
	defer mu.Unlock()
	var last time.Time
	late := 0
	for _, at := range acks {
		if at.After(last) {
			last = at
		}
		if !at.Before(takeover) {
			late++
		}
	}
	t.Logf("cut off at 0; n3's last acknowledged write at %s; another node took the slot at %s; %d writes acknowledged, %d refused",
		last.Sub(cutAt).Round(time.Millisecond), takeover.Sub(cutAt).Round(time.Millisecond), len(acks), len(refused))
	if late > 0 {
		t.Fatalf("n3 acknowledged %d writes after another node took slot %d (last %s after the takeover): they are lost",
			late, slot, last.Sub(takeover).Round(time.Millisecond))
	}
	after := 0
	for _, at := range refused {
		if at.After(last) {
			after++
		}
	}
	if after == 0 {
		t.Fatalf("no write was refused after n3's last acknowledged one")
	}
}

// handDriven returns member self of a map of the given members, its loop
// state driven by hand (no network), with the map at epoch 5 adopted.
func handDriven(t *testing.T, self string, ids ...string) *Cluster {
	t.Helper()
	c, err := New(testConfig(self, 7001), testLogger())
	if err != nil {
		t.Fatal(err)
	}
	ms := members(ids...)
	for _, m := range ms {
		c.members[m.ID] = memberRec{Member: m}
		if m.ID == NodeID(self) {
			c.boot = m.Boot
		}
	}
	c.loop = newLoopState(context.Background(), c)
	l, err := bootstrap(0, ms, 0)
	if err != nil {
		t.Fatal(err)
	}
	m, err := l.build(5, NodeID(ids[0]))
	if err != nil {
		t.Fatal(err)
	}
	c.adopt(m)
	return c
}

// A lease needs acks to one probe from a majority with the node's own
// vote, and lasts the fence time from when the probe left; an ack from a
// member with a newer map is no vote.
func TestLeaseNeedsAMajorityOfAcksToOneProbe(t *testing.T) {
	c := handDriven(t, "a", "a", "b", "c", "d", "e")
	ls := c.loop
	if !c.Fenced(true) || !c.Fenced(false) {
		t.Fatal("a holds a lease before any ack")
	}
	sent := time.Now()
	ls.lastProbe = time.Time{}
	c.probeLease(sent)
	seq := c.probeSeq
	p := c.probes[seq]
	sent = p.sent
	ack := func(from string, epoch uint64) {
		c.takeAck(leaseAckMsg{from: NodeID(from), to: "a", toBoot: c.boot, seq: seq, epoch: epoch, coord: "a"}, time.Now())
	}
	ack("b", 5)
	if !c.Fenced(true) {
		t.Fatal("two votes of five gave a lease")
	}
	ack("c", 6) // c has a newer map: it may have moved a's slots
	if !c.Fenced(true) {
		t.Fatal("an ack from a member with a newer map counted")
	}
	c.takeAck(leaseAckMsg{from: "d", to: "a", toBoot: c.boot + 1, seq: seq, epoch: 5, coord: "a"}, time.Now())
	if !c.Fenced(true) {
		t.Fatal("an ack to another run of a counted")
	}
	ack("d", 5)
	if c.Fenced(true) || c.Fenced(false) {
		t.Fatal("acks from b and d (three votes of five) gave no lease")
	}
	if got, want := time.Duration(c.lease.Load()), sent.Add(c.cfg.fenceTime()).Sub(c.clock); got != want {
		t.Fatalf("lease ends %s after the clock's origin, want %s (the probe's send time plus T)", got, want)
	}
	// Writes stop when the lease ends, reads readGrace later.
	c.lease.Store(int64(time.Since(c.clock)) - int64(c.cfg.readGrace())/2)
	if !c.Fenced(true) || c.Fenced(false) {
		t.Fatalf("just after the lease ended: write fenced %v, read fenced %v; want true, false", c.Fenced(true), c.Fenced(false))
	}
	c.lease.Store(int64(time.Since(c.clock)) - int64(c.cfg.readGrace()) - 1)
	if !c.Fenced(false) {
		t.Fatal("reads go on past readGrace")
	}
}

// The coordinator gives a failed primary's slots away only T plus the
// margin after the time by which all but fewer than a majority of the map
// had last acked it, each member's acks as it reported them.
func TestLeaseBoundIsTheMajorityLastAck(t *testing.T) {
	c := handDriven(t, "a", "a", "b", "c", "d", "e")
	ls := c.loop
	now := time.Now()
	c.acked["e"] = now.Add(-5 * time.Second)
	report := func(from string, ago time.Duration) {
		c.takeLoad(loadMsg{from: NodeID(from), boot: c.members[NodeID(from)].Boot, seq: 1, epoch: 5, coord: "a",
			leases: true, answers: true, acks: []ackAge{{id: "e", age: ago}}}, now)
	}
	report("b", 50*time.Millisecond)
	report("c", 2*time.Second)
	report("d", 4*time.Second)
	alive := byID(members("a", "b", "c", "d"))
	wait := c.cfg.fenceTime() + c.cfg.fenceMargin()
	// e needs two acks besides its own vote: the second latest is c's.
	if got, want := c.leaseBound(ls.gossip, "e", alive, now), now.Add(-2*time.Second+wait); !got.Equal(want) {
		t.Fatalf("bound %s, want %s (c's ack plus T and the margin)", got.Sub(now), want.Sub(now))
	}
	// A member the coordinator cannot hear may be acking e right now.
	delete(alive, "d")
	report("b", 3*time.Second)
	if got, want := c.leaseBound(ls.gossip, "e", alive, now), now.Add(-2*time.Second+wait); !got.Equal(want) {
		t.Fatalf("with d failed: bound %s, want %s", got.Sub(now), want.Sub(now))
	}
	delete(alive, "c")
	if got, want := c.leaseBound(ls.gossip, "e", alive, now), now.Add(wait); !got.Equal(want) {
		t.Fatalf("with c and d failed: bound %s, want %s (they may ack it now)", got.Sub(now), want.Sub(now))
	}
	// A report older than quorumWindow says nothing of now either.
	alive = byID(members("a", "b", "c", "d"))
	later := now.Add(c.cfg.quorumWindow() + time.Millisecond)
	if got, want := c.leaseBound(ls.gossip, "e", alive, later), later.Add(wait); !got.Equal(want) {
		t.Fatalf("with stale reports: bound %s after them, want %s", got.Sub(later), wait)
	}
}

// In a rolling upgrade, the coordinator does not decide on the reports of
// members of the older version, whose holds end by the clock, when the
// others' reports suffice: it counts those members as acking the failed
// primary now. When they do not suffice, it counts the older members'
// acks as reported, so the failover still happens.
func TestLeaseBoundLeavesOutOlderVersionsWhenTheOthersSuffice(t *testing.T) {
	c := handDriven(t, "a", "a", "b", "c", "d", "e")
	now := time.Now()
	c.acked["e"] = now.Add(-5 * time.Second)
	report := func(from string, ago time.Duration, answers bool) {
		c.takeLoad(loadMsg{from: NodeID(from), boot: c.members[NodeID(from)].Boot, seq: 1, epoch: 5, coord: "a",
			leases: true, answers: answers, acks: []ackAge{{id: "e", age: ago}}}, now)
	}
	alive := byID(members("a", "b", "c", "d"))
	wait := c.cfg.fenceTime() + c.cfg.fenceMargin()
	bound := func() time.Duration { return c.leaseBound(c.loop.gossip, "e", alive, now).Sub(now) }
	// e needs two acks besides its own vote. c is of the older version.
	report("b", time.Second, true)
	report("c", 4*time.Second, false)
	report("d", 4*time.Second, true)
	if got, want := bound(), wait-time.Second; got != want {
		t.Fatalf("bound %s, want %s (b's ack plus T and the margin: c counts as acking now)", got, want)
	}
	// With d of the older version too, b's report and a's own ack do not
	// suffice: c's and d's count as reported, as in that version.
	report("d", 4*time.Second, false)
	if got, want := bound(), wait-4*time.Second; got != want {
		t.Fatalf("with c and d of the older version: bound %s, want %s (the second latest ack, c's or d's)", got, want)
	}
}

// With the default timers, the replica of a primary that crashed takes
// writes for its slots within the detection time, the fence time and the
// margin: about 5 s (-v logs it).
func TestFailoverTimeDefaultTimers(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a failover with the default timers")
	}
	def := DefaultConfig()
	cs := startCluster(t, 3, func(c *Config) {
		c.ProbeInterval, c.ProbeTimeout, c.SuspicionMult = def.ProbeInterval, def.ProbeTimeout, def.SuspicionMult
		c.GossipInterval, c.LoadInterval = def.GossipInterval, def.LoadInterval
		c.Replicas = 1
	})
	x := cs[2]
	slot := leasedSlotOf(t, cs, x, 30*time.Second)
	shard, _ := x.Map().Owner(slot)
	heir := shard.Replicas[0]
	killed := time.Now()
	stopMember(t, x)
	var took time.Duration
	waitFor(t, 30*time.Second, "the replica takes writes", func() bool {
		for _, c := range cs[:2] {
			if c.Self() == heir && servesWrite(c, slot) {
				took = time.Since(killed)
				return true
			}
		}
		return false
	})
	t.Logf("primary n3 crashed; replica %s took writes to slot %d after %s (fence time %s, margin %s)",
		heir, slot, took.Round(10*time.Millisecond), def.fenceTime(), def.fenceMargin())
	if took > 15*time.Second {
		t.Fatalf("failover took %s", took)
	}
}

// leasedSlotOf waits (up to wait) until the cluster cs has one map and
// every node holds its lease, and returns a slot x leads.
func leasedSlotOf(t *testing.T, cs []*Cluster, x *Cluster, wait time.Duration) int {
	t.Helper()
	waitFor(t, wait, "one map, every lease held", func() bool {
		if !converged(cs) {
			return false
		}
		for _, c := range cs {
			if c.Fenced(true) {
				return false
			}
		}
		return true
	})
	for s := range 16384 {
		if servesWrite(x, s) {
			return s
		}
	}
	t.Fatalf("%s leads no slot: %v", x.Self(), x.Map().Shards())
	return -1
}

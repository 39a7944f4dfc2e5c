package cluster

import (
	"maps"
	"math"
	"slices"
	"time"
)

// Self-fencing by lease.
//
// The majority rule (Cluster.majority) counts the members this one hears.
// That is not proof that a majority still counts this one alive: a member
// starved of CPU, or whose packets are lost one way, keeps hearing the
// others (its queue delivers their reports late, stamped fresh) while they
// have declared it failed and given its slots to another node. A primary
// that goes on acknowledging writes then loses every one of them.
//
// So a data node holds a lease. Once per LoadInterval (and at once when it
// adopts a map) it sends every other node of its map a probe, numbered,
// and remembers when it sent it, on its own clock. A member answers a probe
// with an ack that names the probe and the map the member has. Probes and
// acks are single UDP packets handled on memberlist's goroutine, off the
// loop, so a member whose loop is busy still acks at once and a node's
// lease depends on its own loop only (which sends the probes). When acks
// to one probe came from enough map nodes that, with its own vote, they
// are a majority of the map, the lease runs until the probe's send time
// plus the fence time T (Config.fenceTime). An ack from a member whose map
// is newer does not count: that member may already have moved our slots.
//
//   - Writes: a node whose lease has run out refuses writes to the slots
//     it leads (-CLUSTERDOWN The cluster is down). The check reads the
//     clock when the command runs, not a flag the loop sets, so a node
//     whose loop is starved fences itself all the same.
//   - Reads go on for half the fence margin more (readGrace): until then
//     no other node can have taken a write for the slots, so a read still
//     returns the latest acknowledged value. After that reads are refused
//     too, as Redis Cluster refuses them once a minority master's state
//     is fail (cluster-allow-reads-when-down no, its default).
//   - The others act on a failed primary (promote its replica, or give its
//     slots elsewhere) only after T plus fenceMargin has passed since a
//     majority last acked it (leaseBound): every member reports, with its
//     load, how long ago it last acked each member, and the coordinator
//     takes the time by which all but fewer than a majority had stopped.
//     Any probe that won the old primary a lease was acked by a majority,
//     so by one of those members too, and was sent before that member's
//     last ack: the lease had ended before the new owner serves. The
//     margin covers clocks that run at different rates (T/20) and reports
//     that are up to two LoadIntervals old.
//
// A member whose report is missing, older than ackFresh or names an older
// map than the coordinator's, or that the coordinator sees as failed,
// counts as acking just now: the coordinator waits until it reports. A
// member that reported a gap that can count toward a failover holds its
// acks to that primary until its map is newer or every other data node
// said it took a later report (fencehold.go), so it cannot renew a
// returning primary's lease after the coordinator decided on its report,
// however late the failover map reaches it.
//
// A node alone in its map, a node whose first map just arrived (nobody
// else can own its slots yet) and a member with RequireMajority off are
// not fenced. A member of an older version sends no acks; a node counts
// such a member's vote as before, from its load reports, so a rolling
// upgrade does not fence the upgraded nodes.

// readGrace is how long after its lease ends a node still serves reads of
// the slots it leads.
func (c Config) readGrace() time.Duration { return c.fenceMargin() / 2 }

// fenceTime is T, the length of a lease: quorumWindow, the time a
// member's silence already had to last before it stopped counting.
func (c Config) fenceTime() time.Duration { return c.quorumWindow() }

// fenceMargin is what the others wait on top of T before they act on a
// failed primary: two LoadIntervals for reports in flight and decisions
// coming round, and T/20 for clocks running at different rates.
func (c Config) fenceMargin() time.Duration { return 2*c.LoadInterval + c.fenceTime()/20 }

// noFence is the lease of a member that is never fenced; noLease that of
// a member that has never held one.
const (
	noFence = math.MaxInt64
	noLease = math.MinInt64 / 2
)

// probe is a lease probe this node sent.
type probe struct {
	sent time.Time
	acks map[NodeID]announced // who acked, with the map each had then
}

// leaseProbeMsg asks a member to ack this node's lease.
type leaseProbeMsg struct {
	from NodeID
	boot uint64
	seq  uint64
}

// leaseAckMsg answers probe seq of node to (in its run toBoot); epoch and
// coord name the acking member's map.
type leaseAckMsg struct {
	from   NodeID
	to     NodeID
	toBoot uint64
	seq    uint64
	epoch  uint64
	coord  NodeID
}

func (m leaseProbeMsg) encode() []byte {
	e := encoder{b: []byte{msgLeaseProbe}}
	e.id(m.from)
	e.uvarint(m.boot)
	e.uvarint(m.seq)
	return e.b
}

func (m leaseAckMsg) encode() []byte {
	e := encoder{b: []byte{msgLeaseAck}}
	e.id(m.from)
	e.id(m.to)
	e.uvarint(m.toBoot)
	e.uvarint(m.seq)
	e.uvarint(m.epoch)
	e.id(m.coord)
	return e.b
}

// Fenced reports whether this member must refuse a command on a slot it
// leads because its lease ran out: write says whether the command writes.
// Safe for any goroutine; it reads the clock.
func (c *Cluster) Fenced(write bool) bool {
	until := c.lease.Load()
	if until == noFence {
		return false
	}
	now := int64(time.Since(c.clock))
	if write {
		return now >= until
	}
	return now >= until+int64(c.cfg.readGrace())
}

// extendLease moves the end of the lease to until (on c.clock) if that
// is later. leaseMu held.
func (c *Cluster) extendLease(until time.Time) {
	if u := int64(until.Sub(c.clock)); u > c.lease.Load() {
		c.lease.Store(u)
	}
}

// probeLease sends a lease probe to every other alive data node, at most
// twice per LoadInterval, also before the first map and when alone in
// the map (then the others know when they last heard it). Loop goroutine
// only: a node whose loop stalls sends no probes, and its lease runs out.
func (c *Cluster) probeLease(now time.Time) {
	ls := c.loop
	if c.cfg.Role != RoleNode || !c.cfg.RequireMajority || now.Sub(ls.lastProbe) < c.cfg.LoadInterval/2 {
		return
	}
	ls.lastProbe = now
	m := ls.gossip
	self := c.Self()
	c.leaseMu.Lock()
	defer c.leaseMu.Unlock()
	for seq, p := range c.probes {
		if now.Sub(p.sent) > c.cfg.fenceTime() {
			delete(c.probes, seq)
		}
	}
	c.probeSeq++
	p := &probe{sent: now, acks: map[NodeID]announced{}}
	c.probes[c.probeSeq] = p
	msg := leaseProbeMsg{from: self, boot: c.boot, seq: c.probeSeq}.encode()
	for _, a := range c.aliveMembers() {
		if a.ID == self || a.Role != RoleNode {
			continue
		}
		if ls.legacy[a.ID] {
			// An older version that sends no acks: its vote counts as
			// the majority rule counts it, from its reports.
			if k, ok := ls.known[a.ID]; ok && k.boot == a.Boot && now.Sub(ls.heard[a.ID]) <= c.cfg.quorumWindow() {
				p.acks[a.ID] = announced{epoch: k.epoch, coord: k.coord}
			}
			continue
		}
		c.sendPacket(a.ID, msg)
	}
	if m.epoch > 0 && m.hasNode(self) && 2 > len(m.nodes) {
		c.lease.Store(noFence) // alone: nobody else can take the slots
		return
	}
	if c.lease.Load() == noFence {
		// The map grew from this node alone. The newcomers have been
		// acking its probes since they joined; one fence time to win
		// the first lease with them.
		c.lease.Store(int64(now.Add(c.cfg.fenceTime()).Sub(c.clock)))
	}
	c.countAcks(p, m)
}

// recountLeases counts the acks to every recent probe against m, a newly
// adopted map.
func (c *Cluster) recountLeases(m *Map) {
	c.leaseMu.Lock()
	defer c.leaseMu.Unlock()
	for _, p := range c.probes {
		c.countAcks(p, m)
	}
}

// countAcks extends the lease if the acks to p, from members whose map
// was not newer than m, are with this node's own vote a majority of m.
// leaseMu held.
func (c *Cluster) countAcks(p *probe, m *Map) {
	if m.epoch == 0 || c.lease.Load() == noFence {
		return
	}
	votes := 0
	if m.hasNode(c.Self()) {
		votes = 1
	}
	for id, a := range p.acks {
		if m.hasNode(id) && !newer(a.epoch, a.coord, m.epoch, m.coord) {
			votes++
		}
	}
	if 2*votes > len(m.nodes) {
		c.extendLease(p.sent.Add(c.cfg.fenceTime()))
	}
}

// takeLeasePacket handles a lease probe or ack on memberlist's goroutine,
// not the loop's: a member whose loop is busy still acks at once, and a
// node's lease depends on its own loop only (which sends the probes).
func (c *Cluster) takeLeasePacket(b []byte, now time.Time) {
	msg, err := decodeMessage(b)
	if err != nil {
		c.log.Debug("dropping lease packet", "err", err)
		return
	}
	switch m := msg.(type) {
	case leaseProbeMsg:
		c.takeProbe(m, now)
	case leaseAckMsg:
		c.takeAck(m, now)
	}
}

// takeProbe acks a member's lease probe. Any goroutine.
func (c *Cluster) takeProbe(m leaseProbeMsg, now time.Time) {
	if ack, ok := c.ackFor(m, now); ok {
		c.sendPacket(m.from, ack.encode())
	}
}

// ackFor returns the ack to a member's lease probe and notes when this
// node gave it; false if it gives none. Any goroutine.
func (c *Cluster) ackFor(m leaseProbeMsg, now time.Time) (leaseAckMsg, bool) {
	if m.from == c.Self() {
		return leaseAckMsg{}, false
	}
	c.leaseMu.Lock()
	cur := c.cur.Load()
	if c.deciding[m.from] {
		c.leaseMu.Unlock()
		return leaseAckMsg{}, false // (fencehold.go: ownAck)
	}
	if h, held := c.holding(m.from, cur, now); held {
		h.probed = now // (fencehold.go)
		c.leaseMu.Unlock()
		return leaseAckMsg{}, false
	}
	delete(c.holds, m.from)
	if now.After(c.acked[m.from]) {
		c.acked[m.from] = now
	}
	c.leaseMu.Unlock()
	return leaseAckMsg{from: c.Self(), to: m.from, toBoot: m.boot, seq: m.seq, epoch: cur.epoch, coord: cur.coord}, true
}

// takeAck counts an ack to one of this node's probes. Any goroutine.
func (c *Cluster) takeAck(m leaseAckMsg, now time.Time) {
	if m.to != c.Self() || m.toBoot != c.boot {
		return
	}
	cur := c.cur.Load()
	if newer(m.epoch, m.coord, cur.epoch, cur.coord) {
		// Its map may have moved our slots: its ack is no vote for ours
		// (countAcks) unless we adopt its map, which the loop asks for.
		select {
		case c.refresh <- struct{}{}:
		default:
		}
	}
	c.leaseMu.Lock()
	defer c.leaseMu.Unlock()
	p, ok := c.probes[m.seq]
	if !ok {
		return
	}
	p.acks[m.from] = announced{epoch: m.epoch, coord: m.coord}
	c.countAcks(p, cur)
}

// recentAcks returns, for load report seq, how long ago this node last
// acked each member, for those acked within four fence times, holds its
// acks to the map nodes whose gap can count toward a failover, and says
// whether a hold waits for the members' answers to the report
// (fencehold.go). Loop goroutine only.
func (c *Cluster) recentAcks(now time.Time, seq uint64) ([]ackAge, bool) {
	m := c.loop.gossip
	must := c.awaited()
	c.leaseMu.Lock()
	defer c.leaseMu.Unlock()
	for id, at := range c.acked {
		if now.Sub(at) > 4*c.cfg.fenceTime() {
			delete(c.acked, id)
		}
	}
	for id := range c.holds {
		if !m.hasNode(id) {
			delete(c.holds, id)
		}
	}
	last := maps.Clone(c.acked)
	for _, n := range m.nodes {
		if n.ID == c.Self() {
			continue
		}
		if at, ok := c.reportAck(n.ID, m, now, seq); ok {
			last[n.ID] = at
		}
	}
	c.settleHolds(must)
	holding := c.holdingReports()
	var out []ackAge
	for id, at := range last {
		out = append(out, ackAge{id: id, age: max(0, now.Sub(at))})
	}
	slices.SortFunc(out, func(a, b ackAge) int { return cmpString(a.id, b.id) })
	return out, holding
}

// ackAge is, in a load report, how long before it the sender last acked
// member id.
type ackAge struct {
	id  NodeID
	age time.Duration
}

// ackReport is what a member last reported of its acks, on this member's
// clock, and the map it had.
type ackReport struct {
	at    time.Time
	acks  map[NodeID]time.Time
	epoch uint64
	coord NodeID
}

// takeAckReport records the acks in member from's load report m, which
// arrived at at: each ack dated at minus its age, never earlier than it
// was (the report took some time to come).
func (c *Cluster) takeAckReport(from NodeID, m loadMsg, at time.Time) {
	acks := m.acks
	r := ackReport{at: at, acks: make(map[NodeID]time.Time, len(acks)), epoch: m.epoch, coord: m.coord}
	for _, a := range acks {
		r.acks[a.id] = at.Add(-a.age)
	}
	c.loop.ackReports[from] = r
}

// leaseBound returns the time after which failed map node x holds no
// lease any more, on this member's clock: T plus fenceMargin after the
// time by which all but fewer than a majority of the map had last acked
// it.
func (c *Cluster) leaseBound(m *Map, x NodeID, alive map[NodeID]Member, now time.Time) time.Time {
	ls := c.loop
	var last, older []time.Time
	for _, n := range m.nodes {
		switch {
		case n.ID == x:
		case n.ID == c.Self():
			last = append(last, c.ownAck(x, m, now))
		default:
			r, ok := ls.ackReports[n.ID]
			_, up := alive[n.ID]
			switch {
			case ls.legacy[n.ID] && up:
				// Its acks are not known: the majority rule's wait
				// (stepDownWait) covers it as before.
				last = append(last, time.Time{})
			case !up || !ok || now.Sub(r.at) > c.cfg.ackFresh() || newer(m.epoch, m.coord, r.epoch, r.coord):
				// It may be acking x now: its hold, if any, may have
				// ended, or a newer map ended it (fencehold.go).
				last = append(last, now)
			case !ls.answers[n.ID]:
				// An older version: its hold ends by the clock.
				older = append(older, r.acks[x])
			default:
				last = append(last, r.acks[x])
			}
		}
	}
	// x needs acks from need others for a majority with its own vote.
	need := len(m.nodes)/2 + 1 - 1
	if len(older) < need {
		// The others suffice: count the older versions as acking x
		// now, whatever the time their failover map takes to come.
		for range older {
			last = append(last, now)
		}
	} else {
		last = append(last, older...)
	}
	if need <= 0 || need > len(last) {
		return now.Add(c.cfg.fenceTime() + c.cfg.fenceMargin())
	}
	slices.SortFunc(last, func(a, b time.Time) int { return b.Compare(a) })
	return last[need-1].Add(c.cfg.fenceTime() + c.cfg.fenceMargin())
}

// sendPacket sends msg to member to in one UDP packet (memberlist's
// best-effort user message); lost packets are lost.
func (c *Cluster) sendPacket(to NodeID, msg []byte) {
	c.memMu.Lock()
	r, ok := c.members[to]
	c.memMu.Unlock()
	ml := c.ml.Load()
	if !ok || ml == nil {
		return
	}
	if err := ml.SendBestEffort(r.node(), msg); err != nil {
		c.log.Debug("lease packet not sent", "to", string(to), "err", err)
		return
	}
	c.sent.Add(1)
}

package cluster

import "time"

// Ack holds: no ack between the report and the decision, nor after it.
//
// The coordinator gives a failed primary x's slots away once T plus the
// margin have passed since a majority last acked x, as the members'
// load reports say. A member's report is a snapshot: if x came back (its
// loop resumed) and the member acked it after sending the report the
// coordinator decides on, x would renew its lease from that ack while
// its slots go to another node, and both would take writes.
//
// So a member that reports an ack gap to x that can count toward a
// failover holds its acks to x: it answers none of x's probes until its
// map is newer than the one it had when it reported (the failover, or
// any later decision), or until every member that could decide on the
// report has said it no longer can. A report whose sender holds acks says
// so (loadMsg.holding), and every member that takes it answers with the
// report's number and the map it has (reportSeenMsg). A member keeps only
// the latest report of each sender, so one that answered a later report
// with a map not newer than the holder's will never decide on the held
// one, and had not decided on it before: a decision gives the decider a
// newer map at once. The holder waits for that word from every data node
// of its map and every alive one but x, so however late the failover map
// reaches it, it never acks x under the map x serves from once a decision
// on its report was taken. A member that is gone keeps the hold until a
// map without it comes.
//
// A gap counts toward a failover only if it is at least holdAt (T plus
// the margin minus ackFresh): the coordinator uses a report's acks for
// ackFresh after it arrived, and only while the report names the map the
// coordinator has. A member that x probed during a hold reports its ack
// to x as given at x's latest probe (it acks x when the hold ends), so
// while x keeps probing the report renews no hold and the coordinator
// does not decide on it, and x, back after a stall, gets its acks once
// the others answered that report, about one LoadInterval after its
// first probe. If x falls silent again, that time ages like an ack and
// a report renews the hold once it is holdAt old: a hold that cannot be
// answered (a member gone) does not keep x from being failed over.
//
// Members of an older version answer no report. A member that must hear
// from one of them lets its hold go ackHold after its report as those
// versions did (the coordinators of those versions use a report for
// ackFresh after it arrived, so a failover map that reaches the member
// within one LoadInterval still comes first). The coordinator counts a
// report of an older member as acking x now whenever the members that do
// hold until answered are enough for the decision, and as reported only
// when they are not, so a rolling upgrade neither stops failovers nor
// weakens those it can make without the older members. The coordinator
// holds its own acks to x while it decides (ownAck).

// ackFresh is how long after it arrived the coordinator uses a member's
// report of its acks.
func (c Config) ackFresh() time.Duration { return 2 * c.LoadInterval }

// ackHold is how long after a report with a gap of holdAt or more an
// older version held its acks, and how long this node holds them when a
// member it must hear from is of such a version.
func (c Config) ackHold() time.Duration { return c.ackFresh() + c.LoadInterval }

// holdAt is the ack gap from which a report can count toward a failover
// while it is fresh, so the member holds its acks.
func (c Config) holdAt() time.Duration { return c.fenceTime() + c.fenceMargin() - c.ackFresh() }

// heldAcks is this node's hold of its acks to one member x.
type heldAcks struct {
	seq   uint64 // the load report that began or last renewed it
	epoch uint64 // the map this node had then
	coord NodeID
	// until is ackHold after that report: when members of older
	// versions, which answer no report, no longer decide on it.
	until time.Time
	// answered is set by the loop once every member that must answer
	// took a later report of this node; older, when one of them is of
	// an older version, so the hold lasts until until too.
	answered bool
	older    bool
	// probed is when x last probed during the hold (zero: it did
	// not); ended is when the hold ended after that.
	probed time.Time
	ended  time.Time
}

// holding returns this node's hold of its acks to x at now with map m,
// nil if there is none, and whether it holds them now. A hold that ended
// after x probed stays two LoadIntervals more, not holding, until x's
// next probe is acked: till then this node reports its ack to x as given
// at x's latest probe (lastAck). leaseMu held.
func (c *Cluster) holding(x NodeID, m *Map, now time.Time) (*heldAcks, bool) {
	h := c.holds[x]
	if h == nil {
		return nil, false
	}
	if newer(m.epoch, m.coord, h.epoch, h.coord) {
		delete(c.holds, x)
		return nil, false
	}
	if !h.answered || h.older && now.Before(h.until) {
		return h, true
	}
	if h.ended.IsZero() {
		h.ended = now
	}
	if h.probed.IsZero() || !now.Before(h.ended.Add(2*c.cfg.LoadInterval)) {
		delete(c.holds, x)
		return nil, false
	}
	return h, false
}

// reportAck returns when this node last acked x as it reports that in
// its load report seq at now with map m (false: not within four fence
// times), and begins or renews its hold of acks to x if the gap can
// count toward a failover. leaseMu held.
func (c *Cluster) reportAck(x NodeID, m *Map, now time.Time, seq uint64) (time.Time, bool) {
	at, ok := c.lastAck(x, m, now)
	if !ok || now.Sub(at) >= c.cfg.holdAt() {
		c.holds[x] = &heldAcks{seq: seq, epoch: m.epoch, coord: m.coord, until: now.Add(c.cfg.ackHold())}
	}
	return at, ok
}

// lastAck returns when this node last acked x at now with map m, taking
// a probe it held back as acked: x is back, and gets an ack when the
// hold ends. leaseMu held.
func (c *Cluster) lastAck(x NodeID, m *Map, now time.Time) (time.Time, bool) {
	at, ok := c.acked[x]
	if h, _ := c.holding(x, m, now); h != nil && h.probed.After(at) {
		return h.probed, true
	}
	return at, ok
}

// awaited returns the members whose answers this node's holds wait for:
// the data nodes of its map and the alive ones, but itself (its own
// decisions use its acks as they are then: ownAck). Loop goroutine only.
func (c *Cluster) awaited() []NodeID {
	ls := c.loop
	var out []NodeID
	for _, n := range ls.gossip.nodes {
		if n.ID != c.Self() {
			out = append(out, n.ID)
		}
	}
	for _, a := range c.aliveMembers() {
		if a.Role == RoleNode && a.ID != c.Self() && !ls.gossip.hasNode(a.ID) {
			out = append(out, a.ID)
		}
	}
	return out
}

// settleHolds marks the holds whose report every member in must (but the
// held member) has answered, or cannot answer, being of an older version.
// A member whose version is not known yet (no report or answer from it)
// must answer. Loop goroutine only; leaseMu held.
func (c *Cluster) settleHolds(must []NodeID) {
	ls := c.loop
	for x, h := range c.holds {
		if h.answered {
			continue
		}
		answered, older := true, false
		for _, id := range must {
			_, known := ls.known[id]
			took, answers := ls.took[id]
			switch {
			case id == x:
			case answers || ls.answers[id]:
				if took.seq <= h.seq {
					answered = false
				}
			case known:
				older = true
			default:
				answered = false
			}
		}
		h.answered, h.older = answered, older
	}
}

// holdingReports reports whether a hold waits for answers: the load
// report asks for them. leaseMu held.
func (c *Cluster) holdingReports() bool {
	for _, h := range c.holds {
		if !h.answered {
			return true
		}
	}
	return false
}

// answerFor returns this node's answer to member m.from's load report m,
// which it just took: the report's number and this node's map. False if
// the report asks for none. Loop goroutine only.
func (c *Cluster) answerFor(m loadMsg) (reportSeenMsg, bool) {
	if !m.holding || m.part != 0 || m.from == c.Self() {
		return reportSeenMsg{}, false
	}
	g := c.loop.gossip
	return reportSeenMsg{from: c.Self(), boot: c.boot, to: m.from, toBoot: m.boot, seq: m.seq, epoch: g.epoch, coord: g.coord}, true
}

// takeAnswer records that member m.from took this node's load report
// m.seq, and ends the holds it settles. An answer that names a newer map
// than this node's says nothing: its sender may have decided on the
// report before it took a later one. Loop goroutine only.
func (c *Cluster) takeAnswer(m reportSeenMsg) {
	ls := c.loop
	if m.to != c.Self() || m.toBoot != c.boot || newer(m.epoch, m.coord, ls.gossip.epoch, ls.gossip.coord) {
		return
	}
	if t, ok := ls.took[m.from]; !ok || t.boot != m.boot || m.seq > t.seq {
		ls.took[m.from] = announced{boot: m.boot, seq: m.seq}
	}
	must := c.awaited()
	c.leaseMu.Lock()
	defer c.leaseMu.Unlock()
	c.settleHolds(must)
}

// ownAck returns when this node last acked x, as the coordinator counts
// its own vote deciding at now with map m; zero if not recently. It acks
// none of x's probes until decided is called: a decision it takes now
// installs a newer map before then.
func (c *Cluster) ownAck(x NodeID, m *Map, now time.Time) time.Time {
	c.leaseMu.Lock()
	defer c.leaseMu.Unlock()
	c.deciding[x] = true
	at, _ := c.lastAck(x, m, now)
	return at
}

// decided ends the hold of acks ownAck began.
func (c *Cluster) decided() {
	c.leaseMu.Lock()
	defer c.leaseMu.Unlock()
	clear(c.deciding)
}

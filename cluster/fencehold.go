package cluster

import "time"

// Ack holds: no ack between the report and the decision.
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
// any later decision) or until ackHold has passed since that report. The
// coordinator uses a report's acks for ackFresh after it arrived, and
// only while the report names the map the coordinator has; older, or
// naming an older map, the member counts as acking x now. A gap counts
// toward a failover within ackFresh only if it is at least holdAt (T plus
// the margin minus ackFresh), so every report the coordinator may decide
// on was sent with a hold in place, and the hold outlasts the decision by
// ackHold minus ackFresh: one LoadInterval for the report in flight and
// the failover map to reach the member.
//
// A member that x probed during a hold reports its ack to x as now (it
// acks x when the hold ends) and does not renew the hold: the coordinator
// does not decide on that report, and x, back after a stall, waits at
// most ackHold from the member's last report for its acks. The
// coordinator holds its own acks the same way when it decides.

// ackFresh is how long after it arrived the coordinator uses a member's
// report of its acks.
func (c Config) ackFresh() time.Duration { return 2 * c.LoadInterval }

// ackHold is how long after a report with a gap of holdAt or more the
// member holds its acks.
func (c Config) ackHold() time.Duration { return c.ackFresh() + c.LoadInterval }

// holdAt is the ack gap from which a report can count toward a failover
// while it is fresh, so the member holds its acks.
func (c Config) holdAt() time.Duration { return c.fenceTime() + c.fenceMargin() - c.ackFresh() }

// heldAcks is this node's hold of its acks to one member: until when, the
// map it had when it began, and whether the member probed since.
type heldAcks struct {
	until  time.Time
	epoch  uint64
	coord  NodeID
	probed bool
}

// holding returns this node's hold of its acks to x at now with map m,
// nil if there is none, and whether it holds them now. A hold that ended
// after x probed stays two LoadIntervals more, not holding, until x's
// next probe is acked: till then this node reports its ack to x as now
// and does not begin a new hold. leaseMu held.
func (c *Cluster) holding(x NodeID, m *Map, now time.Time) (*heldAcks, bool) {
	h := c.holds[x]
	if h == nil {
		return nil, false
	}
	if newer(m.epoch, m.coord, h.epoch, h.coord) || !now.Before(h.until) && !h.probed ||
		!now.Before(h.until.Add(2*c.cfg.LoadInterval)) {
		delete(c.holds, x)
		return nil, false
	}
	return h, now.Before(h.until)
}

// reportAck returns when this node last acked x as it reports that at
// now with map m (false: not within four fence times), and begins or
// renews its hold of acks to x if the gap can count toward a failover.
// leaseMu held.
func (c *Cluster) reportAck(x NodeID, m *Map, now time.Time) (time.Time, bool) {
	if h, _ := c.holding(x, m, now); h != nil && h.probed {
		return now, true // x is back: it gets an ack when the hold ends
	}
	at, ok := c.acked[x]
	if !ok || now.Sub(at) >= c.cfg.holdAt() {
		c.holds[x] = &heldAcks{until: now.Add(c.cfg.ackHold()), epoch: m.epoch, coord: m.coord}
	}
	return at, ok
}

// ownAck returns when this node last acked x, as the coordinator counts
// its own vote deciding at now with map m; zero if not recently.
func (c *Cluster) ownAck(x NodeID, m *Map, now time.Time) time.Time {
	c.leaseMu.Lock()
	defer c.leaseMu.Unlock()
	at, _ := c.reportAck(x, m, now)
	return at
}

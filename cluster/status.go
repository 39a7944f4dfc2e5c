package cluster

import "time"

// Status is the autoscaler's state as one member sees it (CLUSTER
// AUTOSCALE STATUS and PLAN). Every member computes it from the gossiped
// load reports; only the coordinator acts.
type Status struct {
	Time        time.Time
	Epoch       uint64
	Coordinator NodeID
	// Budget and ScaleAt are the policy the usages compare to.
	Budget  Budget
	ScaleAt float64
	Shards  []ShardStatus
	// Plans is the dry run: what the coordinator would do and why.
	Plans []Plan
}

// updateStatus recomputes the published Status.
func (c *Cluster) updateStatus(now time.Time) {
	ls := c.loop
	p := c.cfg.Policy()
	st := &Status{Time: now, Epoch: ls.gossip.epoch, Coordinator: c.coordinatorID(), Budget: p.Budget, ScaleAt: p.ScaleAt,
		Shards: ls.auto.Status(now, ls.gossip)}
	if ls.gossip.epoch > 0 {
		st.Plans = ls.auto.Plans(now, Input{Map: ls.gossip, Alive: sortedMembers(c.aliveData()), Nodes: ls.loads, Profiles: ls.profiles, Copies: ls.copies})
	}
	c.status.Store(st)
}

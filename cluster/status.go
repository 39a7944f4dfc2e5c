package cluster

import (
	"fmt"
	"strings"
	"time"
)

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
		st.Plans = ls.auto.Plans(now, Input{Map: ls.gossip, Alive: sortedMembers(c.aliveData()), Nodes: ls.loads, Profiles: ls.profiles})
	}
	c.status.Store(st)
}

// FormatStatus renders s as CLUSTER AUTOSCALE STATUS shows it: a header and
// one line per shard with the usage of each resource.
func FormatStatus(s Status) string {
	var b strings.Builder
	fmt.Fprintf(&b, "epoch:%d coordinator:%s scale_at:%.0f%%\r\n", s.Epoch, s.Coordinator, 100*s.ScaleAt)
	for _, sh := range s.Shards {
		fmt.Fprintf(&b, "shard:%d primary:%s slots:%d state:%s", sh.Shard, sh.Primary, sh.Slots, sh.State)
		if sh.For > 0 {
			fmt.Fprintf(&b, " for:%s", sh.For.Round(time.Millisecond))
		}
		for r := range numResources {
			fmt.Fprintf(&b, " %s:%.1f%%", Resource(r), 100*sh.Usage[r])
		}
		b.WriteString("\r\n")
	}
	return b.String()
}

// FormatPlans renders a dry run as CLUSTER AUTOSCALE PLAN shows it: one
// line per plan, or a line saying there is nothing to do.
func FormatPlans(plans []Plan) string {
	if len(plans) == 0 {
		return "no action: every shard is between the low-water mark and the scale line\r\n"
	}
	var b strings.Builder
	for _, p := range plans {
		state := "waiting"
		if p.Due {
			state = "due"
		}
		fmt.Fprintf(&b, "%s %s shard:%d resource:%s usage:%.1f%% slots:%s share:%.1f%% target:%s",
			state, p.Kind, p.Shard, p.Resource, 100*p.Usage, FormatRanges(p.MovingSlots), 100*p.MovingShare, p.Target.Kind)
		if p.Target.Shard != 0 {
			fmt.Fprintf(&b, " target_shard:%d", p.Target.Shard)
		}
		if p.Target.Primary != "" {
			fmt.Fprintf(&b, " target_primary:%s", p.Target.Primary)
		}
		if p.Target.Replica != "" {
			fmt.Fprintf(&b, " target_replica:%s", p.Target.Replica)
		}
		fmt.Fprintf(&b, " reason:%q\r\n", p.Reason)
	}
	return b.String()
}

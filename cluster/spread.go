package cluster

import (
	"fmt"
	"slices"
)

// After a split by promotion the two nodes of the pair are each other's
// replica (handover.go): the old primary replicates the new shard, the
// promoted node the old one, and a third node, when there is one, holds
// nothing of either. One failure then takes a primary and a replica of
// the other shard at once, and the pair carries two roles each. So, off
// the critical path, the coordinator moves a replica that sits on a node
// leading another shard to a node that leads none, when there is one: it adds the new replica first and drops the one that
// leads another shard only once the new one reports a whole copy, so the
// shard always has an in-sync replica. One move at a time over the
// cluster, and none while a split or merge is under way.

// spreadReplicas makes at most one step of a replica move in l: it ends a
// move whose new replica holds a whole copy, or else starts one. It
// returns a note for the event log ("" when nothing changed). copies is
// the nodes' last offset reports.
func (l *layout) spreadReplicas(pl *placer, want int, copies map[NodeID]map[ShardID]ShardOffset) string {
	if want < 1 || len(l.migrations) > 0 {
		return ""
	}
	whole := func(id NodeID, s ShardID) bool {
		o, ok := copies[id][s]
		return ok && !o.Partial
	}
	// End a move under way: the shard has more replicas than it wants.
	for i := range l.shards {
		s := &l.shards[i]
		if len(s.Replicas) <= want {
			continue
		}
		var leaders, others []NodeID
		for _, r := range s.Replicas {
			if l.leadsOther(r, s.ID) {
				leaders = append(leaders, r)
			} else {
				others = append(others, r)
			}
		}
		if len(leaders) == 0 || !slices.ContainsFunc(others, func(r NodeID) bool { return whole(r, s.ID) }) {
			return "" // the new replica is still syncing: one move at a time
		}
		drop := leaders[:min(len(leaders), len(s.Replicas)-want)]
		s.Replicas = slices.DeleteFunc(s.Replicas, func(r NodeID) bool { return slices.Contains(drop, r) })
		return fmt.Sprintf("shard %d: replica %s dropped, %s holds a whole copy", s.ID, drop[0], others[0])
	}
	// Start one: a shard whose replica leads another shard (as each node
	// of the pair a split by promotion leaves does) gets a replica on a
	// node that leads nothing, once every copy of the shard is whole.
	for i := range l.shards {
		s := &l.shards[i]
		if len(s.Replicas) != want {
			continue
		}
		var crowded NodeID
		for _, r := range s.Replicas {
			if l.leadsOther(r, s.ID) {
				crowded = r
			}
		}
		if crowded == "" || !slices.ContainsFunc(s.Replicas, func(r NodeID) bool { return whole(r, s.ID) }) {
			continue
		}
		if slices.ContainsFunc(s.Replicas, func(r NodeID) bool { return !whole(r, s.ID) }) {
			continue
		}
		id := pl.pick(func(c *candidate) bool { return !s.hosts(c.m.ID) && !l.leadsOther(c.m.ID, s.ID) }, 0, 0, pl.zoneOf(s.Primary))
		if id == "" {
			continue
		}
		pl.take(id, 0, 0)
		l.nodes[id] = pl.cands[id].m
		s.Replicas = append(s.Replicas, id)
		return fmt.Sprintf("shard %d: new replica %s, to replace %s (it leads another shard)", s.ID, id, crowded)
	}
	return ""
}

// leadsOther reports whether id is the primary of a shard other than
// not.
func (l *layout) leadsOther(id NodeID, not ShardID) bool {
	return slices.ContainsFunc(l.shards, func(s Shard) bool { return s.ID != not && s.Primary == id })
}

package cluster

import (
	"fmt"
	"slices"
	"time"
)

// After a split by promotion the two nodes of the pair are each other's
// replica (handover.go): the old primary replicates the new shard, the
// promoted node the old one, and a third node, when there is one, holds
// nothing of either. One failure then takes a primary and a replica of
// the other shard at once, and the pair carries two roles each. So, off
// the critical path, the coordinator moves a replica that sits on a node
// leading another shard to a node that leads none, when there is one: it
// adds the new replica first and drops the one that leads another shard
// (the leaving replica) only once the new one reports a whole copy and
// the shard's primary released the leaving one, so the shard always has
// an in-sync replica. One move at a time over the cluster, and none
// while a split or merge is under way.
//
// The release keeps every write WAIT acknowledged. Once a successor's
// stream is up, the primary stops counting the leaving replica's
// acknowledgements (its WAIT waits for the others) and notes its own
// offset then; it releases the leaving replica once every other replica
// acknowledged that offset, and reports so with the map epoch it saw
// (ShardOffset.Released). A write the leaving replica alone acknowledged
// is then on the successor before the drop. A successor that does not
// catch up within Config.spreadCatchUp is dropped instead: the leaving
// replica stays, and the shard moves again no sooner than that long
// after.

// spreadHold is what the coordinator remembers of the moves under way:
// loop state, carried from one decision to the next.
type spreadHold struct {
	// waiting is when a shard's successor was first seen whole while its
	// primary had not released the leaving replica.
	waiting map[ShardID]time.Time
	// retry is when a shard whose move was abandoned may move again.
	retry map[ShardID]time.Time
}

func newSpreadHold() *spreadHold {
	return &spreadHold{waiting: map[ShardID]time.Time{}, retry: map[ShardID]time.Time{}}
}

// spreadStep is the input of one step of spreadReplicas.
type spreadStep struct {
	want   int                                // replicas per shard (Config.Replicas)
	copies map[NodeID]map[ShardID]ShardOffset // the nodes' last offset reports
	epoch  uint64                             // the epoch of the map the layout was made from
	now    time.Time                          // the decision's time
	bound  time.Duration                      // how long a successor may take to catch up
	hold   *spreadHold                        // moves under way; nil keeps no memory
}

// Leaving returns the replicas of shard id in m that a spread of replicas
// is moving away (nil when there is no move under way, or SpreadReplicas
// is off). A primary stops counting their acknowledgements for WAIT once
// a successor streams, and releases them (ShardOffset.Released).
func (c *Cluster) Leaving(m *Map, id ShardID) []NodeID {
	if !c.cfg.SpreadReplicas || m == nil {
		return nil
	}
	s, ok := m.Shard(id)
	if !ok {
		return nil
	}
	return leavingReplicas(s, m.Shards(), c.cfg.Replicas)
}

// leavingReplicas returns the replicas of s, among shards, that the end
// of a move drops: those leading another shard, as many as s has more
// than want.
func leavingReplicas(s Shard, shards []Shard, want int) []NodeID {
	if want < 1 || len(s.Replicas) <= want {
		return nil
	}
	var out []NodeID
	for _, r := range s.Replicas {
		if len(out) < len(s.Replicas)-want && leadsOtherIn(shards, r, s.ID) {
			out = append(out, r)
		}
	}
	return out
}

// spreadReplicas makes at most one step of a replica move in l: it ends a
// move whose new replica holds a whole copy and whose primary released
// the leaving replica, abandons one whose new replica did not catch up in
// time, or else starts one. It returns a note for the event log ("" when
// nothing changed).
func (l *layout) spreadReplicas(pl *placer, st spreadStep) string {
	want := st.want
	if want < 1 || len(l.migrations) > 0 {
		return ""
	}
	h := st.hold
	if h == nil {
		h = newSpreadHold()
	}
	for id := range h.waiting {
		if s := l.shard(id); s == nil || len(s.Replicas) <= want {
			delete(h.waiting, id)
		}
	}
	whole := func(id NodeID, s ShardID) bool {
		o, ok := st.copies[id][s]
		return ok && !o.Partial
	}
	// End a move under way: the shard has more replicas than it wants.
	for i := range l.shards {
		s := &l.shards[i]
		drop := leavingReplicas(*s, l.shards, want)
		if len(drop) == 0 {
			continue
		}
		others := slices.DeleteFunc(slices.Clone(s.Replicas), func(r NodeID) bool { return slices.Contains(drop, r) })
		if !slices.ContainsFunc(others, func(r NodeID) bool { return whole(r, s.ID) }) {
			return "" // the new replica is still syncing: one move at a time
		}
		if st.copies[s.Primary][s.ID].Released < st.epoch || st.epoch == 0 {
			since, ok := h.waiting[s.ID]
			if !ok {
				h.waiting[s.ID] = st.now
				return ""
			}
			if st.now.Sub(since) < st.bound {
				return "" // the primary has not released the leaving replica yet
			}
			// The successor did not catch up: drop it (the newest
			// replica) and keep the leaving one.
			gone := others[len(others)-1]
			s.Replicas = slices.DeleteFunc(s.Replicas, func(r NodeID) bool { return r == gone })
			delete(h.waiting, s.ID)
			h.retry[s.ID] = st.now.Add(st.bound)
			return fmt.Sprintf("shard %d: new replica %s dropped, it did not acknowledge in %s the writes %s was counted for; %s stays",
				s.ID, gone, st.bound, drop[0], drop[0])
		}
		delete(h.waiting, s.ID)
		s.Replicas = slices.DeleteFunc(s.Replicas, func(r NodeID) bool { return slices.Contains(drop, r) })
		return fmt.Sprintf("shard %d: replica %s dropped, %s holds a whole copy and every write %s acknowledged", s.ID, drop[0], others[0], drop[0])
	}
	// Start one: a shard whose replica leads another shard (as each node
	// of the pair a split by promotion leaves does) gets a replica on a
	// node that leads nothing, once every copy of the shard is whole.
	for i := range l.shards {
		s := &l.shards[i]
		if len(s.Replicas) != want || st.now.Before(h.retry[s.ID]) {
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
		delete(h.retry, s.ID)
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
	return leadsOtherIn(l.shards, id, not)
}

// leadsOtherIn reports whether id is the primary of a shard of shards
// other than not.
func leadsOtherIn(shards []Shard, id NodeID, not ShardID) bool {
	return slices.ContainsFunc(shards, func(s Shard) bool { return s.ID != not && s.Primary == id })
}

package cluster

import (
	"fmt"
	"slices"
	"time"
)

// Which replica takes over a shard whose primary failed.
//
// A replica reports, with its offsets, whether its copy of each shard is
// whole: its full sync completed (ShardOffset.Partial unset). Promoting a
// copy in the middle of its full sync would serve half a dataset and lose
// the rest for good, so the coordinator
//
//   - promotes the whole copy with the highest offset, when there is one;
//   - otherwise lets a primary that restarted keep the shard if it came
//     back with data for it (its snapshot is a whole, if older, copy);
//   - otherwise leaves the shard unserved (CLUSTERDOWN for its slots) for
//     up to Config.PartialCopyWait, waiting for the primary to return;
//   - and only then, or at once when the restarted primary came back
//     empty, promotes the most advanced partial copy, since no other copy
//     of the data exists. CLUSTER EVENTS says so each time.
//
// No write acknowledged by WAIT is at risk while a replica is in its full
// sync: a replica acknowledges offsets only once its sync is complete.

// heirRule holds what the coordinator knows of the copies of each shard.
// It belongs to the loop goroutine.
type heirRule struct {
	copies map[NodeID]map[ShardID]ShardOffset // last reported copies (loopState.copies)
	loads  map[NodeID]NodeLoad                // last load reports
	known  map[NodeID]announced               // what each member announced
	epoch  uint64                             // the current map's epoch
	since  map[ShardID]time.Time              // shards kept unserved, since when (loopState.partialSince)
	wait   time.Duration                      // Config.PartialCopyWait
	kept   map[ShardID]bool                   // shards kept unserved by this decision
}

// heirs returns the rule for a decision at the current map.
func (c *Cluster) heirs() *heirRule {
	ls := c.loop
	return &heirRule{copies: ls.copies, loads: ls.loads, known: ls.known, epoch: ls.gossip.epoch,
		since: ls.partialSince, wait: c.cfg.PartialCopyWait, kept: map[ShardID]bool{}}
}

// done forgets the waits of shards that this decision did not keep
// unserved (their primary came back, or a replica took over).
func (h *heirRule) done() {
	if h == nil {
		return
	}
	for id := range h.since {
		if !h.kept[id] {
			delete(h.since, id)
		}
	}
}

// copyOf returns what node id last reported of its copy of shard; ok is
// false when it reported nothing of it. A node whose reports do not
// describe its copies (NodeLoad.Copies unset) counts as holding a whole
// copy at offset 0, as before copies were reported.
func (h *heirRule) copyOf(id NodeID, shard ShardID) (ShardOffset, bool) {
	o, ok := h.copies[id][shard]
	if !ok && !h.loads[id].Copies {
		return ShardOffset{Shard: shard}, true
	}
	return o, ok
}

// choose returns the replica of s to promote now that its primary (which
// failed as f) is gone, and words for the event; keep reports that the
// shard stays with its primary for now (no promotion). A nil rule
// promotes the first replica. s.Replicas must not be empty.
func (h *heirRule) choose(s Shard, f failure, now time.Time, newEvent func(EventKind, ShardID, string, time.Duration)) (heir NodeID, note string, keep bool) {
	if h == nil {
		return s.Replicas[0], "", false
	}
	// The whole copy with the highest offset.
	best, bestOff, found := NodeID(""), uint64(0), false
	for _, r := range s.Replicas {
		if o, ok := h.copyOf(r, s.ID); ok && !o.Partial && (!found || o.Offset > bestOff) {
			best, bestOff, found = r, o.Offset, true
		}
	}
	if found {
		note = fmt.Sprintf(" (offset %d", bestOff)
		if p, ok := h.copyOf(s.Primary, s.ID); ok && !p.Partial {
			note += fmt.Sprintf(", the primary last reported %d", p.Offset)
		}
		return best, note + ")", false
	}
	// Every copy is partial or unreported.
	partial, off := s.Replicas[0], uint64(0)
	for _, r := range s.Replicas {
		if o, ok := h.copyOf(r, s.ID); ok && o.Offset > off {
			partial, off = r, o.Offset
		}
	}
	lossy := fmt.Sprintf(" before its full sync finished (offset %d): its copy is partial and the shard lost the data it lacks", off)
	if f.restarted {
		a, ok := h.known[s.Primary]
		if !ok || a.epoch != h.epoch {
			// Its reports do not yet say what it holds under this map.
			h.kept[s.ID] = true
			return "", "", true
		}
		if h.primaryHolds(s.Primary, s.ID) {
			newEvent(EventFailover, s.ID, fmt.Sprintf("primary %s restarted while no replica held a whole copy (%s in full sync); it keeps the shard with the data it reloaded",
				s.Primary, partial), now.Sub(f.at))
			return "", "", true // refreshNodes records its new run
		}
		return partial, lossy + "; the restarted primary came back empty", false
	}
	start, waiting := h.since[s.ID]
	if !waiting {
		start = now
		h.since[s.ID] = now
		newEvent(EventFailover, s.ID, fmt.Sprintf("primary %s failed while no replica held a whole copy (%s in full sync, offset %d): its slots stay unserved for up to %s, waiting for it to return",
			s.Primary, partial, off, h.wait), now.Sub(f.at))
	}
	if now.Sub(start) < h.wait {
		h.kept[s.ID] = true
		return "", "", true
	}
	return partial, lossy + fmt.Sprintf("; the primary did not return within %s", h.wait), false
}

// primaryHolds reports whether node id's last load report shows data in
// shard as its primary.
func (h *heirRule) primaryHolds(id NodeID, shard ShardID) bool {
	return slices.ContainsFunc(h.loads[id].Shards, func(l ShardLoad) bool { return l.Shard == shard && l.Memory > 0 })
}

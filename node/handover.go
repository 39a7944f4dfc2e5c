package node

import (
	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
)

// The hand-over of a split by promotion, on the old primary and the
// promoted node (cluster/handover.go says why the map keeps both as each
// other's replicas at the flip).
//
// The old primary led the moving half until the flip, and nothing was
// written to it after the promoted node reached its offset: its keys of
// those slots are a whole copy of the new shard as of the flip. It keeps
// them, reports the copy whole, and its first link to the new primary
// continues the new primary's stream from where it stood at the flip
// (handover_continue.go). When it cannot, the full sync from the new
// primary replaces the copy stripe by stripe (each stripe's keys are
// dropped just before its snapshot is applied) instead of emptying it
// first. Every write the new primary acknowledges to a WAIT needs this
// replica's acknowledgement, which comes only after the sync has
// completed; so at any moment of the sync the copy holds every
// acknowledged write, and a failover to it loses none.
//
// A sync cut off midway leaves the copy marked handed over, some stripes
// from the new primary's snapshot and the rest as of the flip. That is
// still safe: the replica acknowledged nothing since the flip (it
// acknowledges only after a sync completes), so every write acknowledged
// to a WAIT is either from before the flip (in the kept stripes) or from
// before the snapshot (in the replaced ones); the next full sync replaces
// the stripes again, one by one, as the first did.
//
// The promoted node stays a replica of the old shard on fewer slots: its
// link continues the old primary's stream from where it was
// (continueLink) instead of starting a full sync.
//
// A merge by promotion is the same in reverse where the source's primary
// already replicates the shard that takes its slots (as the two halves of
// a split do): its copy of that shard grows by the slots it led, and the
// full sync of the larger set replaces it stripe by stripe too
// (handOverGrown).

// handedOver reports whether this node led every slot of ranges until a
// split by promotion handed them over: the pause of the cutover still
// marks them (watchMap clears the marks after followMap has run).
func (n *Node) handedOver(ranges []cluster.SlotRange) bool {
	slots := cluster.SlotsIn(ranges)
	for _, s := range slots {
		if !n.mig.promoted[s].Load() {
			return false
		}
	}
	return len(slots) > 0
}

// handOverCopy makes the record of a copy this node starts to replicate
// whole when it holds the shard's slots from a split by promotion.
// Callers hold n.repl.mu; c is new (no link filled it yet).
func (n *Node) handOverCopy(c *shardCopy, ranges []cluster.SlotRange) {
	if n.handedOver(ranges) {
		c.partial.Store(false)
		c.handover.Store(true)
		c.pristine.Store(true)
	}
}

// keepHandedOver records as whole, and handed over, the copy of each
// shard all of whose slots are among kept (slots this node led until a
// split by promotion, and self replicates under m) when no link has made a
// record of it yet: followMap skipped map m (it saw the cluster down) and
// will start the link later, when the cutover's marks are gone.
func (n *Node) keepHandedOver(m *cluster.Map, self cluster.NodeID, kept []int) {
	var in slotMask
	for _, s := range kept {
		in.set(s)
	}
	_, replica := m.ShardsOf(self)
	n.repl.mu.Lock()
	defer n.repl.mu.Unlock()
	for _, sh := range replica {
		slots := cluster.SlotsIn(sh.Slots)
		all := len(slots) > 0
		for _, s := range slots {
			all = all && in.has(s)
		}
		if all && n.repl.copies[sh.ID] == nil {
			c := n.copyOf(sh.ID)
			c.partial.Store(false)
			c.handover.Store(true)
			c.pristine.Store(true)
		}
	}
}

// continueLink lets l, a new link of a shard whose slots shrank, continue
// the stream of old, a link of the same shard and primary on a superset
// of l's slots that followMap just stopped: the copy of l's slots is as
// current as old left it. Both links are stopped or not yet started.
func continueLink(l, old *primaryLink) bool {
	if old.replID == "" || old.shard != l.shard || old.primary != l.primary || old.addr != l.addr {
		return false
	}
	var had slotMask
	for _, s := range cluster.SlotsIn(old.ranges) {
		had.set(s)
	}
	for _, s := range cluster.SlotsIn(l.ranges) {
		if !had.has(s) {
			return false
		}
	}
	l.replID, l.histID, l.histEpoch = old.replID, old.histID, old.histEpoch
	l.offset.Store(old.offset.Load())
	l.synced.Store(old.synced.Load())
	return true
}

// handOverGrown marks l's copy handed over when l, a new link of a shard
// whose slots grew, covers old's slots (old stopped just now, same shard
// and primary, its copy whole) plus slots this node led until a merge by
// promotion handed them to the shard: the copy of all of them is whole,
// so the full sync the larger slot set needs replaces it stripe by stripe
// instead of emptying it first.
func (n *Node) handOverGrown(l, old *primaryLink) bool {
	if old.shard != l.shard || old.primary != l.primary || old.addr != l.addr || l.copy.partial.Load() {
		return false
	}
	var had slotMask
	for _, s := range cluster.SlotsIn(old.ranges) {
		had.set(s)
	}
	grew := false
	for _, s := range cluster.SlotsIn(l.ranges) {
		switch {
		case had.has(s):
		case n.mig.promoted[s].Load():
			grew = true
		default:
			return false
		}
	}
	if grew {
		l.copy.handover.Store(true)
	}
	return grew
}

// syncStripes returns, in the order a full sync sends them, the slots of
// each stripe that has some in mask: one VCACHE.IMPORT each.
func syncStripes(mask *slotMask) [][]int {
	var out [][]int
	for i := 0; i < replStripes; i++ {
		var slots []int
		for s := i; s < keyslot.Count; s += replStripes {
			if mask.has(s) {
				slots = append(slots, s)
			}
		}
		if len(slots) > 0 {
			out = append(out, slots)
		}
	}
	return out
}

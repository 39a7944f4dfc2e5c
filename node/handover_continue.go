package node

import (
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/vcache/vcache/cluster"
)

// Continuing over the kept copy. After a split by promotion the old
// primary A keeps its keys of the moved slots and becomes the new shard's
// replica (handover.go). Its copy is exactly what the promoted node B held
// of those slots when B acknowledged A's offset at the cutover: A wrote
// nothing to them after that offset (the pause), and B wrote nothing to
// them before it led them. So instead of a full sync (every key of the
// new shard sent again, and the allocation of all of them while clients
// wait — the stall a 1M-key split showed), A asks B to go on from where
// B's own backlog stood at that moment:
//
//   - A notes the cutover: its backlog's id and the offset B reached
//     (handoverPoint).
//   - B, while it replicates A, notes at each acknowledged offset of A's
//     stream where its own backlog ends (handoverMark), but only while it
//     leads none of those slots: from then on its backlog holds its own
//     writes to them and nothing of A's.
//   - A's first link to the new shard, its copy untouched since the flip,
//     sends VCACHE.SYNC handover:<A's id> <offset>; B finds a mark of A's
//     stream at or past that offset whose slots cover the request and
//     whose backlog position it still holds, and answers
//     +CONTINUE <B's id> <position>; anything else is a full sync, as
//     before.
//
// B's marks are taken from its own backlog's end before it checks the map:
// a write to those slots can run here only once the map that gives them to
// this node is current, so a mark that passed the check is before any such
// write.

// handoverFrame is the keyless frame a primary appends to its stream as a
// cutover by promotion begins, before it notes the offset the promoted
// replica must reach: a replica that applies it turns its own backlog on,
// so its mark at that offset can be taken (a node that streams to no
// replica keeps no backlog).
const handoverFrame = "vcache.handover"

// handoverReplPrefix starts the replication id of a VCACHE.SYNC that asks
// to continue over a copy kept at a split by promotion.
const handoverReplPrefix = "handover:"

// handoverPoint is, on the old primary, a cutover it handed over: its
// backlog's id and the offset the promoted node had reached.
type handoverPoint struct {
	id    string
	off   uint64
	slots slotMask
}

// handoverMark is, on a replica, an acknowledged offset of its primary's
// stream (srcID, srcOff) and where this node's own backlog ended then
// (myID, myEnd), for the slots of the link (ranges).
type handoverMark struct {
	srcID  string
	srcOff uint64
	myID   string
	myEnd  uint64
	ranges []cluster.SlotRange
}

// maxHandoverPoints bounds the cutovers an old primary remembers.
const maxHandoverPoints = 8

// noteHandoverPoint records a cutover of slots at offset off of this
// node's backlog.
func (n *Node) noteHandoverPoint(slots []int, off uint64) {
	p := &handoverPoint{id: n.repl.log.id, off: off}
	for _, s := range slots {
		p.slots.set(s)
	}
	n.repl.mu.Lock()
	defer n.repl.mu.Unlock()
	if len(n.repl.points) >= maxHandoverPoints {
		n.repl.points = n.repl.points[1:]
	}
	n.repl.points = append(n.repl.points, p)
}

// handoverPointFor returns the latest cutover that handed over every slot
// of ranges, or nil.
func (n *Node) handoverPointFor(ranges []cluster.SlotRange) *handoverPoint {
	slots := cluster.SlotsIn(ranges)
	n.repl.mu.Lock()
	defer n.repl.mu.Unlock()
	for i := len(n.repl.points) - 1; i >= 0; i-- {
		p := n.repl.points[i]
		all := len(slots) > 0
		for _, s := range slots {
			all = all && p.slots.has(s)
		}
		if all {
			return p
		}
	}
	return nil
}

// noteHandoverMark records, on l's link goroutine, that this node has
// applied srcID's stream up to srcOff: where its own backlog ends now, if
// it leads none of l's slots (see above).
func (n *Node) noteHandoverMark(l *primaryLink, srcID string, srcOff uint64) {
	log := n.repl.log
	cl := n.cl.Load()
	if cl == nil {
		return
	}
	if !log.on.Load() {
		// A node that streams to no replica keeps no backlog; the node
		// about to be promoted starts one, so that its writes after the
		// flip are there to continue from.
		if !promotedHere(cl.Map(), cl.Self(), l.ranges) {
			return
		}
		log.turnOn()
	}
	end := log.end.Load()
	m := cl.Map()
	if m == nil {
		return
	}
	if l.leadsSomeOf(m, cl.Self()) {
		return
	}
	l.mark.Store(&handoverMark{srcID: srcID, srcOff: srcOff, myID: log.id, myEnd: end, ranges: l.ranges})
	if !l.markShown {
		l.markShown = true
		n.repl.marks.Store(l.key, &l.mark)
	}
}

// leadCheck is what the last leadsSomeOf learned: whether self led some of
// the link's slots in the map of epoch and coordinator coord (ok: it has
// learned something).
type leadCheck struct {
	epoch uint64
	coord cluster.NodeID
	led   bool
	ok    bool
}

// leadsSomeOf reports whether self leads a shard holding some of l's
// slots in m. It walks m's shards only when m is another map than at the
// last call (another epoch or coordinator), not at every acknowledged
// offset. Link goroutine only.
func (l *primaryLink) leadsSomeOf(m *cluster.Map, self cluster.NodeID) bool {
	c := &l.lead
	if c.ok && c.epoch == m.Epoch() && c.coord == m.Coordinator() {
		return c.led
	}
	led := false
	primary, _ := m.ShardsOf(self)
	for _, s := range primary {
		if rangesOverlap(s.Slots, l.ranges) {
			led = true
			break
		}
	}
	*c = leadCheck{epoch: m.Epoch(), coord: m.Coordinator(), led: led, ok: true}
	return led
}

// handoverFrom returns where this node's stream continues for a replica
// that asks to go on over a copy kept at a split by promotion (req.replID
// handover:<id>), and whether it can.
func (n *Node) handoverFrom(req syncRequest) (uint64, bool) {
	id, ok := strings.CutPrefix(req.replID, handoverReplPrefix)
	if !ok || n.repl.noHandover.Load() {
		return 0, false
	}
	log := n.repl.log
	var from uint64
	found := false
	n.repl.marks.Range(func(k, v any) bool {
		mk := v.(*atomic.Pointer[handoverMark]).Load()
		switch {
		case mk == nil:
		case mk.myID != log.id || !log.has(mk.myEnd):
			n.repl.marks.Delete(k) // the backlog moved past it
		case mk.srcID == id && mk.srcOff >= req.offset && coversMask(mk.ranges, &req.mask):
			from, found = mk.myEnd, true
			return false
		}
		return true
	})
	return from, found
}

// promotedHere reports whether m moves some of ranges by promotion to a
// shard self is to lead.
func promotedHere(m *cluster.Map, self cluster.NodeID, ranges []cluster.SlotRange) bool {
	if m == nil {
		return false
	}
	for _, g := range m.Migrations() {
		if g.Method != cluster.MethodPromote || !rangesOverlap(g.Slots, ranges) {
			continue
		}
		if to, ok := m.Shard(g.To); ok && to.Primary == self {
			return true
		}
	}
	return false
}

// rangesOverlap reports whether a and b share a slot.
func rangesOverlap(a, b []cluster.SlotRange) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Start <= y.End && y.Start <= x.End {
				return true
			}
		}
	}
	return false
}

// coversMask reports whether ranges hold every slot of mask (and mask
// has one).
func coversMask(ranges []cluster.SlotRange, mask *slotMask) bool {
	slots := mask.slots()
	if len(slots) == 0 {
		return false
	}
	var in slotMask
	for _, s := range cluster.SlotsIn(ranges) {
		in.set(s)
	}
	for _, s := range slots {
		if !in.has(s) {
			return false
		}
	}
	return true
}

// recordHandoverContinue records in CLUSTER EVENTS that link's replica
// went on over the copy it kept, from offset from, instead of a full sync.
func (n *Node) recordHandoverContinue(link *replicaLink, from uint64) {
	cl := n.Cluster()
	if cl == nil {
		return
	}
	id, _ := strconv.ParseUint(link.shard, 10, 32)
	cl.Record(cluster.EventReplica, cluster.ShardID(id),
		fmt.Sprintf("replica %s of shard %s continues over the copy it kept at the split from offset %d (no full sync)", link.node, link.shard, from), 0)
}

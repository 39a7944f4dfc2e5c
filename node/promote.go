package node

import (
	"context"
	"fmt"
	"time"

	"github.com/vcache/vcache/cluster"
)

// Split (or merge) by promotion, source side. The shard's replica already holds every
// key of the moving slots (and their FT index entries), so nothing is
// copied: the primary pauses writes to the moving slots (-TRYAGAIN, which
// the proxy and cluster clients retry), waits for the writes already
// running on them, notes its stream's offset, and waits until the replica
// that becomes the new shard's primary has acknowledged that offset. Then
// the cluster gives the slots to the new shard (for a merge, to the
// neighbour that replica leads: cluster/mergemethod.go). When this node sees that
// map it lifts the pause at once (retried writes meet -MOVED) and then
// drops the moved keys (watchMap); the promoted replica drops the other
// half when its replication link stops (dropStale). At the flip each
// node becomes the other shard's replica, so no acknowledged write is
// left on one node (handover.go).

// promoteCatchUp bounds how long the replica may take to reach the
// primary's offset at the cutover; past it the cutover fails, the pause
// ends and the cluster tries again.
const promoteCatchUp = 5 * time.Second

// promoteCutover runs the cutover of a split by promotion of t.Target.
func (n *Node) promoteCutover(ctx context.Context, t cluster.MigrationTask) (err error) {
	slots := cluster.SlotsIn(t.Slots)
	start := time.Now()
	for _, s := range slots {
		n.mig.promoted[s].Store(true)
	}
	n.pauseSlots(slots, t.ID)
	defer func() {
		if err != nil {
			for _, s := range slots {
				n.mig.paused[s].Store(false)
				n.mig.promoted[s].Store(false)
			}
		}
	}()
	if err := n.drainWrites(ctx, slots); err != nil {
		return err
	}
	if a := n.Addr(); a != nil && a.String() == t.TargetAddr {
		// This node leads both shards now (the promoted replica took the
		// source over when its primary failed): the keys are here.
		n.log.Info("promotion: slots stay on this node", "move", t.Kind, "slots", len(slots))
		return nil
	}
	// Tell the replicas a cutover is under way (handover_continue.go):
	// the promoted one starts its own backlog before it reaches target.
	n.repl.log.appendCommand(-1, [][]byte{[]byte(handoverFrame)})
	target := n.repl.log.end.Load()
	ctx, cancel := context.WithTimeout(ctx, promoteCatchUp)
	defer cancel()
	if err := n.waitReplicaAck(ctx, t.From, t.Target, target); err != nil {
		return fmt.Errorf("%s by promotion: replica %s did not reach offset %d: %w", t.Kind, t.Target, target, err)
	}
	n.noteHandoverPoint(slots, target)
	pause := time.Since(start)
	n.log.Info("promotion: replica caught up", "move", t.Kind, "replica", t.Target, "offset", target,
		"slots", len(slots), "write pause so far", pause)
	if t.Report != nil {
		t.Report(fmt.Sprintf("promote: replica %s reached offset %d; writes to %d slots paused %s until the new map (no data copied)",
			t.Target, target, len(slots), pause.Round(time.Microsecond)), pause)
	}
	return nil
}

// waitReplicaAck waits until replica, streaming shard from this node, has
// acknowledged offset.
func (n *Node) waitReplicaAck(ctx context.Context, shard cluster.ShardID, replica cluster.NodeID, offset uint64) error {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		for _, l := range n.repl.replicaList() {
			if l.shard == shard.String() && l.node == string(replica) && l.online.Load() && l.ack.Load() >= offset {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// releasePromoted lifts the pause of slots a split by promotion handed
// over (gone), then drops their keys with their FT index entries: writes
// to them are redirected from the moment the pause ends, so clients do not
// wait for the drop. It runs on the map watcher, so a later map's
// replication link cannot start on the slots while their keys are being
// dropped; slots this node replicates under m (the old primary becomes
// the new shard's replica at the flip) are kept for that link, whose
// full sync replaces them stripe by stripe (handover.go).
func (n *Node) releasePromoted(gone []int, m *cluster.Map, self cluster.NodeID) {
	for _, s := range gone {
		n.mig.paused[s].Store(false)
	}
	start := time.Now()
	var drop, kept []int
	for _, s := range gone {
		if !m.IsReplica(s, self) {
			drop = append(drop, s)
		} else {
			kept = append(kept, s)
		}
	}
	n.keepHandedOver(m, self, kept)
	for _, s := range gone {
		n.mig.promoted[s].Store(false)
	}
	dropped := n.ks.DropSlots(drop)
	n.log.Info("split by promotion: moved keys dropped after the pause", "slots", len(drop), "keys", dropped, "took", time.Since(start))
}

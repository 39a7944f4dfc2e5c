package node

import (
	"context"
	"fmt"
	"time"

	"github.com/vcache/vcache/cluster"
)

// Split by promotion, source side. The shard's replica already holds every
// key of the moving slots (and their FT index entries), so nothing is
// copied: the primary pauses writes to the moving slots (-TRYAGAIN, which
// the proxy and cluster clients retry), waits for the writes already
// running on them, notes its stream's offset, and waits until the replica
// that becomes the new shard's primary has acknowledged that offset. Then
// the cluster gives the slots to the new shard. When this node sees that
// map it lifts the pause at once (retried writes meet -MOVED) and drops the
// moved keys in the background (watchMap); the promoted replica drops the
// other half when its replication link stops (dropStale).

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
		n.mig.paused[s].Store(true)
	}
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
	target := n.repl.log.end.Load()
	ctx, cancel := context.WithTimeout(ctx, promoteCatchUp)
	defer cancel()
	if err := n.waitReplicaAck(ctx, t.From, t.Target, target); err != nil {
		return fmt.Errorf("split by promotion: replica %s did not reach offset %d: %w", t.Target, target, err)
	}
	pause := time.Since(start)
	n.log.Info("split by promotion: replica caught up", "replica", t.Target, "offset", target,
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
// over (gone) and drops their keys, with their FT index entries, in the
// background: writes to them are redirected from now on.
func (n *Node) releasePromoted(gone []int) {
	for _, s := range gone {
		n.mig.paused[s].Store(false)
	}
	drop := func(context.Context) {
		start := time.Now()
		dropped := n.ks.DropSlots(gone)
		for _, s := range gone {
			n.mig.promoted[s].Store(false)
		}
		n.log.Info("split by promotion: moved keys dropped", "slots", len(gone), "keys", dropped, "took", time.Since(start))
	}
	if !n.goBackground(drop) {
		drop(context.Background())
	}
}

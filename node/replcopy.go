package node

import (
	"context"
	"sync/atomic"

	"github.com/vcache/vcache/cluster"
)

// shardCopy is what this node holds of a shard it replicates: whether the
// copy is whole (its last full sync completed) and up to which offset of
// the primary's stream it has applied. It outlives the links that fill
// it (a link stops when its primary dies, and the coordinator must still
// learn what the copy is worth), and goes when the node no longer
// replicates the shard.
type shardCopy struct {
	partial atomic.Bool
	offset  atomic.Uint64
	// handover marks a whole copy this node kept from a split by
	// promotion until its first full sync completes (handover.go).
	handover atomic.Bool
	// pristine marks a handed-over copy that no sync has touched since
	// the flip: a link may continue over it (handover_continue.go).
	pristine atomic.Bool
}

// copyOf returns the record of this node's copy of shard, making a
// partial one if there is none. Callers hold n.repl.mu.
func (n *Node) copyOf(shard cluster.ShardID) *shardCopy {
	c := n.repl.copies[shard]
	if c == nil {
		c = &shardCopy{}
		c.partial.Store(true)
		n.repl.copies[shard] = c
	}
	return c
}

// forgetCopies drops the records of shards this node no longer
// replicates. Callers hold n.repl.mu.
func (n *Node) forgetCopies(replica []cluster.Shard) {
	for id := range n.repl.copies {
		keep := false
		for _, s := range replica {
			keep = keep || s.ID == id
		}
		if !keep {
			delete(n.repl.copies, id)
		}
	}
}

// copyOffsets returns, for each shard this node replicates in replica,
// its applied offset and whether the copy is partial (no record: partial
// and 0, the link has not begun).
func (n *Node) copyOffsets(replica []cluster.Shard) []cluster.ShardOffset {
	n.repl.mu.Lock()
	defer n.repl.mu.Unlock()
	out := make([]cluster.ShardOffset, 0, len(replica))
	for _, s := range replica {
		o := cluster.ShardOffset{Shard: s.ID, Partial: true}
		if c := n.repl.copies[s.ID]; c != nil {
			o.Offset, o.Partial = c.offset.Load(), c.partial.Load()
		} else if n.handedOver(s.Slots) {
			o.Partial = false // the map flipped; followMap will keep the copy (handover.go)
		}
		out = append(out, o)
	}
	return out
}

// syncHook, when set (tests only), runs in a primary's full sync after
// each stripe's snapshot has been written to the replica's connection;
// it may block until ctx ends, holding the replica mid-sync.
type syncHook = func(ctx context.Context, stripe int)

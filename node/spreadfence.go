package node

import (
	"slices"
	"sync"

	"github.com/vcache/vcache/cluster"
)

// A replica move (cluster/spread.go) adds a replica to a shard and later
// drops the leaving one. A write that WAIT acknowledged on the leaving
// replica alone would be lost if the primary died right after the drop,
// so the primary, which counts the acknowledgements, fences the leaving
// replica: once a successor's stream is up (its full sync applied), the
// leaving replica's acknowledgements no longer count for WAIT, and the
// backlog's end at that moment is noted. Every write the leaving replica
// was counted for is below that offset. When every other replica of the
// shard has acknowledged it, the primary reports the leaving replica
// released (cluster.ShardOffset.Released), and only then does the
// coordinator drop it. WAIT counts only replicas that the primary's map
// lists, so a dropped replica whose stream has not ended yet counts no
// more either.

// spreadFences is the fence of each shard this node leads that has
// leaving replicas.
type spreadFences struct {
	mu sync.Mutex // guards at; a WAIT decides which replicas count under it
	at map[cluster.ShardID]spreadFence
}

// spreadFence is one shard's fence.
type spreadFence struct {
	leaving []cluster.NodeID
	offset  uint64 // the backlog's end when leaving stopped counting
}

// fence returns the replicas of s, a shard this node leads in m, whose
// acknowledgements no longer count for WAIT, and the backlog's offset at
// which they stopped counting. It sets the fence once a successor
// streams and lifts it when the map has no leaving replica for s.
func (n *Node) fence(cl *cluster.Cluster, m *cluster.Map, s cluster.Shard) ([]cluster.NodeID, uint64) {
	leaving := cl.Leaving(m, s.ID)
	f := &n.fences
	f.mu.Lock()
	defer f.mu.Unlock()
	cur, ok := f.at[s.ID]
	if ok && slices.Equal(cur.leaving, leaving) {
		return cur.leaving, cur.offset
	}
	delete(f.at, s.ID)
	if len(leaving) == 0 || !n.successorStreams(s, leaving) {
		return nil, 0
	}
	if f.at == nil {
		f.at = map[cluster.ShardID]spreadFence{}
	}
	// Read under f.mu: a WAIT that counted a leaving replica decided so
	// before this, and its target offset is at most this one.
	cur = spreadFence{leaving: leaving, offset: n.repl.log.end.Load()}
	f.at[s.ID] = cur
	return cur.leaving, cur.offset
}

// pruneFences forgets the fences of shards this node no longer leads
// (led is the shards it leads).
func (n *Node) pruneFences(led []cluster.Shard) {
	f := &n.fences
	f.mu.Lock()
	defer f.mu.Unlock()
	for id := range f.at {
		if !slices.ContainsFunc(led, func(s cluster.Shard) bool { return s.ID == id }) {
			delete(f.at, id)
		}
	}
}

// successorStreams reports whether a replica of s that is not leaving
// has a stream up whose full sync it has applied (it acknowledged).
func (n *Node) successorStreams(s cluster.Shard, leaving []cluster.NodeID) bool {
	for _, l := range n.repl.replicaList() {
		id := cluster.NodeID(l.node)
		if l.shard == s.ID.String() && slices.Contains(s.Replicas, id) && !slices.Contains(leaving, id) &&
			l.online.Load() && l.lastAck.Load() != 0 {
			return true
		}
	}
	return false
}

// released returns the epoch of m when every replica of s, a shard this
// node leads in m, other than the fenced leaving ones has acknowledged
// the fence's offset (0 when s has no fenced replica, or not yet).
func (n *Node) released(cl *cluster.Cluster, m *cluster.Map, s cluster.Shard) uint64 {
	leaving, at := n.fence(cl, m, s)
	if len(leaving) == 0 {
		return 0
	}
	links := n.repl.replicaList()
	for _, r := range s.Replicas {
		if slices.Contains(leaving, r) {
			continue
		}
		if !slices.ContainsFunc(links, func(l *replicaLink) bool {
			return l.shard == s.ID.String() && cluster.NodeID(l.node) == r && l.online.Load() && l.ack.Load() >= at
		}) {
			return 0
		}
	}
	return m.Epoch()
}

// waitCounts returns which replica links WAIT counts now: on a shard this
// node leads, the replicas the map lists, less the fenced leaving ones;
// links of other shards, and of replicas that sent no name, all count.
// Nil (all count) when the node is not in a cluster.
func (n *Node) waitCounts() func(*replicaLink) bool {
	cl, m, primary := n.led()
	if m == nil {
		return nil
	}
	counted := make(map[string][]cluster.NodeID, len(primary))
	for _, s := range primary {
		leaving, _ := n.fence(cl, m, s)
		counted[s.ID.String()] = slices.DeleteFunc(slices.Clone(s.Replicas), func(r cluster.NodeID) bool { return slices.Contains(leaving, r) })
	}
	return func(l *replicaLink) bool {
		ids, ok := counted[l.shard]
		return !ok || l.node == "" || slices.Contains(ids, cluster.NodeID(l.node))
	}
}

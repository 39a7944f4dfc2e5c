package node

import "github.com/vcache/vcache/cluster"

// A primary whose shard failed over while it was stopped, cut off or
// restarting keeps the keys it held. They are stale: the promoted replica
// took writes and DELs since. If the node later received those slots
// again as the target of a split or merge by copy, the import would add
// the source's keys to the stale ones, and a key deleted in between would
// come back. So when the map takes a shard's lead from this node, its
// keys of slots it neither serves, replicates nor receives are dropped
// (dropStale), as a replica's are when its link stops.

// lostLead reports whether m takes from self the lead of a shard that the
// previous map followMap handled gave it, and remembers what self leads
// in m. Only the goroutine that follows the map calls it.
func (n *Node) lostLead(m *cluster.Map, self cluster.NodeID) bool {
	primary, _ := m.ShardsOf(self)
	now := make(map[cluster.ShardID]bool, len(primary))
	for _, s := range primary {
		now[s.ID] = true
	}
	lost := false
	for id := range n.repl.led {
		lost = lost || !now[id]
	}
	n.repl.led = now
	return lost
}

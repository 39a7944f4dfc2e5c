package node

// Replica links' output buffers (INFO memory mem_clients_slaves), as
// Redis 7.0 counts them: part of used_memory, but not of the memory
// maxmemory compares (mem_not_counted_for_evict), because evicting keys
// makes DELs for the replicas, which would grow these buffers and evict
// more in a loop (Redis's freeMemoryGetNotCountedMemory). The writes
// themselves wait in the backlog, a ring of repl-backlog-size that does
// count (mem_replication_backlog); what a link holds besides is its
// socket writer, the stripe snapshot it is sending during a full sync
// and the frames it copied out of the backlog to send.

// setReplicaHeld records the bytes link's stream holds now (the stream's
// goroutine; 0 when it ends).
func (n *Node) setReplicaHeld(link *replicaLink, b int64) {
	if d := b - link.held.Swap(b); d != 0 {
		n.replOut.Add(d)
	}
}

// replicaBuffers returns the bytes every replica link holds.
func (n *Node) replicaBuffers() int64 { return max(n.replOut.Load(), 0) }

package node

// size returns the ring's size in bytes (repl-backlog-size in effect).
func (b *backlog) size() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.max
}

// resize makes the ring max bytes (CONFIG SET repl-backlog-size). A ring
// already allocated keeps the newest whole frames that fit; a replica
// that needed the older ones gets a full sync, as after any trim.
func (b *backlog) resize(max int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if max == b.max {
		return
	}
	b.max = max
	if b.ring == nil {
		return
	}
	for b.n > max {
		b.dropOldest()
	}
	ring := make([]byte, max)
	b.copyOut(ring[:0], b.head, b.n)
	b.ring, b.head = ring, 0
	b.held.Store(int64(max))
}

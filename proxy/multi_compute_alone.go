package proxy

import "github.com/vcache/vcache/internal/resp"

// SMOVE, LMOVE, RPOPLPUSH, RENAME, RENAMENX, COPY, ZRANGESTORE, MSETNX
// and BITOP whose keys are on several nodes, outside a transaction, run as a transaction
// of their own that spans nodes (multi_compute.go): the keys are locked
// on their nodes, the sources read, the destination written, then
// unlocked, so the command is as atomic as on one server. (The set and
// sorted-set operations are gathered instead: setgather.go,
// zsetgather.go.)

// computeAlone runs cmd as a one-command transaction when the proxy
// computes it and its keys are on several nodes; ok false leaves it to
// the caller (which answers CROSSSLOT). A session that WATCHes keys keeps
// CROSSSLOT: the transaction would check and forget its WATCHes.
func (s *session) computeAlone(e *entry, cmd resp.Command) (it item, ok bool) {
	if s.tx != nil || s.pinned != nil || len(s.xpins) > 0 {
		return item{}, false
	}
	s.tx = &txState{slot: -1}
	queued := s.txComputeQueue(e, cmd)
	tx := s.tx
	s.tx = nil
	if !queued {
		return item{}, false
	}
	parts := s.txParts(tx)
	if parts == nil {
		return item{}, false
	}
	it = s.execNodes(tx, parts)
	if string(s.local[it.lo:it.hi]) == "-"+msgCrossSlotTx+"\r\n" {
		// Nodes that cannot lock keys (not vcache nodes): nothing ran,
		// and the command is refused as it always was.
		s.local = s.local[:it.lo]
		return item{}, false
	}
	// EXEC's reply is an array of the one reply: keep the reply.
	if r := s.local[it.lo:it.hi]; len(r) > 0 && r[0] == '*' {
		if _, n, ok := splitHeader(r); ok && it.hi == len(s.local) {
			copy(s.local[it.lo:], s.local[it.lo+n:it.hi])
			it.hi -= n
			s.local = s.local[:it.hi]
		}
	}
	it.e = e
	return it, true
}

// computesAcross reports whether cmd is one the proxy computes when its
// keys are on several nodes, and they are: it then needs a goroutine
// (computeAlone), not the event loop's forwarding, which would answer
// CROSSSLOT.
func (s *session) computesAcross(e *entry, args [][]byte) bool {
	if e.spec.FirstKey == e.spec.LastKey && !e.spec.Movable() {
		return false // one key: the common case, decided without a lookup
	}
	if e.compute == nil {
		return false
	}
	_, msg := s.slotOf(e.spec, args)
	return msg == msgCrossSlot
}

package proxy

import (
	"strings"
	"time"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/resp"
)

// Transactions. MULTI and the commands after it are queued by the proxy
// (each answered +QUEUED once its keys are known to share the
// transaction's slot); EXEC sends MULTI, the queue and EXEC in one write
// on one connection, which a node runs atomically, and returns EXEC's
// reply. WATCH needs the node to remember the connection between round
// trips, so it pins a connection of the session's own until EXEC,
// DISCARD, UNWATCH or RESET; while pinned, the session's commands to that
// node use it too, in order.

var (
	multiCmd = []byte("*1\r\n$5\r\nMULTI\r\n")
	execCmd  = []byte("*1\r\n$4\r\nEXEC\r\n")
)

// txState is a transaction being queued.
type txState struct {
	queued [][]byte     // raw commands
	shapes []resp.Shape // their replies' RESP3 shapes, when the client speaks RESP3
	slot   int          // the transaction's slot, -1 until a key is seen
	failed bool         // a queued command was refused: EXEC aborts
	// slots and entries are each queued command's slot (-1: no key) and
	// entry; spread is set once two commands' slots may be on different
	// nodes (multi_nodes.go).
	slots   []int
	entries []*entry
	spread  bool
	// combines are the client's commands queued as several parts
	// (multi_split.go), in queue order.
	combines []txCombine
	// computes are the commands the proxy computes, by queue index
	// (multi_compute.go).
	computes map[int]txCompute
	// lockID names the transaction's locks on the nodes when set (one
	// that asks VCACHE.TXRAN afterwards: block_across_move.go); else they
	// are named after the session.
	lockID string
	// locals are the queued commands the proxy answers itself once EXEC
	// has run, by queue index, in order; pauses is set when one of them
	// starts a client pause (multi_local.go).
	locals []int
	pauses bool
}

func proxyMulti(s *session, _ resp.Command) item {
	if s.tx != nil {
		return s.errItem(nil, msgNestedMulti)
	}
	s.tx = &txState{slot: -1}
	if s.pinned != nil {
		s.tx.slot = s.pinSlot
	}
	lo := len(s.local)
	s.Simple("OK")
	return item{lo: lo, hi: len(s.local)}
}

// txQueue queues a command inside MULTI.
func (s *session) txQueue(e *entry, cmd resp.Command) item {
	tx := s.tx
	fail := func(msg string) item {
		tx.failed = true
		return s.errItem(e, msg)
	}
	switch e.kind {
	case kindRouted:
		return fail("ERR '" + e.spec.Name + "' cannot be queued in a transaction through the proxy")
	case kindLocal:
		if e.txLocal != nil && e.txLocal(cmd.Args) {
			s.txQueueLocal(e, cmd) // multi_local.go
			lo := len(s.local)
			s.Simple("QUEUED")
			return item{e: e, lo: lo, hi: len(s.local)}
		}
		if !e.spec.Has(command.Stateless) {
			name := e.spec.Name
			if e.spec.Has(command.Container) && len(cmd.Args) > 1 {
				name += "|" + strings.ToLower(string(cmd.Args[1]))
			}
			return fail("ERR '" + name + "' cannot be queued in a transaction through the proxy")
		}
	case kindRefused:
		return fail("ERR '" + e.spec.Name + "' is not available through the proxy")
	case kindComposite:
		if e.spec.FirstKey == 0 && len(s.p.routes.Load().nodes) > 1 {
			return fail("ERR '" + e.spec.Name + "' spans every node and cannot be part of a transaction through the proxy")
		}
	}
	if (e.kind == kindComposite && s.txSplitQueue(e, cmd)) || s.txComputeQueue(e, cmd) { // multi_split.go, multi_compute.go
		lo := len(s.local)
		s.Simple("QUEUED")
		return item{e: e, lo: lo, hi: len(s.local)}
	}
	slot, msg := s.slotOf(e.spec, cmd.Args)
	if msg != "" {
		return fail(msg)
	}
	_, shape := s.shape3(e, cmd.Args)
	s.txAppend(tx, slot, e, append([]byte(nil), cmd.Raw...), shape)
	lo := len(s.local)
	s.Simple("QUEUED")
	return item{e: e, lo: lo, hi: len(s.local)}
}

// txAppend adds a queued command to tx: its slot (-1: no key; else it may
// set the transaction's slot, or spread), entry, request and RESP3 reply
// shape.
func (s *session) txAppend(tx *txState, slot int, e *entry, req []byte, shape resp.Shape) {
	if slot >= 0 {
		switch {
		case tx.slot < 0:
			tx.slot = slot
		case slot != tx.slot && !s.sameNode(slot, tx.slot):
			tx.spread = true
		}
	}
	tx.slots = append(tx.slots, slot)
	tx.entries = append(tx.entries, e)
	tx.queued = append(tx.queued, req)
	tx.shapes = append(tx.shapes, shape)
}

func proxyExec(s *session, _ resp.Command) item {
	tx := s.tx
	if tx == nil {
		return s.errItem(nil, msgExecNoMulti)
	}
	if s.p.monitors.n.Load() > 0 {
		s.execTx = tx // monitor.go
	}
	s.tx = nil
	if tx.failed {
		s.unpinAll()
		return s.errItem(nil, msgExecAbort)
	}
	if tx.pauses {
		// The pause starts as EXEC ends: what comes after EXEC waits for
		// the next round, which the pause looks at (serveFrom).
		s.cut = true
	}
	if tx.spread || len(s.xpins) > 0 {
		if parts := s.txParts(tx); parts != nil {
			return s.execNodes(tx, parts)
		}
	}
	pin := s.pinned
	s.pinned = nil
	s.barrier()
	m := &execMerge{tx: tx, pin: pin, r3: s.resp3.Load()}
	m.send(s)
	if pin != nil {
		// Later commands go to the shared connection: they must run after
		// the transaction on the pinned one.
		s.barrier()
	}
	return item{m: m}
}

// execMerge is a transaction in flight: MULTI, the queue, EXEC.
type execMerge struct {
	tx    *txState
	pin   *bconn
	calls []*call
	r3    bool // the client speaks RESP3: each queued command's reply is converted
}

// send queues the whole transaction on one connection.
func (m *execMerge) send(s *session) {
	m.calls = m.calls[:0]
	var be *backend
	if m.pin != nil {
		be = m.pin.be
	} else if m.tx.slot >= 0 {
		be = s.p.routes.Load().slot(m.tx.slot)
	} else if nodes := s.p.routes.Load().nodes; len(nodes) > 0 {
		be = nodes[uint64(s.id)%uint64(len(nodes))]
	}
	add := func(req []byte) {
		c := s.newCall(req)
		c.be, c.via, c.slot = be, m.pin, m.tx.slot
		// A tracking client's transaction runs on its own link (enqueue).
		if c.via == nil && be != nil && s.trk == nil {
			c.via = be.conn(s.id)
		}
		s.enqueue(c)
		m.calls = append(m.calls, c)
	}
	add(multiCmd)
	for i, q := range m.tx.queued {
		if len(m.tx.locals) == 0 || !m.tx.isLocal(i) {
			add(q)
		}
	}
	add(execCmd)
}

func (m *execMerge) merge(s *session, dst []byte) []byte {
	if m.pin != nil {
		defer s.p.unpin(m.pin)
	}
	deadline := time.Now().Add(s.p.cfg.RetryDeadline)
	backoff := 2 * time.Millisecond
	for {
		retry := false
		for _, c := range m.calls {
			if c.err != nil {
				retry = true
			} else if class, _ := classify(c.reply); class != replyFinal {
				retry = true
			}
		}
		if !retry || m.pin != nil || !time.Now().Before(deadline) {
			break
		}
		// Nothing ran: a node that redirects or fails a queued command
		// aborts the whole transaction. Send it all again.
		s.p.stats.retries.Add(1)
		s.p.refreshSoon()
		if !s.sleep(min(backoff, time.Until(deadline))) {
			break
		}
		backoff = min(2*backoff, 100*time.Millisecond)
		s.w.begin()
		m.send(s)
		s.dispatch()
		s.w.wait()
	}
	last := m.calls[len(m.calls)-1]
	for _, c := range m.calls {
		if c.err != nil {
			return resp.AppendError(dst, errText(c.err))
		}
	}
	reply, shapes := s.execReply(m.tx, last.reply) // multi_local.go
	if m.r3 {
		return resp.To3Elems(dst, reply, shapes)
	}
	return append(dst, reply...)
}

func proxyDiscard(s *session, _ resp.Command) item {
	if s.tx == nil {
		return s.errItem(nil, msgDiscardNo)
	}
	s.tx = nil
	if s.pinned != nil {
		s.barrier()
		s.unpinAll()
	}
	lo := len(s.local)
	s.Simple("OK")
	return item{lo: lo, hi: len(s.local)}
}

package proxy

import (
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/resp"
)

// Commands computed by the proxy inside a transaction that spans nodes.
// SUNIONSTORE, ZINTER, SMOVE, LMOVE, RENAME and the like whose keys are on
// several nodes cannot run on any one node. Inside MULTI such a command is
// queued as a txCompute (multi_compute_cmds.go); EXEC then runs the
// transaction in rounds on the connections that hold the nodes' locks
// (multi_nodes.go), every key of every command locked before the first
// round:
//
//	round k, on each node at once, as one MULTI/EXEC there: the writes
//	left by computed command k-1, the client's commands queued between
//	computed commands k-1 and k, and the reads computed command k needs;
//	then the proxy computes command k's reply and its writes.
//
// The last round has no reads and ends with TXUNLOCK. So each command
// sees the writes of every command queued before it and none after, as
// in Redis, and EXEC's reply has every reply in the client's order.
//
// Isolation: other clients wait for every locked key from the first round
// to the unlock, so none sees the transaction half done, nor changes a
// source between its read and the destination's write; a WATCHed key that
// changed aborts the whole before anything ran (TXLOCK). What is not
// Redis's all-or-nothing: a node that fails (or a lease that runs out)
// between rounds leaves the rounds before it applied.

// txRead is one command a computed command needs the reply of: args,
// run on key's node.
type txRead struct {
	key  []byte
	args [][]byte
}

// txWrite is one command a computed command leaves to run on key's node,
// whose reply the client does not see (unless it is an error).
type txWrite = txRead

// txCompute is one client command the proxy computes inside a
// transaction that spans nodes.
type txCompute interface {
	// keys are the keys to lock.
	keys() [][]byte
	// reads are the commands whose replies result needs.
	reads() []txRead
	// result gets the reads' replies (RESP2, in reads' order) and returns
	// the client's reply (RESP2) and the writes to make.
	result(replies [][]byte) ([]byte, []txWrite)
}

// txFixed is a computed command whose reply is known when it is queued
// (a syntax error, which Redis also answers only at EXEC).
type txFixed struct {
	k     [][]byte
	reply []byte
}

func (f *txFixed) keys() [][]byte                      { return f.k }
func (f *txFixed) reads() []txRead                     { return nil }
func (f *txFixed) result([][]byte) ([]byte, []txWrite) { return f.reply, nil }

// txComputeQueue queues cmd as a computed command when it is one the
// proxy computes and its keys are on several nodes, and reports whether
// it did.
func (s *session) txComputeQueue(e *entry, cmd resp.Command) bool {
	if e.compute == nil {
		return false
	}
	pos := e.spec.KeyPositions(cmd.Args, nil)
	if len(pos) < 2 {
		return false
	}
	rt := s.p.routes.Load()
	first := rt.slot(keyslot.Of(cmd.Args[pos[0]]))
	spans := false
	for _, i := range pos[1:] {
		be := rt.slot(keyslot.Of(cmd.Args[i]))
		if be == nil || first == nil {
			return false // unserved: the queue's own check reports it
		}
		if be != first {
			spans = true
		}
	}
	if !spans {
		return false
	}
	// The command's words are kept past this round: copy them.
	raw := append([]byte(nil), cmd.Raw...)
	v, _, err := resp.Parse(raw)
	if err != nil || len(v.Elems) != len(cmd.Args) {
		return false
	}
	args := argsOf(v)
	comp := e.compute(args, pos)
	if comp == nil {
		return false
	}
	tx := s.tx
	if tx.computes == nil {
		tx.computes = map[int]txCompute{}
	}
	tx.computes[len(tx.queued)] = comp
	tx.spread = true
	if tx.slot < 0 {
		tx.slot = keyslot.Of(cmd.Args[pos[0]])
	}
	_, shape := s.shape3(e, cmd.Args)
	s.txAppend(tx, -1, e, raw, shape)
	return true
}

// computeKeys adds the computed commands' keys to the parts that lock
// them (txParts).
func (tx *txState) computeKeys(rt *routeTable, part func(*backend) *xpart) bool {
	for _, c := range tx.computes {
		for _, k := range c.keys() {
			be := rt.slot(keyslot.Of(k))
			if be == nil {
				return false
			}
			pt := part(be)
			pt.keys = append(pt.keys, k)
		}
	}
	return true
}

// txSlot is one command of a round on a part: the client's command i
// (>= 0), or a hidden read or write of computed command owner.
type txSlot struct {
	i     int
	owner int
	read  int // index in the owner's reads, or -1 for a write
}

// execStaged runs a locked transaction that has computed commands in
// rounds (see above), unlocks, and returns EXEC's reply.
func (s *session) execStaged(tx *txState, parts []*xpart, unlock []byte) item {
	rt := s.p.routes.Load()
	partOf := func(key []byte) *xpart {
		be := rt.slot(keyslot.Of(key))
		for _, pt := range parts {
			if pt.be == be {
				return pt
			}
		}
		return nil
	}
	elems := make([][]byte, len(tx.queued))
	reqs := make(map[*xpart][][]byte, len(parts))
	slots := make(map[*xpart][]txSlot, len(parts))
	ran := make([]*xpart, len(tx.queued)) // the part each client command runs on
	for _, pt := range parts {
		for _, i := range pt.cmds {
			ran[i] = pt
		}
	}
	start := 0
	for {
		end := start
		for end < len(tx.queued) && tx.computes[end] == nil {
			end++
		}
		for i := start; i < end; i++ {
			if pt := ran[i]; pt != nil {
				reqs[pt] = append(reqs[pt], tx.queued[i])
				slots[pt] = append(slots[pt], txSlot{i: i, owner: -1, read: -1})
			}
		}
		var comp txCompute
		var reads []txRead
		var got [][]byte
		if end < len(tx.queued) {
			comp = tx.computes[end]
			reads = comp.reads()
			got = make([][]byte, len(reads))
			for r, rd := range reads {
				pt := partOf(rd.key)
				if pt == nil {
					got[r] = resp.AppendError(nil, errText(ErrNoRoute))
					continue
				}
				reqs[pt] = append(reqs[pt], resp.AppendCommand(nil, rd.args...))
				slots[pt] = append(slots[pt], txSlot{i: -1, owner: end, read: r})
			}
		}
		last := comp == nil
		s.runRound(parts, reqs, slots, last, unlock, func(sl txSlot, reply []byte) {
			switch {
			case sl.i >= 0:
				elems[sl.i] = reply
			case sl.read >= 0:
				got[sl.read] = reply
			case len(reply) > 0 && reply[0] == '-':
				elems[sl.owner] = reply // a write that failed
			}
		})
		clear(reqs)
		clear(slots)
		if last {
			break
		}
		reply, writes := comp.result(got)
		elems[end] = reply
		for _, w := range writes {
			pt := partOf(w.key)
			if pt == nil {
				elems[end] = resp.AppendError(nil, errText(ErrNoRoute))
				continue
			}
			reqs[pt] = append(reqs[pt], resp.AppendCommand(nil, w.args...))
			slots[pt] = append(slots[pt], txSlot{i: -1, owner: end, read: -1})
		}
		start = end + 1
		if next := thenOf(comp); next != nil { // multi_compute_then.go
			// The command's next step: its reads go in the next round,
			// after the writes of this one.
			tx.computes[end] = next
			start = end
		}
	}
	return s.replyExec(tx, elems)
}

// runRound sends each part's commands of a round as MULTI/EXEC on its
// connection (all parts at once), with TXUNLOCK after them on every part
// when last, waits, and hands each command's reply to put.
func (s *session) runRound(parts []*xpart, reqs map[*xpart][][]byte, slots map[*xpart][]txSlot, last bool, unlock []byte, put func(txSlot, []byte)) {
	s.w.begin()
	execs := make([]*call, len(parts))
	for p, pt := range parts {
		if len(reqs[pt]) > 0 {
			pt.send(s, multiCmd)
			for _, r := range reqs[pt] {
				pt.send(s, r)
			}
			execs[p] = pt.send(s, execCmd)
		}
		if last {
			pt.send(s, unlock)
		}
	}
	s.dispatch()
	s.w.wait()
	for p, pt := range parts {
		if execs[p] == nil {
			continue
		}
		elems, failed := execElems(execs[p], len(reqs[pt]), pt.be.addr)
		for j, sl := range slots[pt] {
			if failed != nil {
				put(sl, failed)
			} else {
				put(sl, elems[j])
			}
		}
	}
}

// execElems splits a part's EXEC reply into its n elements, or returns
// the error every one of them gets.
func execElems(c *call, n int, addr string) ([][]byte, []byte) {
	r := c.reply
	switch {
	case c.err != nil:
		return nil, resp.AppendError(nil, errText(c.err))
	case len(r) > 0 && r[0] == '-':
		return nil, r
	}
	line, at, ok := splitHeader(r)
	if count, ok2 := resp.ParseInt(line); !ok || !ok2 || r[0] != '*' || count != int64(n) {
		return nil, resp.AppendError(nil, "ERR the transaction's part on "+addr+" did not run")
	}
	elems := make([][]byte, n)
	for i := range elems {
		_, used, err := resp.Parse(r[at:])
		if err != nil {
			return nil, resp.AppendError(nil, "ERR bad reply from backend")
		}
		elems[i] = r[at : at+used]
		at += used
	}
	return elems, nil
}

// replyExec writes EXEC's reply from the client's commands' replies.
func (s *session) replyExec(tx *txState, elems [][]byte) item {
	s.runLocals(tx, elems)                    // multi_local.go
	elems, shapes := tx.combineReplies(elems) // multi_split.go
	arr := resp.AppendArray(nil, len(elems))
	for _, e := range elems {
		arr = append(arr, e...)
	}
	lo := len(s.local)
	if s.resp3.Load() {
		s.local = resp.To3Elems(s.local, arr, shapes)
	} else {
		s.local = append(s.local, arr...)
	}
	return item{lo: lo, hi: len(s.local)}
}

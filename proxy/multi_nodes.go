package proxy

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vcache/vcache/internal/resp"
)

// Transactions that span nodes. A MULTI/EXEC whose commands all go to one
// node is sent there as MULTI, the queue and EXEC (multi.go). One whose
// commands (or WATCHed keys) are on several nodes runs in steps, on a
// dedicated connection to each node (node/txlock.go, node/txcommit.go):
//
//  1. Lock: VCACHE.TXLOCK on each node, one node after another in the
//     order of their addresses (every proxy uses the same order, so two
//     transactions cannot each wait for the other): the node locks the
//     transaction's keys there, and checks the connection's WATCHed
//     keys, for a lease of txLease. Other clients' commands on those
//     keys wait. The transaction's ID is the proxy session's and a
//     random number, unique to this transaction.
//  2. Prepare: each node's part as MULTI, its commands and
//     VCACHE.TXPREPARE, sent right behind its TXLOCK (one round trip per
//     node for both). The first node in lock order is the decision node;
//     every other part names its address. A node stores its part (the
//     queued commands, refused as EXEC would refuse them: EXECABORT) and
//     answers OK; nothing runs. A part that is not OK aborts the whole
//     (every node unlocked, which drops the prepared parts) and EXEC
//     answers its error (a WATCHed key that changed aborts it too: below).
//  3. Commit: once every node is locked and prepared and no WATCHed key
//     changed, VCACHE.TXCOMMIT on the decision node, waiting for its
//     reply: running its part there is the transaction's commit, which
//     the node remembers. An error (its lease ran out, or another node
//     asked about the transaction first and it was aborted) aborts the
//     whole as in step 2; no reply at all leaves the outcome to the
//     nodes (every connection is closed, see below) and EXEC answers an
//     error that says so.
//  4. Then VCACHE.TXCOMMIT on every other node with a part, and
//     VCACHE.TXUNLOCK on every node, at once; EXEC's reply is the parts'
//     replies, in the client's order.
//
// A node holding a prepared part whose proxy goes away (its connection
// closes, or the lease runs out) asks the decision node whether the
// transaction committed: it runs its part if so, drops it if the
// decision node aborted it (a decision node that loses its proxy while
// prepared aborts), and asks again while the decision node still holds
// it for a live proxy. So a proxy killed or hung at any step leaves the
// transaction applied on every node or on none. Only a decision node
// that cannot be reached for half a minute (its process gone) leaves the
// others to drop their parts, logged as possibly half applied.
//
// A WATCHed key that changed (step 1 replies 0) unlocks every node and
// EXEC returns a null array, as Redis does; nothing ran. Transactions
// with commands the proxy computes (multi_compute.go) run in rounds
// instead and are not atomic across a failure between rounds.

// msgCrossSlotTx is EXEC's error when a node of a transaction that spans
// nodes cannot lock keys (it is not a vcache node).
const msgCrossSlotTx = "CROSSSLOT Keys in request don't hash to the same slot (the transaction spans nodes that cannot lock keys for it)"

// txLease is how long a node keeps a transaction's keys locked if the
// proxy goes silent.
const txLease = 5 * time.Second

// xpart is one node's share of a transaction that spans nodes.
type xpart struct {
	be  *backend
	bc  *bconn // the connection the part runs on
	own bool   // bc is the transaction's (else a WATCH pin)
	// pooled: bc came from the pool (txpool.go); sent are the calls made
	// on bc, to tell whether it can go back.
	pooled bool
	sent   []*call
	dirty  bool  // bc may hold something: it is closed, not pooled
	cmds   []int // the part's commands, as indexes in txState.queued
	keys   [][]byte
	exec   *call // EXEC's call
}

// send queues req on the part's connection, noting the call in sent.
func (pt *xpart) send(s *session, req []byte) *call {
	c := s.newCall(req)
	c.be, c.via = pt.be, pt.bc
	s.enqueue(c)
	pt.sent = append(pt.sent, c)
	return c
}

// pinFor returns the session's pinned connection to be, or nil.
func (s *session) pinFor(be *backend) *bconn {
	if s.pinned != nil && s.pinned.be == be {
		return s.pinned
	}
	for _, bc := range s.xpins {
		if bc.be == be {
			return bc
		}
	}
	return nil
}

// unpinAll releases every connection the session pinned for WATCH.
func (s *session) unpinAll() {
	if s.pinned != nil {
		s.p.unpin(s.pinned)
		s.pinned = nil
	}
	for _, bc := range s.xpins {
		s.p.unpin(bc)
	}
	s.xpins = s.xpins[:0]
}

// txParts splits a queued transaction by node, in lock order, or returns
// nil when it fits on one node (and its WATCH connection, if any): then
// it runs as any single-node transaction.
func (s *session) txParts(tx *txState) []*xpart {
	rt := s.p.routes.Load()
	var parts []*xpart
	part := func(be *backend) *xpart {
		for _, pt := range parts {
			if pt.be == be {
				return pt
			}
		}
		pt := &xpart{be: be}
		parts = append(parts, pt)
		return pt
	}
	if s.pinned != nil {
		part(s.pinned.be)
	}
	for _, bc := range s.xpins {
		part(bc.be)
	}
	var keyless []int
	var pos []int
	if !tx.computeKeys(rt, part) { // multi_compute.go
		return nil
	}
	for i, slot := range tx.slots {
		if tx.computes[i] != nil || tx.isLocal(i) {
			continue
		}
		if slot < 0 {
			keyless = append(keyless, i)
			continue
		}
		be := rt.slot(slot)
		if be == nil {
			return nil // unserved: the single-node path reports it
		}
		pt := part(be)
		pt.cmds = append(pt.cmds, i)
		if v, _, err := resp.Parse(tx.queued[i]); err == nil {
			pos = tx.entries[i].spec.KeyPositions(argsOf(v), pos[:0])
			for _, k := range pos {
				pt.keys = append(pt.keys, v.Elems[k].Str)
			}
		}
	}
	if len(parts) <= 1 {
		return nil
	}
	slices.SortFunc(parts, func(a, b *xpart) int { return strings.Compare(a.be.addr, b.be.addr) })
	// Keyless commands (PING, ECHO, TIME) run with the first node's part,
	// in the client's order.
	if len(keyless) > 0 {
		parts[0].cmds = append(parts[0].cmds, keyless...)
		slices.Sort(parts[0].cmds)
	}
	return parts
}

// argsOf returns a parsed command's arguments.
func argsOf(v resp.Value) [][]byte {
	args := make([][]byte, len(v.Elems))
	for i := range v.Elems {
		args[i] = v.Elems[i].Str
	}
	return args
}

// execNodes runs a transaction that spans nodes (see above) and returns
// EXEC's reply. It waits for the replies itself, so that the commands
// the client sent after EXEC run after the transaction.
func (s *session) execNodes(tx *txState, parts []*xpart) item {
	s.barrier()
	for _, pt := range parts { // every WATCH connection is a part's
		if pt.bc = s.pinFor(pt.be); pt.bc == nil {
			pt.bc, pt.pooled = s.p.txConn(pt.be)
			pt.own = true
		}
	}
	s.pinned = nil
	s.xpins = s.xpins[:0]
	defer func() {
		for _, pt := range parts {
			if pt.own {
				s.p.txDone(pt.bc, pt.clean())
			} else {
				s.p.unpin(pt.bc) // forgets its WATCH
			}
		}
		s.w.begin() // the round goes on
	}()
	// Every transaction's own ID: a decision node remembers outcomes by it.
	id := "p" + strconv.FormatInt(s.id, 10) + "-" + strconv.FormatUint(rand.Uint64(), 36)
	if tx.lockID != "" {
		id = tx.lockID
	}
	lease := strconv.FormatInt(txLease.Milliseconds(), 10)
	locked := 0
	errMsg, watchBroken := "", false
	// In a transaction without computed commands, each part's prepare
	// (step 2) goes right behind its lock, in the same round trip: a
	// node answers it only once locked, and a part prepared where the
	// whole is given up is dropped by its unlock.
	plain := len(tx.computes) == 0
	prep := make([]*call, len(parts))
	for p, pt := range parts {
		req := resp.AppendCommand(nil, append([][]byte{[]byte("VCACHE.TXLOCK"), []byte(id), []byte(lease)}, pt.keys...)...)
		var more [][]byte
		if plain && (p == 0 || len(pt.cmds) > 0) {
			more = append(more, multiCmd)
			for _, i := range pt.cmds {
				more = append(more, tx.queued[i])
			}
			if p == 0 {
				more = append(more, resp.AppendCommand(nil, "VCACHE.TXPREPARE", id))
			} else {
				more = append(more, resp.AppendCommand(nil, "VCACHE.TXPREPARE", id, parts[0].be.addr))
			}
		}
		send := func() *call {
			s.w.begin()
			c := pt.send(s, req)
			for _, m := range more {
				prep[p] = pt.send(s, m)
			}
			s.dispatch()
			s.w.wait()
			return c
		}
		c := send()
		if c.err != nil && pt.pooled {
			// An idle connection the node closed meanwhile: once more on
			// a new one (nothing was locked on the old).
			s.p.unpin(pt.bc)
			pt.bc, pt.pooled = s.p.pinConn(pt.be), false
			pt.sent = pt.sent[:0]
			c = send()
		}
		switch {
		case c.err != nil:
			errMsg = errText(c.err)
		case string(c.reply) == ":1\r\n":
			locked++
		case string(c.reply) == ":0\r\n":
			locked++
			watchBroken = true
		case bytes.HasPrefix(c.reply, []byte("-ERR unknown command")):
			errMsg = msgCrossSlotTx // not a vcache node: nothing ran
		case len(c.reply) > 3 && c.reply[0] == '-':
			errMsg = string(c.reply[1 : len(c.reply)-2])
		default:
			errMsg = "ERR unexpected reply from node " + pt.be.addr
			pt.dirty = true // whatever it holds goes with the connection
		}
		if errMsg != "" && len(more) > 0 {
			pt.dirty = true // a MULTI its prepare may have left open
		}
		if errMsg != "" || watchBroken {
			break
		}
	}
	unlock := []byte(resp.AppendCommand(nil, "VCACHE.TXUNLOCK", id))
	if errMsg != "" || watchBroken {
		s.w.begin()
		for _, pt := range parts[:locked] {
			c := s.newCall(unlock)
			c.be, c.via = pt.be, pt.bc
			s.enqueue(c)
			pt.sent = append(pt.sent, c)
		}
		s.dispatch()
		s.w.wait()
		if errMsg != "" {
			return s.errItem(nil, errMsg)
		}
		lo := len(s.local)
		if s.resp3.Load() {
			s.local = resp.AppendNull3(s.local)
		} else {
			s.local = resp.AppendNullArray(s.local)
		}
		return item{lo: lo, hi: len(s.local)}
	}
	if len(tx.computes) > 0 {
		return s.execStaged(tx, parts, unlock) // multi_compute.go
	}
	return s.commitNodes(tx, parts, prep, id, unlock)
}

// commitNodes commits a locked and prepared transaction (prep are the
// parts' prepare calls: see above), unlocks, and returns EXEC's reply.
func (s *session) commitNodes(tx *txState, parts []*xpart, prep []*call, id string, unlock []byte) item {
	dec := parts[0]
	errMsg := ""
	for p, c := range prep {
		switch {
		case c == nil || c.err == nil && string(c.reply) == "+OK\r\n":
			continue
		case c.err != nil:
			errMsg = errText(c.err)
		case len(c.reply) > 3 && c.reply[0] == '-':
			errMsg = string(c.reply[1 : len(c.reply)-2])
		default:
			errMsg = "ERR unexpected reply from node " + parts[p].be.addr
		}
		// Whatever its connection holds (a MULTI left open) goes with it.
		parts[p].dirty = true
	}
	if errMsg != "" {
		s.abortParts(parts, unlock)
		return s.errItem(nil, errMsg)
	}
	// Commit the decision node's part: the transaction's commit.
	s.w.begin()
	commit := resp.AppendCommand(nil, "VCACHE.TXCOMMIT", id)
	dec.exec = dec.send(s, commit)
	s.dispatch()
	s.w.wait()
	switch r := dec.exec.reply; {
	case dec.exec.err != nil:
		// Committed or not, the node knows: the other parts' nodes
		// learn it from there once their connections close.
		for _, pt := range parts {
			pt.dirty = true
		}
		return s.errItem(nil, "ERR the transaction's decision node "+dec.be.addr+" did not answer its commit ("+errText(dec.exec.err)+"): the transaction is applied on every node or on none")
	case len(r) > 0 && r[0] == '-':
		s.abortParts(parts, unlock)
		return s.errItem(nil, string(r[1:len(r)-2]))
	}
	if gap := s.p.cfg.TxCommitGap; gap > 0 {
		time.Sleep(gap) // tests only (Config.TxCommitGap)
	}
	// The others' parts, at once, and every unlock.
	s.w.begin()
	for p, pt := range parts {
		if p > 0 && len(pt.cmds) > 0 {
			pt.exec = pt.send(s, commit)
		}
		pt.send(s, unlock)
	}
	s.dispatch()
	s.w.wait()
	return s.assembleExec(tx, parts)
}

// abortParts unlocks every part, which drops any prepared part; the
// connection of a dirty part is closed instead (which also unlocks).
func (s *session) abortParts(parts []*xpart, unlock []byte) {
	s.w.begin()
	for _, pt := range parts {
		if !pt.dirty {
			pt.send(s, unlock)
		}
	}
	s.dispatch()
	s.w.wait()
}

// assembleExec builds EXEC's reply from the parts' EXEC replies, each
// command's reply in the client's order.
func (s *session) assembleExec(tx *txState, parts []*xpart) item {
	elems := make([][]byte, len(tx.queued))
	for _, pt := range parts {
		if pt.exec == nil {
			continue
		}
		var failed []byte
		switch r := pt.exec.reply; {
		case pt.exec.err != nil:
			failed = resp.AppendError(nil, errText(pt.exec.err))
		case len(r) > 0 && r[0] == '-':
			failed = r
		default:
			line, n, ok := splitHeader(r)
			if count, ok2 := resp.ParseInt(line); !ok || !ok2 || r[0] != '*' || count != int64(len(pt.cmds)) {
				failed = resp.AppendError(nil, "ERR the transaction's part on "+pt.be.addr+" did not run")
				break
			}
			for _, i := range pt.cmds {
				_, used, err := resp.Parse(r[n:])
				if err != nil {
					elems[i] = resp.AppendError(nil, "ERR bad reply from backend")
					continue
				}
				elems[i] = r[n : n+used]
				n += used
			}
		}
		if failed != nil {
			for _, i := range pt.cmds {
				elems[i] = failed
			}
		}
	}
	return s.replyExec(tx, elems) // multi_compute.go
}

// splitHeader returns an aggregate reply's header line (without the type
// byte) and the length of the header.
func splitHeader(r []byte) (line []byte, n int, ok bool) {
	for i := 1; i+1 < len(r); i++ {
		if r[i] == '\r' && r[i+1] == '\n' {
			return r[1:i], i + 2, true
		}
	}
	return nil, 0, false
}

// txWatch sends WATCH's keys to their nodes on connections the session
// keeps until EXEC, DISCARD, UNWATCH or RESET (the node remembers the
// WATCH per connection). Keys on several nodes are WATCHed on each.
func txWatch(s *session, cmd resp.Command) item {
	e := s.p.cmds.lookup(cmd.Args[0])
	if s.tx != nil {
		return s.errItem(e, msgWatchMulti)
	}
	rt := s.p.routes.Load()
	type watchOn struct {
		bc   *bconn
		slot int
		keys [][]byte
	}
	var on []*watchOn
	for _, k := range cmd.Args[1:] {
		slot, msg := s.slotOf(e.spec, [][]byte{cmd.Args[0], k})
		if msg != "" {
			return s.errItem(e, msg)
		}
		be := rt.slot(slot)
		if be == nil {
			return s.errItem(e, errText(ErrNoRoute))
		}
		var w *watchOn
		for _, x := range on {
			if x.bc.be == be && (x.slot == slot || s.sameNode(x.slot, slot)) {
				w = x
			}
		}
		if w == nil {
			bc := s.pinFor(be)
			if bc == nil {
				s.barrier()
				bc = s.p.pinConn(be)
				if s.pinned == nil {
					s.pinned, s.pinSlot = bc, slot
				} else {
					s.xpins = append(s.xpins, bc)
				}
			}
			w = &watchOn{bc: bc, slot: slot}
			on = append(on, w)
		}
		w.keys = append(w.keys, k)
	}
	if len(on) == 1 {
		c := s.newCall(cmd.Raw)
		c.be, c.via, c.slot = on[0].bc.be, on[0].bc, on[0].slot
		s.enqueue(c)
		return item{e: e, c: c}
	}
	m := &okMerge{}
	for _, w := range on {
		c := s.newCall(resp.AppendCommand(nil, append([][]byte{[]byte("WATCH")}, w.keys...)...))
		c.be, c.via, c.slot = w.bc.be, w.bc, w.slot
		s.enqueue(c)
		m.calls = append(m.calls, c)
	}
	return item{e: e, m: m}
}

// okMerge answers +OK when every call did, else the first error.
type okMerge struct {
	calls []*call
}

func (m *okMerge) merge(s *session, dst []byte) []byte {
	for _, c := range m.calls {
		s.settle(c)
		if c.err != nil {
			return resp.AppendError(dst, errText(c.err))
		}
		if len(c.reply) > 0 && c.reply[0] == '-' {
			return append(dst, c.reply...)
		}
	}
	return resp.AppendSimple(dst, "OK")
}

func txUnwatch(s *session, cmd resp.Command) item {
	e := s.p.cmds.lookup(cmd.Args[0])
	if s.pinned == nil {
		lo := len(s.local)
		s.Simple("OK")
		return item{e: e, lo: lo, hi: len(s.local)}
	}
	// The WATCH connections are closed, which forgets their WATCHes.
	s.barrier()
	s.unpinAll()
	lo := len(s.local)
	s.Simple("OK")
	return item{e: e, lo: lo, hi: len(s.local)}
}

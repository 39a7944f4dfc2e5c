package proxy

import (
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/resp"
)

// Blocking commands whose keys are on several nodes: BLPOP, BRPOP,
// BZPOPMIN, BZPOPMAX, BLMPOP, BZMPOP and XREAD ... BLOCK (plans in
// block_across_cmds.go), BLMOVE and BRPOPLPUSH (block_across_move.go),
// XREADGROUP ... BLOCK (block_across_group.go). No node can wait for another node's keys, so the
// proxy waits, and pops through the non-blocking form that already runs
// across nodes (LMPOP, ZMPOP, XREAD: multi_compute_pops.go), under the
// keys' locks on every node:
//
//  1. A wake-up is set on each node holding some of the keys, on a
//     blocking connection of its own: VCACHE.WAITKEYS (node/waitkeys.go),
//     which answers as soon as one of its keys holds a list (or sorted
//     set) and pops nothing; for XREAD, XREAD BLOCK itself, which reads
//     nothing away either.
//  2. The non-blocking form runs once: if it answers (an element, an
//     error such as WRONGTYPE) that is the reply, as Redis answers before
//     blocking.
//  3. Otherwise the client waits, on no event loop and holding no lock,
//     for a wake-up, its timeout (a null reply), CLIENT UNBLOCK, or its
//     own departure. A wake-up for a pop makes every client blocked here
//     on that key try the pop again, one after another in the order they
//     blocked (block_across_queue.go): the first pops; the others, finding
//     nothing, set their wake-up on that node again. A wake-up of XREAD is
//     the client's reply (Redis too answers with the one stream that was
//     written).
//
// Because the wake-ups are set before the first attempt and answer at once
// when their keys already hold something, no push between the two is
// missed. A wake-up ends after wakeupFor and is set again, taking in a
// shard map that changed meanwhile; one that fails (a node gone, a slot
// moved) is placed anew after a moment, where an XREAD's "$" then means
// the stream's last entry at that moment. What is not Redis's: a client
// blocked directly on one node (BLPOP of keys of one node) that blocked
// after a client waiting here may be served before it, as each node
// orders only its own waiters.

// wakeupFor bounds one VCACHE.WAITKEYS, so that keys that moved to
// another node are watched there within that time.
const wakeupFor = 2 * time.Second

// blockAcross carries out a blocking command whose keys are on several
// nodes; ok false leaves the command to the caller (CROSSSLOT).
func (s *session) blockAcross(e *entry, cmd resp.Command) (it item, ok bool) {
	mk := e.across
	if mk == nil || s.pinned != nil || len(s.xpins) > 0 {
		return item{}, false // WATCH connections: as computeAlone
	}
	// The words are kept while the client's next commands are read.
	raw := append([]byte(nil), cmd.Raw...)
	v, _, err := resp.Parse(raw)
	if err != nil || len(v.Elems) != len(cmd.Args) {
		return item{}, false
	}
	args := argsOf(v)
	pos := e.spec.KeyPositions(args, nil)
	if len(pos) < 2 || !spansNodes(s.p.routes.Load(), keysAt(args, pos)) {
		// Keys of several slots on one node that cannot take them in one
		// command (a cluster): CROSSSLOT, as Redis Cluster answers.
		return item{}, false
	}
	b, msg := mk(args, pos)
	if msg != "" {
		return s.errItem(e, msg), true
	}
	s.barrier()
	return s.waitAcross(e, args, b), true
}

// spansNodes reports whether keys are on more than one node.
func spansNodes(rt *routeTable, keys [][]byte) bool {
	first := rt.slot(keyslot.Of(keys[0]))
	for _, k := range keys[1:] {
		if be := rt.slot(keyslot.Of(k)); be != first {
			return true
		}
	}
	return false
}

// xwatch is one node's wake-up for a client blocked across nodes.
type xwatch struct {
	be    *backend
	slot  int
	keys  [][]byte
	ids   [][]byte // XREAD: each key's id
	bk    *blockConn
	c     *call
	w     *waiter
	armed bool
}

// xwatches are a blocked client's wake-ups, with the shard map they
// were placed by. Each armed one's end is told on ch, which has a slot
// for every one, so the connections never wait for the client.
type xwatches struct {
	list []*xwatch
	ch   chan struct{}
	rt   *routeTable
}

// placeWatches groups the keys of b by node (and, for XREAD, by slot
// unless the nodes take keys of several slots) and arms a wake-up on
// each. It returns an error text when it cannot.
func (s *session) placeWatches(b *xblock) (*xwatches, string) {
	rt := s.p.routes.Load()
	ws := &xwatches{rt: rt}
	for i, k := range b.keys {
		slot := keyslot.Of(k)
		be := rt.slot(slot)
		if be == nil {
			ws.cancel()
			return nil, errText(ErrNoRoute)
		}
		var wt *xwatch
		for _, x := range ws.list {
			if x.be == be && (b.xopts == nil || x.slot == slot || s.p.crossSlot) {
				wt = x
				break
			}
		}
		if wt == nil {
			wt = &xwatch{be: be, slot: slot}
			ws.list = append(ws.list, wt)
		}
		wt.keys = append(wt.keys, k)
		if b.xopts != nil && i < len(b.ids) {
			wt.ids = append(wt.ids, b.ids[i])
		}
	}
	ws.ch = make(chan struct{}, len(ws.list))
	for _, wt := range ws.list {
		if msg := ws.arm(wt, b); msg != "" {
			ws.cancel()
			return nil, msg
		}
	}
	return ws, ""
}

// arm sends wt's wake-up on a blocking connection to its node.
func (ws *xwatches) arm(wt *xwatch, b *xblock) string {
	bk, err := wt.be.takeBlocking()
	if err != nil {
		if err == ErrShutdown {
			return errText(err)
		}
		return "ERR " + err.Error()
	}
	var args [][]byte
	if b.xopts != nil {
		ids := wt.ids
		if b.lastIDs != nil {
			ids = nil
			for _, k := range wt.keys {
				ids = append(ids, b.lastIDs[string(k)])
			}
		}
		args = append(append(append(args, b.xopts...), wt.keys...), ids...)
	} else {
		kind := "LIST"
		if b.zset {
			kind = "ZSET"
		}
		args = append([][]byte{[]byte("VCACHE.WAITKEYS"), []byte(strconv.FormatInt(wakeupFor.Milliseconds(), 10)), []byte(kind)}, wt.keys...)
	}
	wt.bk, wt.armed = bk, true
	wt.w = &waiter{ch: ws.ch}
	wt.w.n.Store(1)
	wt.c = &call{slot: -1, be: wt.be, via: bk.bc, w: wt.w}
	wt.c.own = resp.AppendCommand(nil, args...)
	wt.c.req = wt.c.own
	bk.bc.submit([]*call{wt.c})
	return ""
}

// ended returns the wake-up whose end was just told on ch (one for each
// receive), disarmed, its connection given back.
func (ws *xwatches) ended() *xwatch {
	for _, wt := range ws.list {
		if wt.armed && wt.w.n.Load() == 0 {
			wt.armed = false
			wt.be.putBlocking(wt.bk, wt.c.err == nil)
			wt.bk = nil
			return wt
		}
	}
	return nil // not reached: every receive follows an end
}

// cancel closes the connections of the armed wake-ups, so that their
// nodes forget them.
func (ws *xwatches) cancel() {
	if ws == nil {
		return
	}
	for _, wt := range ws.list {
		if wt.armed {
			wt.armed = false
			wt.be.putBlocking(wt.bk, false)
			wt.bk = nil
		}
	}
}

// waitAcross runs the steps above for plan b of the command line args.
func (s *session) waitAcross(e *entry, args [][]byte, b *xblock) item {
	ws, msg := s.placeWatches(b)
	if msg != "" {
		return s.errItem(e, msg)
	}
	defer func() { ws.cancel() }()
	var xw *xwaiter
	var turn chan struct{}
	var timer <-chan time.Time
	var tm *time.Timer
	defer func() {
		if tm != nil {
			tm.Stop()
		}
	}()
	startTimer := func() {
		if b.timeout > 0 {
			tm = time.NewTimer(b.timeout)
			timer = tm.C
		}
	}
	if b.pop != nil {
		xw = s.p.xwait.join(b.keys, b.group)
		turn = xw.turn
		defer s.p.xwait.leave(xw)
	} else {
		if r := s.computeOne(e, b.first); string(r) != "*-1\r\n" {
			return s.answerAcross(e, args, b, r)
		}
		startTimer()
	}
	unblock := make(chan string, 1)
	s.blocked.Store(&blockedOn{across: unblock})
	// Counted blocked (INFO blocked_clients) once its first attempt found
	// nothing.
	counted := b.pop == nil
	if counted {
		s.p.stats.blocked.Add(1)
	}
	watch := s.watchClient()
	defer func() {
		if counted {
			s.p.stats.blocked.Add(-1)
		}
		extra, _ := watch.stop()
		s.blocked.Store(nil)
		if len(extra) > 0 && s.rd != nil {
			s.rd.Feed(extra)
		}
		s.w.begin()
	}()
	first := b.pop != nil
	var fired []*xwatch        // pop wake-ups to set again after the next attempt
	var later <-chan time.Time // when wake-ups that failed are set again
	for {
		select {
		case <-turn:
			r := resp.AppendNullArray(nil)
			if skip, all := s.p.xwait.behind(xw); first || !all {
				r = s.computeOne(e, b.pop(!first, skip))
			}
			s.p.xwait.done(xw)
			if string(r) != "*-1\r\n" {
				return s.answerAcross(e, args, b, r)
			}
			if first {
				first, counted = false, true
				s.p.stats.blocked.Add(1)
				startTimer()
			}
			for _, wt := range fired {
				if msg := ws.arm(wt, b); msg != "" {
					return s.errItem(e, msg)
				}
			}
			fired = fired[:0]
		case <-ws.ch:
			wt := ws.ended()
			if wt == nil {
				continue
			}
			r := wt.c.reply
			switch {
			case wt.c.err != nil || isErr(r):
				// A node that went away, or keys that moved: the map is
				// asked again and every wake-up placed anew shortly.
				s.p.refreshSoon()
				if later == nil {
					later = time.After(100 * time.Millisecond)
				}
			case b.pop == nil && string(r) != "*-1\r\n":
				return s.answerAcross(e, args, b, r) // XREAD: the stream written
			case b.pop == nil:
				// The node's BLOCK ran out: the proxy's timer ends it.
			case string(r) == "$-1\r\n":
				// wakeupFor ran out: set again, where the keys now are.
				if s.p.routes.Load() != ws.rt {
					later = time.After(0)
					continue
				}
				if msg := ws.arm(wt, b); msg != "" {
					return s.errItem(e, msg)
				}
			default:
				fired = append(fired, wt)
				s.p.xwait.wake(wt.keys)
			}
		case <-later:
			later = nil
			ws.cancel()
			fired = fired[:0]
			if ws, msg = s.placeWatches(b); msg != "" {
				return s.errItem(e, msg)
			}
			if xw != nil {
				s.p.xwait.wake(b.keys)
			}
		case <-timer:
			return s.answerAcross(e, args, b, resp.AppendNullArray(nil))
		case reason := <-unblock:
			if reason == "ERROR" {
				return s.errItem(e, "UNBLOCKED client unblocked via CLIENT UNBLOCK")
			}
			return s.answerAcross(e, args, b, resp.AppendNullArray(nil))
		case <-watch.gone:
			s.quit, s.broken = true, true
			return item{e: e, lo: len(s.local), hi: len(s.local)}
		}
	}
}

// notLockable is the first attempt's reply when a node cannot lock keys
// (not a vcache node): the command is refused as it always was.
const notLockable = "-" + msgCrossSlotTx + "\r\n"

// answerAcross is the item answering the command line args with r, the
// RESP2 reply of its non-blocking form (or its wake-up).
func (s *session) answerAcross(e *entry, args [][]byte, b *xblock, r []byte) item {
	if string(r) == notLockable {
		return s.errItem(e, msgCrossSlot)
	}
	if b.form != nil {
		r = b.form(r)
	}
	lo := len(s.local)
	if r3, shape := s.shape3(e, args); r3 {
		s.local = resp.To3(s.local, r, shape)
	} else {
		s.local = append(s.local, r...)
	}
	return item{e: e, lo: lo, hi: len(s.local)}
}

// computeOne runs comp as a one-command transaction across nodes
// (multi_compute.go) and returns its RESP2 reply: the command's, or the
// error that stopped it.
func (s *session) computeOne(e *entry, comp txCompute) []byte {
	rec := &recorded{txCompute: comp}
	keys := comp.keys()
	tx := &txState{
		slot: keyslot.Of(keys[0]), spread: true,
		computes: map[int]txCompute{0: rec},
		slots:    []int{-1}, entries: []*entry{e}, queued: [][]byte{nil}, shapes: []resp.Shape{resp.AsIs},
	}
	mv, _ := comp.(*txBMove)
	if mv != nil {
		mv.lockID = "p" + strconv.FormatInt(s.id, 10) + "-" + strconv.FormatUint(rand.Uint64(), 36)
		tx.lockID = mv.lockID
	}
	parts := s.txParts(tx)
	if parts == nil {
		// The keys are on one node now (the map changed): nothing is
		// popped this time; the wake-ups are placed anew.
		return resp.AppendNullArray(nil)
	}
	lo := len(s.local)
	it := s.execNodes(tx, parts)
	out := append([]byte(nil), s.local[it.lo:it.hi]...)
	s.local = s.local[:lo]
	if rec.reply != nil {
		out = rec.reply
	}
	if mv != nil {
		return s.settleMove(mv, out) // block_across_move.go
	}
	return out
}

// recorded keeps the last reply of a computed command.
type recorded struct {
	txCompute
	reply []byte
}

func (r *recorded) result(x [][]byte) ([]byte, []txWrite) {
	reply, writes := r.txCompute.result(x)
	r.reply = reply
	return reply, writes
}

func (r *recorded) then() txCompute {
	if next := thenOf(r.txCompute); next != nil {
		r.txCompute = next
		return r
	}
	return nil
}

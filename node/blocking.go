package node

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/keyslot"
)

// Blocking list commands (BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH) and
// sorted-set ones (BZPOPMIN, BZPOPMAX, BZMPOP; their handlers are in
// zsets_blocking.go).
//
// A blocking command first tries to pop. When every list is empty it
// registers a waiter on its keys (in blockRegistry, FIFO per key) and its
// handler returns without a reply, releasing its stripes; the connection's
// goroutine (these commands are OffLoop, so never an event loop) then waits
// in waitBlocked for the waiter's result, its timeout, CLIENT UNBLOCK or the
// client's disconnection. After every write (and after EXEC, for the writes
// of a transaction) the writer serves the waiters of the keys it wrote, in
// the order they blocked, while it still holds its stripes: the element
// goes to the first waiter before any other client's command sees it, as
// in Redis. Inside MULTI the commands do not block.

// blockKind is what a waiter does when served.
type blockKind uint8

const (
	blockPop    blockKind = iota // BLPOP, BRPOP: [key, element]
	blockMPop                    // BLMPOP: [key, [elements]]
	blockMove                    // BLMOVE, BRPOPLPUSH: the element
	blockZPop                    // BZPOPMIN, BZPOPMAX: [key, member, score]
	blockZMPop                   // BZMPOP: [key, [[member, score]...]]
	blockStream                  // XREAD, XREADGROUP: [[key, [entry...]]] (streams_block.go)
)

// zsetKind tells whether a waiter pops from sorted sets (left: the
// lowest scores) rather than lists.
func (k blockKind) zsetKind() bool { return k == blockZPop || k == blockZMPop }

// waiter is a client blocked on lists.
type waiter struct {
	cl       *client
	kind     blockKind
	keys     []string
	left     bool   // pop from the front
	count    int    // BLMPOP's count
	dst      []byte // BLMOVE's destination
	dstLeft  bool
	deadline time.Time   // zero: none
	xs       *streamWait // what XREAD or XREADGROUP waits for
	done     chan blockResult
	served   bool       // guarded by blockRegistry.mu
	slow     *slowLater // its slow log entry, added when answered; guarded by blockRegistry.mu
}

// blockResult is a waiter's outcome.
type blockResult struct {
	key     []byte
	vals    [][]byte
	zms     []cache.ZMember     // what a sorted-set waiter popped
	entries []cache.StreamEntry // what a stream waiter read from key
	err     error
	timeout bool   // nothing came (timeout, CLIENT UNBLOCK TIMEOUT)
	errText string // CLIENT UNBLOCK ERROR
}

// blockRegistry holds the blocked clients.
type blockRegistry struct {
	// mu guards byKey, byClient and the waiters' served flags; it is taken
	// before any keyspace lock.
	mu       sync.Mutex
	byKey    map[string][]*waiter
	byClient map[int64]*waiter
	n        atomic.Int64 // waiters registered
}

// blockedCount returns how many clients are blocked (INFO blocked_clients).
func (n *Node) blockedCount() int64 { return n.blocked.n.Load() }

// add registers w. mu must be held.
func (r *blockRegistry) add(w *waiter) {
	if r.byKey == nil {
		r.byKey = map[string][]*waiter{}
		r.byClient = map[int64]*waiter{}
	}
	for _, k := range w.keys {
		q := r.byKey[k]
		if len(q) > 0 && q[len(q)-1] == w {
			continue // a key named twice
		}
		r.byKey[k] = append(q, w)
	}
	r.byClient[w.cl.id] = w
	r.n.Add(1)
}

// finish marks w served with res and forgets it. mu must be held.
func (r *blockRegistry) finish(w *waiter, res blockResult) {
	w.served = true
	for _, k := range w.keys {
		q := r.byKey[k]
		for i, x := range q {
			if x == w {
				q = append(q[:i:i], q[i+1:]...)
				break
			}
		}
		if len(q) == 0 {
			delete(r.byKey, k)
		} else {
			r.byKey[k] = q
		}
	}
	delete(r.byClient, w.cl.id)
	r.n.Add(-1)
	if !res.timeout {
		w.logSlow()
	}
	w.done <- res
}

// blockReq is a parsed blocking command.
type blockReq struct {
	kind    blockKind
	keys    [][]byte
	left    bool
	count   int
	dst     []byte
	dstLeft bool
	timeout int64 // milliseconds; 0: forever
}

func cmdBLPop(cx *Ctx) { bpop(cx, true) }
func cmdBRPop(cx *Ctx) { bpop(cx, false) }

func bpop(cx *Ctx, left bool) {
	ms, msg := parseTimeout(cx.Args[len(cx.Args)-1])
	if msg != "" {
		cx.Error(msg)
		return
	}
	block(cx, blockReq{kind: blockPop, keys: cx.Args[1 : len(cx.Args)-1], left: left, count: 1, timeout: ms})
}

func cmdBLMPop(cx *Ctx) {
	ms, msg := parseTimeout(cx.Args[1])
	if msg != "" {
		cx.Error(msg)
		return
	}
	m, msg := parseMPop(cx.Args[2:])
	if msg != "" {
		cx.Error(msg)
		return
	}
	if keysDenied(cx, 3, 2+len(m.keys)) {
		return
	}
	block(cx, blockReq{kind: blockMPop, keys: m.keys, left: m.left, count: m.count, timeout: ms})
}

func cmdBLMove(cx *Ctx) {
	from, ok1 := parseSide(cx.Args[3])
	to, ok2 := parseSide(cx.Args[4])
	if !ok1 || !ok2 {
		cx.SyntaxError()
		return
	}
	ms, msg := parseTimeout(cx.Args[5])
	if msg != "" {
		cx.Error(msg)
		return
	}
	block(cx, blockReq{kind: blockMove, keys: cx.Args[1:2], left: from, dst: cx.Args[2], dstLeft: to, timeout: ms})
}

func cmdBRPopLPush(cx *Ctx) {
	ms, msg := parseTimeout(cx.Args[3])
	if msg != "" {
		cx.Error(msg)
		return
	}
	block(cx, blockReq{kind: blockMove, keys: cx.Args[1:2], left: false, dst: cx.Args[2], dstLeft: true, timeout: ms})
}

// block serves req now if it can; otherwise it registers the client as
// blocked (no reply yet: waitBlocked answers) or, when the client may not
// block (inside EXEC, an internal client), answers the null reply.
func block(cx *Ctx, req blockReq) {
	n, c := cx.Node, cx.cl
	r := &n.blocked
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range req.keys {
		res, ok := n.tryServe(true, req.kind, k, req.left, req.count, req.dst, req.dstLeft)
		if ok {
			writeBlockResult(cx, req.kind, res)
			return
		}
	}
	if c.conn == nil || c.inExec {
		writeBlockResult(cx, req.kind, blockResult{timeout: true})
		return
	}
	w := &waiter{cl: c, kind: req.kind, left: req.left, count: req.count, dstLeft: req.dstLeft,
		done: make(chan blockResult, 1)}
	for _, k := range req.keys {
		w.keys = append(w.keys, string(k))
	}
	if req.dst != nil {
		w.dst = append([]byte(nil), req.dst...)
	}
	if req.timeout > 0 {
		w.deadline = time.Now().Add(time.Duration(req.timeout) * time.Millisecond)
	}
	r.add(w)
	c.block = w
}

// tryServe does a blocking command's operation on key; ok is false when
// the list there is empty or missing. A key of another type is
// WRONGTYPE when the command first runs (initial); a waiter keeps
// waiting.
// blockRegistry.mu must be held.
func (n *Node) tryServe(initial bool, kind blockKind, key []byte, left bool, count int, dst []byte, dstLeft bool) (blockResult, bool) {
	if kind.watchKind() {
		return n.tryWatch(kind, key) // waitkeys.go
	}
	if kind.zsetKind() {
		return n.tryServeZSet(initial, key, !left, count)
	}
	if !initial && !n.ks.IsList(key) {
		return blockResult{}, false
	}
	switch kind {
	case blockMove:
		v, err := n.ks.LMove(key, dst, left, dstLeft)
		if err != nil {
			return blockResult{err: err}, true
		}
		return blockResult{key: key, vals: [][]byte{v}}, v != nil
	default:
		vals, err := n.ks.Pop(key, left, count)
		if err != nil {
			return blockResult{err: err}, true
		}
		return blockResult{key: append([]byte(nil), key...), vals: vals}, vals != nil
	}
}

// writeBlockResult answers a blocking command.
func writeBlockResult(cx *Ctx, kind blockKind, res blockResult) {
	switch {
	case res.err != nil:
		cx.Err(res.err)
	case res.errText != "":
		cx.Error(res.errText)
	case kind.watchKind() && res.timeout:
		cx.Null()
	case kind.watchKind():
		cx.Bulk(res.key)
	case res.timeout && kind == blockMove:
		cx.Null()
	case res.timeout:
		cx.NullArray()
	case kind == blockPop:
		cx.Array(2)
		cx.Bulk(res.key)
		cx.Bulk(res.vals[0])
	case kind == blockMPop:
		cx.Array(2)
		cx.Bulk(res.key)
		replyBulks(cx, res.vals)
	case kind == blockZPop:
		cx.Array(3)
		cx.Bulk(res.key)
		cx.BulkString(res.zms[0].Member)
		replyScore(cx, res.zms[0].Score)
	case kind == blockZMPop:
		replyKeyZMembers(cx, res.key, res.zms)
	case kind == blockStream:
		replyStreams(cx, []streamRead{{res.key, res.entries}})
	default:
		cx.Bulk(res.vals[0])
	}
}

// wakeWaiters serves the clients blocked on the keys a command just
// wrote (and, after EXEC, on those its transaction wrote), in the order
// they blocked, and logs what it popped for them as LPOP/RPOP/LMOVE for
// replicas and migrations. Inside EXEC it only notes the keys.
func (n *Node) wakeWaiters(c *client, spec *command.Spec, args [][]byte, logged bool) {
	var keys []string
	if spec.Has(command.Write) {
		for _, i := range spec.KeyIndexes(args) {
			keys = append(keys, string(args[i]))
		}
	}
	if c.inExec {
		c.readyKeys = append(c.readyKeys, keys...)
		return
	}
	keys = append(keys, c.readyKeys...)
	c.readyKeys = nil
	r := &n.blocked
	r.mu.Lock()
	if len(keys) == 0 && spec.Has(command.Write) && spec.Has(command.Keyless) {
		// FLUSHALL, FLUSHDB: a group reader learns its stream is gone.
		keys = r.groupReaderKeys()
	}
	waited := false
	for _, k := range keys {
		if len(r.byKey[k]) > 0 {
			waited = true
			break
		}
	}
	if !waited {
		r.mu.Unlock()
		return
	}
	if !logged && n.cl.Load() != nil {
		// Lock order: the migration log, then the registry (a logged
		// write holds the log when it gets here).
		r.mu.Unlock()
		n.mig.logMu.Lock()
		defer n.mig.logMu.Unlock()
		r.mu.Lock()
	}
	defer r.mu.Unlock()
	for len(keys) > 0 {
		k := keys[0]
		keys = keys[1:]
		// Stream readers each wait for their own IDs: every one is
		// looked at. The first list or sorted-set waiter that cannot pop
		// means no later one can.
		popDone := false
		for i := 0; i < len(r.byKey[k]); {
			w := r.byKey[k][i]
			if w.xs != nil {
				if !n.serveStream(w, k) {
					i++
				}
				continue
			}
			if popDone {
				i++
				continue
			}
			res, ok := n.tryServe(false, w.kind, []byte(k), w.left, w.count, w.dst, w.dstLeft)
			if !ok {
				popDone = true
				i++
				continue
			}
			if w.kind == blockMove && res.err == nil && n.track.active.Load() > 0 {
				// The served client invalidates its destination after
				// its reply (waitBlocked); finish hands the list over.
				w.cl.track.dirty = append(w.cl.track.dirty, string(w.dst))
			}
			r.finish(w, res)
			if res.err != nil {
				continue
			}
			n.logServed(w, k, len(res.vals)+len(res.zms))
			if w.kind == blockMove {
				keys = append(keys, string(w.dst))
			}
		}
	}
}

// logServed appends the write a served waiter made to the replication
// stream and, while its slot migrates, to the migration log (whose lock
// the caller holds in a cluster).
func (n *Node) logServed(w *waiter, key string, popped int) {
	if w.kind.watchKind() {
		return // it took nothing (waitkeys.go)
	}
	side := func(left bool) string {
		if left {
			return "LEFT"
		}
		return "RIGHT"
	}
	var args [][]byte
	switch w.kind {
	case blockMove:
		args = [][]byte{[]byte("LMOVE"), []byte(key), w.dst, []byte(side(w.left)), []byte(side(w.dstLeft))}
	case blockZPop, blockZMPop:
		name := "ZPOPMAX"
		if w.left {
			name = "ZPOPMIN"
		}
		args = [][]byte{[]byte(name), []byte(key), []byte(strconv.Itoa(popped))}
	default:
		name := "RPOP"
		if w.left {
			name = "LPOP"
		}
		args = [][]byte{[]byte(name), []byte(key), []byte(strconv.Itoa(popped))}
	}
	n.logServedArgs(key, args)
}

// logServedArgs appends one write a served waiter made, on key, to the
// replication stream and, while key's slot migrates, to the migration log.
func (n *Node) logServedArgs(key string, args [][]byte) {
	slot := keyslot.Of([]byte(key))
	if n.cl.Load() != nil && n.mig.logging[slot].Load() {
		appendCommand(&n.mig.log, args)
	}
	if n.repl.log.on.Load() {
		n.repl.log.appendCommand(slot, args)
	}
}

// waitBlocked waits for the result of the client's blocking command and
// answers it. Meanwhile a goroutine reads the connection, so a client
// that goes away is forgotten at once; what it reads (the commands
// pipelined after the blocking one) is handed back to the reader.
func (s *server) waitBlocked(c *rconn, cl *client) {
	w := cl.block
	cl.block = nil
	_ = s.flush(c)
	var timer <-chan time.Time
	if !w.deadline.IsZero() {
		t := time.NewTimer(time.Until(w.deadline))
		defer t.Stop()
		timer = t.C
	}
	watch := front.WatchConn(c.nc)
	var res blockResult
	got, gone := false, false
	select {
	case res = <-w.done:
		got = true
	case <-timer:
	case <-watch.Closed:
		gone = true
	}
	if !got {
		r := &s.n.blocked
		r.mu.Lock()
		if !w.served {
			r.finish(w, blockResult{timeout: true})
		}
		r.mu.Unlock()
		res = <-w.done
	}
	extra, err := watch.Stop()
	s.n.stats.netIn.Add(int64(len(extra)))
	if len(extra) > 0 {
		c.rd.Feed(extra)
	}
	if gone || err != nil {
		c.closing = true
		return
	}
	cl.cx.failed = false
	writeBlockResult(&cl.cx, w.kind, res)
	if e := cl.last; cl.cx.failed && e != nil {
		// Counted as a call when it blocked; its error comes now
		// (-NOGROUP when its group was destroyed, CLIENT UNBLOCK ERROR).
		e.stats.addFailed(cl.id)
	}
	if cl.track.mode.on || len(cl.track.dirty) > 0 || cl.track.hasPend.Load() {
		s.n.trackEnd(cl)
	}
}

// clientUnblock answers CLIENT UNBLOCK id [TIMEOUT|ERROR].
func clientUnblock(cx *Ctx) {
	if len(cx.Args) > 4 {
		cx.Error("ERR unknown subcommand or wrong number of arguments for '" + string(cx.Args[1]) + "'. Try CLIENT HELP.")
		return
	}
	id, err := cache.ParseInt(cx.Args[2])
	if err != nil {
		cx.Err(err)
		return
	}
	res := blockResult{timeout: true}
	if len(cx.Args) == 4 {
		switch strings.ToLower(string(cx.Args[3])) {
		case "timeout":
		case "error":
			res = blockResult{errText: "UNBLOCKED client unblocked via CLIENT UNBLOCK"}
		default:
			cx.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
			return
		}
	}
	r := &cx.Node.blocked
	r.mu.Lock()
	w := r.byClient[id]
	if w != nil {
		r.finish(w, res)
	}
	r.mu.Unlock()
	if w == nil {
		cx.Int(0)
		return
	}
	cx.Int(1)
}

// cmdClient is CLIENT: UNBLOCK here, the other subcommands in front.
func cmdClient(cx *Ctx) {
	if len(cx.Args) >= 2 && strings.EqualFold(string(cx.Args[1]), "reply") {
		clientReply(cx)
		return
	}
	if len(cx.Args) >= 3 && strings.EqualFold(string(cx.Args[1]), "unblock") {
		clientUnblock(cx)
		return
	}

	cx.cl.track.keep = true // CLIENT CACHING's flag outlives CLIENT commands
	if trackingSub(cx) {
		return
	}
	front.Client(cx, cx.Args)
}

// forgetBlocked drops the waiter of a client that is closing without
// having waited (a handler run outside a connection's goroutine).
func (n *Node) forgetBlocked(c *client) {
	w := c.block
	if w == nil {
		return
	}
	c.block = nil
	n.blocked.mu.Lock()
	if !w.served {
		n.blocked.finish(w, blockResult{timeout: true})
	}
	n.blocked.mu.Unlock()
}

package proxy

import (
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/internal/acl"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/resp"
)

// session is one client connection. Its fields are used only by the
// connection's goroutine, except the few under mu (read by CLIENT LIST).
type session struct {
	p       *Proxy
	nc      net.Conn
	id      int64
	addr    string
	laddr   string
	created time.Time

	authed bool
	user   *acl.User // the ACL user it authenticated as; set when authed
	quit   bool
	broken bool // writing to the client failed
	// cut ends the round after the command being prepared: it starts a
	// client pause, which must look at the commands after it.
	cut     bool
	tx      *txState
	pinned  *bconn // connection held for WATCH
	pinSlot int
	xpins   []*bconn // more connections held for WATCH, to other nodes (multi_nodes.go)
	// sub is the session's subscriptions, from its first on: its replies
	// then go through sub's outbox (pubsub_client.go).
	sub *subscriber
	// trk is the session's CLIENT TRACKING state, nil when off
	// (tracking.go); inbox takes messages for it from other goroutines.
	trk   *tracking
	inbox atomic.Pointer[trackInbox]
	last  *entry // the previous command's entry: clients repeat commands
	// mon is the session's MONITOR state; monOwn its lines for its own
	// commands, written after their replies (monitor.go). inExec is set
	// while EXEC runs the commands the proxy answers itself.
	mon    monState
	monOwn []byte
	inExec bool
	execTx *txState // set by EXEC for prepare, when monitors are to see it
	// rd reads the client's commands; bytes read while a blocking command
	// waits are fed back to it.
	rd *resp.CommandReader
	// blocked is the blocking command the session waits for, if any
	// (CLIENT UNBLOCK reads it from other goroutines).
	blocked atomic.Pointer[blockedOn]

	// Per-round state.
	w      *waiter
	items  []item
	local  []byte  // replies the proxy made itself, referenced by items
	out    []byte  // the round's replies, written to the client
	conv   []byte  // scratch space for converting a merged reply to RESP3
	groups []group // calls to submit, per connection
	free   []*call // calls to reuse
	used   []*call // calls of this round
	one    [1]*call
	// writing marks the calls made for the command being prepared (or
	// merged) as writes; wrote is the nodes written to since the last
	// WAIT (waitwrites.go).
	writing bool
	wrote   map[*backend]struct{}
	// wroteLast is the node last added to wrote (nil when wrote was
	// cleared since): a pipeline of writes to one node checks it, not
	// the map.
	wroteLast *backend

	lastActive atomic.Int64
	lastCmd    atomic.Pointer[string]
	// resp3 is set while the client speaks RESP3 (HELLO 3): the proxy
	// converts the nodes' RESP2 replies for it. CLIENT LIST reads it from
	// other goroutines.
	resp3 atomic.Bool
	// paused is set while CLIENT PAUSE holds the session (pause.go).
	paused atomic.Bool
	// qcap is the size of the client's query buffer and running the size
	// of the CLIENT request it runs, for CLIENT LIST (querybuf.go);
	// trimAt is when its grown query buffer may be fitted again.
	qcap    atomic.Int64
	running atomic.Int64
	trimAt  time.Time
	// A goroutine's session: the read deadline set on nc, the idle
	// timeout's, and when its query buffer is given back if nothing
	// arrives (armReadDeadline).
	deadline, idleAt time.Time
	idle             resp.IdleRelease
	// mu guards name, libName, libVer and userName.
	mu       sync.Mutex
	name     string
	libName  string
	libVer   string
	userName string // the user's name, for CLIENT LIST
}

// item is one command of a round and where its reply comes from: bytes in
// local, one forwarded call, or a merger.
type item struct {
	e      *entry
	lo, hi int
	c      *call
	m      merger
	failed bool // the reply is an error
	// r3: the client spoke RESP3 when it sent the command; the node's
	// reply (or the merger's) is converted by shape (see resp.To3).
	r3    bool
	shape resp.Shape
	// exec is EXEC's transaction and args its command line, when a
	// monitor is to see what it ran once its reply is in (monitor.go).
	exec *txState
	args [][]byte
}

// merger combines the replies of a composite command's calls.
type merger interface {
	// merge settles the calls (retrying them as needed) and appends the
	// client's reply to dst.
	merge(s *session, dst []byte) []byte
}

// group is the calls of a round bound for one connection.
type group struct {
	bc    *bconn
	calls []*call
}

func newSession(p *Proxy, nc net.Conn) *session {
	now := time.Now()
	s := &session{
		p:       p,
		nc:      nc,
		id:      p.nextID.Add(1),
		addr:    nc.RemoteAddr().String(),
		laddr:   nc.LocalAddr().String(),
		created: now,
		w:       newWaiter(),
	}
	s.setUser(p.acl.DefaultIfOpen())
	s.lastActive.Store(now.UnixNano())
	return s
}

// close releases what the session holds and closes its connection.
func (s *session) close() {
	s.unpinAll()
	s.dropLinks()
	s.dropMonitor()
	s.endSubscriber()
	s.nc.Close()
}

// run carries out one round: the commands the client has pipelined, up
// to one that starts a client pause. It submits every forwarded command
// before waiting for any reply, then appends the replies to s.out in the
// client's order. It returns how many of cmds it took.
func (s *session) run(cmds []resp.Command) int {
	if i := s.pubsubAt(cmds); i >= 0 {
		return s.runAround(cmds, i)
	}
	start := time.Now()
	s.lastActive.Store(start.UnixNano())
	s.trackRoundStart()
	s.w.begin()
	took := len(cmds)
	for i, cmd := range cmds {
		s.trackBefore(cmd.Args)
		it := s.prepare(cmd)
		s.writing = false
		s.trackAfter()
		it.r3, it.shape = s.shape3(it.e, cmd.Args)
		s.items = append(s.items, it)
		if s.quit || s.cut {
			s.cut = false
			took = i + 1
			break
		}
	}
	s.dispatch()
	if len(s.used) == 0 {
		s.trackRoundEnd() // nothing to wait for: messages need not wait
	}
	s.w.wait()
	for i := range s.items {
		it := &s.items[i]
		mark := len(s.out)
		switch {
		case it.c != nil:
			s.settle(it.c)
			if it.r3 {
				s.out = resp.To3(s.out, it.c.reply, it.shape)
			} else {
				s.out = append(s.out, it.c.reply...)
			}
		case it.m != nil:
			s.writing = mayWrite(it.e)
			s.out = it.m.merge(s, s.out)
			s.writing = false
			if it.r3 {
				s.conv = resp.To3(s.conv[:0], s.out[mark:], it.shape)
				s.out = append(s.out[:mark], s.conv...)
			}
		default:
			s.out = append(s.out, s.local[it.lo:it.hi]...)
		}
		it.failed = len(s.out) > mark && s.out[mark] == '-'
		if it.exec != nil {
			s.feedExec(it, s.out[mark:])
		}
		if it.c != nil && cap(it.c.reply) > 64<<10 {
			it.c.reply = nil // a big reply is copied: let it go
		}
		if len(s.out) >= outFlushAt {
			s.flush()
		}
	}
	s.record(time.Since(start))
	s.p.stats.commands.Add(int64(took))
	clear(s.items)
	s.items = s.items[:0]
	s.local = s.local[:0]
	s.noteWrites()
	for _, c := range s.used {
		c.reset()
		s.free = append(s.free, c)
	}
	s.used = s.used[:0]
	if s.inbox.Load() != nil {
		s.flush()
		s.trackRoundEnd()
		s.monitorRoundEnd()
	}
	return took
}

// record adds the round's commands to their statistics. Runs of the same
// command, the usual pipeline, cost one update.
func (s *session) record(elapsed time.Duration) {
	var e *entry
	var n, failed int64
	flush := func() {
		if e != nil {
			e.stats.record(n, failed, elapsed)
		}
	}
	for i := range s.items {
		it := &s.items[i]
		if it.e != e {
			flush()
			e, n, failed = it.e, 0, 0
		}
		n++
		if it.failed {
			failed++
		}
	}
	flush()
}

// outFlushAt is how many reply bytes a round gathers before writing them
// to the client, so that big replies do not pile up.
const outFlushAt = 256 << 10

// flush writes the replies gathered so far to the client. After a write
// error the session quits and later replies are dropped.
func (s *session) flush() {
	if s.sub != nil && len(s.out) > 0 && !s.broken {
		if !s.sub.out.Push(s.out) {
			s.broken, s.quit = true, true
		}
	} else if len(s.out) > 0 && !s.broken {
		if _, err := s.nc.Write(s.out); err != nil {
			s.broken, s.quit = true, true
		}
	}
	if cap(s.out) > 1<<20 {
		s.out = nil
	} else {
		s.out = s.out[:0]
	}
}

// prepare checks one command and either answers it locally or submits
// what it needs, returning the round's item for it.
func (s *session) prepare(cmd resp.Command) item {
	e, it, done := s.admit(cmd)
	if done {
		return it
	}
	s.writing = mayWrite(e)
	args := cmd.Args
	if s.sub != nil {
		if msg := s.subscriberDenied(e, args); msg != "" {
			return s.errItem(e, msg)
		}
	}
	if msg := s.monitorDenied(e); msg != "" {
		return s.errItem(e, msg)
	}
	if e.kind == kindTx {
		it := e.tx(s, cmd)
		it.e = e
		if tx := s.execTx; tx != nil {
			// EXEC: its line and its commands' once its reply says
			// whether they ran (monitor.go).
			it.exec, it.args, s.execTx = tx, args, nil
			s.cut = true // the lines of the commands after it come after these
		} else {
			s.feedMonitors(e, args)
		}
		return it
	}
	if e.spec.Group == "search" {
		if it, done := s.checkIndex(e, cmd); done {
			return it
		}
	}
	if s.tx != nil {
		return s.txQueue(e, cmd)
	}
	switch e.kind {
	case kindLocal:
		lo := len(s.local)
		s.feedMonitors(e, args)
		e.local(s, args)
		if startsPause(e, args) { // multi_local.go
			s.cut = true
		}
		return item{e: e, lo: lo, hi: len(s.local)}
	case kindComposite, kindRouted:
		m, msg := e.composite(s, cmd)
		if m == nil {
			return s.errItem(e, msg)
		}
		s.feedMonitors(e, args)
		return item{e: e, m: m}
	case kindRefused:
		return s.errItem(e, "ERR '"+e.spec.Name+"' is not available through the proxy")
	case kindBlocking:
		s.feedMonitors(e, args)
		return s.block(e, cmd)
	case kindKey:
		if e.blocksIf != nil && e.blocksIf(args) {
			s.feedMonitors(e, args)
			return s.block(e, cmd)
		}
	}
	slot, msg := s.slotOf(e.spec, args)
	if msg == msgCrossSlot {
		if it, ok := s.computeAlone(e, cmd); ok { // multi_compute_alone.go
			s.feedMonitors(e, args)
			return it
		}
	}
	if msg != "" {
		return s.errItem(e, msg)
	}
	s.feedMonitors(e, args)
	c := s.newCall(cmd.Raw)
	if slot >= 0 && e.spec.Has(command.Readonly) {
		c.slot = slot
		c.be = s.p.routes.Load().read(slot)
		s.enqueue(c)
	} else if slot >= 0 {
		s.target(c, slot)
	} else {
		s.targetAny(c)
	}
	return item{e: e, c: c}
}

// admit looks a command up and checks its arity, the client's
// authentication and its permissions. When one fails (done) it is the
// item answering it with the error; e may then be nil.
func (s *session) admit(cmd resp.Command) (e *entry, it item, done bool) {
	args := cmd.Args
	e = s.last
	if e == nil || !command.EqualFold(args[0], e.spec.Name) {
		e = s.p.cmds.lookup(args[0])
		s.last = e
	}
	if e == nil {
		s.lastCmd.Store(nil)
		if s.tx != nil {
			s.tx.failed = true
		}
		return nil, s.errItem(nil, unknownCommand(args)), true
	}
	s.noteCmd(e, args)
	if !e.spec.ArityOK(len(args)) {
		if s.tx != nil {
			s.tx.failed = true
		}
		return e, s.errItem(e, arityError(e.spec.Name)), true
	}
	if msg := e.spec.SubError(args); msg != "" {
		if s.tx != nil {
			s.tx.failed = true
		}
		return e, s.errItem(e, msg), true
	}
	if !s.authed && !e.spec.Has(command.NoAuth) {
		return e, s.errItem(e, command.MsgNoAuth), true
	}
	if s.user != nil && !e.spec.Has(command.NoAuth) {
		// Before anything is sent: a denied command or key never reaches
		// a node.
		if d := s.user.Perms().Check(e.id, e.spec, args); d != nil {
			return e, s.denied(e, d), true
		}
	}
	return e, item{}, false
}

// noteCmd records the command the session runs now, as Redis names it in
// CLIENT INFO's cmd= while it runs and after: "get", or "client|list" for
// a subcommand of a container; none for an unknown subcommand.
func (s *session) noteCmd(e *entry, args [][]byte) {
	if !e.spec.Has(command.Container) || len(args) < 2 {
		s.lastCmd.Store(&e.spec.Name)
		return
	}
	if !e.spec.HasSubcommand(args[1]) {
		s.lastCmd.Store(nil) // (its text, which may hold a line break, stays out of CLIENT LIST)
		return
	}
	if p := s.lastCmd.Load(); p != nil && len(*p) == len(e.spec.Name)+1+len(args[1]) &&
		strings.HasPrefix(*p, e.spec.Name) && command.EqualFold(args[1], (*p)[len(e.spec.Name)+1:]) {
		return // the same subcommand again: no new string
	}
	name := e.spec.Name + "|" + strings.ToLower(string(args[1]))
	s.lastCmd.Store(&name)
}

// slotOf returns the one slot of a command's keys, -1 if it has no keys,
// or CROSSSLOT's text if they do not share a slot (or, when the router
// allows it, a node).
func (s *session) slotOf(spec *command.Spec, args [][]byte) (int, string) {
	first, last, step := spec.KeyRange(len(args))
	fk := spec.FirstKeyPos(args)
	if fk == 0 {
		return -1, ""
	}
	slot := keyslot.Of(args[fk])
	for i := first + step; i <= last; i += step {
		if sl := keyslot.Of(args[i]); sl != slot && !s.sameNode(slot, sl) {
			return 0, msgCrossSlot
		}
	}
	if spec.Movable() { // ZUNION's numkeys keys, XREAD's after STREAMS, SORT's STORE key
		for _, i := range spec.KeyPositions(args, nil) {
			if sl := keyslot.Of(args[i]); sl != slot && !s.sameNode(slot, sl) {
				return 0, msgCrossSlot
			}
		}
	}
	return slot, ""
}

// sameNode reports whether two slots may share one multi-key command:
// only if the router allows cross-slot commands and one node serves both.
func (s *session) sameNode(a, b int) bool {
	if !s.p.crossSlot {
		return false
	}
	rt := s.p.routes.Load()
	return rt.slots[a] != 0 && rt.slots[a] == rt.slots[b]
}

// shape3 tells whether the replies to a command line of e are to be
// converted to RESP3 (the session speaks it), and by which shape.
func (s *session) shape3(e *entry, args [][]byte) (bool, resp.Shape) {
	if !s.resp3.Load() {
		return false, resp.AsIs
	}
	if e == nil {
		return true, resp.AsIs
	}
	return true, e.spec.Shape3(args)
}

// errItem is an item whose reply is the error msg.
func (s *session) errItem(e *entry, msg string) item {
	lo := len(s.local)
	s.local = resp.AppendError(s.local, msg)
	return item{e: e, lo: lo, hi: len(s.local)}
}

// newCall returns a fresh call for this round carrying req.
func (s *session) newCall(req []byte) *call {
	var c *call
	if n := len(s.free); n > 0 {
		c = s.free[n-1]
		s.free = s.free[:n-1]
	} else {
		c = &call{}
	}
	c.req = req
	c.slot = -1
	c.write = s.writing
	s.used = append(s.used, c)
	return c
}

// target addresses c to the node serving slot and queues it.
func (s *session) target(c *call, slot int) {
	c.slot = slot
	c.be = s.p.routes.Load().slot(slot)
	s.enqueue(c)
}

// targetAny addresses a keyless c to one node and queues it.
func (s *session) targetAny(c *call) {
	nodes := s.p.routes.Load().nodes
	if len(nodes) > 0 {
		c.be = nodes[uint64(s.id)%uint64(len(nodes))]
	}
	s.enqueue(c)
}

// targetNode addresses c to node b, to be retried there only.
func (s *session) targetNode(c *call, b *backend) {
	c.slot = -1
	c.be = b
	s.enqueue(c)
}

// enqueue adds c to this round's submissions, which dispatch sends. A
// call with no node fails at once (and is retried by settle).
func (s *session) enqueue(c *call) {
	c.w = s.w
	if c.be == nil {
		s.w.add(1)
		c.complete(nil, ErrNoRoute)
		return
	}
	bc := c.via
	if bc == nil {
		if s.pinned != nil {
			bc = s.pinFor(c.be)
		}
		if bc == nil && s.trk != nil {
			var err error
			if bc, err = s.trackConn(c.be); err != nil {
				s.w.add(1)
				c.complete(nil, err)
				return
			}
			if cc := s.trk.cachingFor(bc); cc != nil {
				s.enqueueOn(bc, s.cachingCall(c.be, bc, cc))
			}
		}
		if bc == nil {
			bc = c.be.conn(s.id)
		}
	}
	s.enqueueOn(bc, c)
}

// enqueueOn adds c to the calls of this round bound for bc.
func (s *session) enqueueOn(bc *bconn, c *call) {
	for i := range s.groups {
		if s.groups[i].bc == bc {
			s.groups[i].calls = append(s.groups[i].calls, c)
			return
		}
	}
	if n := len(s.groups); n < cap(s.groups) {
		s.groups = s.groups[:n+1]
		s.groups[n].bc = bc
		s.groups[n].calls = append(s.groups[n].calls[:0], c)
		return
	}
	s.groups = append(s.groups, group{bc: bc, calls: []*call{c}})
}

// dispatch submits the queued calls, one write batch per connection.
func (s *session) dispatch() {
	for i := range s.groups {
		g := &s.groups[i]
		s.w.add(len(g.calls))
		g.bc.submit(g.calls)
		clear(g.calls)
		g.bc, g.calls = nil, g.calls[:0]
	}
	s.groups = s.groups[:0]
}

// roundTrip sends calls now and waits for their replies. Used by mergers
// and retries, after the round's first wait.
func (s *session) roundTrip(calls ...*call) {
	s.w.begin()
	for _, c := range calls {
		s.enqueue(c)
	}
	s.dispatch()
	s.w.wait()
}

// barrier waits for everything submitted so far this round, so that what
// follows (on another connection) runs after it.
func (s *session) barrier() {
	s.dispatch()
	s.w.wait()
	s.w.begin()
}

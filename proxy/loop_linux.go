//go:build linux

package proxy

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"runtime/debug"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/latency"
	"github.com/vcache/vcache/internal/rawio"
	"github.com/vcache/vcache/internal/resp"
)

// Event loops, as twemproxy runs: a few goroutines (Config.Loops, one per
// processor by default) each wait on an epoll set holding its clients and
// its own connections to the nodes. In one round a loop reads every
// client with bytes waiting, appends their commands to the node
// connections' buffers, writes each node connection once, reads the
// replies that have come in and writes each client the replies that are
// next in its order. Nothing parks or wakes a goroutine per request, and
// the requests of all the loop's clients share one write to a node.
//
// A loop serves what is simple and frequent: commands routed by one slot
// to one node, and the commands the proxy answers itself. Before any other
// command (a multi-key split, a fan-out, MULTI, WATCH) the connection
// waits for the replies it is owed and then moves to a goroutine of its
// own (handoff), which serves it as every connection is served without
// loops. A reply that asks for a retry (-MOVED, -ASK, -TRYAGAIN, -LOADING,
// a lost node) is settled by a goroutine through the shared connections,
// as settle does for a session, and handed back to the loop. TLS clients,
// TLS nodes and non-Linux systems use goroutines only.

// loop is one event loop.
type loop struct {
	rawio.Poller
	p *Proxy

	// mu guards what other goroutines hand the loop, and closed.
	mu       sync.Mutex
	closed   bool // the descriptors are closed: nobody may wake the loop
	stop     bool
	incoming []*lclient
	settled  []settledBatch
	dialed   []dialResult

	clients map[int]*lclient        // by descriptor
	nodes   map[int]*lbconn         // by descriptor
	conns   map[*backend]*lbconn    // the loop's connection to each node
	dirty   []*lbconn               // with requests to write
	touched []*lclient              // with replies to write or a state to act on
	free    []*lreq                 // requests to reuse
	now     time.Time               // the round's time
	lastChk time.Time               // the last idle and watchdog check
	events  [256]syscall.EpollEvent // epoll's answers
	stats   []lstat                 // command counts of the round, by entry id
	order   []*entry                // stats' keys, in first-seen order
	conv    []byte                  // scratch space for converting a reply to RESP3
}

// lclient is a client connection served by a loop.
type lclient struct {
	s        *session
	fc       *rawio.FDConn
	rd       *resp.CommandReader
	pend     []*lreq // requests owed a reply, in the client's order, from head
	head     int
	out      []byte // replies to write this round
	events   uint32 // what the loop waits for
	touched  bool
	dead     bool
	closing  bool           // close once every reply is written
	closeIn  []byte         // error reply to send last (a protocol error)
	handoff  []resp.Command // to run on the goroutine, once the replies are out
	rerr     error          // the read error after handoff's commands
	handing  bool
	lastIO   time.Time
	seq      uint64     // requests made, for their order in retries
	retryQ   []retryJob // retries waiting for the running batch
	retrying bool       // a batch of retries is running
}

// lreq is one command of a loop's client.
type lreq struct {
	lc    *lclient
	e     *entry
	req   []byte // the request, kept for a retry
	reply []byte // the reply, once ready and not yet written
	ready bool
	seq   uint64 // the request's place among its client's
	slot  int
	be    *backend
	t0    time.Time
	// r3: the client spoke RESP3 when it sent the command; the node's
	// reply is converted by shape (see resp.To3).
	r3    bool
	shape resp.Shape
}

// lbconn is a loop's connection to one node.
type lbconn struct {
	be       *backend
	fc       *rawio.FDConn // nil while down or dialing
	rd       *resp.Reader
	out      []byte  // requests to write this round
	unsent   int     // requests in out
	added    int     // requests queued this round, for the backend's inflight count
	owed     []*lreq // requests owed a reply, in write order, from head
	head     int
	batches  []int // requests of each write still owed a reply, from bhead
	bhead    int
	events   uint32
	dirty    bool
	dialing  bool
	retryAt  time.Time
	backoff  time.Duration
	lastErr  error
	progress time.Time // when it last answered, or began to owe
}

// retryJob is a request to settle on a goroutine, and its call.
type retryJob struct {
	lr *lreq
	c  *call
}

// settledBatch is a client's retried requests, settled in order.
type settledBatch struct {
	lc   *lclient
	jobs []retryJob
}

type dialResult struct {
	lb  *lbconn
	fc  *rawio.FDConn
	err error
}

// startLoops starts the proxy's event loops, if it is to have any.
func (p *Proxy) startLoops() {
	n := p.cfg.Loops
	if n == 0 {
		n = defaultLoops(runtime.GOMAXPROCS(0))
	}
	if !p.io.ProxyLoops() || p.cfg.TLS != nil || p.cfg.BackendTLS != nil {
		return
	}
	for range n {
		l, err := newLoop(p)
		if err != nil {
			p.log.Warn("event loop unavailable; one goroutine per connection", "err", err)
			break
		}
		p.loops = append(p.loops, l)
	}
	for _, l := range p.loops {
		p.wg.Add(1)
		go l.run()
	}
}

// defaultLoops is how many loops a proxy has on procs processors: half
// of them. The proxy forwards what its clients send and the nodes do the
// work; on one machine with both, more loops compete with them. On 2
// cores, redis-benchmark -c 50 through the proxy to a redis-server (same
// run): 1 loop 171k/173k SET/GET ops/s at -P 1 and 1.1M/1.0M at -P 16,
// 2 loops 102k/100k and 0.84M/0.82M; the direct connection 165k/163k and
// 0.95M/1.08M.
func defaultLoops(procs int) int { return max(1, procs/2) }

func newLoop(p *Proxy) (*loop, error) {
	pl, err := rawio.NewPoller()
	if err != nil {
		return nil, err
	}
	return &loop{
		Poller: pl, p: p,
		clients: map[int]*lclient{}, nodes: map[int]*lbconn{}, conns: map[*backend]*lbconn{},
		stats: make([]lstat, len(p.cmds.order)),
	}, nil
}

// shut closes the loop's descriptors; afterwards nobody wakes it.
func (l *loop) shut() {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	l.Close()
}

// wakeLocked interrupts the loop's wait; mu is held.
func (l *loop) wakeLocked() {
	if !l.closed {
		l.Wake()
	}
}

// wakeLoops interrupts every loop's wait (a drain began).
func (p *Proxy) wakeLoops() {
	for _, l := range p.loops {
		l.mu.Lock()
		l.wakeLocked()
		l.mu.Unlock()
	}
}

// stopLoops makes every loop close what it holds and return.
func (p *Proxy) stopLoops() {
	for _, l := range p.loops {
		l.mu.Lock()
		l.stop = true
		l.wakeLocked()
		l.mu.Unlock()
	}
}

// adopt gives a plain TCP client to a loop, with its session registered;
// it returns false when nc must be served by a goroutine. Called with
// p.mu held.
func (p *Proxy) adopt(nc net.Conn) bool {
	if len(p.loops) == 0 {
		return false
	}
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return false
	}
	tc.SetNoDelay(true)
	fc, err := rawio.NewFDConn(tc)
	if err != nil {
		return false
	}
	s := newSession(p, fc)
	lc := &lclient{s: s, fc: fc, rd: resp.NewCommandReader(fc, 0)}
	p.sessions[s.id] = s
	p.sessionWG.Add(1)
	p.stats.loopClients.Add(1)
	l := p.loops[uint64(s.id)%uint64(len(p.loops))]
	l.mu.Lock()
	l.incoming = append(l.incoming, lc)
	l.wakeLocked()
	l.mu.Unlock()
	return true
}

// run is the loop.
func (l *loop) run() {
	p := l.p
	defer p.wg.Done()
	defer p.io.LoopRunning()()
	for {
		// Look without blocking first: while clients keep the loop busy it
		// never parks in the kernel. Unlike the node's loops it does not
		// spin before sleeping: the proxy shares its processors with the
		// nodes and the clients, and its loop's 20 µs polls took their
		// time (redis-benchmark -P 1 through a 1-loop proxy: 141k/157k
		// SET/GET ops/s spinning, 171k/173k not, same run).
		nev, err := rawio.PollNow(l.Epfd, l.events[:])
		if nev == 0 && err == nil {
			nev, err = syscall.EpollWait(l.Epfd, l.events[:], l.timeout())
		}
		if err != nil && !errors.Is(err, syscall.EINTR) {
			p.log.Error("event loop", "err", err)
			l.closeAll()
			return
		}
		l.now = time.Now()
		for i := 0; i < nev; i++ {
			ev := l.events[i]
			fd := int(ev.Fd)
			if l.IsWake(fd) {
				if l.takeWakes() {
					l.closeAll()
					return
				}
				continue
			}
			if lc := l.clients[fd]; lc != nil {
				l.clientEvent(lc, ev.Events)
			} else if lb := l.nodes[fd]; lb != nil {
				l.nodeEvent(lb, ev.Events)
			}
		}
		for i, lb := range l.dirty {
			l.dirty[i] = nil
			l.send(lb)
		}
		l.dirty = l.dirty[:0]
		for i, lc := range l.touched {
			l.touched[i] = nil
			l.settleClient(lc)
		}
		l.touched = l.touched[:0]
		l.recordStats()
		l.checks()
	}
}

// timeout is how long the loop may sleep: until its next check when it
// has anything to watch over, else until woken.
func (l *loop) timeout() int {
	d := time.Duration(-1)
	pick := func(x time.Duration) {
		if x > 0 && (d < 0 || x < d) {
			d = x
		}
	}
	if idle := l.p.cfg.IdleTimeout; idle > 0 && len(l.clients) > 0 {
		pick(idle / 4)
	}
	for _, lb := range l.conns {
		if len(lb.owed) > lb.head {
			pick(l.p.cfg.ReplyTimeout / 8)
			break
		}
	}
	if l.p.drainBy.Load() != 0 {
		pick(10 * time.Millisecond)
	}
	if d < 0 {
		return -1
	}
	return int(max(d, time.Millisecond) / time.Millisecond)
}

// takeWakes takes what other goroutines handed the loop; it reports
// whether the loop must stop.
func (l *loop) takeWakes() bool {
	l.DrainWake()
	l.mu.Lock()
	in, settled, dialed, stop := l.incoming, l.settled, l.dialed, l.stop
	l.incoming, l.settled, l.dialed = nil, nil, nil
	l.mu.Unlock()
	for _, lc := range in {
		l.open(lc)
	}
	for _, d := range dialed {
		l.connected(d)
	}
	for _, b := range settled {
		l.settledRetries(b)
	}
	return stop
}

// open starts serving a new client.
func (l *loop) open(lc *lclient) {
	lc.lastIO = l.now
	l.clients[lc.fc.FD()] = lc
	lc.events = syscall.EPOLLIN | syscall.EPOLLRDHUP
	ev := syscall.EpollEvent{Events: lc.events, Fd: int32(lc.fc.FD())}
	if err := syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_ADD, lc.fc.FD(), &ev); err != nil {
		l.p.log.Warn("event loop: add connection", "err", err)
		l.drop(lc)
	}
}

// clientEvent reads a client's commands or writes its pending replies.
func (l *loop) clientEvent(lc *lclient, events uint32) {
	lc.lastIO = l.now
	if events&syscall.EPOLLOUT != 0 {
		if err := lc.fc.Drain(); err != nil {
			l.drop(lc)
			return
		}
		l.touch(lc)
	}
	if lc.events&syscall.EPOLLIN == 0 {
		if events&(syscall.EPOLLHUP|syscall.EPOLLERR) != 0 {
			// Reported even while the loop waits for nothing on the
			// client: it is gone, and its replies have nowhere to go.
			l.drop(lc)
		}
		return
	}
	if events&(syscall.EPOLLIN|syscall.EPOLLRDHUP|syscall.EPOLLHUP|syscall.EPOLLERR) == 0 {
		return
	}
	cmds, rerr := lc.rd.ReadOnce()
	if len(cmds) > 0 {
		l.serve(lc, cmds, rerr)
	} else if rerr != nil && rerr != resp.ErrWouldBlock {
		l.ending(lc, rerr)
	}
	l.touch(lc)
}

// serve carries out a client's commands, up to one that needs a
// goroutine. A panic closes this client only.
func (l *loop) serve(lc *lclient, cmds []resp.Command, rerr error) {
	s := lc.s
	defer func() {
		if r := recover(); r != nil {
			l.p.log.Error("client handler panic; closing connection", "client", s.id, "addr", s.addr,
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			// Its requests may be half made: close it now, not once
			// they are answered.
			_, _ = lc.fc.Write([]byte("-" + msgInternal + "\r\n"))
			l.drop(lc)
		}
	}()
	s.lastActive.Store(l.now.UnixNano())
	var last *entry
	defer func() {
		if last != nil {
			s.lastCmd.Store(&last.spec.Name)
		}
	}()
	for i, cmd := range cmds {
		s.local = s.local[:0]
		e, it, done := s.admit(cmd)
		if e != nil {
			last = e
		}
		if done {
			l.answer(lc, e, s.local[it.lo:it.hi])
			continue
		}
		switch e.kind {
		case kindLocal:
			e.local(s, cmd.Args)
			l.answer(lc, e, s.local)
			if s.quit {
				lc.closing = true
				return
			}
			continue
		case kindKey:
			if s.tx == nil && s.pinned == nil {
				l.forward(lc, e, cmd)
				continue
			}
		}
		lc.handing, lc.handoff, lc.rerr = true, cmds[i:], rerr
		return
	}
	if rerr != nil && rerr != resp.ErrWouldBlock {
		l.ending(lc, rerr)
	}
}

// ending closes the client once its replies are written; a protocol
// error is reported last.
func (l *loop) ending(lc *lclient, err error) {
	lc.closing = true
	if isProtocolError(err) {
		lc.closeIn = []byte("-ERR " + err.Error() + "\r\n")
	}
}

// newReq returns a request of lc's, queued for its reply.
func (l *loop) newReq(lc *lclient, e *entry) *lreq {
	var lr *lreq
	if n := len(l.free); n > 0 {
		lr = l.free[n-1]
		l.free = l.free[:n-1]
	} else {
		lr = &lreq{}
	}
	lr.lc, lr.e, lr.t0 = lc, e, l.now
	lc.seq++
	lr.seq = lc.seq
	lc.pend = append(lc.pend, lr)
	return lr
}

// recycle returns a request whose reply is written (or dropped).
func (l *loop) recycle(lr *lreq) {
	const keep = 16 << 10
	req, reply := lr.req[:0], lr.reply[:0]
	if cap(req) > keep {
		req = nil
	}
	if cap(reply) > keep {
		reply = nil
	}
	*lr = lreq{req: req, reply: reply}
	l.free = append(l.free, lr)
}

// answer queues a reply the proxy made itself.
func (l *loop) answer(lc *lclient, e *entry, reply []byte) {
	l.complete(l.newReq(lc, e), reply)
}

// forward sends a single-slot command to its node.
func (l *loop) forward(lc *lclient, e *entry, cmd resp.Command) {
	s := lc.s
	slot, msg := s.slotOf(e.spec, cmd.Args)
	if msg != "" {
		l.answer(lc, e, resp.AppendError(s.local[:0], msg))
		return
	}
	rt := l.p.routes.Load()
	var be *backend
	switch {
	case slot >= 0 && e.spec.Has(command.Readonly):
		be = rt.read(slot)
	case slot >= 0:
		be = rt.slot(slot)
	case len(rt.nodes) > 0:
		be = rt.nodes[uint64(s.id)%uint64(len(rt.nodes))]
	}
	lr := l.newReq(lc, e)
	lr.req = append(lr.req[:0], cmd.Raw...)
	lr.slot, lr.be = slot, be
	lr.r3, lr.shape = s.shape3(e, cmd.Args)
	if be == nil {
		l.retry(lr, nil, ErrNoRoute)
		return
	}
	lb := l.conns[be]
	if lb == nil {
		lb = &lbconn{be: be}
		l.conns[be] = lb
	}
	if lb.fc == nil && !lb.dialing {
		if l.now.Before(lb.retryAt) {
			l.retry(lr, nil, lb.lastErr)
			return
		}
		l.dial(lb)
	}
	if len(lb.owed) == lb.head {
		lb.progress = l.now
	}
	lb.out = append(lb.out, cmd.Raw...)
	lb.owed = append(lb.owed, lr)
	lb.unsent++
	lb.added++
	if !lb.dirty {
		lb.dirty = true
		l.dirty = append(l.dirty, lb)
	}
}

// retry has a request whose reply (raw) or failure (err) calls for a
// retry settled on a goroutine, as a session's round settles its calls,
// and its final reply handed back to the loop. A client's retries run one
// batch at a time, each in the client's order, so that a write and the
// read after it are not retried out of order.
func (l *loop) retry(lr *lreq, raw []byte, err error) {
	c := &call{req: lr.req, slot: lr.slot, be: lr.be, err: err}
	c.reply = append(c.reply, raw...)
	lc := lr.lc
	lc.retryQ = append(lc.retryQ, retryJob{lr, c})
	if !lc.retrying {
		l.startRetries(lc)
	}
}

// startRetries settles the client's queued retries on a goroutine.
func (l *loop) startRetries(lc *lclient) {
	jobs := lc.retryQ
	lc.retryQ, lc.retrying = nil, true
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].lr.seq < jobs[j].lr.seq })
	p, id := l.p, lc.s.id
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		rs := &session{p: p, id: id, w: newWaiter()}
		for _, j := range jobs {
			rs.settle(j.c)
		}
		l.mu.Lock()
		l.settled = append(l.settled, settledBatch{lc, jobs})
		l.wakeLocked()
		l.mu.Unlock()
	}()
}

// settledRetries takes a client's settled batch and starts the next.
func (l *loop) settledRetries(b settledBatch) {
	b.lc.retrying = false
	for _, j := range b.jobs {
		l.complete(j.lr, j.c.reply)
	}
	if len(b.lc.retryQ) > 0 {
		l.startRetries(b.lc)
	}
}

// complete takes a request's reply: written at once when every earlier
// reply of the client is, else kept until they are.
func (l *loop) complete(lr *lreq, reply []byte) {
	lc := lr.lc
	if lr.e != nil {
		st := &l.stats[lr.e.id]
		if st.n == 0 {
			l.order = append(l.order, lr.e)
		}
		us := l.now.Sub(lr.t0).Microseconds()
		st.n++
		st.usec += us
		st.hist[latency.Bucket(us)]++
		if len(reply) > 0 && reply[0] == '-' {
			st.failed++
		}
	}
	if lc.dead {
		l.recycle(lr)
		return
	}
	if lr.r3 {
		l.conv = resp.To3(l.conv[:0], reply, lr.shape)
		reply = l.conv
	}
	if lc.pend[lc.head] != lr {
		lr.reply = append(lr.reply[:0], reply...)
		lr.ready = true
		return
	}
	lc.out = append(lc.out, reply...)
	lc.pend[lc.head] = nil
	lc.head++
	l.recycle(lr)
	for lc.head < len(lc.pend) && lc.pend[lc.head].ready {
		next := lc.pend[lc.head]
		lc.out = append(lc.out, next.reply...)
		lc.pend[lc.head] = nil
		lc.head++
		l.recycle(next)
	}
	if lc.head == len(lc.pend) {
		lc.pend, lc.head = lc.pend[:0], 0
	}
	l.touch(lc)
}

// recordStats adds the round's command figures to the proxy's.
func (l *loop) recordStats() {
	if len(l.order) == 0 {
		return
	}
	var total int64
	for i, e := range l.order {
		st := &l.stats[e.id]
		e.stats.add(st)
		total += st.n
		*st = lstat{}
		l.order[i] = nil
	}
	l.order = l.order[:0]
	l.p.stats.commands.Add(total)
}

func (l *loop) touch(lc *lclient) {
	if !lc.touched {
		lc.touched = true
		l.touched = append(l.touched, lc)
	}
}

// settleClient writes a client's replies and decides what the loop waits
// for on it: more commands, room to write, or nothing until its replies
// are in; it closes the client or hands it off once they are.
func (l *loop) settleClient(lc *lclient) {
	lc.touched = false
	if lc.dead {
		return
	}
	if len(lc.out) > 0 {
		_, err := lc.fc.Write(lc.out)
		if cap(lc.out) > 64<<10 {
			lc.out = nil
		} else {
			lc.out = lc.out[:0]
		}
		if err != nil {
			l.drop(lc)
			return
		}
	}
	owed := len(lc.pend) - lc.head
	switch {
	case owed > 0:
	case lc.handing:
		l.handoff(lc)
		return
	case lc.closing || lc.s.quit:
		if lc.closeIn != nil {
			_, _ = lc.fc.Write(lc.closeIn)
		}
		l.drop(lc)
		return
	}
	var want uint32
	switch {
	case lc.fc.Pending() > 0:
		want = syscall.EPOLLOUT
	case !lc.handing && !lc.closing && owed < l.p.cfg.MaxPipeline:
		want = syscall.EPOLLIN | syscall.EPOLLRDHUP
	}
	if want != lc.events {
		lc.events = want
		ev := syscall.EpollEvent{Events: want, Fd: int32(lc.fc.FD())}
		if err := syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_MOD, lc.fc.FD(), &ev); err != nil {
			l.drop(lc)
		}
	}
}

// handoff moves a client to a goroutine of its own, which runs the
// commands it stopped at and serves it from then on.
func (l *loop) handoff(lc *lclient) {
	l.forget(lc)
	p, s, rd, cmds, rerr := l.p, lc.s, lc.rd, lc.handoff, lc.rerr
	if rerr == resp.ErrWouldBlock {
		rerr = nil
	}
	go func() {
		if err := lc.fc.ToGoroutine(); err != nil {
			p.log.Warn("event loop: handoff", "err", err)
			rerr = err
			cmds = nil
		}
		p.serveFrom(s, rd, cmds, rerr)
	}()
}

// forget takes a client out of the loop's set.
func (l *loop) forget(lc *lclient) {
	fd := lc.fc.FD()
	_ = syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_DEL, fd, nil)
	delete(l.clients, fd)
	lc.dead = true
	l.p.stats.loopClients.Add(-1)
	for i := lc.head; i < len(lc.pend); i++ {
		if lr := lc.pend[i]; lr.ready {
			l.recycle(lr)
		}
		lc.pend[i] = nil
	}
	lc.pend, lc.head = nil, 0
}

// drop closes a client.
func (l *loop) drop(lc *lclient) {
	if lc.dead {
		return
	}
	l.forget(lc)
	if lc.fc.Pending() > 0 {
		_ = lc.fc.Drain()
	}
	lc.fc.Release()
	p := l.p
	s := lc.s
	if s.pinned != nil {
		p.unpin(s.pinned)
		s.pinned = nil
	}
	p.mu.Lock()
	delete(p.sessions, s.id)
	p.mu.Unlock()
	p.sessionWG.Done()
}

// nodeEvent reads a node's replies or writes what it could not take.
func (l *loop) nodeEvent(lb *lbconn, events uint32) {
	if events&syscall.EPOLLOUT != 0 {
		if err := lb.fc.Drain(); err != nil {
			l.nodeFailed(lb, err)
			return
		}
		l.watchNode(lb)
	}
	if events&(syscall.EPOLLIN|syscall.EPOLLRDHUP|syscall.EPOLLHUP|syscall.EPOLLERR) == 0 {
		return
	}
	err := lb.rd.Fill()
	answered := 0
	for {
		raw, ok, perr := lb.rd.Next()
		if perr != nil {
			err = perr
			break
		}
		if !ok {
			break
		}
		if lb.head == len(lb.owed) {
			err = fmt.Errorf("unexpected reply %.40q", raw)
			break
		}
		lr := lb.owed[lb.head]
		lb.owed[lb.head] = nil
		lb.head++
		answered++
		lb.progress = l.now
		if raw[0] == '-' {
			if class, _ := classify(raw); class != replyFinal {
				l.retry(lr, raw, nil)
				continue
			}
		}
		l.complete(lr, raw)
	}
	lb.be.stats.loopInflight.Add(int64(-answered))
	lb.answered(answered)
	if lb.unsent > 0 && !lb.dirty { // requests held while the writes were out
		lb.dirty = true
		l.dirty = append(l.dirty, lb)
	}
	if lb.head == len(lb.owed) {
		clear(lb.owed)
		lb.owed, lb.head = lb.owed[:0], 0
	}
	if err != nil && err != resp.ErrWouldBlock {
		l.nodeFailed(lb, err)
	}
}

// send writes a node connection's requests of this round.
func (l *loop) send(lb *lbconn) {
	lb.dirty = false
	lb.be.stats.loopInflight.Add(int64(lb.added))
	lb.added = 0
	if lb.fc == nil || len(lb.out) == 0 {
		return
	}
	if most := l.p.cfg.BatchesInFlight; most > 0 && len(lb.batches)-lb.bhead >= most && len(lb.out) < holdBytes {
		return // nodeEvent sends them when a reply comes back
	}
	_, err := lb.fc.Write(lb.out)
	lb.batches = append(lb.batches, lb.unsent)
	lb.be.stats.recordBatch(lb.unsent, len(lb.out))
	lb.unsent = 0
	if cap(lb.out) > 4*l.p.cfg.MaxWriteBatch {
		lb.out = nil
	} else {
		lb.out = lb.out[:0]
	}
	if err != nil {
		l.nodeFailed(lb, err)
		return
	}
	l.watchNode(lb)
}

// holdBytes is how much a connection holds back while its writes in
// flight are at Config.BatchesInFlight.
const holdBytes = 64 << 10

// answered takes n replies off the connection's writes in flight.
func (lb *lbconn) answered(n int) {
	for n > 0 && lb.bhead < len(lb.batches) {
		k := min(n, lb.batches[lb.bhead])
		lb.batches[lb.bhead] -= k
		n -= k
		if lb.batches[lb.bhead] == 0 {
			lb.bhead++
		}
	}
	if lb.bhead == len(lb.batches) {
		lb.batches, lb.bhead = lb.batches[:0], 0
	}
}

// watchNode waits for room to write as well as for replies while the
// connection holds requests the socket did not take.
func (l *loop) watchNode(lb *lbconn) {
	want := uint32(syscall.EPOLLIN | syscall.EPOLLRDHUP)
	if lb.fc.Pending() > 0 {
		want |= syscall.EPOLLOUT
	}
	if want != lb.events {
		lb.events = want
		ev := syscall.EpollEvent{Events: want, Fd: int32(lb.fc.FD())}
		if err := syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_MOD, lb.fc.FD(), &ev); err != nil {
			l.nodeFailed(lb, err)
		}
	}
}

// dial connects to a node in a goroutine; the requests queue meanwhile.
func (l *loop) dial(lb *lbconn) {
	lb.dialing = true
	p := l.p
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		var fc *rawio.FDConn
		nc, err := p.dialBackend(lb.be.addr)
		if err == nil {
			var tc *net.TCPConn
			switch c := nc.(type) {
			case *net.TCPConn:
				tc = c
			case *rawio.Conn:
				tc = c.TCPConn
			}
			if tc == nil {
				nc.Close()
				err = errors.New("not a TCP connection")
			} else {
				fc, err = rawio.NewFDConn(tc)
			}
		}
		l.mu.Lock()
		if l.closed {
			l.mu.Unlock()
			if fc != nil {
				fc.Release()
			}
			return
		}
		l.dialed = append(l.dialed, dialResult{lb, fc, err})
		l.wakeLocked()
		l.mu.Unlock()
	}()
}

// connected takes a dial's result: the connection starts, or its queued
// requests go to be retried.
func (l *loop) connected(d dialResult) {
	lb := d.lb
	lb.dialing = false
	st := &lb.be.stats
	if d.err == nil {
		lb.events = syscall.EPOLLIN | syscall.EPOLLRDHUP
		ev := syscall.EpollEvent{Events: lb.events, Fd: int32(d.fc.FD())}
		if err := syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_ADD, d.fc.FD(), &ev); err != nil {
			d.fc.Release()
			d.err = err
		}
	}
	if d.err != nil {
		st.dialErrors.Add(1)
		lb.backoff = min(max(2*lb.backoff, 20*time.Millisecond), 500*time.Millisecond)
		lb.retryAt = l.now.Add(lb.backoff)
		lb.lastErr = fmt.Errorf("%w: %s: %v", ErrBackendDown, lb.be.addr, d.err)
		l.failOwed(lb, lb.lastErr)
		return
	}
	st.dials.Add(1)
	lb.backoff = 0
	lb.fc = d.fc
	lb.rd = resp.NewReader(d.fc, 16<<10, l.p.cfg.MaxReplyBytes)
	l.nodes[d.fc.FD()] = lb
	lb.progress = l.now
	if !lb.dirty {
		lb.dirty = true
		l.dirty = append(l.dirty, lb)
	}
}

// nodeFailed closes a node connection; what it owed is retried.
func (l *loop) nodeFailed(lb *lbconn, err error) {
	if lb.fc == nil {
		return
	}
	fd := lb.fc.FD()
	_ = syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_DEL, fd, nil)
	delete(l.nodes, fd)
	lb.fc.Release()
	lb.fc, lb.rd, lb.events = nil, nil, 0
	lb.be.stats.connErrors.Add(1)
	l.failOwed(lb, fmt.Errorf("%w: %s: %v", ErrConnLost, lb.be.addr, err))
}

// failOwed sends every request a connection owed (and its unsent ones)
// to be retried.
func (l *loop) failOwed(lb *lbconn, err error) {
	owed := lb.owed[lb.head:]
	lb.be.stats.loopInflight.Add(int64(-len(owed)))
	for _, lr := range owed {
		l.retry(lr, nil, err)
	}
	clear(lb.owed)
	lb.owed, lb.head = lb.owed[:0], 0
	lb.out, lb.unsent = lb.out[:0], 0
	lb.batches, lb.bhead = lb.batches[:0], 0
}

// checks closes idle clients, node connections that stopped answering,
// and, while the proxy drains, clients whose replies are out.
func (l *loop) checks() {
	cfg := &l.p.cfg
	every := cfg.ReplyTimeout / 8
	if cfg.IdleTimeout > 0 {
		every = min(every, cfg.IdleTimeout/4)
	}
	drain := l.p.drainBy.Load()
	if l.now.Sub(l.lastChk) < every && drain == 0 {
		return
	}
	l.lastChk = l.now
	for _, lb := range l.conns {
		if lb.fc != nil && len(lb.owed) > lb.head && l.now.Sub(lb.progress) > cfg.ReplyTimeout {
			l.p.log.Warn("backend not answering; closing connection", "backend", lb.be.addr, "waited", l.now.Sub(lb.progress))
			l.nodeFailed(lb, errReplyTimeout)
		}
	}
	for _, lc := range l.clients {
		idle := cfg.IdleTimeout > 0 && l.now.Sub(lc.lastIO) > cfg.IdleTimeout
		if (idle || (drain != 0 && l.now.UnixNano() > drain)) && !lc.handing {
			lc.closing = true
			l.touch(lc)
		}
	}
	for i, lc := range l.touched {
		l.touched[i] = nil
		l.settleClient(lc)
	}
	l.touched = l.touched[:0]
}

// closeAll closes every client and node connection of the loop (and the
// clients still being handed to it), then its descriptors.
func (l *loop) closeAll() {
	for _, lc := range l.clients {
		l.drop(lc)
	}
	for _, lb := range l.conns {
		if lb.fc != nil {
			fd := lb.fc.FD()
			_ = syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_DEL, fd, nil)
			lb.fc.Release()
			lb.fc = nil
		}
	}
	l.mu.Lock()
	in, dialed := l.incoming, l.dialed
	l.incoming, l.dialed = nil, nil
	l.mu.Unlock()
	for _, lc := range in {
		l.drop(lc)
	}
	for _, d := range dialed {
		if d.fc != nil {
			d.fc.Release()
		}
	}
	l.shut()
}

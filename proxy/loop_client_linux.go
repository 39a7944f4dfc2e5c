//go:build linux

package proxy

import (
	"fmt"
	"runtime/debug"
	"sort"
	"syscall"
	"time"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/latency"
	"github.com/vcache/vcache/internal/rawio"
	"github.com/vcache/vcache/internal/resp"
)

// The client side of an event loop (see loop_linux.go): the loop's client
// connections (loopSession, a session served by a loop), their commands in
// flight (loopCall), reading and answering them in order, retries and the
// hand-off to a goroutine.

// loopSession is a client connection served by a loop.
type loopSession struct {
	s        *session
	fc       *rawio.FDConn
	rd       *resp.CommandReader
	pend     []*loopCall // requests owed a reply, in the client's order, from head
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

// loopCall is one command of a loop's client.
type loopCall struct {
	lc    *loopSession
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

// retryJob is a request to settle on a goroutine, and its call.
type retryJob struct {
	lr *loopCall
	c  *call
}

// settledBatch is a client's retried requests, settled in order.
type settledBatch struct {
	lc   *loopSession
	jobs []retryJob
}

// open starts serving a new client.
func (l *loop) open(lc *loopSession) {
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
func (l *loop) clientEvent(lc *loopSession, events uint32) {
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
	lc.rd.SetUnauthenticated(!lc.s.authed)
	cmds, rerr := lc.rd.ReadOnce()
	if len(cmds) > 0 {
		l.serve(lc, cmds, rerr)
		if lc.rd.Held() && !lc.handing && !lc.closing && !lc.dead {
			// A command held back until the client authenticated is
			// read already: no event would bring it here, so a
			// goroutine reads it.
			lc.handing, lc.handoff, lc.rerr = true, nil, nil
		}
	} else if rerr != nil && rerr != resp.ErrWouldBlock {
		l.ending(lc, rerr)
	}
	if !lc.handing && !lc.dead {
		lc.s.trimQueryBuf(lc.rd, l.now)
	}
	l.touch(lc)
}

// serve carries out a client's commands, up to one that needs a
// goroutine. A panic closes this client only.
func (l *loop) serve(lc *loopSession, cmds []resp.Command, rerr error) {
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
	for i, cmd := range cmds {
		s.local = s.local[:0]
		e, it, done := s.admit(cmd)
		if done {
			l.answer(lc, e, s.local[it.lo:it.hi])
			continue
		}
		if l.p.pause.Mode() != front.PauseOff && s.pauseHolds(e, cmd.Args, false) {
			// Held by CLIENT PAUSE, or a script its node is to be asked
			// about: it waits, or asks, off the loop (pause.go).
			lc.handing, lc.handoff, lc.rerr = true, cmds[i:], rerr
			return
		}
		switch e.kind {
		case kindLocal:
			if leavesLoop(e, cmd.Args) {
				break
			}
			s.feedMonitors(e, cmd.Args)
			e.local(s, cmd.Args)
			l.answer(lc, e, s.local)
			if s.quit {
				lc.closing = true
				return
			}
			continue
		case kindKey:
			if s.tx == nil && s.pinned == nil && !e.blocks(cmd.Args) && !s.computesAcross(e, cmd.Args) {
				if l.p.monitors.n.Load() > 0 {
					if _, msg := s.slotOf(e.spec, cmd.Args); msg == "" {
						s.feedMonitors(e, cmd.Args)
					}
				}
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
func (l *loop) ending(lc *loopSession, err error) {
	lc.closing = true
	if isProtocolError(err) {
		lc.closeIn = resp.AppendError(nil, "ERR "+err.Error())
	}
}

// newReq returns a request of lc's, queued for its reply.
func (l *loop) newReq(lc *loopSession, e *entry) *loopCall {
	var lr *loopCall
	if n := len(l.free); n > 0 {
		lr = l.free[n-1]
		l.free = l.free[:n-1]
	} else {
		lr = &loopCall{}
	}
	lr.lc, lr.e, lr.t0 = lc, e, l.now
	lc.seq++
	lr.seq = lc.seq
	lc.pend = append(lc.pend, lr)
	return lr
}

// recycle returns a request whose reply is written (or dropped).
func (l *loop) recycle(lr *loopCall) {
	const keep = 16 << 10
	req, reply := lr.req[:0], lr.reply[:0]
	if cap(req) > keep {
		req = nil
	}
	if cap(reply) > keep {
		reply = nil
	}
	*lr = loopCall{req: req, reply: reply}
	l.free = append(l.free, lr)
}

// answer queues a reply the proxy made itself.
func (l *loop) answer(lc *loopSession, e *entry, reply []byte) {
	l.complete(l.newReq(lc, e), reply)
}

// forward sends a single-slot command to its node.
func (l *loop) forward(lc *loopSession, e *entry, cmd resp.Command) {
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
	if be != nil && mayWrite(e) {
		s.noteWrite(be) // for a WAIT after it (waitwrites.go)
	}
	lr.r3, lr.shape = s.shape3(e, cmd.Args)
	if be == nil {
		l.retry(lr, nil, ErrNoRoute)
		return
	}
	lb := l.conns[be]
	if lb == nil {
		lb = &loopBconn{be: be}
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
func (l *loop) retry(lr *loopCall, raw []byte, err error) {
	c := &call{req: lr.req, slot: lr.slot, be: lr.be, err: err}
	c.reply = append(c.reply, raw...)
	lc := lr.lc
	lc.retryQ = append(lc.retryQ, retryJob{lr, c})
	if !lc.retrying {
		l.startRetries(lc)
	}
}

// startRetries settles the client's queued retries on a goroutine.
func (l *loop) startRetries(lc *loopSession) {
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
		if mayWrite(j.lr.e) && answered(j.c) {
			b.lc.s.noteWrite(j.c.be) // the node the retry reached
		}
		l.complete(j.lr, j.c.reply)
	}
	if len(b.lc.retryQ) > 0 {
		l.startRetries(b.lc)
	}
}

// complete takes a request's reply: written at once when every earlier
// reply of the client is, else kept until they are.
func (l *loop) complete(lr *loopCall, reply []byte) {
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

func (l *loop) touch(lc *loopSession) {
	if !lc.touched {
		lc.touched = true
		l.touched = append(l.touched, lc)
	}
}

// settleClient writes a client's replies and decides what the loop waits
// for on it: more commands, room to write, or nothing until its replies
// are in; it closes the client or hands it off once they are.
func (l *loop) settleClient(lc *loopSession) {
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
func (l *loop) handoff(lc *loopSession) {
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
func (l *loop) forget(lc *loopSession) {
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
func (l *loop) drop(lc *loopSession) {
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
	s.unpinAll()
	p.mu.Lock()
	delete(p.sessions, s.id)
	p.mu.Unlock()
	p.sessionWG.Done()
}

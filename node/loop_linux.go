//go:build linux

package node

import (
	"errors"
	"net"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tidwall/redcon"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/rawio"
	"github.com/vcache/vcache/internal/resp"
)

// Event loops, as Redis runs its clients: a few goroutines (one per
// GOMAXPROCS) each wait on an epoll set and, for every connection with
// bytes to read, read once, run the complete commands and write their
// replies, without a goroutine per connection. Measured against one
// goroutine per connection, this saves the read that ends every request
// with EAGAIN and the scheduler's park and wake of that goroutine: at
// redis-benchmark -P 1 those were a quarter of the node's CPU.
//
// A connection leaves its loop for a goroutine of its own (handoff) before
// a command that waits (WAIT) or takes the connection over (VCACHE.SYNC):
// the loop never blocks on one client; once that command is answered it
// goes back to a loop (loop_return_linux.go). TLS connections always have
// their own goroutine.

// fdConn is a connection served by an event loop.
type fdConn = rawio.FDConn

// loopsAvailable reports whether this platform has event loops.
const loopsAvailable = true

// evloop is one event loop.
type evloop struct {
	rawio.Poller
	s *server

	mu       sync.Mutex // guards incoming and stop
	incoming []*rconn
	stop     bool

	conns map[int]*rconn // by fd; the loop goroutine's own
	ready []*rconn       // the connections read in this round
	fresh int            // how many of ready are new connections (served first)
	lnFD  int            // the listening socket, watched (loop_accept_linux.go); -1: not
	// handed is server.handed when the loop last saw a connection come.
	handed uint64
	// pushGen is server.pushGen when the loop last sent pending messages.
	pushGen uint64
	pf      prefetcher
	// deliv is the outboxes this round's commands queued messages to,
	// flushed once the round is served (pubsub.go).
	deliv outBatch

	noPwait2 bool // the kernel has no epoll_pwait2: spin with PollNow (loop_wait_linux.go)

	index   int          // in s.loops
	busy    atomic.Int64 // nanoseconds spent serving (not waiting), ever
	seenGen uint32       // the loopScaler generation last acted on
}

// startLoops starts the server's event loops; it returns false when they
// cannot be made (the server then runs a goroutine per connection).
func (s *server) startLoops() bool {
	n := s.n.cfg.IOThreads
	if n <= 0 {
		n = max(runtime.GOMAXPROCS(0), 1)
	}
	for range n {
		l, err := newLoop(s)
		if err != nil {
			s.n.log.Warn("event loop unavailable; one goroutine per connection", "err", err)
			for _, l := range s.loops {
				l.shut()
			}
			s.loops = nil
			return false
		}
		l.index = len(s.loops)
		s.loops = append(s.loops, l)
	}
	if s.n.cfg.IOThreads == 0 && n > 1 {
		s.scale = &loopScaler{prevBusy: make([]int64, n)}
		s.scale.active.Store(1)
		s.scale.lastWin.Store(time.Now().UnixNano())
	}
	lnFD := s.listenerFD()
	for _, l := range s.loops {
		l.watchListener(lnFD)
		s.wg.Add(1)
		go l.run()
	}
	return true
}

func newLoop(s *server) (*evloop, error) {
	pl, err := rawio.NewPoller()
	if err != nil {
		return nil, err
	}
	return &evloop{Poller: pl, s: s, conns: map[int]*rconn{}, lnFD: -1}, nil
}

// shut closes the loop's descriptors.
func (l *evloop) shut() { l.Close() }

// wake interrupts the loop's wait.
func (l *evloop) wake() { l.Wake() }

// adopt hands nc to one of the loops; it returns false when nc is not a
// plain TCP connection (or the loops are stopping) and must be served by a
// goroutine.
func (s *server) adopt(nc net.Conn) bool {
	if len(s.loops) == 0 {
		return false
	}
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return false
	}
	fc, err := rawio.NewFDConn(tc)
	if err != nil {
		return false
	}
	c := &rconn{nc: fc, addr: fc.RemoteAddr().String(), Writer: redcon.NewWriter(sentCounter{fc, &s.n.stats.netOut}), fd: fc, counts: true}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		fc.Release()
		return true
	}
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	l := s.loops[s.nextLoop.Add(1)%uint32(s.serving())]
	l.mu.Lock()
	if l.stop {
		l.mu.Unlock()
		s.forget(c)
		fc.Release()
		return true
	}
	l.incoming = append(l.incoming, c)
	l.mu.Unlock()
	l.wake()
	return true
}

// sentCounter counts the bytes written to w: the writer of an event
// loop's connection.
type sentCounter struct {
	w   *fdConn
	out *atomic.Int64
}

func (c sentCounter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.out.Add(int64(n))
	return n, err
}

// wakeLoops interrupts every loop's wait (a setting changed).
func (s *server) wakeLoops() {
	for _, l := range s.loops {
		l.wake()
	}
}

// stopLoops asks every loop to close its connections and return.
func (s *server) stopLoops() {
	for _, l := range s.loops {
		l.mu.Lock()
		l.stop = true
		l.mu.Unlock()
		l.wake()
	}
}

// run is the loop.
func (l *evloop) run() {
	defer l.s.wg.Done()
	defer l.shut()
	defer l.s.n.io.LoopRunning()()
	events := make([]syscall.EpollEvent, 256)
	lastIdleCheck, lastQbufCheck := time.Now(), time.Now()
	for {
		timeout := -1
		if idle := time.Duration(l.s.idle.Load()); idle > 0 {
			timeout = int(min(max(idle/4, 10*time.Millisecond), time.Second) / time.Millisecond)
		} else if len(l.conns) > 0 {
			timeout = int(qbufIdle / 2 / time.Millisecond) // to release idle query buffers
		}
		nev, err := l.poll(events, timeout)
		if err != nil && !errors.Is(err, syscall.EINTR) {
			l.s.n.log.Error("event loop", "err", err)
			l.closeAll()
			return
		}
		now := time.Now()
		for i := 0; i < nev; i++ {
			ev := events[i]
			fd := int(ev.Fd)
			if l.IsWake(fd) || fd == l.lnFD {
				take := l.takeIncoming
				if fd == l.lnFD {
					take = l.awaitAccepts
				}
				if take(now) {
					l.closeAll()
					return
				}
				continue
			}
			c := l.conns[fd]
			if c == nil {
				continue
			}
			c.lastIO = now
			if ev.Events&syscall.EPOLLOUT != 0 {
				l.writable(c)
				continue
			}
			c.gateAuth()
			c.batch, c.rerr = c.rd.ReadOnce()
			l.pf.add(l.s.n, c.batch)
			l.ready = append(l.ready, c)
		}
		// Every ready connection has been read: prefetch all their keys,
		// then serve them.
		l.pf.run(l.s.n)
		for i, c := range l.ready {
			l.serve(c)
			l.ready[i] = nil
		}
		l.deliv.flush()
		l.pf.reset()
		l.ready = l.ready[:0]
		l.fresh = 0
		if sc := l.s.scale; sc != nil {
			end := time.Now()
			l.busy.Add(int64(end.Sub(now)))
			l.s.maybeScale(end)
			if g := sc.gen.Load(); g != l.seenGen {
				l.seenGen = g
				l.rebalance()
			}
		}
		if now.Sub(lastQbufCheck) >= qbufIdle/2 {
			lastQbufCheck = now
			l.releaseIdleBuffers(now)
		}
		if idle := time.Duration(l.s.idle.Load()); idle > 0 && now.Sub(lastIdleCheck) >= idle/4 {
			lastIdleCheck = now
			for _, c := range l.conns {
				if now.Sub(c.lastIO) > idle && !subscriber(c) {
					l.drop(c, nil)
				}
			}
		}
	}
}

// releaseIdleBuffers gives back the query buffers of the loop's
// connections idle for qbufIdle or more.
func (l *evloop) releaseIdleBuffers(now time.Time) {
	for _, c := range l.conns {
		if c.rd != nil && c.rd.Cap() > 0 && c.rd.Buffered() == 0 && now.Sub(c.lastIO) >= qbufIdle {
			c.rd.Release()
		}
	}
}

// takeIncoming registers the connections handed to the loop; it reports
// whether the loop must stop.
func (l *evloop) takeIncoming(now time.Time) bool {
	l.DrainWake()
	l.mu.Lock()
	in, stop := l.incoming, l.stop
	if stop {
		in = nil // closeAll releases them
	} else {
		l.incoming = nil
	}
	l.mu.Unlock()
	if g := l.s.pushGen.Load(); g != l.pushGen {
		l.pushGen = g
		l.sendPending()
	}
	for _, c := range in {
		moved, back := c.moved, c.back
		c.back = false
		if stop || !l.open(c, now) || moved && !back {
			continue
		}
		if back && !l.sendBack(c) {
			continue
		}
		// A new connection, or one back from its goroutine, which may
		// have sent its next command already.
		l.readFresh(c)
	}
	return stop
}

// readFresh reads a new connection as soon as it is in the loop's set,
// and puts it first among this round's ready connections: its first
// command was sent before the loop saw the connection, usually before
// commands the loop has read from others in this round, and Redis, which
// accepts in its own loop, runs it first. (A client that sends a
// blocking XREADGROUP on a new connection and then FLUSHALL on another
// expects the reader to be blocked when the flush runs.)
func (l *evloop) readFresh(c *rconn) {
	c.gateAuth()
	c.batch, c.rerr = c.rd.ReadOnce()
	if len(c.batch) == 0 && c.rerr == nil {
		return
	}
	l.pf.add(l.s.n, c.batch)
	l.ready = slices.Insert(l.ready, l.fresh, c)
	l.fresh++
}

// open starts serving a new connection; it reports whether it is in the
// loop's set.
func (l *evloop) open(c *rconn, now time.Time) bool {
	s, n := l.s, l.s.n
	if c.moved {
		// From another loop (loopscale_linux.go): it is accepted already.
		c.moved = false
		events := uint32(syscall.EPOLLIN | syscall.EPOLLRDHUP)
		if c.fd.Pending() > 0 {
			events = syscall.EPOLLOUT
		}
		ev := syscall.EpollEvent{Events: events, Fd: int32(c.fd.FD())}
		if err := syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_ADD, c.fd.FD(), &ev); err != nil {
			s.loopConns.Add(-1)
			l.finish(c, err)
			return false
		}
		l.conns[c.fd.FD()] = c
		return true
	}
	if !n.accept(c) {
		_ = c.Flush()
		s.forget(c)
		c.fd.Release()
		return false
	}
	c.rd = n.newReader(c.nc)
	n.countReader(c)
	c.lastIO = now
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(c.fd.FD())}
	if err := syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_ADD, c.fd.FD(), &ev); err != nil {
		n.log.Warn("event loop: add connection", "err", err)
		l.finish(c, err)
		return false
	}
	l.conns[c.fd.FD()] = c
	s.loopConns.Add(1)
	return true
}

// serve runs the commands read from c (c.batch, then c.rerr).
func (l *evloop) serve(c *rconn) {
	s := l.s
	cmds, rerr := c.batch, c.rerr
	c.rerr = nil
	cl, _ := c.ctx.(*client)
	if cl != nil {
		cl.deliv = &l.deliv
	}
	for i := range cmds {
		if s.offLoop(c, cmds[i].Args, &l.pf) {
			s.n.dropKept(cl, false)
			l.handoff(c, cmds[i:], rerr)
			return
		}
		stop, err := s.runOne(c, cmds, i, &l.pf)
		if stop || err != nil {
			l.drop(c, err)
			return
		}
		if cl != nil && cl.paused {
			// Held by CLIENT PAUSE: the line runs again, off the loop,
			// once the pause ends.
			cl.paused = false
			l.handoff(c, cmds[i:], rerr)
			return
		}
		if cl != nil && cl.block != nil {
			// A command that may or may not wait (XREAD ... BLOCK) did
			// block: it registered here, in the order its line arrived;
			// it waits, and the rest of the pipeline runs, off the loop.
			l.handoff(c, cmds[i+1:], rerr)
			return
		}
	}
	if cl != nil {
		cl.deliv = nil
	}
	if c.rd.Held() {
		// A command held back until the client authenticated is read
		// already: no event would bring it here, so a goroutine reads it.
		l.handoff(c, nil, rerr)
		return
	}
	if err := s.flush(c); err != nil {
		l.drop(c, err)
		return
	}
	if rerr != nil {
		if isProtocolError(rerr) {
			c.WriteError("ERR " + rerr.Error())
			_ = c.Flush()
		}
		l.drop(c, rerr)
		return
	}
	c.rd.Shrink()
	trimQueryBuf(c)
	l.s.n.noteOut(c)
	if c.fd.Pending() > 0 {
		l.watch(c, syscall.EPOLLOUT)
	}
}

// writable sends c's pending replies; once they are out, c is read again.
func (l *evloop) writable(c *rconn) {
	if err := c.fd.Drain(); err != nil {
		l.drop(c, err)
		return
	}
	l.s.n.noteOut(c)
	if c.fd.Pending() == 0 {
		l.watch(c, syscall.EPOLLIN|syscall.EPOLLRDHUP)
	}
}

// watch sets the events the loop waits for on c.
func (l *evloop) watch(c *rconn, events uint32) {
	ev := syscall.EpollEvent{Events: events, Fd: int32(c.fd.FD())}
	if err := syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_MOD, c.fd.FD(), &ev); err != nil {
		l.drop(c, err)
	}
}

// handoff moves c to a goroutine of its own, which runs cmds and then
// serves c as any goroutine-served connection. rerr is the read error
// that follows cmds, if any.
func (l *evloop) handoff(c *rconn, cmds []resp.Command, rerr error) {
	l.pf.cut()
	if cl, _ := c.ctx.(*client); cl != nil {
		cl.deliv = nil
	}
	fd := c.fd.FD()
	_ = syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_DEL, fd, nil)
	delete(l.conns, fd)
	l.s.loopConns.Add(-1)
	if err := c.fd.ToGoroutine(); err != nil {
		l.s.n.log.Warn("event loop: handoff", "err", err)
		l.finish(c, err)
		return
	}
	l.s.n.noteOut(c)
	l.s.wg.Add(1)
	go l.s.serveFrom(c, cmds, rerr)
}

// drop closes c.
func (l *evloop) drop(c *rconn, err error) {
	_ = syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_DEL, c.fd.FD(), nil)
	delete(l.conns, c.fd.FD())
	l.s.loopConns.Add(-1)
	l.finish(c, err)
}

// finish releases a connection that is no longer in the loop's set.
func (l *evloop) finish(c *rconn, err error) {
	if c.fd.Pending() > 0 {
		_ = c.fd.Drain()
	}
	l.s.n.forgetOut(c)
	l.s.n.forgetIn(c)
	l.s.forget(c)
	if c.sendConn != nil {
		// Its outbox (a subscriber back from its goroutine) may wait a
		// while for a client that does not read: not on the loop. The
		// outbox's handle keeps the socket open until it is done.
		l.s.wg.Add(1)
		go func() {
			defer l.s.wg.Done()
			l.s.n.endOutbox(c)
		}()
	}
	c.fd.Release()
	l.s.n.closed(c, err)
}

// closeAll closes every connection of the loop (and those still being
// handed to it).
func (l *evloop) closeAll() {
	for _, c := range l.conns {
		l.drop(c, nil)
	}
	l.mu.Lock()
	in := l.incoming
	l.incoming = nil
	l.mu.Unlock()
	for _, c := range in {
		if c.moved {
			// Accepted already, by the loop it came from.
			l.s.loopConns.Add(-1)
			l.finish(c, nil)
			continue
		}
		l.s.forget(c)
		c.fd.Release()
	}
}

// offLoop reports whether the command named name is served off the event
// loops (command.OffLoop: it may wait, take its connection over or run
// long enough to hold up the loop's other clients, as a search over a
// large index does: search_offloop.go).
func (s *server) offLoop(c *rconn, args [][]byte, pf *prefetcher) bool {
	name := args[0]
	var e *cmdEntry
	cl, _ := c.ctx.(*client)
	if cl != nil && cl.multi != nil && cl.multi.subscribes {
		return true // EXEC will subscribe (pubsub_cmd.go)
	}
	if cl != nil && cl.last != nil && command.EqualFold(name, cl.last.spec.Name) {
		e = cl.last
	} else {
		e = s.n.lookup(name)
	}
	if e == nil {
		return false
	}
	if s.n.ingestWaits(e.spec) {
		return true // it waits for room in an HNSW buffer (ingest_wait.go)
	}
	if e.spec.Script != 0 && cl != nil {
		// A quick script runs here (scripting_loop.go).
		return !s.n.stayOnLoop(cl, e, args, pf.peek(args))
	}
	return e.spec.OffLoopIn(args) || s.n.txWaits(e, args) || s.n.searchOffLoop(cl, e, args)
}

// spinBeforeSleep is how long an event loop waits for its next event
// keeping its processor before it sleeps in Go's epoll_wait
// (loop_wait_linux.go).
const spinBeforeSleep = 20 * time.Microsecond

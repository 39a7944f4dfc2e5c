//go:build linux

package node

import (
	"syscall"
	"time"

	"github.com/vcache/vcache/internal/command"
)

// A connection that left its event loop for a command that waits (a
// blocking pop, WAIT) or runs long (EVAL, FUNCTION) goes back to a loop
// once that command is answered. Left on its goroutine, its next command
// would be read when Go's poller wakes that goroutine, which may be after
// a command another client sent later has run on a loop: Redis, reading
// every client in one thread, runs them in the order they came (a
// client's DEL after another's blocking XREADGROUP on a new connection,
// a PUBLISH after a subscriber's UNSUBSCRIBE).
//
// A client that has just run a script that is not quick (EVAL, EVALSHA,
// FCALL: off the loops, taking their own key stripes; quick ones run on
// the loops, scripting_loop.go) stays on its goroutine until it runs
// something else: clients tend to run scripts one after another, and
// going off the loop and back for each nearly doubled the node's CPU per
// EVALSHA at redis-benchmark -P 1. Its commands are ordered against other
// clients' as before this return existed. So does a connection whose last
// command is a node-only one that goes off the loops (VCACHE.TXLOCK and
// the replication and import streams), and one whose last command is a
// search (FT.SEARCH, FT.AGGREGATE, FT.PROFILE: search_offloop.go).
//
// A subscriber or a tracking client goes back too: its outbox sends
// through a handle of its own on the socket (startOutbox), so replies and
// messages still go out in order from one queue. A monitor, which runs no
// more commands, stays on its goroutine.

// backToLoop hands c, served by its goroutine since a handoff, back to an
// event loop when nothing keeps it off the loops; it reports whether it
// did (the goroutine then lets go of c). The loop sends the replies
// written so far (sendBack): until it has c in its set, the client waits
// for them, so its next command cannot come before the loop reads it.
func (s *server) backToLoop(c *rconn) bool {
	if c.fd == nil || c.detached || c.closing || len(s.loops) == 0 || c.rd.Buffered() > 0 {
		// (Bytes read already, such as those a blocked client sent while
		// it waited, are parsed here: the loop reads only when the socket
		// has more.)
		return false
	}
	cl, _ := c.ctx.(*client)
	if cl == nil || cl.block != nil || cl.monitor.Load() {
		return false
	}
	if e := cl.last; e != nil && (e.spec.Has(command.OffLoop|command.SelfLocked) && cl.ranSlow || e.spec.Has(command.OffLoop|command.NodeOnly)) {
		// A script that is not quick (see above), or a node-to-node command that keeps its
		// connection: a proxy's VCACHE.TXLOCK holds its key stripes for
		// the commands that follow on this goroutine (on a loop they would
		// wait for those very stripes), a replication or import stream.
		return false
	}
	if e := cl.last; e != nil && e.spec.Has(command.Scans) {
		// A search (search_offloop.go): the client stays while it
		// searches, as one running scripts does; going off the loop and
		// back again costs more than a KNN search itself.
		return false
	}
	if cl.txl != nil {
		// Between a proxy's VCACHE.TXLOCK and its TXUNLOCK: on a loop,
		// the transaction's next command could wait behind another
		// client's command that waits there for these very stripes (a
		// command that found none held an instant before TXLOCK took
		// them), until the lease runs out.
		return false
	}
	if cl.out.Load() != nil && c.sendConn == nil {
		return false // its outbox writes through the connection itself
	}
	if c.fd.ToLoop() != nil {
		return false // served here still, from Go's poller
	}
	c.goroutine = false
	c.deadline = time.Time{} // (its next goroutine has a new Go handle)
	c.idle.Reset()
	c.lastIO = time.Now()
	c.back = true
	s.loopConns.Add(1)
	l := s.loops[s.nextLoop.Add(1)%uint32(s.serving())]
	if !l.take(c) {
		// The server is stopping: the loop would not release it.
		_ = c.Flush()
		s.loopConns.Add(-1)
		l.finish(c, nil)
	}
	return true
}

// sendBack sends the replies c brought back from its goroutine; it
// reports whether c is to be read now (false: it was dropped, or waits
// for the socket to take the rest).
func (l *evloop) sendBack(c *rconn) bool {
	if err := l.s.flush(c); err != nil {
		l.drop(c, err)
		return false
	}
	l.s.n.noteOut(c)
	if c.fd.Pending() > 0 {
		l.watch(c, syscall.EPOLLOUT)
		return false
	}
	return true
}

package node

import "syscall"

// Messages for an idle client on an event loop. A tracking invalidation
// (or tracking-redir-broken) for a client that has no outbox and runs no
// command waits in its clientTrack.pend; a client on an event loop (a
// RESP3 client that others redirect their invalidations to) would get it
// only with the reply to its next command, while Redis sends it at once.
// So queueing one wakes the loops, and each sends what waits for its own
// idle connections.

// kickLoops makes the event loops send the messages waiting for their
// idle clients.
func (n *Node) kickLoops() {
	s := n.loopSrv.Load()
	if s == nil || len(s.loops) == 0 {
		return
	}
	s.pushGen.Add(1)
	s.wakeLoops()
}

// sendPending writes the waiting messages of l's connections. It runs on
// the loop's goroutine, so none of them is running a command.
func (l *evloop) sendPending() {
	n := l.s.n
	for _, c := range l.conns {
		cl, _ := c.ctx.(*client)
		if cl == nil || !cl.track.hasPend.Load() {
			continue
		}
		n.track.mu.Lock()
		out := cl.track.pend
		cl.track.pend = nil
		cl.track.hasPend.Store(false)
		n.track.mu.Unlock()
		if len(out) == 0 {
			continue
		}
		c.WriteRaw(out)
		if err := l.s.flush(c); err != nil {
			l.drop(c, err)
			continue
		}
		n.noteOut(c)
		if c.fd.Pending() > 0 {
			l.watch(c, syscall.EPOLLOUT)
		}
	}
}

package node

import (
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/script"
)

// CLIENT PAUSE timeout [WRITE|ALL] and CLIENT UNPAUSE, as in Redis 7.0
// (the pause itself: front.Pause).
//
// While a pause lasts, a command of a client that the pause holds (every
// command in ALL mode; in WRITE mode the writes, the may-replicate
// commands PUBLISH, SPUBLISH and PFCOUNT, the scripts that may write, and
// an EXEC whose transaction queued one of them) gets no reply: its
// connection leaves its event loop for a goroutine (as a blocked client's
// does) and waits there for the pause to end, then runs the command from
// the start. Other connections go on being served. Meanwhile expired keys
// look missing but are not removed (nor counted or notified as expired)
// and nothing is evicted (cache.Keyspace.HoldExpiry, through
// expiryhold.go, which a proxy's pause also holds), so the dataset stays
// still.

// pauseHolds reports whether the pause holds the command line args of
// c. A script's own commands, internal clients and the commands nodes
// send each other are never held.
func (n *Node) pauseHolds(c *client, e *cmdEntry, args [][]byte) bool {
	mode := n.pause.Mode()
	if mode == front.PauseOff || c.script {
		return false
	}
	if e.spec.Has(command.NodeOnly) {
		// A transaction's prepared part waits as its EXEC would
		// (txcommit.go); other node-to-node commands go on.
		return n.txCommitHeld(c, e, mode)
	}
	if _, ok := c.conn.(*rconn); !ok {
		return false // not a client connection
	}
	if mode == front.PauseAll {
		return true
	}
	if e.spec.Has(command.Exec) {
		if c.multi == nil {
			return false
		}
		for _, q := range c.multi.cmds {
			if n.mayWrite(q.e.spec, q.args) {
				return true
			}
		}
		return false
	}
	return n.mayWrite(e.spec, args)
}

// mayWrite reports whether a command line may write or reach replicas
// (Redis's write and may-replicate flags, with a script's own flags in
// place of its command's).
func (n *Node) mayWrite(spec *command.Spec, args [][]byte) bool {
	if spec.Script&command.ScriptReadOnly != 0 {
		return false
	}
	switch spec.Script {
	case command.ScriptBody:
		return script.BodyMayWrite(string(args[1]))
	case command.ScriptSHA:
		s := n.scripts.engine.LookupBytes(args[1])
		return s == nil || s.Flags&script.Shebang == 0 || s.Flags&script.NoWrites == 0
	case command.ScriptFunction:
		f := n.scripts.funcs.Function(string(args[1]))
		return f == nil || f.Flags&script.NoWrites == 0
	}
	return spec.Has(command.Write) || spec.Has(command.MayReplicate)
}

// cmdVcacheMayWrite answers VCACHE.MAYWRITE command arg: 1 when a WRITE
// pause here holds that command with arg its first argument (the script
// or function arg names may write, or is not known here), else 0. The
// proxy, which pauses its own clients, asks it of the node an EVALSHA or
// FCALL would run on, as it cannot tell a script's flags itself.
func cmdVcacheMayWrite(cx *Ctx) {
	e := cx.Node.lookup(cx.Args[1])
	if e == nil {
		cx.Error(command.UnknownError(cx.Args[1:]))
		return
	}
	if cx.Node.mayWrite(e.spec, cx.Args[1:]) {
		cx.Int(1)
	} else {
		cx.Int(0)
	}
}

// waitPaused holds c, whose command the pause stopped, until the pause
// ends; a goroutine meanwhile reads the connection, so a client that goes
// away is forgotten at once. It returns the client's place in the queue
// (its Done must be called once the command has run again; nil: the
// pause ended before it was queued) and false when the client went away.
func (s *server) waitPaused(c *rconn, cl *client) (*front.PauseWaiter, bool) {
	n := s.n
	w := n.pause.Hold(&cl.pausedNow)
	if w == nil {
		return nil, true
	}
	_ = s.flush(c)
	watch := front.WatchConn(c.nc)
	gone := false
	select {
	case <-w.Resume:
	case <-watch.Closed:
		gone = true
	}
	extra, err := watch.Stop()
	n.stats.netIn.Add(int64(len(extra)))
	if len(extra) > 0 {
		c.rd.Feed(extra)
	}
	if gone || err != nil {
		n.pause.Leave(w)
		c.closing = true
		return nil, false
	}
	return w, true
}

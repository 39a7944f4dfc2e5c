package proxy

import (
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/script"
)

// CLIENT PAUSE through the proxy pauses the proxy's own clients (the
// pause itself: front.Pause): a command the pause holds (every command in
// ALL mode; in WRITE mode writes, PUBLISH, SPUBLISH, PFCOUNT, a script or
// function that may write or that its node does not know, and an EXEC
// whose transaction queued one of them) waits on its client's goroutine,
// off the event loop, and runs once the pause ends, the clients in the
// order they were held. The nodes' clients are not paused: the proxy's
// shared connections to them are never held, and other proxies' clients
// and clients of the nodes themselves go on; the nodes' expiry and
// eviction are held meanwhile (pause_expiry.go).
//
// Whether a script may write is Redis's rule: EVAL's body says it by its
// shebang (flags=no-writes), which the proxy reads; EVALSHA and FCALL
// name a script or function that only a node knows, so in WRITE mode the
// proxy asks the node the command would run on (VCACHE.MAYWRITE, which
// answers by the node's own pause rule: one it does not know may write)
// before it holds or forwards the command; an event loop hands such a
// command to its client's goroutine to ask. A node that does not answer,
// or does not know the question (redis-server), has it held.

// pauseHolds reports whether the pause holds the command line args (of
// entry e) of s. With ask, a script or function whose flags only its node
// knows is asked of the node (the caller may wait on the network);
// without, it is reported held.
func (s *session) pauseHolds(e *entry, args [][]byte, ask bool) bool {
	switch mode := s.p.pause.Mode(); {
	case mode == front.PauseOff || e.spec.Has(command.NodeOnly):
		return false
	case mode == front.PauseAll:
		return true
	}
	var qs []mayWriteQ
	if e.spec.Has(command.Exec) {
		tx := s.tx
		if tx == nil {
			return false
		}
		for i, q := range tx.entries {
			if q == nil {
				continue
			}
			var qargs [][]byte
			if q.spec.Script != command.NoScriptRun {
				v, _, err := resp.Parse(tx.queued[i])
				if err != nil || len(v.Elems) < 2 {
					return true
				}
				qargs = argsOf(v)
			}
			switch may, unknown := pauseMayWrite(q.spec, qargs); {
			case unknown:
				qs = append(qs, mayWriteQ{args: qargs, be: s.scriptNode(tx.slots[i])})
			case may:
				return true
			}
		}
	} else {
		may, unknown := pauseMayWrite(e.spec, args)
		if !unknown {
			return may
		}
		slot, msg := s.slotOf(e.spec, args)
		if msg != "" {
			slot = -1
		}
		qs = append(qs, mayWriteQ{args: args, be: s.scriptNode(slot)})
	}
	if len(qs) == 0 {
		return false
	}
	return !ask || s.askMayWrite(qs)
}

// pauseMayWrite reports whether a command line may write or reach
// replicas (Redis's write and may-replicate flags, with a script's own in
// place of its command's), or that only the node knows (unknown: EVALSHA
// and FCALL).
func pauseMayWrite(spec *command.Spec, args [][]byte) (may, unknown bool) {
	if spec.Script&command.ScriptReadOnly != 0 {
		return false, false
	}
	switch spec.Script {
	case command.ScriptBody:
		return script.BodyMayWrite(string(args[1])), false
	case command.ScriptSHA, command.ScriptFunction:
		return true, true
	}
	return spec.Has(command.Write) || spec.Has(command.MayReplicate), false
}

// mayWriteQ is a script command line to ask its node about.
type mayWriteQ struct {
	args [][]byte
	be   *backend
}

// scriptNode returns the node a script command with keys in slot (-1:
// none) runs on: its slot's, else that of the session's transaction (its
// WATCH connection's, or its first key's), or the one the session's
// keyless commands go to.
func (s *session) scriptNode(slot int) *backend {
	rt := s.p.routes.Load()
	switch {
	case slot >= 0:
		return rt.slot(slot)
	case s.tx != nil && s.tx.slot >= 0:
		return rt.slot(s.tx.slot)
	case len(rt.nodes) > 0:
		return rt.nodes[uint64(s.id)%uint64(len(rt.nodes))]
	}
	return nil
}

// askMayWrite asks each line's node, all at once, whether a WRITE pause
// holds it there (VCACHE.MAYWRITE command arg), and reports whether one
// is held: one whose node does not answer 0 is.
func (s *session) askMayWrite(qs []mayWriteQ) bool {
	w := newWaiter()
	w.begin()
	calls := make([]*call, len(qs))
	for i, q := range qs {
		c := &call{slot: -1, be: q.be, w: w}
		c.own = resp.AppendCommand(nil, "VCACHE.MAYWRITE", string(q.args[0]), string(q.args[1]))
		c.req = c.own
		calls[i] = c
		w.add(1)
		if q.be == nil {
			c.complete(nil, ErrNoRoute)
			continue
		}
		q.be.conn(s.id).submit(calls[i : i+1])
	}
	w.wait()
	for _, c := range calls {
		if c.err != nil || string(c.reply) != ":0\r\n" {
			return true
		}
	}
	return false
}

// heldAt returns the index of the first of cmds the pause holds, or -1;
// it may ask the nodes about scripts (pauseHolds). A command that is
// refused (unknown, the wrong number of arguments, not authenticated or
// not permitted) is not held: its error comes at once, as in Redis, which
// checks all that before the pause. As a command before it may
// authenticate, one refused by the session's user is returned as if held
// unless it comes first, so that the commands before it run first and it
// is looked at again.
func (s *session) heldAt(cmds []resp.Command) int {
	if s.p.pause.Mode() == front.PauseOff {
		return -1
	}
	for i, cmd := range cmds {
		e := s.p.cmds.lookup(cmd.Args[0])
		if e == nil || !e.spec.ArityOK(len(cmd.Args)) || e.spec.SubError(cmd.Args) != "" {
			continue
		}
		if !e.spec.Has(command.NoAuth) && (!s.authed || s.user != nil && s.user.Perms().Check(e.id, e.spec, cmd.Args) != nil) {
			if i > 0 {
				return i
			}
			continue
		}
		if s.pauseHolds(e, cmd.Args, true) {
			return i
		}
	}
	return -1
}

// waitPaused holds s until the pause ends, reading its connection
// meanwhile so that a client that goes away is forgotten at once. It
// returns the client's place in the queue (Done once its command ran;
// nil: the pause had ended) and false when the client went away.
func (s *session) waitPaused(rd *resp.CommandReader) (*front.PauseWaiter, bool) {
	w := s.p.pause.Hold(&s.paused)
	if w == nil {
		return nil, true
	}
	s.flush()
	watch := front.WatchConn(s.nc)
	gone := false
	select {
	case <-w.Resume:
	case <-watch.Closed:
		gone = true
	}
	extra, err := watch.Stop()
	if len(extra) > 0 {
		rd.Feed(extra)
	}
	if gone || err != nil {
		s.p.pause.Leave(w)
		return nil, false
	}
	return w, true
}

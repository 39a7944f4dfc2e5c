package proxy

import (
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/script"
)

// CLIENT PAUSE through the proxy pauses the proxy's own clients (the
// pause itself: front.Pause): a command the pause holds (every command in
// ALL mode; in WRITE mode writes, PUBLISH, SPUBLISH, PFCOUNT, EVAL of a
// script that may write, any EVALSHA or FCALL, whose scripts the proxy
// does not know, and an EXEC whose transaction queued one of them) waits
// on its client's goroutine, off the event loop, and runs once the pause
// ends, the clients in the order they were held. The nodes are not
// paused: the proxy's shared connections to them are never held, and
// other proxies' clients and clients of the nodes themselves go on (keys
// also go on expiring on the nodes).

// pauseHolds reports whether the pause holds the command line args (of
// entry e) of s.
func (s *session) pauseHolds(e *entry, args [][]byte) bool {
	switch mode := s.p.pause.Mode(); {
	case mode == front.PauseOff || e.spec.Has(command.NodeOnly):
		return false
	case mode == front.PauseAll:
		return true
	}
	if e.spec.Has(command.Exec) {
		if s.tx == nil {
			return false
		}
		for _, q := range s.tx.entries {
			if q != nil && pauseMayWrite(q.spec, nil) {
				return true
			}
		}
		return false
	}
	return pauseMayWrite(e.spec, args)
}

// pauseMayWrite reports whether a command line may write or reach
// replicas; args nil: not known (a queued command), a script then may.
func pauseMayWrite(spec *command.Spec, args [][]byte) bool {
	if spec.Script&command.ScriptReadOnly != 0 {
		return false
	}
	switch spec.Script {
	case command.ScriptBody:
		return args == nil || script.BodyMayWrite(string(args[1]))
	case command.ScriptSHA, command.ScriptFunction:
		return true
	}
	return spec.Has(command.Write) || spec.Has(command.MayReplicate)
}

// heldAt returns the index of the first of cmds the pause holds, or -1.
// A command that is unknown or has the wrong number of arguments is not
// held: its error comes at once, as in Redis.
func (s *session) heldAt(cmds []resp.Command) int {
	if s.p.pause.Mode() == front.PauseOff {
		return -1
	}
	for i, cmd := range cmds {
		e := s.p.cmds.lookup(cmd.Args[0])
		if e != nil && e.spec.ArityOK(len(cmd.Args)) && s.pauseHolds(e, cmd.Args) {
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

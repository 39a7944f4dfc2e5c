package proxy

import (
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/resp"
)

// proxyClient answers CLIENT: UNBLOCK here, the other subcommands as the
// nodes do (internal/front), but REPLY, which the proxy does not serve.
func proxyClient(s *session, args [][]byte) {
	switch {
	case len(args) >= 3 && strings.EqualFold(string(args[1]), "unblock"):
		clientUnblock(s, args)
		return
	case strings.EqualFold(string(args[1]), "reply"):
		s.Error("ERR 'client|reply' is not available through the proxy")
		return
	}
	if trackingSub(s, args) {
		return
	}
	s.running.Store(resp.RequestSize(args))
	front.Client(s, args)
	s.running.Store(0)
}

// clientUnblock answers CLIENT UNBLOCK id [TIMEOUT|ERROR] for a client of
// the proxy: if that client waits in a blocking command, the node holding
// its wait is told to unblock it (the node decides, atomically, between
// serving and unblocking it, so no element is lost) and the answer is 1.
// The proxy does not wait for the node, so an event loop never stalls.
func clientUnblock(s *session, args [][]byte) {
	if len(args) > 4 {
		s.Error("ERR unknown subcommand or wrong number of arguments for '" + string(args[1]) + "'. Try CLIENT HELP.")
		return
	}
	id, err := strconv.ParseInt(string(args[2]), 10, 64)
	if err != nil {
		s.Error("ERR value is not an integer or out of range")
		return
	}
	reason := "TIMEOUT"
	if len(args) == 4 {
		switch strings.ToLower(string(args[3])) {
		case "timeout":
		case "error":
			reason = "ERROR"
		default:
			s.Error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
			return
		}
	}
	p := s.p
	p.mu.Lock()
	target := p.sessions[id]
	p.mu.Unlock()
	var on *blockedOn
	if target != nil {
		on = target.blocked.Load()
	}
	if on != nil && on.across != nil {
		select {
		case on.across <- reason: // block_across.go
			s.Int(1)
		default:
			s.Int(0) // unblocked already
		}
		return
	}
	if on == nil || on.bk.id == 0 {
		s.Int(0)
		return
	}
	c := &call{slot: -1, be: on.be}
	c.own = resp.AppendCommand(nil, "CLIENT", "UNBLOCK", strconv.FormatInt(on.bk.id, 10), reason)
	c.req = c.own
	on.be.conn(s.id).submit([]*call{c}) // its reply is discarded (no waiter)
	s.Int(1)
}

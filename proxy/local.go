package proxy

import (
	"strconv"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/resp"
)

// The commands the proxy answers itself. Each appends its reply to
// s.local.

// redisCompatVersion is the Redis version the proxy answers as, the same
// as the data node's.
const redisCompatVersion = "7.2.0"

func (s *session) simple(msg string)     { s.local = resp.AppendSimple(s.local, msg) }
func (s *session) errorReply(msg string) { s.local = resp.AppendError(s.local, msg) }
func (s *session) bulk(b string)         { s.local = resp.AppendBulk(s.local, b) }
func (s *session) integer(n int64)       { s.local = resp.AppendInt(s.local, n) }
func (s *session) array(n int)           { s.local = resp.AppendArray(s.local, n) }

func cmdOK(s *session, _ [][]byte) { s.simple("OK") }

func cmdPing(s *session, args [][]byte) {
	switch len(args) {
	case 1:
		s.simple("PONG")
	case 2:
		s.local = resp.AppendBulk(s.local, args[1])
	default:
		s.errorReply(arityError("ping"))
	}
}

func cmdEcho(s *session, args [][]byte) { s.local = resp.AppendBulk(s.local, args[1]) }

func cmdQuit(s *session, _ [][]byte) {
	s.simple("OK")
	s.quit = true
}

func cmdSelect(s *session, args [][]byte) {
	db, err := strconv.ParseInt(string(args[1]), 10, 64)
	switch {
	case err != nil:
		s.errorReply(msgNotInt)
	case db != 0:
		s.errorReply(msgDBRange)
	default:
		s.simple("OK")
	}
}

func cmdAuth(s *session, args [][]byte) {
	var user, pass string
	switch len(args) {
	case 2:
		pass = string(args[1])
	case 3:
		user, pass = string(args[1]), string(args[2])
	default:
		s.errorReply(msgSyntax)
		return
	}
	if user == "" && s.p.acl.DefaultNoPass() {
		s.errorReply(msgNoPassSet)
		return
	}
	if !s.authenticate(user, pass) {
		s.errorReply(msgWrongPass)
		return
	}
	s.simple("OK")
}

// cmdHello speaks RESP2 only: HELLO 3 answers NOPROTO, so clients fall
// back to RESP2.
func cmdHello(s *session, args [][]byte) {
	h, msg := command.ParseHello(args[1:])
	if msg != "" {
		s.errorReply(msg)
		return
	}
	if h.Auth && !s.authenticate(h.User, h.Pass) {
		s.errorReply(msgWrongPass)
		return
	}
	if !s.authed {
		s.errorReply(command.MsgHelloNoAuth)
		return
	}
	if h.SetName {
		if !command.ValidClientName(h.Name) {
			s.errorReply(command.MsgBadName)
			return
		}
		s.setName(h.Name)
	}
	s.array(14)
	for _, kv := range [][2]string{{"server", "redis"}, {"version", redisCompatVersion}} {
		s.bulk(kv[0])
		s.bulk(kv[1])
	}
	s.bulk("proto")
	s.integer(2)
	s.bulk("id")
	s.integer(s.id)
	for _, kv := range [][2]string{{"mode", "standalone"}, {"role", "master"}} {
		s.bulk(kv[0])
		s.bulk(kv[1])
	}
	s.bulk("modules")
	s.array(0)
}

func (s *session) setName(n string) {
	s.mu.Lock()
	s.name = n
	s.mu.Unlock()
}

func cmdReset(s *session, _ [][]byte) {
	s.tx = nil
	if s.pinned != nil {
		s.p.unpin(s.pinned)
		s.pinned = nil
	}
	s.setName("")
	s.setUser(s.p.acl.DefaultIfOpen())
	s.simple("RESET")
}

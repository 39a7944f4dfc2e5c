package proxy

import (
	"time"

	"github.com/vcache/vcache/internal/acl"
	"github.com/vcache/vcache/internal/resp"
)

// ACL users live on the proxy (internal/acl, the engine the nodes use
// too): AUTH and HELLO AUTH authenticate a session as one, every command
// is checked against its user before it is answered or routed, and the
// ACL command manages them here, never on a node. The proxy reaches the
// nodes with its own credentials (BackendPassword).

// setUser makes u (nil: none) the session's user.
func (s *session) setUser(u *acl.User) {
	s.user, s.authed = u, u != nil
	name := ""
	if u != nil {
		name = u.Name()
	}
	s.mu.Lock()
	s.userName = name
	s.mu.Unlock()
}

// denied answers a command the session's user may not run with Redis's
// NOPERM text, logs it in ACL LOG, and makes a transaction being queued
// fail at EXEC, as Redis does.
func (s *session) denied(e *entry, d *acl.Denial) item {
	if s.tx != nil {
		s.tx.failed = true
	}
	now := time.Now()
	s.p.acl.Log().Add(*d, s.tx != nil, s.info(now), now)
	return s.errItem(e, d.Error())
}

func proxyACL(s *session, args [][]byte) {
	lo := len(s.local)
	s.local = s.p.acl.Command(s.local, s.user, args)
	if s.resp3.Load() {
		// internal/acl writes RESP2: converted by the spec's shape (ACL
		// GETUSER's map), its nulls RESP3's.
		shape := resp.AsIs
		if e := s.p.cmds.lookup(args[0]); e != nil {
			shape = e.spec.Shape3(args)
		}
		s.conv = resp.To3(s.conv[:0], s.local[lo:], shape)
		s.local = append(s.local[:lo], s.conv...)
	}
}

package proxy

import (
	"time"

	"github.com/vcache/vcache/internal/acl"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/resp"
)

// A session is the front.Conn of the connection commands the proxy
// answers itself (front's, shared with the node): its replies go to
// s.local.

var _ front.Conn = (*session)(nil)

// Simple appends a simple string reply.
func (s *session) Simple(msg string) { s.local = resp.AppendSimple(s.local, msg) }

// Error appends an error reply.
func (s *session) Error(msg string) { s.local = resp.AppendError(s.local, msg) }

// Bulk appends a bulk string reply.
func (s *session) Bulk(b []byte) { s.local = resp.AppendBulk(s.local, b) }

// BulkString appends a bulk string reply.
func (s *session) BulkString(b string) { s.local = resp.AppendBulk(s.local, b) }

// Int appends an integer reply.
func (s *session) Int(n int64) { s.local = resp.AppendInt(s.local, n) }

// Array starts an array reply of n elements.
func (s *session) Array(n int) { s.local = resp.AppendArray(s.local, n) }

// Null appends the null bulk string (_ in RESP3).
func (s *session) Null() {
	if s.resp3.Load() {
		s.local = resp.AppendNull3(s.local)
		return
	}
	s.local = resp.AppendNull(s.local)
}

// NullArray appends the null array (_ in RESP3).
func (s *session) NullArray() {
	if s.resp3.Load() {
		s.local = resp.AppendNull3(s.local)
		return
	}
	s.local = resp.AppendNullArray(s.local)
}

// Map starts a map of n pairs (a flat array of 2n elements in RESP2).
func (s *session) Map(n int) {
	if s.resp3.Load() {
		s.local = resp.AppendMap(s.local, n)
		return
	}
	s.local = resp.AppendArray(s.local, 2*n)
}

// Set starts a set of n elements (an array in RESP2).
func (s *session) Set(n int) {
	if s.resp3.Load() {
		s.local = resp.AppendSet(s.local, n)
		return
	}
	s.local = resp.AppendArray(s.local, n)
}

// Verbatim appends a verbatim string (a bulk string in RESP2).
func (s *session) Verbatim(text string) {
	if s.resp3.Load() {
		s.local = resp.AppendVerbatim(s.local, text)
		return
	}
	s.local = resp.AppendBulk(s.local, text)
}

// SetProto makes the session speak RESP2 or RESP3 (HELLO).
func (s *session) SetProto(proto int) { s.resp3.Store(proto == 3) }

// Proto is the protocol the session speaks, 2 or 3.
func (s *session) Proto() int {
	if s.resp3.Load() {
		return 3
	}
	return 2
}

// to3 appends to dst a node's reply (RESP2) to the command line args of
// e for the session: converted to RESP3 by the command's shape when the
// session speaks RESP3, as it is otherwise.
func (s *session) to3(dst []byte, e *entry, args [][]byte, reply []byte) []byte {
	if !s.resp3.Load() {
		return append(dst, reply...)
	}
	shape := resp.AsIs
	if e != nil {
		shape = e.spec.Shape3(args)
	}
	return resp.To3(dst, reply, shape)
}

// ClientID is the session's client id.
func (s *session) ClientID() int64 { return s.id }

// Info describes the session for CLIENT INFO and CLIENT LIST.
func (s *session) Info(now time.Time) front.ClientInfo {
	ci := front.ClientInfo{ID: s.id, Addr: s.addr, LAddr: s.laddr, Created: s.created,
		LastActive: time.Unix(0, s.lastActive.Load())}
	if p := s.lastCmd.Load(); p != nil {
		ci.Cmd = *p
	}
	s.mu.Lock()
	ci.Name, ci.User, ci.LibName, ci.LibVer = s.name, s.userName, s.libName, s.libVer
	s.mu.Unlock()
	if s.resp3.Load() {
		ci.Resp = 3
	}
	if s.paused.Load() {
		ci.Flags = "b"
	}
	if s.p.monitors.has(s) {
		ci.Flags = "O"
	}
	ci.Qbuf = s.running.Load() // the request running, not the buffer it is in
	ci.QbufFree = max(s.qcap.Load()-ci.Qbuf, 0)
	return ci
}

// info renders the session as one CLIENT INFO line (ACL LOG's
// client-info).
func (s *session) info(now time.Time) string { return s.Info(now).String() }

// Kill closes the session's connection; the session ends as when its
// client hangs up.
func (s *session) Kill() { s.nc.Close() }

// SetClientName names the session.
func (s *session) SetClientName(n string) {
	s.mu.Lock()
	s.name = n
	s.mu.Unlock()
}

// ClientName returns the session's name.
func (s *session) ClientName() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.name
}

// SetLib records the client library's name or version.
func (s *session) SetLib(name, version *string) {
	s.mu.Lock()
	if name != nil {
		s.libName = *name
	}
	if version != nil {
		s.libVer = *version
	}
	s.mu.Unlock()
}

// Authenticate makes the session the user that name and pass open and
// reports true, or logs the failure in ACL LOG and reports false (the
// session stays as it was).
func (s *session) Authenticate(name, pass string) bool {
	u, err := s.p.acl.Authenticate(name, pass)
	if err != nil {
		if name == "" {
			name = "default"
		}
		now := time.Now()
		s.p.acl.Log().Add(acl.Denial{Reason: acl.ReasonAuth, User: name, Object: "AUTH"}, s.tx != nil, s.info(now), now)
		return false
	}
	s.setUser(u)
	return true
}

// Authed reports whether the session may run commands.
func (s *session) Authed() bool { return s.authed }

// Quit closes the session once its replies are written.
func (s *session) Quit() { s.quit = true }

// Reset forgets the session's transaction, pinned connection, name and
// user (RESET).
func (s *session) Reset() {
	s.tx = nil
	s.unpinAll()
	s.trackOff()
	s.dropSubs()
	s.dropMonitor()
	s.SetClientName("")
	s.setUser(s.p.acl.DefaultIfOpen())
	s.resp3.Store(false)
}

// Server is the proxy.
func (s *session) Server() front.Server { return proxyFront{s.p} }

// proxyFront is the proxy as front.Server sees it.
type proxyFront struct{ p *Proxy }

func (f proxyFront) ACL() *acl.Table          { return f.p.acl }
func (f proxyFront) Commands() *command.Table { return f.p.cmds.specs }
func (f proxyFront) Pause() *front.Pause      { return &f.p.pause }

// Mode: the proxy is one endpoint in front of the cluster, a standalone
// server to its clients.
func (f proxyFront) Mode() (mode, role string) { return "standalone", "master" }

func (f proxyFront) Peers() []front.Peer {
	f.p.mu.Lock()
	defer f.p.mu.Unlock()
	ps := make([]front.Peer, 0, len(f.p.sessions))
	for _, s := range f.p.sessions {
		ps = append(ps, s)
	}
	return ps
}

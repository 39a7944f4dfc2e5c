package proxy

import (
	"slices"
	"strings"
	"sync/atomic"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/resp"
)

// The CLIENT subcommands of client-side caching through the proxy:
// TRACKING, CACHING, GETREDIR and TRACKINGINFO, with Redis 7's replies.
// The nodes do the tracking, on links of the client's own
// (tracking_link.go); the proxy keeps the client's mode for its replies,
// and checks REDIRECT against its own clients' IDs.

// trackChannel is the channel RESP2 redirect targets subscribe to.
const trackChannel = "__redis__:invalidate"

// tracking is a session's CLIENT TRACKING state. Its owner (the
// session's goroutine) uses every field but redirect and broken, which
// the links' readers also read.
type tracking struct {
	bcast, optin, optout, noloop bool
	prefixes                     []string
	// caching is CLIENT CACHING YES|NO for the session's next command,
	// sent before it to the node it goes to; cachingArmed says the
	// current command is that next one.
	caching, cachingArmed bool
	cachingSent           []*bconn // the connections it was sent on for this command
	links                 map[*backend]*trackLink

	redirect atomic.Int64 // the proxy client messages go to; 0: the session
	broken   atomic.Bool  // the redirect client is gone (told once)
}

// nodeArgs is the options a link's CLIENT TRACKING ON carries.
func (t *tracking) nodeArgs() []string {
	var a []string
	add := func(ok bool, opt string) {
		if ok {
			a = append(a, opt)
		}
	}
	add(t.bcast, "BCAST")
	add(t.optin, "OPTIN")
	add(t.optout, "OPTOUT")
	add(t.noloop, "NOLOOP")
	for _, p := range t.prefixes {
		a = append(a, "PREFIX", p)
	}
	return a
}

// leavesLoop reports whether a command needs the session on a goroutine
// of its own: turning tracking on (invalidations are written to the
// client from other goroutines), CLIENT PAUSE and UNPAUSE, which wait
// for the nodes (pause_expiry.go), and MONITOR (OffLoop: its lines are
// written from other goroutines, as a subscriber's messages).
func leavesLoop(e *entry, args [][]byte) bool {
	if e.spec.Has(command.OffLoop) {
		return true
	}
	if e.local == nil || e.spec.Name != "client" || len(args) < 2 {
		return false
	}
	sub := string(args[1])
	return len(args) > 2 && strings.EqualFold(sub, "tracking") && strings.EqualFold(string(args[2]), "on") ||
		strings.EqualFold(sub, "pause") || strings.EqualFold(sub, "unpause")
}

// trackingSub answers the tracking subcommands of CLIENT; it reports
// false for the others.
func trackingSub(s *session, args [][]byte) bool {
	switch strings.ToLower(string(args[1])) {
	case "tracking":
		clientTracking(s, args)
	case "caching":
		clientCaching(s, args)
	case "getredir":
		if len(args) != 2 {
			s.Error(command.ArityError("client|getredir"))
		} else if s.trk == nil {
			s.Int(-1)
		} else {
			s.Int(s.trk.redirect.Load())
		}
	case "trackinginfo":
		clientTrackinginfo(s, args)
	default:
		return false
	}
	return true
}

// clientTracking is CLIENT TRACKING ON|OFF [options]: the options are
// checked by the nodes (the first link's reply is the answer), then kept
// for the links opened later.
func clientTracking(s *session, args [][]byte) {
	if len(args) < 3 {
		s.Error(command.ArityError("client|tracking"))
		return
	}
	o, msg := front.ParseTracking(args)
	if msg != "" {
		s.Error(msg)
		return
	}
	if !o.On {
		s.trackOff()
		s.Simple("OK")
		return
	}
	if o.Redirect != 0 {
		s.p.mu.Lock()
		_, ok := s.p.sessions[o.Redirect]
		s.p.mu.Unlock()
		if !ok {
			s.Error("ERR The client ID you want redirect to does not exist")
			return
		}
	}
	s.barrier() // earlier commands run untracked, on the shared connections
	t := s.trk
	fresh := t == nil
	if fresh {
		t = &tracking{links: map[*backend]*trackLink{}}
	}
	next := &tracking{bcast: o.BCast, optin: o.OptIn, optout: o.OptOut, noloop: o.NoLoop,
		prefixes: append(append([]string(nil), t.prefixes...), o.Prefixes...)}
	// The node checks the options against the mode already on: its
	// errors are Redis's.
	nodeArgs := next.nodeArgs()
	if !fresh {
		nodeArgs = (&tracking{bcast: o.BCast, optin: o.OptIn, optout: o.OptOut, noloop: o.NoLoop, prefixes: o.Prefixes}).nodeArgs()
	}
	s.trk = t
	for _, be := range s.p.routes.Load().nodes {
		msg := ""
		if l := t.links[be]; l != nil && !l.dead.Load() && !l.data.broken() {
			msg = s.relink(l, nodeArgs)
		} else {
			if l != nil {
				s.dropLink(l)
			}
			var down bool
			if _, msg, down = s.openLink(be, next.nodeArgs()); down {
				// Opened by the first command to the node, once it is
				// back (its BCAST messages until then are lost).
				s.p.log.Warn("tracking: node unreachable", "client", s.id, "err", msg)
				msg = ""
			}
		}
		if msg != "" {
			if fresh {
				s.trackOff()
			}
			s.Error(msg)
			return
		}
	}
	if next.bcast && len(next.prefixes) == 0 {
		next.prefixes = []string{""} // every key, as the nodes do
	}
	t.bcast, t.optin, t.optout, t.noloop, t.prefixes = next.bcast, next.optin, next.optout, next.noloop, next.prefixes
	t.redirect.Store(o.Redirect)
	t.broken.Store(false)
	s.Simple("OK")
}

// relink sends CLIENT TRACKING ON with new options on an open link.
func (s *session) relink(l *trackLink, args []string) string {
	id, err := s.linkID(l)
	if err != "" {
		return err
	}
	msg, _ := s.linkTracking(l, id, args)
	return msg
}

// linkID is the node's client ID of l's invalidation connection, as
// CLIENT GETREDIR on the data connection tells it.
func (s *session) linkID(l *trackLink) (int64, string) {
	c := &call{slot: -1, be: l.be, w: newWaiter()}
	c.req = resp.AppendCommand(nil, "CLIENT", "GETREDIR")
	c.w.begin()
	c.w.add(1)
	l.data.submit([]*call{c})
	c.w.wait()
	if c.err != nil {
		return 0, errText(c.err)
	}
	if len(c.reply) < 4 || c.reply[0] != ':' {
		return 0, "ERR unexpected reply from node " + l.be.addr
	}
	id, _ := resp.ParseInt(c.reply[1 : len(c.reply)-2])
	return id, ""
}

// trackOff turns tracking off: the links close (the nodes forget what
// they tracked for the client).
func (s *session) trackOff() {
	if s.trk == nil {
		return
	}
	s.barrier()
	s.dropLinks()
}

// dropLinks closes every link, outside a round (the session's end).
func (s *session) dropLinks() {
	if s.trk == nil {
		return
	}
	for _, l := range s.trk.links {
		s.dropLink(l)
	}
	s.trk = nil
}

// cachingCall is the CLIENT CACHING call sent before a call on bc; its
// reply (+OK) is not the client's.
func (s *session) cachingCall(be *backend, bc *bconn, req []byte) *call {
	c := s.newCall(req)
	c.be, c.via = be, bc
	c.w = s.w
	return c
}

func clientCaching(s *session, args [][]byte) {
	if len(args) != 3 {
		s.Error(command.ArityError("client|caching"))
		return
	}
	t := s.trk
	m := front.TrackingMode{On: t != nil}
	if t != nil {
		m.OptIn, m.OptOut = t.optin, t.optout
	}
	if msg := m.CachingError(args[2]); msg != "" {
		s.Error(msg)
		return
	}
	t.caching = true
	s.Simple("OK")
}

// cachingFor returns the CLIENT CACHING command to send before a call of
// the current command on bc, or nil.
func (t *tracking) cachingFor(bc *bconn) []byte {
	if !t.cachingArmed || slices.Contains(t.cachingSent, bc) {
		return nil
	}
	t.cachingSent = append(t.cachingSent, bc)
	switch {
	case t.optin:
		return cachingYes
	case t.optout:
		return cachingNo
	}
	return nil
}

var (
	cachingYes = resp.AppendCommand(nil, "CLIENT", "CACHING", "YES")
	cachingNo  = resp.AppendCommand(nil, "CLIENT", "CACHING", "NO")
)

// trackBefore arms CLIENT CACHING for the command about to be prepared
// (it is the one after CLIENT CACHING), and trackAfter disarms it.
func (s *session) trackBefore(args [][]byte) {
	// CLIENT subcommands keep it for the command after them, as Redis.
	if t := s.trk; t != nil && t.caching && !command.EqualFold(args[0], "client") {
		t.caching, t.cachingArmed = false, true
		t.cachingSent = t.cachingSent[:0]
	}
}

// trackAfter: a transaction keeps CLIENT CACHING until EXEC, as Redis.
func (s *session) trackAfter() {
	if t := s.trk; t != nil && t.cachingArmed && !t.caching && s.tx == nil {
		t.cachingArmed = false
	}
}

func clientTrackinginfo(s *session, args [][]byte) {
	if len(args) != 2 {
		s.Error(command.ArityError("client|trackinginfo"))
		return
	}
	var m front.TrackingMode
	if t := s.trk; t != nil {
		m = front.TrackingMode{On: true, BCast: t.bcast, OptIn: t.optin, OptOut: t.optout, NoLoop: t.noloop,
			Broken: t.broken.Load(), Caching: t.caching, Redirect: t.redirect.Load(), Prefixes: t.prefixes}
	}
	front.TrackingInfo(s, m)
}

package node

import (
	"strings"

	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
)

// The CLIENT subcommands of client-side caching (tracking.go): TRACKING,
// CACHING, GETREDIR and TRACKINGINFO, with Redis 7.0's replies and error
// texts.

// trackingSub reports whether args are one of those subcommands, and
// answers it.
func trackingSub(cx *Ctx) bool {
	if len(cx.Args) < 2 {
		return false
	}
	switch strings.ToLower(string(cx.Args[1])) {
	case "tracking":
		clientTracking(cx)
	case "caching":
		clientCaching(cx)
	case "getredir":
		clientGetredir(cx)
	case "trackinginfo":
		clientTrackinginfo(cx)
	default:
		return false
	}
	return true
}

func clientTracking(cx *Ctx) {
	if len(cx.Args) < 3 {
		cx.Error(command.ArityError("client|tracking"))
		return
	}
	o, msg := front.ParseTracking(cx.Args)
	if msg != "" {
		cx.Error(msg)
		return
	}
	n, c := cx.Node, cx.cl
	if o.Redirect != 0 && n.clients.byIDGet(o.Redirect) == nil {
		cx.Error("ERR The client ID you want redirect to does not exist")
		return
	}
	t := &n.track
	t.mu.Lock()
	defer t.mu.Unlock()
	if !o.On {
		n.trackOffLocked(c)
		cx.OK()
		return
	}
	if msg := checkTracking(c.track.mode, o); msg != "" {
		cx.Error(msg)
		return
	}
	if rc, ok := c.conn.(*rconn); ok && rc.goroutine && c.out.Load() == nil {
		n.startOutbox(rc, c)
	}
	m := &c.track.mode
	m.on, m.broken = true, false
	m.redirect = o.Redirect
	m.bcast, m.optin, m.optout, m.noloop = o.BCast, o.OptIn, o.OptOut, o.NoLoop
	if o.BCast {
		ps := o.Prefixes
		if len(ps) == 0 {
			ps = []string{""}
		}
		for _, p := range ps {
			if t.prefixes == nil {
				t.prefixes = map[string]map[*client]struct{}{}
			}
			cs := t.prefixes[p]
			if cs == nil {
				cs = map[*client]struct{}{}
				t.prefixes[p] = cs
			}
			if _, ok := cs[c]; !ok {
				cs[c] = struct{}{}
				m.prefixes = append(m.prefixes, p)
			}
		}
	}
	if t.clients == nil {
		t.clients = map[*client]struct{}{}
	}
	t.clients[c] = struct{}{}
	t.active.Store(int64(len(t.clients)))
	cx.OK()
}

// checkTracking returns the error of turning tracking on with o over the
// client's mode m, or "".
func checkTracking(m trackMode, o front.TrackingArgs) string {
	switch {
	case !o.BCast && len(o.Prefixes) > 0:
		return "ERR PREFIX option requires BCAST mode to be enabled"
	case m.on && m.bcast != o.BCast:
		return "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode."
	case o.BCast && (o.OptIn || o.OptOut):
		return "ERR OPTIN and OPTOUT are not compatible with BCAST"
	case o.OptIn && o.OptOut:
		return "ERR You can't specify both OPTIN mode and OPTOUT mode"
	case m.on && ((o.OptIn && m.optout) || (o.OptOut && m.optin)):
		return "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode."
	}
	if !o.BCast {
		return ""
	}
	const tail = ". Prefixes for a single client must not overlap."
	for i, p := range o.Prefixes {
		for _, old := range m.prefixes {
			if strings.HasPrefix(p, old) || strings.HasPrefix(old, p) {
				return "ERR Prefix '" + p + "' overlaps with an existing prefix '" + old + "'" + tail
			}
		}
		for _, q := range o.Prefixes[i+1:] {
			if strings.HasPrefix(p, q) || strings.HasPrefix(q, p) {
				return "ERR Prefix '" + p + "' overlaps with another provided prefix '" + q + "'" + tail
			}
		}
	}
	return ""
}

func clientCaching(cx *Ctx) {
	if len(cx.Args) != 3 {
		cx.Error(command.ArityError("client|caching"))
		return
	}
	c := cx.cl
	m := c.track.mode
	if msg := (front.TrackingMode{On: m.on, OptIn: m.optin, OptOut: m.optout}).CachingError(cx.Args[2]); msg != "" {
		cx.Error(msg)
		return
	}
	c.track.caching = true
	cx.OK()
}

func clientGetredir(cx *Ctx) {
	if len(cx.Args) != 2 {
		cx.Error(command.ArityError("client|getredir"))
		return
	}
	m := cx.cl.track.mode
	if !m.on {
		cx.Int(-1)
		return
	}
	cx.Int(m.redirect)
}

func clientTrackinginfo(cx *Ctx) {
	if len(cx.Args) != 2 {
		cx.Error(command.ArityError("client|trackinginfo"))
		return
	}
	c := cx.cl
	t := &cx.Node.track
	t.mu.Lock()
	m := c.track.mode
	m.prefixes = append([]string(nil), m.prefixes...)
	t.mu.Unlock()
	front.TrackingInfo(cx, front.TrackingMode{On: m.on, BCast: m.bcast, OptIn: m.optin, OptOut: m.optout, NoLoop: m.noloop,
		Broken: m.broken, Caching: c.track.caching, Redirect: m.redirect, Prefixes: m.prefixes})
}

// byIDGet returns the connected client id, or nil.
func (r *clientRegistry) byIDGet(id int64) *client {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byID[id]
}

// trackFlags returns the CLIENT LIST flags of tracking (t, B, R) and the
// redir field's value (-1: not tracking).
func (c *client) trackFlags(t *tracker) (flags string, redir int64) {
	t.mu.Lock()
	m := c.track.mode
	t.mu.Unlock()
	if !m.on {
		return "", -1
	}
	flags = "t"
	if m.broken {
		flags += "R"
	}
	if m.bcast {
		flags += "B"
	}
	return flags, m.redirect
}

package proxy

import (
	"bufio"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/internal/outbox"
	"github.com/vcache/vcache/internal/resp"
)

// Client-side caching through the proxy (CLIENT TRACKING, tracking.go):
// how a tracking client learns that a key it read changed on a node.
//
// Each tracking client gets, on every node it talks to, a link of two
// connections of its own: a data connection, which carries all its
// commands to that node and has CLIENT TRACKING ON (with the client's
// BCAST/PREFIX/OPTIN/OPTOUT/NOLOOP) redirected to the second, an
// invalidation connection subscribed to __redis__:invalidate. The node
// thus keeps the one-shot table of who read what, exactly as for a direct
// client: a write by anyone, on any path (through this or another proxy,
// straight to the node, expiry, eviction, a slot leaving the node) sends
// one message to the link, and the proxy relays its keys to the client as
// a RESP3 invalidate push, or as a __redis__:invalidate message to the
// client it redirects to.
//
// Why not one shared BCAST connection per node with a table in the proxy:
// the node's message for a write that came before a read can reach the
// proxy after that read's reply (they travel on different connections),
// and the proxy would then forget a key the client still caches. Per
// client, the node's own table decides, under the key's lock.
//
// Ordering: a message that arrives while the client's round of commands
// waits for nodes' replies is held and written after the round's replies,
// so an invalidation never overtakes the reply of the read it
// invalidates; otherwise (a round the proxy answers itself, PING, or
// between rounds) it is written at once, as a node writes a push as soon
// as the key changes.
// When a link breaks (a node restarted, a connection was lost), the
// node forgot what the client read there: the client gets a null
// invalidation (flush everything) and the next command opens a new link.

// trackLink is one node's pair of connections for a tracking session.
type trackLink struct {
	be   *backend
	data *bconn      // pinned; carries the session's commands to be
	inv  net.Conn    // subscribed to __redis__:invalidate
	dead atomic.Bool // inv failed: the node no longer tracks for us
	shut atomic.Bool // closed on purpose
}

// trackInbox is where invalidations for a session are queued; other
// goroutines (links' readers, other sessions' links redirecting to it)
// use it.
type trackInbox struct {
	s   *session
	sb  *subscriber
	out *outbox.Queue
	// mu guards busy and held.
	mu   sync.Mutex
	busy bool   // a round's replies are owed: messages wait in held
	held []byte // messages for after the round
}

// sendConner is a connection with a second handle on its socket for a
// writer of its own (an event loop's connection, rawio.FDConn).
type sendConner interface {
	SendConn() (net.Conn, error)
}

// ensureSub gives the session its subscriber: an outbox, through which
// its replies go from then on, and the inbox through which other
// goroutines queue messages for it (pub/sub and invalidations).
func (s *session) ensureSub() *subscriber {
	if s.sub != nil {
		return s.sub
	}
	s.sub = &subscriber{s: s}
	for i := range s.sub.sets {
		s.sub.sets[i] = map[string]struct{}{}
	}
	cfg := &s.p.cfg
	lim := outbox.Limit{Hard: cfg.PubsubHardLimit, Soft: cfg.PubsubSoftLimit, SoftFor: cfg.PubsubSoftTime}
	nc := s.nc
	if sc, ok := s.nc.(sendConner); ok {
		// A connection of the event loops: the outbox writes through a
		// handle of its own, which has a write that does not wait (the
		// hub's readers send their batches with it, pubsub_hub.go).
		if c, err := sc.SendConn(); err == nil {
			nc, s.sub.send = c, c
		}
	}
	s.sub.out = outbox.New(nc, func() outbox.Limit { return lim }, func() {
		s.p.log.Warn("client closed for overcoming of output buffer limits", "client", s.id, "addr", s.addr)
		s.p.stats.pubsubCut.Add(1)
	}, nil)
	go s.sub.out.Run()
	s.flush() // nothing is owed, but keep the order if it were
	s.inbox.Store(&trackInbox{s: s, sb: s.sub, out: s.sub.out})
	return s.sub
}

// ensureInbox returns the session's inbox, making it if needed.
func (s *session) ensureInbox() *trackInbox {
	s.ensureSub()
	return s.inbox.Load()
}

// push queues msg for the client; with hold, after the replies of a
// round in flight, unless more than maxHeld bytes wait for that round
// (a monitor's lines while it waits): they go to the outbox then, whose
// limit bounds them.
func (in *trackInbox) push(msg []byte, hold bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.busy && hold {
		in.held = append(in.held, msg...)
		if len(in.held) <= maxHeld {
			return
		}
		msg, in.held = in.held, nil
	}
	in.out.Push(msg)
}

// maxHeld is how many bytes of messages wait for a round's replies.
const maxHeld = 256 << 10

// trackRoundStart holds messages until trackRoundEnd (the round's
// replies are in the outbox).
func (s *session) trackRoundStart() {
	if in := s.inbox.Load(); in != nil {
		in.mu.Lock()
		in.busy = true
		in.mu.Unlock()
	}
}

func (s *session) trackRoundEnd() {
	if in := s.inbox.Load(); in != nil {
		in.mu.Lock()
		in.busy = false
		if len(in.held) > 0 {
			in.out.Push(in.held)
			in.held = nil
		}
		in.mu.Unlock()
	}
}

// trackConn returns the session's tracking data connection to be,
// opening the link first if needed. When it cannot be opened, the error
// fails the call (to be retried as for a node that is down): a read on
// another connection would not be tracked.
func (s *session) trackConn(be *backend) (*bconn, error) {
	t := s.trk
	if l := t.links[be]; l != nil {
		if !l.dead.Load() && !l.data.broken() {
			return l.data, nil
		}
		told := l.dead.Load() // the reader told the client already
		s.dropLink(l)
		if !told {
			s.trackLost()
		}
	}
	l, msg, _ := s.openLink(be, t.nodeArgs())
	if l == nil {
		return nil, fmt.Errorf("%w: %s: tracking: %s", ErrBackendDown, be.addr, msg)
	}
	return l.data, nil
}

// openLink opens a link to be and turns tracking on there with args (the
// client's options). msg is the node's error when it refused them, or
// why it could not be reached (down).
func (s *session) openLink(be *backend, args []string) (l *trackLink, msg string, down bool) {
	inv, id, err := s.p.dialInvalidation(be.addr)
	if err != nil {
		return nil, "ERR " + be.addr + ": " + err.Error(), true
	}
	l = &trackLink{be: be, inv: inv, data: s.p.pinConn(be)}
	if msg, lost := s.linkTracking(l, id, args); msg != "" {
		s.p.unpin(l.data)
		inv.Close()
		return nil, msg, lost
	}
	s.trk.links[be] = l
	s.p.wg.Add(1)
	go s.p.readInvalidations(l, s.ensureInbox(), s.trk)
	return l, "", false
}

// linkTracking sends CLIENT TRACKING ON REDIRECT id args on l's data
// connection and waits for the reply; it returns the node's error or "",
// and lost when the connection failed instead.
func (s *session) linkTracking(l *trackLink, id int64, args []string) (msg string, lost bool) {
	cmd := append([]string{"CLIENT", "TRACKING", "ON", "REDIRECT", strconv.FormatInt(id, 10)}, args...)
	c := &call{slot: -1, be: l.be, w: newWaiter()}
	c.req = resp.AppendCommand(nil, cmd...)
	c.w.begin()
	c.w.add(1)
	l.data.submit([]*call{c})
	c.w.wait()
	switch {
	case c.err != nil:
		return errText(c.err), true
	case len(c.reply) > 2 && c.reply[0] == '-':
		return string(c.reply[1 : len(c.reply)-2]), false
	}
	return "", false
}

// dropLink closes a link.
func (s *session) dropLink(l *trackLink) {
	delete(s.trk.links, l.be)
	l.shut.Store(true)
	l.inv.Close()
	s.p.unpin(l.data)
}

// trackLost tells the client to forget everything it caches: a link
// broke, so invalidations may have been lost.
func (s *session) trackLost() {
	if in := s.inbox.Load(); in != nil {
		deliverInvalidation(s.p, in, s.trk, nil, true, false)
	}
}

// broken reports whether a pinned connection has failed (it will not
// dial again).
func (c *bconn) broken() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nc == nil && c.gen > 0 || c.closed
}

// dialInvalidation opens a connection to addr subscribed to
// __redis__:invalidate and returns it with its client ID on the node.
func (p *Proxy) dialInvalidation(addr string) (net.Conn, int64, error) {
	nc, err := p.dialBackend(addr)
	if err != nil {
		return nil, 0, err
	}
	nc.SetDeadline(time.Now().Add(p.cfg.DialTimeout))
	w := bufio.NewWriter(nc)
	w.Write(resp.AppendCommand(nil, "CLIENT", "ID"))
	w.Write(resp.AppendCommand(nil, "SUBSCRIBE", trackChannel))
	if err := w.Flush(); err != nil {
		nc.Close()
		return nil, 0, err
	}
	rd := resp.NewReader(nc, 0, 1<<16)
	raw, err := rd.ReadRaw()
	var id int64
	if err == nil {
		var ok bool
		if id, ok = resp.ParseInt(raw[1 : len(raw)-2]); raw[0] != ':' || !ok {
			err = fmt.Errorf("CLIENT ID: %q", raw)
		}
	}
	if err == nil {
		raw, err = rd.ReadRaw()
		if err == nil && raw[0] == '-' {
			err = fmt.Errorf("SUBSCRIBE: %s", raw[1:len(raw)-2])
		}
	}
	if err != nil {
		nc.Close()
		return nil, 0, err
	}
	nc.SetDeadline(time.Time{})
	return nc, id, nil
}

// readInvalidations relays the messages of l's invalidation connection
// until it closes, to in's client or the one it redirects to (t).
func (p *Proxy) readInvalidations(l *trackLink, in *trackInbox, t *tracking) {
	defer p.wg.Done()
	rd := resp.NewReader(l.inv, 0, p.cfg.MaxReplyBytes)
	for {
		raw, err := rd.ReadRaw()
		if err != nil {
			break
		}
		v, _, err := resp.Parse(raw)
		if err != nil || len(v.Elems) != 3 || string(v.Elems[0].Str) != "message" {
			continue // the subscription's confirmation
		}
		var keys []string
		null := v.Elems[2].Null
		for _, k := range v.Elems[2].Elems {
			keys = append(keys, string(k.Str))
		}
		deliverInvalidation(p, in, t, keys, null, true)
	}
	l.inv.Close()
	if !l.shut.Load() {
		// The node forgot what the client read: it must forget too.
		l.dead.Store(true)
		deliverInvalidation(p, in, t, nil, true, false)
	}
}

// deliverInvalidation sends an invalidation of keys (null: everything)
// to the tracking client or to the client it redirects to; hold: after
// the tracking client's round in flight.
func deliverInvalidation(p *Proxy, in *trackInbox, t *tracking, keys []string, null, hold bool) {
	to := in
	id := t.redirect.Load()
	if id != 0 {
		p.mu.Lock()
		target := p.sessions[id]
		p.mu.Unlock()
		if target != nil {
			to = target.inbox.Load()
		}
		if target == nil || to == nil {
			// Gone (or it cannot be written to): told once, as Redis.
			if !t.broken.Swap(true) && in.s.resp3.Load() {
				b := resp.AppendPush(nil, 2)
				b = resp.AppendBulk(b, "tracking-redir-broken")
				in.push(resp.AppendInt(b, id), false)
			}
			return
		}
	}
	if msg := invalidationMsg(to, id != 0, keys, null); msg != nil {
		to.push(msg, hold && to == in)
	}
}

// invalidationMsg encodes the message for to's client: a push when it
// speaks RESP3, a __redis__:invalidate message when it is redirected to
// and subscribed to that channel, else nothing (as Redis).
func invalidationMsg(to *trackInbox, redirected bool, keys []string, null bool) []byte {
	s := to.s
	r3 := s.resp3.Load()
	var b []byte
	switch {
	case r3:
		b = resp.AppendPush(nil, 2)
		b = resp.AppendBulk(b, "invalidate")
	case redirected && s.p.hub.subscribedTo(to.sb, trackChannel):
		b = resp.AppendArray(nil, 3)
		b = resp.AppendBulk(b, "message")
		b = resp.AppendBulk(b, trackChannel)
	default:
		return nil
	}
	switch {
	case null && r3:
		return resp.AppendNull3(b)
	case null:
		return resp.AppendNull(b)
	}
	b = resp.AppendArray(b, len(keys))
	for _, k := range keys {
		b = resp.AppendBulk(b, k)
	}
	return b
}

// subscribedTo reports whether sb is subscribed to channel.
func (h *pubsubHub) subscribedTo(sb *subscriber, channel string) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	_, ok := sb.sets[subChannel][channel]
	return ok
}

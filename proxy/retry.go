package proxy

import (
	"net"
	"time"

	"github.com/vcache/vcache/internal/resp"
)

// settle turns a completed call into its final reply. While the reply is
// a redirect or a transient failure (-MOVED, -ASK, -TRYAGAIN, -LOADING,
// -CLUSTERDOWN, a lost or unreachable node), it refreshes the map, sends
// the call again and waits, until RetryDeadline has passed; then the
// client gets the last error. A transport failure is turned into an error
// reply.
func (s *session) settle(c *call) {
	var deadline time.Time
	backoff := 2 * time.Millisecond
	for {
		class, rd := replyRetry, redirect{}
		if c.err == nil {
			class, rd = classify(c.reply)
		}
		if class == replyFinal {
			return
		}
		now := time.Now()
		if deadline.IsZero() {
			deadline = now.Add(s.p.cfg.RetryDeadline)
		}
		if c.via != nil || !now.Before(deadline) {
			// Pinned connections carry WATCH state that a retry would lose.
			break
		}
		s.p.stats.retries.Add(1)
		c.asking = false
		switch class {
		case replyMoved, replyAsk:
			c.be = s.p.redirected(class, rd, c.be)
			c.asking = class == replyAsk
		default:
			s.p.refreshSoon()
			if !s.sleep(min(backoff, time.Until(deadline))) {
				deadline = now // shutting down: give up now
				continue
			}
			backoff = min(2*backoff, 100*time.Millisecond)
			if c.slot >= 0 {
				c.be = s.p.routes.Load().slot(c.slot)
			}
		}
		c.reply, c.err = c.reply[:0], nil
		s.roundTrip(c)
	}
	if c.err != nil {
		c.reply = resp.AppendError(c.reply[:0], errText(c.err))
		c.err = nil
	}
}

// redirected counts a -MOVED or -ASK reply of node from (nil: unknown)
// and returns the backend it names; a MOVED also refreshes the map soon.
// An address without a host (":port": the node does not know its own)
// is on from's host.
func (p *Proxy) redirected(class replyClass, rd redirect, from *backend) *backend {
	p.stats.redirects.Add(1)
	if class == replyMoved {
		p.refreshSoon()
	}
	addr := rd.addr
	if addr[0] == ':' && from != nil {
		host, _, _ := net.SplitHostPort(from.addr)
		addr = net.JoinHostPort(host, addr[1:])
	}
	return p.backend(addr)
}

// sleep waits d, or less if the proxy shuts down; it reports whether it
// waited the whole time.
func (s *session) sleep(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.p.stop:
		return false
	}
}

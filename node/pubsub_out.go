package node

import (
	"net"
	"sync"
	"time"

	"github.com/tidwall/redcon"
)

// A subscriber receives messages while its connection's goroutine waits
// for its next command, so its replies and its messages go out through one
// outbox: a queue of bytes that publishers append to (never blocking on
// the network) and one sender goroutine writes to the socket. The
// connection's reply writer flushes into the same queue, so a reply and a
// message never interleave mid-way. A subscriber that does not read is
// disconnected once its queue passes client-output-buffer-limit pubsub,
// so a slow subscriber costs at most that much memory.

// bufLimit is one class of client-output-buffer-limit: a hard limit in
// bytes, and a soft limit that may be exceeded for softSecs seconds.
// Zero values mean no limit.
type bufLimit struct {
	hard, soft int64
	softSecs   int64
}

// outbox is a subscriber's queue of bytes to send. Its owner (the
// connection's goroutine) starts it with run and ends it with finish.
type outbox struct {
	nc    net.Conn
	limit func() bufLimit // the limit that applies now
	onCut func()          // called once when the limit cuts the client off
	acct  func(d int64)   // told each change of the bytes waiting (maxmemory counts them)

	// mu guards the fields below.
	mu        sync.Mutex
	buf       []byte // queued, not taken by the sender yet
	sending   int    // bytes the sender is writing
	closed    bool   // no more bytes are taken
	cut       bool   // closed for passing the limit
	overSince time.Time
	counted   int64 // the bytes waiting last told to acct

	wake chan struct{} // one pending wake-up of the sender
	done chan struct{} // closed when the sender has returned
}

func newOutbox(nc net.Conn, limit func() bufLimit, onCut func(), acct func(int64)) *outbox {
	return &outbox{nc: nc, limit: limit, onCut: onCut, acct: acct, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// recount tells acct how the bytes waiting changed. mu must be held.
func (o *outbox) recount() {
	p := int64(len(o.buf) + o.sending)
	if d := p - o.counted; d != 0 && o.acct != nil {
		o.counted = p
		o.acct(d)
	}
}

// Write queues p (the connection's replies, flushed by its writer); it
// never blocks on the network.
func (o *outbox) Write(p []byte) (int, error) {
	if !o.push(p) {
		return 0, net.ErrClosed
	}
	return len(p), nil
}

// push queues p and reports whether it was taken: not once the outbox is
// closed or p takes it past its limit (which cuts the client off).
func (o *outbox) push(p []byte) bool {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return false
	}
	o.buf = append(o.buf, p...)
	if o.overLimit(time.Now()) {
		o.closed, o.cut = true, true
		o.buf = nil
		o.recount()
		o.mu.Unlock()
		_ = o.nc.Close()
		if o.onCut != nil {
			o.onCut()
		}
		o.signal()
		return false
	}
	o.recount()
	o.mu.Unlock()
	o.signal()
	return true
}

// overLimit reports whether the bytes waiting pass the hard limit, or the
// soft one for longer than allowed. mu must be held.
func (o *outbox) overLimit(now time.Time) bool {
	lim := o.limit()
	pending := int64(len(o.buf) + o.sending)
	if lim.hard > 0 && pending > lim.hard {
		return true
	}
	if lim.soft > 0 && pending > lim.soft {
		if o.overSince.IsZero() {
			o.overSince = now
			return false
		}
		return now.Sub(o.overSince) >= time.Duration(lim.softSecs)*time.Second
	}
	o.overSince = time.Time{}
	return false
}

// pending returns how many bytes wait to be sent (CLIENT LIST omem).
func (o *outbox) pending() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return int64(len(o.buf) + o.sending)
}

func (o *outbox) signal() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// run sends what is queued until the outbox is closed and empty, or a
// write fails (the connection then closes).
func (o *outbox) run() {
	defer close(o.done)
	var out []byte
	for {
		o.mu.Lock()
		for len(o.buf) == 0 && !o.closed {
			o.mu.Unlock()
			<-o.wake
			o.mu.Lock()
		}
		if len(o.buf) == 0 || o.cut {
			o.mu.Unlock()
			return
		}
		out, o.buf = o.buf, out[:0]
		o.sending = len(out)
		o.mu.Unlock()
		_, err := o.nc.Write(out)
		o.mu.Lock()
		o.sending = 0
		if err != nil {
			o.closed = true
			o.buf = nil
		}
		o.recount()
		o.mu.Unlock()
		if err != nil {
			_ = o.nc.Close()
			return
		}
		if cap(out) > 1<<20 {
			out = nil
		}
	}
}

// finish closes the outbox and waits for the sender to send what is
// queued (a QUIT's reply), at most a second when the client does not read.
func (o *outbox) finish() {
	o.mu.Lock()
	o.closed = true
	o.mu.Unlock()
	_ = o.nc.SetWriteDeadline(time.Now().Add(time.Second))
	o.signal()
	<-o.done
	o.mu.Lock()
	o.buf = nil
	o.recount()
	o.mu.Unlock()
}

// startOutbox routes c's replies through a new outbox and starts its
// sender; the connection's goroutine must own c (see serveFrom). It is
// done once per connection: the first subscription.
func (n *Node) startOutbox(c *rconn, cl *client) *outbox {
	o := newOutbox(c.nc, func() bufLimit { return n.pubsub.limitFor(cl) }, func() {
		n.log.Warn("client closed for overcoming of output buffer limits", "client", cl.id, "addr", cl.addr)
		n.pubsub.cut.Add(1)
	}, func(d int64) {
		n.clientOut.Add(d)
		cl.omem.Add(d)
	})
	w := redcon.NewWriter(o)
	w.SetBuffer(c.Writer.Buffer())
	c.Writer = w
	cl.out.Store(o)
	go o.run()
	return o
}

// endOutbox sends what c's outbox holds and stops its sender, before the
// connection closes.
func (n *Node) endOutbox(c *rconn) {
	if cl, _ := c.ctx.(*client); cl != nil {
		if o := cl.out.Load(); o != nil {
			o.finish()
		}
	}
}

package proxy

import (
	"net"
	"sync"
	"time"
)

// A subscribed client receives messages while its session's goroutine
// waits for its next command, so from its first subscription on its
// replies and its messages go out through one outbox: a queue of bytes
// that node readers append to (never blocking on the network) and one
// sender goroutine writes to the socket. A subscriber that does not read
// is disconnected once its queue passes the pubsub class of
// client-output-buffer-limit (Config.PubsubHardLimit and the soft limit),
// so a slow subscriber costs the proxy at most that much memory and
// never slows the others.

// outbox is a subscriber's queue of bytes to send. Its owner, the
// session's goroutine, starts it with run and ends it with finish.
type outbox struct {
	nc    net.Conn
	hard  int64 // 0: no limit
	soft  int64
	secs  time.Duration
	onCut func()

	// mu guards the fields below.
	mu        sync.Mutex
	buf       []byte
	sending   int
	closed    bool
	cut       bool
	overSince time.Time

	wake chan struct{}
	done chan struct{}
}

func newOutbox(nc net.Conn, cfg *Config, onCut func()) *outbox {
	return &outbox{nc: nc, hard: cfg.PubsubHardLimit, soft: cfg.PubsubSoftLimit, secs: cfg.PubsubSoftTime,
		onCut: onCut, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// push queues p and reports whether it was taken: not once the outbox is
// closed, or when p takes it past its limit (which cuts the client off).
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
		o.mu.Unlock()
		_ = o.nc.Close()
		if o.onCut != nil {
			o.onCut()
		}
		o.signal()
		return false
	}
	o.mu.Unlock()
	o.signal()
	return true
}

// overLimit reports whether the bytes waiting pass the hard limit, or the
// soft one for longer than allowed. mu must be held.
func (o *outbox) overLimit(now time.Time) bool {
	pending := int64(len(o.buf) + o.sending)
	if o.hard > 0 && pending > o.hard {
		return true
	}
	if o.soft > 0 && pending > o.soft {
		if o.overSince.IsZero() {
			o.overSince = now
			return false
		}
		return now.Sub(o.overSince) >= o.secs
	}
	o.overSince = time.Time{}
	return false
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
}

// Package outbox is the send queue of a client that receives messages
// while its connection's goroutine waits for its next command (a pub/sub
// subscriber, a MONITOR): replies and messages go out through one queue of
// bytes that publishers append to, never blocking on the network, and one
// sender goroutine writes to the socket. A client that does not read is
// disconnected once its queue passes its limit (Redis's
// client-output-buffer-limit), so a slow reader costs at most that much
// memory and never slows the others. The data node and the proxy both use
// it.
package outbox

import (
	"net"
	"sync"
	"time"
)

// Limit is one class of client-output-buffer-limit: a hard limit in bytes,
// and a soft limit that may be exceeded for SoftFor. Zero values mean no
// limit.
type Limit struct {
	Hard, Soft int64
	SoftFor    time.Duration
}

// Queue is a client's queue of bytes to send. Its owner (the connection's
// goroutine) starts it with Run and ends it with Finish.
type Queue struct {
	nc    net.Conn
	limit func() Limit  // the limit that applies now
	onCut func()        // called once when the limit cuts the client off
	acct  func(d int64) // told each change of the bytes waiting (maxmemory counts them)

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

// New returns a queue sending to nc under limit (asked on every push, so
// a CONFIG SET applies at once); onCut, if not nil, is called once when
// the limit cuts the client off; acct, if not nil, is told every change of
// the bytes waiting (so a server can count them in its memory).
func New(nc net.Conn, limit func() Limit, onCut func(), acct func(d int64)) *Queue {
	return &Queue{nc: nc, limit: limit, onCut: onCut, acct: acct, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// recount tells acct how the bytes waiting changed. mu must be held.
func (q *Queue) recount() {
	p := int64(len(q.buf) + q.sending)
	if d := p - q.counted; d != 0 && q.acct != nil {
		q.counted = p
		q.acct(d)
	}
}

// Write queues p (a connection's replies, flushed by its writer); it never
// blocks on the network.
func (q *Queue) Write(p []byte) (int, error) {
	if !q.Push(p) {
		return 0, net.ErrClosed
	}
	return len(p), nil
}

// Push queues p and reports whether it was taken: not once the queue is
// closed or p takes it past its limit (which cuts the client off).
func (q *Queue) Push(p []byte) bool {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return false
	}
	q.buf = append(q.buf, p...)
	if q.overLimit(time.Now()) {
		q.closed, q.cut = true, true
		q.buf = nil
		q.recount()
		q.mu.Unlock()
		_ = q.nc.Close()
		if q.onCut != nil {
			q.onCut()
		}
		q.signal()
		return false
	}
	q.recount()
	q.mu.Unlock()
	q.signal()
	return true
}

// overLimit reports whether the bytes waiting pass the hard limit, or the
// soft one for longer than allowed. mu must be held.
func (q *Queue) overLimit(now time.Time) bool {
	lim := q.limit()
	pending := int64(len(q.buf) + q.sending)
	if lim.Hard > 0 && pending > lim.Hard {
		return true
	}
	if lim.Soft > 0 && pending > lim.Soft {
		if q.overSince.IsZero() {
			q.overSince = now
			return false
		}
		return now.Sub(q.overSince) >= lim.SoftFor
	}
	q.overSince = time.Time{}
	return false
}

// Pending returns how many bytes wait to be sent (CLIENT LIST omem).
func (q *Queue) Pending() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return int64(len(q.buf) + q.sending)
}

func (q *Queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Run sends what is queued until the queue is closed and empty, or a
// write fails (the connection then closes).
func (q *Queue) Run() {
	defer close(q.done)
	var out []byte
	for {
		q.mu.Lock()
		for len(q.buf) == 0 && !q.closed {
			q.mu.Unlock()
			<-q.wake
			q.mu.Lock()
		}
		if len(q.buf) == 0 || q.cut {
			q.mu.Unlock()
			return
		}
		out, q.buf = q.buf, out[:0]
		q.sending = len(out)
		q.mu.Unlock()
		_, err := q.nc.Write(out)
		q.mu.Lock()
		q.sending = 0
		if err != nil {
			q.closed = true
			q.buf = nil
		}
		q.recount()
		q.mu.Unlock()
		if err != nil {
			_ = q.nc.Close()
			return
		}
		if cap(out) > 1<<20 {
			out = nil
		}
	}
}

// Finish closes the queue and waits for the sender to send what is queued
// (a QUIT's reply), at most a second when the client does not read.
func (q *Queue) Finish() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	_ = q.nc.SetWriteDeadline(time.Now().Add(time.Second))
	q.signal()
	<-q.done
	q.mu.Lock()
	q.buf = nil
	q.recount()
	q.mu.Unlock()
}

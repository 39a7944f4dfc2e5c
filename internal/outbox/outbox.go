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
	try   TryWriter     // nc's non-blocking write, nil if it has none
	limit func() Limit  // the limit that applies now
	onCut func()        // called once when the limit cuts the client off
	acct  func(d int64) // told each change of the bytes waiting (maxmemory counts them)

	// mu guards the fields below.
	mu        sync.Mutex
	buf       []byte // queued, not taken by a writer yet
	spare     []byte // an empty buffer for the next buf (Flush's)
	sending   int    // bytes a writer is writing
	writing   bool   // a writer (the sender or a Flush) has the socket
	closed    bool   // no more bytes are taken
	cut       bool   // closed for passing the limit
	overSince time.Time
	counted   int64 // the bytes waiting last told to acct

	wake chan struct{} // one pending wake-up of the sender
	done chan struct{} // closed when the sender has returned
}

// TryWriter is a connection's write that never waits: it writes what the
// socket takes now and returns how much that was (a full socket is not an
// error). At most one call at a time.
type TryWriter interface {
	TryWrite(p []byte) (int, error)
}

// New returns a queue sending to nc under limit (asked on every push, so
// a CONFIG SET applies at once); onCut, if not nil, is called once when
// the limit cuts the client off; acct, if not nil, is told every change of
// the bytes waiting (so a server can count them in its memory).
func New(nc net.Conn, limit func() Limit, onCut func(), acct func(d int64)) *Queue {
	q := &Queue{nc: nc, limit: limit, onCut: onCut, acct: acct, wake: make(chan struct{}, 1), done: make(chan struct{})}
	q.try, _ = nc.(TryWriter)
	return q
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
// closed or p takes it past its limit (which cuts the client off). The
// sender sends it.
func (q *Queue) Push(p []byte) bool {
	ok, _ := q.add(p, true)
	return ok
}

// Append queues p as Push does without waking the sender: when first is
// true the caller must call Flush soon (at the end of its round), which
// sends p and whatever else is queued by then. When first is false a
// writer, the sender or another caller's Flush, sends it already.
func (q *Queue) Append(p []byte) (ok, first bool) {
	return q.add(p, false)
}

func (q *Queue) add(p []byte, wake bool) (ok, first bool) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return false, false
	}
	idle := len(q.buf) == 0 && !q.writing
	q.buf = append(q.buf, p...)
	if q.overLimit() {
		q.closed, q.cut = true, true
		q.buf = nil
		q.recount()
		q.mu.Unlock()
		_ = q.nc.Close()
		if q.onCut != nil {
			q.onCut()
		}
		q.signal()
		return false, false
	}
	q.recount()
	q.mu.Unlock()
	if !idle {
		// The bytes before these are a writer's to send (Push woke the
		// sender, Append's caller flushes, a writer that finds more when
		// it is done carries on), and these go with them.
		return true, false
	}
	if wake || q.try == nil {
		q.signal()
		return true, false
	}
	return true, true
}

// Flush sends what is queued with one non-blocking write, unless a writer
// has the socket already (it sends these bytes after its own); what the
// socket does not take, the sender sends. Any goroutine may call it.
func (q *Queue) Flush() {
	q.mu.Lock()
	if q.writing || len(q.buf) == 0 || q.closed || q.try == nil {
		q.mu.Unlock()
		return
	}
	q.writing = true
	out := q.buf
	q.buf, q.spare = q.spare[:0], nil
	q.sending = len(out)
	q.mu.Unlock()
	n, err := q.try.TryWrite(out)
	q.mu.Lock()
	q.sending = 0
	q.writing = false
	if err != nil {
		q.closed = true
		q.buf = nil
		q.recount()
		q.mu.Unlock()
		_ = q.nc.Close()
		q.signal() // the sender returns
		return
	}
	if q.cut {
		q.buf = nil // cut off while the write was in flight
	} else if n < len(out) {
		// The rest goes first, by the sender, which waits for the socket.
		q.buf = append(out[n:], q.buf...)
	} else if q.spare == nil && cap(out) <= 1<<20 {
		q.spare = out[:0]
	}
	q.recount()
	more := len(q.buf) > 0 || q.closed
	q.mu.Unlock()
	if more {
		q.signal()
	}
}

// overLimit reports whether the bytes waiting pass the hard limit, or the
// soft one for longer than allowed. mu must be held. (The clock is read
// only past the soft limit: a push is too cheap to read it every time.)
func (q *Queue) overLimit() bool {
	lim := q.limit()
	pending := int64(len(q.buf) + q.sending)
	if lim.Hard > 0 && pending > lim.Hard {
		return true
	}
	if lim.Soft > 0 && pending > lim.Soft {
		now := time.Now()
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
		for q.writing || len(q.buf) == 0 && !q.closed {
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
		q.writing = true
		q.mu.Unlock()
		_, err := q.nc.Write(out)
		q.mu.Lock()
		q.sending = 0
		q.writing = false
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

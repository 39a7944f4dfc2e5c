package proxy

import (
	"fmt"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/internal/resp"
)

// yieldBelow is the size of a submission under which the submitter yields
// before writing (see submit).
const yieldBelow = 4

// askingCmd is sent before a call redirected by -ASK.
var askingCmd = []byte("*1\r\n$6\r\nASKING\r\n")

// bconn is one pipelined connection to a node, shared by many sessions.
// Submitters append their encoded commands to out under mu; whichever
// finds no write in progress becomes the writer: it yields once, so that
// the other runnable sessions add their commands too, then writes until
// out is empty, so that commands arriving during a write go out together
// in the next one. The calls wait in the queue ring in the order their
// bytes were written; the reader goroutine takes the written ones in
// batches and completes one per reply. The connection dials lazily, and
// again after a failure.
type bconn struct {
	be     *backend
	pinned bool // dedicated to one session (WATCH), not shared

	// mu guards every field below; never held across network I/O.
	mu   sync.Mutex
	cond sync.Cond // on mu: room in queue/out, or a dial finished

	nc       net.Conn // nil while down
	gen      uint64   // bumped at every connect and every failure
	out      []byte   // encoded commands not yet handed to the writer
	spare    []byte   // the writer's previous buffer, for reuse
	queue    []*call  // ring of calls owed a reply, in write order
	head, n  int      // ring position and length
	unsent   int      // calls in out
	flushing bool     // a writer is active
	dialing  bool
	closed   bool
	waiters  int // goroutines waiting on cond
	retryAt  time.Time
	backoff  time.Duration
	lastErr  error

	// Read without mu, by the watchdog and INFO: requests queued, and
	// requests answered or failed.
	pushed   atomic.Uint64
	answered atomic.Uint64

	// Watchdog state, touched only by the watchdog goroutine.
	seen  uint64
	since time.Time
}

func newBconn(be *backend, pinned bool) *bconn {
	c := &bconn{be: be, pinned: pinned, queue: make([]*call, 64)}
	c.cond.L = &c.mu
	return c
}

// submit queues calls, in order, and makes sure they are written. On
// failure it completes them with the error.
func (c *bconn) submit(calls []*call) {
	p := c.be.p
	c.mu.Lock()
	for {
		if c.closed {
			c.mu.Unlock()
			failCalls(calls, ErrShutdown)
			return
		}
		if c.nc == nil {
			if c.dialing {
				c.waitLocked()
				continue
			}
			if !c.dialLocked() {
				err := c.lastErr
				c.mu.Unlock()
				failCalls(calls, err)
				return
			}
			continue
		}
		if (c.n > 0 && c.n+2*len(calls) > p.cfg.MaxInflight) || len(c.out) > p.cfg.MaxWriteBatch {
			c.waitLocked()
			continue
		}
		break
	}
	gen0 := c.gen
	for _, cl := range calls {
		if cl.asking {
			c.out = append(c.out, askingCmd...)
			c.push(nil)
		}
		c.out = append(c.out, cl.req...)
		c.push(cl)
	}
	if c.flushing {
		c.mu.Unlock()
		return
	}
	c.flushing = true
	if len(calls) < yieldBelow {
		// Let the other runnable sessions add their commands first: one
		// write for all of them costs far less than a write each. Worth
		// it for a client's lone command (redis-benchmark -P 1: 111k vs
		// 88k ops/s, same run); a pipeline is a batch already, and
		// yielding cost it (-P 16: 714k vs 939k SET ops/s).
		c.mu.Unlock()
		runtime.Gosched()
		c.mu.Lock()
	}
	if c.gen != gen0 {
		c.mu.Unlock()
		return
	}
	c.flushLocked()
}

func (c *bconn) waitLocked() {
	c.waiters++
	c.cond.Wait()
	c.waiters--
}

// push appends a call (nil: a reply to discard) to the ring.
func (c *bconn) push(cl *call) {
	if c.n == len(c.queue) {
		q := make([]*call, 2*len(c.queue))
		for i := 0; i < c.n; i++ {
			q[i] = c.queue[(c.head+i)%len(c.queue)]
		}
		c.queue, c.head = q, 0
	}
	c.queue[(c.head+c.n)%len(c.queue)] = cl
	c.n++
	c.unsent++
	c.pushed.Add(1)
}

// flushLocked writes out until it is empty. Called with mu held and
// flushing set; returns with mu released.
func (c *bconn) flushLocked() {
	st := &c.be.stats
	for {
		nc, gen := c.nc, c.gen
		buf, calls := c.out, c.unsent
		c.out, c.spare, c.unsent = c.spare[:0], nil, 0
		if c.waiters > 0 {
			c.cond.Broadcast()
		}
		c.mu.Unlock()
		_, err := nc.Write(buf)
		st.recordBatch(calls, len(buf))
		c.mu.Lock()
		if c.gen != gen {
			// The connection failed meanwhile; fail reset the writer.
			c.mu.Unlock()
			return
		}
		if cap(buf) <= 4*c.be.p.cfg.MaxWriteBatch {
			c.spare = buf[:0]
		}
		if err != nil {
			c.mu.Unlock()
			c.fail(gen, fmt.Errorf("%w: %s: %v", ErrConnLost, c.be.addr, err))
			return
		}
		if len(c.out) == 0 {
			c.flushing = false
			c.mu.Unlock()
			return
		}
	}
}

// dialLocked connects, releasing mu meanwhile, and starts the reader. It
// reports whether the connection is up; if not, lastErr says why.
func (c *bconn) dialLocked() bool {
	if now := time.Now(); now.Before(c.retryAt) {
		return false
	}
	if c.pinned && c.gen > 0 {
		// A new connection would not carry the session's WATCH.
		c.lastErr = fmt.Errorf("%w: %s: the connection holding WATCH closed", ErrConnLost, c.be.addr)
		return false
	}
	p := c.be.p
	c.dialing = true
	c.mu.Unlock()
	nc, err := p.dialBackend(c.be.addr)
	c.mu.Lock()
	c.dialing = false
	if c.waiters > 0 {
		c.cond.Broadcast()
	}
	if err == nil && c.closed {
		nc.Close()
		err = ErrShutdown
	}
	if err != nil {
		c.backoff = min(max(2*c.backoff, 20*time.Millisecond), 500*time.Millisecond)
		c.retryAt = time.Now().Add(c.backoff)
		c.lastErr = fmt.Errorf("%w: %s: %v", ErrBackendDown, c.be.addr, err)
		c.be.stats.dialErrors.Add(1)
		return false
	}
	c.backoff = 0
	c.nc = nc
	c.gen++
	c.be.stats.dials.Add(1)
	p.wg.Add(1)
	go c.readLoop(nc, c.gen)
	return true
}

// readLoop reads replies and hands each to the oldest call owed one. It
// takes the written calls from the ring in batches, one lock for many
// replies; calls it holds are its to fail if the connection dies.
func (c *bconn) readLoop(nc net.Conn, gen uint64) {
	defer c.be.p.wg.Done()
	size := 16 << 10
	if c.pinned {
		// One session's (a blocking command's, WATCH's): the smallest
		// buffer, grown as replies need; a thousand blocked clients hold
		// a thousand of them.
		size = 0
	}
	rd := resp.NewReader(nc, size, c.be.p.cfg.MaxReplyBytes)
	var owed []*call
	next := 0
	for {
		raw, err := rd.ReadRaw()
		if err != nil {
			err = fmt.Errorf("%w: %s: %v", ErrConnLost, c.be.addr, err)
			c.fail(gen, err)
			c.failOwed(owed[next:], err)
			return
		}
		if next == len(owed) {
			owed, next = owed[:0], 0
			c.mu.Lock()
			if c.gen != gen {
				c.mu.Unlock()
				return
			}
			for c.n > c.unsent {
				owed = append(owed, c.queue[c.head])
				c.queue[c.head] = nil
				c.head = (c.head + 1) % len(c.queue)
				c.n--
			}
			if c.waiters > 0 {
				c.cond.Broadcast()
			}
			c.mu.Unlock()
			if len(owed) == 0 {
				err := fmt.Errorf("%w: %s: unexpected reply %.40q", ErrConnLost, c.be.addr, raw)
				c.fail(gen, err)
				return
			}
		}
		cl := owed[next]
		owed[next] = nil
		next++
		c.answered.Add(1)
		if cl != nil {
			cl.complete(raw, nil)
		}
	}
}

// failOwed fails calls the reader had taken from the ring.
func (c *bconn) failOwed(owed []*call, err error) {
	c.answered.Add(uint64(len(owed)))
	for _, cl := range owed {
		if cl != nil {
			cl.complete(nil, err)
		}
	}
}

// fail closes connection generation gen, if still current, and completes
// every call it owed with err. The next submit dials again.
func (c *bconn) fail(gen uint64, err error) {
	c.mu.Lock()
	if c.gen != gen || c.nc == nil {
		c.mu.Unlock()
		return
	}
	c.failLocked(err)
}

// failLocked is fail with mu held; it releases mu.
func (c *bconn) failLocked(err error) {
	c.nc.Close()
	c.nc = nil
	c.gen++
	failed := make([]*call, 0, c.n)
	c.answered.Add(uint64(c.n))
	for c.n > 0 {
		if cl := c.queue[c.head]; cl != nil {
			failed = append(failed, cl)
		}
		c.queue[c.head] = nil
		c.head = (c.head + 1) % len(c.queue)
		c.n--
	}
	c.out, c.unsent, c.flushing = c.out[:0], 0, false
	c.lastErr = err
	if c.waiters > 0 {
		c.cond.Broadcast()
	}
	c.be.stats.connErrors.Add(1)
	c.mu.Unlock()
	failCalls(failed, err)
}

// kill fails the current connection, if any, with err (watchdog).
func (c *bconn) kill(err error) {
	c.mu.Lock()
	if c.nc == nil {
		c.mu.Unlock()
		return
	}
	c.failLocked(err)
}

// close shuts the connection for good, failing what it owes.
func (c *bconn) close() {
	c.mu.Lock()
	c.closed = true
	if c.nc == nil {
		c.cond.Broadcast()
		c.mu.Unlock()
		return
	}
	c.failLocked(ErrShutdown)
}

// inflight is the number of requests queued and not yet answered.
func (c *bconn) inflight() int64 {
	return int64(c.pushed.Load() - c.answered.Load())
}

func failCalls(calls []*call, err error) {
	for _, cl := range calls {
		cl.complete(nil, err)
	}
}

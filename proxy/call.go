package proxy

import "sync/atomic"

// call is one request forwarded to a node and, once answered, its reply.
// A call belongs to the session that made it; the backend connection only
// fills in reply or err and signals the waiter.
type call struct {
	// req is the encoded command. It is not modified while in flight.
	req []byte
	// own is a buffer for req when the proxy encodes the command itself.
	own []byte
	// reply is the raw reply, owned by the call.
	reply []byte
	// err is a transport failure in place of a reply.
	err error
	// w is told when the call is done; nil means the reply is discarded.
	w *waiter

	// slot is the key's hash slot, or -1 when the call targets be itself
	// (fan-out to every node, or a keyless command).
	slot int
	// be is the node the call is sent to.
	be *backend
	// via, when set, is the connection the call must use (a pinned one).
	via *bconn
	// asking precedes the call with ASKING (after an -ASK redirect).
	asking bool
	// write: the command may write (a WAIT after it must vouch for the
	// node it reached: waitwrites.go).
	write bool
}

// complete records the reply (copied) or the failure and tells the waiter.
func (c *call) complete(raw []byte, err error) {
	if c.w == nil {
		return
	}
	c.reply = append(c.reply[:0], raw...)
	c.err = err
	c.w.done()
}

// reset readies a call for reuse, keeping buffers that are not too big.
func (c *call) reset() {
	const keep = 64 << 10
	req, reply := c.own[:0], c.reply[:0]
	if cap(req) > keep {
		req = nil
	}
	if cap(reply) > keep {
		reply = nil
	}
	*c = call{own: req, reply: reply}
}

// waiter counts a session's outstanding calls and wakes it when the last
// one completes. Each round starts with begin (which holds one count so
// that early completions cannot end the round), adds a count per call and
// ends with wait, which drops the held count and blocks until zero. The
// count reaches zero exactly once per round, so one buffered slot is
// enough and done never blocks.
type waiter struct {
	n  atomic.Int32
	ch chan struct{}
}

func newWaiter() *waiter { return &waiter{ch: make(chan struct{}, 1)} }

func (w *waiter) begin()    { w.n.Store(1) }
func (w *waiter) add(k int) { w.n.Add(int32(k)) }

func (w *waiter) done() {
	if w.n.Add(-1) == 0 {
		w.ch <- struct{}{}
	}
}

func (w *waiter) wait() {
	if w.n.Add(-1) != 0 {
		<-w.ch
	}
}

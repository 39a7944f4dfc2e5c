package node

import (
	"time"

	"github.com/tidwall/redcon"

	"github.com/vcache/vcache/internal/outbox"
)

// A subscriber or a monitor receives messages while its connection's
// goroutine waits for its next command, so its replies and its messages go
// out through one outbox (internal/outbox). The connection's reply writer
// flushes into the same queue, so a reply and a message never interleave
// mid-way.

// bufLimit is one class of client-output-buffer-limit: a hard limit in
// bytes, and a soft limit that may be exceeded for softSecs seconds.
// Zero values mean no limit.
type bufLimit struct {
	hard, soft int64
	softSecs   int64
}

// outboxLimit is l as the outbox takes it.
func (l bufLimit) outboxLimit() outbox.Limit {
	return outbox.Limit{Hard: l.hard, Soft: l.soft, SoftFor: time.Duration(l.softSecs) * time.Second}
}

// startOutbox routes c's replies through a new outbox and starts its
// sender; the connection's goroutine must own c (see serveFrom). It is
// done once per connection: the first subscription.
func (n *Node) startOutbox(c *rconn, cl *client) *outbox.Queue {
	nc := c.nc
	if c.fd != nil {
		// A connection of the event loops: the sender writes through a
		// handle of its own, so the connection may go back to a loop
		// (loop_return_linux.go) while the outbox sends.
		if sc, err := c.fd.SendConn(); err == nil {
			nc, c.sendConn = sc, sc
		}
	}
	o := outbox.New(nc, func() outbox.Limit { return n.pubsub.limitFor(cl).outboxLimit() }, func() {
		n.log.Warn("client closed for overcoming of output buffer limits", "client", cl.id, "addr", cl.addr)
		n.pubsub.cut.Add(1)
	}, func(d int64) {
		n.clientOut.Add(d)
		cl.omem.Add(d)
	})
	w := redcon.NewWriter(o)
	w.SetBuffer(c.Writer.Buffer())
	c.Writer = w
	c.counts = false
	cl.out.Store(o)
	go o.Run()
	return o
}

// endOutbox sends what c's outbox holds and stops its sender, before the
// connection closes. It may wait up to a second for a client that does
// not read.
func (n *Node) endOutbox(c *rconn) {
	if cl, _ := c.ctx.(*client); cl != nil {
		if o := cl.out.Load(); o != nil {
			o.Finish()
		}
		if c.sendConn != nil {
			_ = c.sendConn.Close()
		}
	}
}

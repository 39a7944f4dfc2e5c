package node

import (
	"time"

	"github.com/vcache/vcache/internal/resp"
)

// Memory held for clients, counted in used_memory and against maxmemory
// as Redis counts client output buffers (INFO memory mem_clients_normal,
// CLIENT LIST omem): a client that pipelines large replies and does not
// read them makes the node hold them, and that memory must bring OOM
// (noeviction) or eviction rather than unbounded growth.
//
// An event loop keeps what a socket does not take in the connection's
// pending buffer (rawio.FDConn) and stops reading the connection until
// it drains; noteOut records that buffer's size after every flush and
// drain, forgetOut when the connection ends. Connections served by a
// goroutine block in write instead and hold no more than one reply batch.

// noteOut records c's pending reply bytes (event loop goroutine of c).
func (n *Node) noteOut(c *rconn) {
	if c.fd == nil {
		return
	}
	n.setOut(c, int64(c.fd.Pending()))
}

// forgetOut drops c's pending reply bytes from the count (c is closing).
func (n *Node) forgetOut(c *rconn) { n.setOut(c, 0) }

func (n *Node) setOut(c *rconn, p int64) {
	d := p - c.omem
	if d == 0 {
		return
	}
	c.omem = p
	n.clientOut.Add(d)
	if cl, ok := c.ctx.(*client); ok {
		cl.omem.Store(p)
	}
}

// Query buffers (CLIENT LIST qbuf) count too: a client that sends part
// of a large request makes its reader hold what came so far (the reader
// grows to about twice the bytes received, never to what a bulk header
// announces). The reader reports each resize of its buffer; the base
// buffer every connection has is not counted, as Redis frees an idle
// client's query buffer. The count is dropped when the connection ends
// or is taken over (Detach).
//
// Connections served by a goroutine (TLS, and those handed off for a
// blocking command, WAIT or a replica's stream) write their replies in a
// blocking write: while it waits for a client that does not read, the
// reply batch is counted (flushCounted). A subscriber's outbox counts
// what it queues (pubsub_out.go).

// countReader makes c's reader report its buffer to the node's count.
func (n *Node) countReader(c *rconn) {
	c.rd.SetOnResize(func(size int) { n.setIn(c, size) })
	n.setIn(c, c.rd.Cap())
}

// forgetIn drops c's query buffer from the count.
func (n *Node) forgetIn(c *rconn) { n.setIn(c, resp.ReaderBufferSize) }

// setIn notes the size of c's query buffer: what it holds beyond the
// base buffer counts in the node's memory, the size in CLIENT LIST.
func (n *Node) setIn(c *rconn, size int) {
	cl, _ := c.ctx.(*client)
	if cl != nil {
		cl.qcap.Store(int64(size))
	}
	p := int64(max(size-resp.ReaderBufferSize, 0))
	d := p - c.qmem
	if d == 0 {
		return
	}
	c.qmem = p
	n.clientIn.Add(d)
	if cl != nil {
		cl.qbuf.Store(p)
	}
}

// qbufIdle is how long a connection sends nothing before its query
// buffer is given back (Redis frees an idle client's after 2 s): an idle
// connection then holds no read buffer (16 KiB each otherwise), and
// CLIENT LIST shows qbuf=0 qbuf-free=0 for it.
const qbufIdle = 2 * time.Second

// qbufTrimEvery is how often a connection's grown query buffer is fitted
// to its recent requests (Redis's clients cron visits a client every
// 100 ms).
const qbufTrimEvery = 100 * time.Millisecond

// trimQueryBuf fits c's query buffer, once it has grown past the base
// buffer, to the most bytes it held since the last time
// (resp.CommandReader.Trim), at most every qbufTrimEvery: after one large
// request, a client that goes on sending small ones soon holds a small
// buffer again, as in Redis (CLIENT LIST qbuf, used_memory). It runs
// between batches of commands, on an event loop (after a batch) and on
// a connection's goroutine (before it reads again); an idle connection's
// buffer is given back whole on an event loop (releaseIdleBuffers).
func trimQueryBuf(c *rconn) {
	if c.rd.Cap() <= resp.ReaderBufferSize {
		return
	}
	now := time.Now()
	if now.Before(c.trimAt) {
		return
	}
	c.trimAt = now.Add(qbufTrimEvery)
	c.rd.Trim()
}

// armReadDeadline sets the read deadline of c, a connection served by
// its own goroutine, before it reads: idleAt (the idle timeout; zero for
// none) or, when earlier, the moment its query buffer is given back if
// nothing arrives (resp.IdleRelease).
func (c *rconn) armReadDeadline(idleAt time.Time) {
	c.idle.After = qbufIdle
	c.setReadDeadline(c.idle.Deadline(c.rd, idleAt))
}

// setReadDeadline sets c's read deadline unless it is set already.
func (c *rconn) setReadDeadline(t time.Time) {
	if !t.Equal(c.deadline) {
		_ = c.nc.SetReadDeadline(t)
		c.deadline = t
	}
}

// releasedIdle reports whether err, a read's error, is the deadline that
// gives back c's query buffer (armReadDeadline): then the buffer is
// released, the deadline is the idle timeout's again, and the caller
// reads on (CommandReader.AwaitInput).
func (c *rconn) releasedIdle(err error, idleAt time.Time) bool {
	if !c.idle.Released(c.rd, err, c.deadline) {
		return false
	}
	c.setReadDeadline(idleAt)
	return true
}

// flushCounted sends the size bytes of replies of c, a connection served
// by its own goroutine, counting them while the write lasts. A
// subscriber's writer feeds its outbox, which counts them itself.
func (n *Node) flushCounted(c *rconn, size int) error {
	if cl, ok := c.ctx.(*client); ok && cl.out.Load() != nil {
		return c.Flush()
	}
	n.setOut(c, int64(size))
	err := c.Flush()
	n.setOut(c, 0)
	return err
}

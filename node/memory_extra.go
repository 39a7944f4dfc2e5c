package node

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

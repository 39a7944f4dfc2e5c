package proxy

// Connections for transactions that span nodes (multi_nodes.go). Each
// part of such a transaction needs a connection of its own to its node
// (the node ties the lock, and MULTI, to the connection). Opening one per
// transaction cost a dial and a connection set-up on the node, so each
// node keeps up to Config.TxConnsPerBackend idle ones. A connection goes
// back only clean: every call on it was answered (so no MULTI is left
// open, EXEC having answered, and no lock is held, TXUNLOCK having
// answered or TXLOCK not having locked); any failure closes it, which
// also makes the node release whatever it held.

// txConn returns a connection to be for a transaction's part: an idle
// one (pooled) or a new one.
func (p *Proxy) txConn(be *backend) (bc *bconn, pooled bool) {
	p.mu.Lock()
	if n := len(be.txIdle); n > 0 {
		bc = be.txIdle[n-1]
		be.txIdle[n-1] = nil
		be.txIdle = be.txIdle[:n-1]
		p.mu.Unlock()
		if !bc.broken() {
			return bc, true
		}
		p.unpin(bc)
		return p.pinConn(be), false
	}
	p.mu.Unlock()
	return p.pinConn(be), false
}

// txDone gives a transaction's connection back: to the pool when clean
// and there is room, else it is closed.
func (p *Proxy) txDone(bc *bconn, clean bool) {
	if clean && !bc.broken() {
		p.mu.Lock()
		be := bc.be
		if !p.closing && len(be.txIdle) < p.cfg.TxConnsPerBackend {
			be.txIdle = append(be.txIdle, bc)
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
	}
	p.unpin(bc)
}

// clean reports whether every call made on the part's connection was
// answered.
func (pt *xpart) clean() bool {
	if pt.dirty {
		return false
	}
	for _, c := range pt.sent {
		if c.err != nil {
			return false
		}
	}
	return true
}

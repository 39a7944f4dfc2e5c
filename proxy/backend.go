package proxy

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/rawio"
	"github.com/vcache/vcache/internal/resp"
)

// backend is one data node: its address and its shared connections.
type backend struct {
	p     *Proxy
	addr  string
	conns []*bconn
	stats backendStats
	// blocking is the connections blocking commands take (blocking.go).
	blocking blockPool
	// txIdle are idle connections for transactions that span nodes
	// (txpool.go); Proxy.mu guards it.
	txIdle []*bconn
}

func newBackend(p *Proxy, addr string) *backend {
	b := &backend{p: p, addr: addr}
	for range p.cfg.ConnsPerBackend {
		b.conns = append(b.conns, newBconn(b, false))
	}
	return b
}

// conn returns the shared connection session id always uses, so that one
// client's commands to a node keep their order.
func (b *backend) conn(id int64) *bconn {
	return b.conns[uint64(id)%uint64(len(b.conns))]
}

// inflight is the number of requests owed a reply on b's connections.
func (b *backend) inflight() int64 {
	n := b.stats.loopInflight.Load()
	for _, c := range b.conns {
		n += c.inflight()
	}
	return n
}

func (b *backend) close() {
	b.closeBlocking()
	for _, c := range b.conns {
		c.close()
	}
}

// routeTable is a snapshot of the shard map resolved to backends. Slots
// hold small indexes (32 KiB in all) so that lookups stay in cache.
type routeTable struct {
	slots    [keyslot.Count]uint16 // index+1 in backends; 0: unserved
	reads    [keyslot.Count]uint16 // where reads go (a replica), as slots; 0: the primary
	backends []*backend
	nodes    []*backend // every serving node, in the router's order
	// one is the backend serving every slot when a single node serves
	// them all, else nil; anyReads is whether some slot's reads go to a
	// replica. With them the common lookups skip the tables, whose lines
	// the machine's other work keeps out of cache: a lookup per request
	// was a fifth of the loop's own time.
	one      *backend
	anyReads bool
}

// slot returns the backend serving slot, or nil.
func (rt *routeTable) slot(slot int) *backend {
	if rt.one != nil {
		return rt.one
	}
	if i := rt.slots[slot]; i != 0 {
		return rt.backends[i-1]
	}
	return nil
}

// read returns the backend that reads of slot go to: a replica with
// Config.ReadFromReplicas, else the primary.
func (rt *routeTable) read(slot int) *backend {
	if !rt.anyReads {
		return rt.slot(slot)
	}
	if i := rt.reads[slot]; i != 0 {
		return rt.backends[i-1]
	}
	return rt.slot(slot)
}

// backend returns the backend for addr, creating it if needed; nil once
// the proxy is shutting down.
func (p *Proxy) backend(addr string) *backend {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closing {
		return nil
	}
	b := p.backends[addr]
	if b == nil {
		b = newBackend(p, addr)
		p.backends[addr] = b
	}
	return b
}

// rebuildRoutes resolves the router's current map into a new route table.
func (p *Proxy) rebuildRoutes() {
	p.rebuildMu.Lock()
	defer p.rebuildMu.Unlock()
	rt := &routeTable{}
	index := map[string]uint16{}
	get := func(addr string) uint16 {
		if i, ok := index[addr]; ok {
			return i
		}
		var i uint16
		if b := p.backend(addr); b != nil && len(rt.backends) < 1<<16-1 {
			rt.backends = append(rt.backends, b)
			i = uint16(len(rt.backends))
		}
		index[addr] = i
		return i
	}
	// Each node once, even if the router lists it twice: a fan-out asks
	// every node once, or its documents would count twice.
	listed := map[uint16]bool{}
	for _, a := range p.router.Addrs() {
		if i := get(a); i != 0 && !listed[i] {
			listed[i] = true
			rt.nodes = append(rt.nodes, rt.backends[i-1])
		}
	}
	for s := range rt.slots {
		if addr, ok := p.router.Lookup(s); ok {
			rt.slots[s] = get(addr)
		}
	}
	if rr, ok := p.router.(ReplicaRouter); ok && p.cfg.ReadFromReplicas {
		for s := range rt.reads {
			if addr, ok := rr.ReplicaAddr(s, p.cfg.Zone); ok {
				rt.reads[s] = get(addr)
				rt.anyReads = rt.anyReads || rt.reads[s] != 0
			}
		}
	}
	rt.one = rt.single()
	p.routes.Store(rt)
}

// single returns the backend of every slot, or nil if some slot has
// another or none.
func (rt *routeTable) single() *backend {
	i := rt.slots[0]
	if i == 0 {
		return nil
	}
	for _, j := range rt.slots {
		if j != i {
			return nil
		}
	}
	return rt.backends[i-1]
}

// watchRoutes rebuilds the route table whenever the router's map changes.
func (p *Proxy) watchRoutes(ctx context.Context) {
	defer p.wg.Done()
	for {
		ch := p.router.Changed()
		p.rebuildRoutes()
		p.hub.wake()     // shard channels may have moved
		p.expHold.wake() // a node may have joined during a pause
		select {
		case <-ch:
		case <-ctx.Done():
			return
		}
	}
}

// refreshSoon asks the refresher to bring the map up to date, without
// waiting.
func (p *Proxy) refreshSoon() {
	select {
	case p.refreshCh <- struct{}{}:
	default:
	}
}

// refresher runs router refreshes one at a time, as asked by refreshSoon.
func (p *Proxy) refresher(ctx context.Context) {
	defer p.wg.Done()
	for {
		select {
		case <-p.refreshCh:
		case <-ctx.Done():
			return
		}
		rctx, cancel := context.WithTimeout(ctx, p.cfg.RetryDeadline)
		if err := p.router.Refresh(rctx); err != nil && ctx.Err() == nil {
			p.log.Warn("shard map refresh failed", "err", err)
		}
		cancel()
		p.rebuildRoutes()
		p.stats.refreshes.Add(1)
	}
}

// watchdog closes backend connections that owe replies but have answered
// nothing for ReplyTimeout, so that no client waits forever on a node that
// hangs.
func (p *Proxy) watchdog(ctx context.Context) {
	defer p.wg.Done()
	tick := time.NewTicker(max(p.cfg.ReplyTimeout/8, 5*time.Millisecond))
	defer tick.Stop()
	var conns []*bconn
	for {
		select {
		case <-tick.C:
		case <-ctx.Done():
			return
		}
		now := time.Now()
		conns = p.allConns(conns[:0])
		for _, c := range conns {
			ans := c.answered.Load()
			if c.inflight() <= 0 || ans != c.seen || c.since.IsZero() {
				c.seen, c.since = ans, now
				continue
			}
			if now.Sub(c.since) > p.cfg.ReplyTimeout {
				p.log.Warn("backend not answering; closing connection", "backend", c.be.addr, "waited", now.Sub(c.since))
				c.kill(fmt.Errorf("%w: %s", errReplyTimeout, c.be.addr))
				c.since = now
			}
		}
	}
}

// allConns appends every backend connection, pinned ones included.
func (p *Proxy) allConns(dst []*bconn) []*bconn {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, b := range p.backends {
		dst = append(dst, b.conns...)
	}
	for c := range p.pinned {
		dst = append(dst, c)
	}
	return dst
}

// dialBackend connects to a node and authenticates if configured.
func (p *Proxy) dialBackend(addr string) (net.Conn, error) {
	d := net.Dialer{Timeout: p.cfg.DialTimeout, KeepAlive: 30 * time.Second}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	if p.io.RawIO() {
		nc = rawio.Wrap(nc)
	}
	if p.cfg.BackendTLS != nil {
		cfg := p.cfg.BackendTLS.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName, _, _ = net.SplitHostPort(addr)
		}
		tc := tls.Client(nc, cfg)
		tc.SetDeadline(time.Now().Add(p.cfg.DialTimeout))
		if err := tc.Handshake(); err != nil {
			nc.Close()
			return nil, err
		}
		tc.SetDeadline(time.Time{})
		nc = tc
	}
	var hello [][]string
	if p.cfg.BackendPassword != "" {
		hello = append(hello, []string{"AUTH", p.cfg.BackendPassword})
	}
	if _, ok := p.router.(ReplicaRouter); ok && p.cfg.ReadFromReplicas {
		// Lets a replica serve the reads routed to it.
		hello = append(hello, []string{"READONLY"})
	}
	// What CONFIG SET set on the nodes (config_nodes.go), so a node that
	// joined, restarted or was promoted since has it too; its reply is
	// not the connection's concern.
	tolerant := len(hello)
	if cmd := p.nodeCfg.command(); cmd != nil {
		hello = append(hello, cmd)
	}
	if len(hello) == 0 {
		return nc, nil
	}
	nc.SetDeadline(time.Now().Add(p.cfg.DialTimeout))
	w := bufio.NewWriter(nc)
	for _, cmd := range hello {
		w.Write(resp.AppendCommand(nil, cmd...))
	}
	if err := w.Flush(); err != nil {
		nc.Close()
		return nil, err
	}
	rd := resp.NewReader(nc, 0, 1<<16)
	for i, cmd := range hello {
		raw, err := rd.ReadRaw()
		if err != nil {
			nc.Close()
			return nil, err
		}
		if raw[0] == '-' && i < tolerant {
			nc.Close()
			return nil, fmt.Errorf("%s: %s", cmd[0], raw[1:len(raw)-2])
		}
	}
	nc.SetDeadline(time.Time{})
	return nc, nil
}

// pinConn opens a connection dedicated to one session (WATCH).
func (p *Proxy) pinConn(b *backend) *bconn {
	c := newBconn(b, true)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closing {
		c.closed = true
		return c
	}
	p.pinned[c] = struct{}{}
	return c
}

// unpin closes a pinned connection.
func (p *Proxy) unpin(c *bconn) {
	p.mu.Lock()
	delete(p.pinned, c)
	p.mu.Unlock()
	c.close()
}

// backendStats counts what went over a node's connections.
type backendStats struct {
	batches    atomic.Int64 // writes
	calls      atomic.Int64 // requests written
	bytes      atomic.Int64
	maxBatch   atomic.Int64
	batchHist  [16]atomic.Int64 // writes by log2(requests)
	dials      atomic.Int64
	dialErrors atomic.Int64
	connErrors atomic.Int64
	// loopInflight counts the requests the event loops' connections to
	// the node owe replies for (queued ones included).
	loopInflight atomic.Int64
}

func (s *backendStats) recordBatch(calls, bytes int) {
	s.batches.Add(1)
	s.calls.Add(int64(calls))
	s.bytes.Add(int64(bytes))
	s.batchHist[min(log2(uint64(calls)), len(s.batchHist)-1)].Add(1)
	for {
		m := s.maxBatch.Load()
		if int64(calls) <= m || s.maxBatch.CompareAndSwap(m, int64(calls)) {
			return
		}
	}
}

// log2 returns floor(log2(n)) for n > 0, and 0 for 0.
func log2(n uint64) int {
	b := 0
	for n > 1 {
		n >>= 1
		b++
	}
	return b
}

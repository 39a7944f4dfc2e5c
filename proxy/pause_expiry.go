package proxy

import (
	"context"
	"net"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/vcache/vcache/internal/resp"
)

// The nodes' expiry during the proxy's CLIENT PAUSE. Redis keeps its
// dataset still while its clients are paused: keys past their TTL look
// missing but are not deleted (nor counted or notified as expired) and
// nothing is evicted until the pause ends. The proxy's pause holds its own
// clients only (pause.go), so it also tells every data node to hold its
// expiry, under the proxy's id, for a lease:
//
//	VCACHE.HOLDEXPIRY id lease-ms    as the pause starts, then every third of the lease
//	VCACHE.RELEASEEXPIRY id          as it ends
//
// (node/expiryhold.go). One goroutine of the proxy's (expiryHolder.run)
// sends them, over connections of its own, to every node at once: every
// data node the router knows (replicas and nodes serving no slot too, so
// that keys moving to them and replicas stay still), read again at every
// renewal and whenever the shard map changes, so a node that joins
// during the pause holds within a third of the lease. CLIENT PAUSE and
// CLIENT UNPAUSE answer once the nodes have answered (or failed to, within
// the dial and reply timeouts), so what a client reads next sees the
// nodes held or released. Each proxy holds under an id of its own and a
// node holds while any lease runs, so several proxies pause and unpause
// independently. A proxy that dies or hangs leaves the nodes expiring
// again within Config.PauseLease. The nodes' clients, the proxy's shared
// connections among them, are never paused.
//
// Not as in Redis: the nodes go on serving other proxies' clients and
// their own, so their writes go on during the pause, and as eviction is
// held, memory may pass maxmemory until it ends. A node that does not
// know VCACHE.HOLDEXPIRY (redis-server behind the proxy) goes on expiring
// keys; the proxy logs it once per pause.

// expiryHolder holds the nodes' expiry while the proxy's clients are
// paused.
type expiryHolder struct {
	p    *Proxy
	kick chan struct{} // wakes run (buffered: never blocks)

	// mu guards what follows.
	mu      sync.Mutex
	want    bool          // the proxy's clients are paused
	gen     uint64        // bumped at every start and end of a pause
	done    uint64        // the gen the nodes were last told
	settled chan struct{} // closed, and replaced, when done moves
	stopped bool          // run has returned
}

func newExpiryHolder(p *Proxy) *expiryHolder {
	return &expiryHolder{p: p, kick: make(chan struct{}, 1), settled: make(chan struct{})}
}

// change is the proxy's pause starting (true) or ending (false):
// front.Pause.OnChange, called under the pause's lock, so it only records
// it and wakes run.
func (h *expiryHolder) change(on bool) {
	h.mu.Lock()
	h.want = on
	h.gen++
	h.mu.Unlock()
	h.wake()
}

// wake has run look again: the pause changed, or the nodes may have.
func (h *expiryHolder) wake() {
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// settle waits until the nodes were told of the last change of the pause
// (front.Pause.Settle), for two rounds of run at most.
func (h *expiryHolder) settle() {
	cfg := &h.p.cfg
	limit := time.NewTimer(2 * (cfg.DialTimeout + h.ioWait()))
	defer limit.Stop()
	h.mu.Lock()
	gen := h.gen
	for h.done < gen && !h.stopped {
		ch := h.settled
		h.mu.Unlock()
		select {
		case <-ch:
		case <-limit.C:
			return
		}
		h.mu.Lock()
	}
	h.mu.Unlock()
}

// ioWait bounds a node's answer to a hold or a release: the reply
// timeout, or a third of the lease if shorter, so that a node that hangs
// does not delay the renewals of the others past their lease.
func (h *expiryHolder) ioWait() time.Duration {
	return min(h.p.cfg.ReplyTimeout, h.p.cfg.PauseLease/3)
}

// holdConn is run's connection to one node.
type holdConn struct {
	nc net.Conn
	rd *resp.Reader
}

// run tells the nodes to hold their expiry while the pause lasts, renews
// the holds, and releases them as it ends or as ctx ends. The caller
// waits for it (Proxy.wg).
func (h *expiryHolder) run(ctx context.Context) {
	defer h.p.wg.Done()
	conns := map[string]*holdConn{}
	held := map[string]bool{} // nodes that took the hold, until released
	warned := map[string]bool{}
	holding := false
	lease := h.p.cfg.PauseLease
	renew := time.NewTicker(lease / 3)
	renew.Stop()
	defer func() {
		renew.Stop()
		if holding {
			h.round(conns, held, warned, false)
		}
		for _, c := range conns {
			c.nc.Close()
		}
		h.mu.Lock()
		h.stopped = true
		close(h.settled)
		h.mu.Unlock()
	}()
	for {
		select {
		case <-h.kick:
		case <-renew.C:
		case <-ctx.Done():
			return
		}
		h.mu.Lock()
		want, gen := h.want, h.gen
		h.mu.Unlock()
		switch {
		case want:
			if !holding {
				clear(warned)
				renew.Reset(lease / 3)
			}
			holding = true
			h.round(conns, held, warned, true)
		case holding:
			holding = false
			renew.Stop()
			h.round(conns, held, warned, false)
			for addr, c := range conns {
				c.nc.Close()
				delete(conns, addr)
			}
		}
		h.mu.Lock()
		if gen > h.done {
			h.done = gen
			close(h.settled)
			h.settled = make(chan struct{})
		}
		h.mu.Unlock()
	}
}

// round sends every node the hold (hold) or its release, at once, and
// waits for their replies or failures.
func (h *expiryHolder) round(conns map[string]*holdConn, held, warned map[string]bool, hold bool) {
	p := h.p
	var req []byte
	if hold {
		req = resp.AppendCommand(nil, "VCACHE.HOLDEXPIRY", p.nodeID, strconv.FormatInt(p.cfg.PauseLease.Milliseconds(), 10))
	} else {
		req = resp.AppendCommand(nil, "VCACHE.RELEASEEXPIRY", p.nodeID)
	}
	addrs := p.dataAddrs()
	if !hold {
		for addr := range held {
			if !slices.Contains(addrs, addr) {
				addrs = append(addrs, addr)
			}
		}
	}
	type result struct {
		c     *holdConn
		reply []byte
		err   error
	}
	results := make([]result, len(addrs))
	var wg sync.WaitGroup
	for i, addr := range addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, reply, err := h.send(conns[addr], addr, req)
			results[i] = result{c, reply, err}
		}()
	}
	wg.Wait()
	for i, addr := range addrs {
		r := results[i]
		if r.c == nil {
			delete(conns, addr)
		} else {
			conns[addr] = r.c
		}
		if !hold {
			delete(held, addr)
			continue
		}
		switch {
		case r.err == nil && len(r.reply) > 0 && r.reply[0] != '-':
			held[addr] = true
		case !warned[addr]:
			warned[addr] = true
			why := ""
			if r.err != nil {
				why = r.err.Error()
			} else {
				why = string(r.reply[1 : len(r.reply)-2])
			}
			p.log.Warn("CLIENT PAUSE: a node does not hold its expiry; keys may expire there during the pause", "backend", addr, "err", why)
		}
	}
}

// send sends req to the node at addr over c (dialing it when nil) and
// reads the reply. It returns the connection to keep, nil after a
// failure.
func (h *expiryHolder) send(c *holdConn, addr string, req []byte) (*holdConn, []byte, error) {
	p := h.p
	if c == nil {
		nc, err := p.dialBackend(addr)
		if err != nil {
			return nil, nil, err
		}
		c = &holdConn{nc: nc, rd: resp.NewReader(nc, 0, 1<<16)}
	}
	c.nc.SetDeadline(time.Now().Add(h.ioWait()))
	if _, err := c.nc.Write(req); err != nil {
		c.nc.Close()
		return nil, nil, err
	}
	reply, err := c.rd.ReadRaw()
	if err != nil {
		c.nc.Close()
		return nil, nil, err
	}
	return c, append([]byte(nil), reply...), nil
}

// dataAddrs returns every data node the router knows, once each: those
// serving slots and, from a MemberRouter, the others.
func (p *Proxy) dataAddrs() []string {
	var addrs []string
	add := func(list []string) {
		for _, a := range list {
			if !slices.Contains(addrs, a) {
				addrs = append(addrs, a)
			}
		}
	}
	add(p.router.Addrs())
	if mr, ok := p.router.(MemberRouter); ok {
		add(mr.DataAddrs())
	}
	return addrs
}

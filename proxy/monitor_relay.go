package proxy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"net"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/internal/resp"
)

// A script's own commands through the proxy. A script runs on a node,
// whose MONITOR shows each of its redis.call commands as a "lua" line
// after the script's own line. While the proxy has monitors it keeps a
// MONITOR connection to every node it routes to (primaries, and the
// replicas reads go to) and relays the nodes' "lua" lines to its monitors
// as the nodes wrote them (the node's time). The proxy queues its own line
// for EVAL or FCALL before it sends the script on, so a script's commands
// come after it; the proxy's lines for commands sent after the script may
// come before them, as the two travel apart. A node's lua lines are those
// of every script it runs, whichever client (of this proxy, of another
// proxy, or of the node itself) ran it. The connections are closed when
// the last monitor leaves; a node that joins, or a connection that
// breaks, is monitored again within relayResync.

// relayResync is how often the relay checks which nodes it monitors when
// no monitor comes or goes.
const relayResync = time.Second

// monitorRelay keeps the nodes' monitors while the proxy has its own.
type monitorRelay struct {
	p     *Proxy
	kick  chan struct{}
	conns map[string]*relayConn // owned by run
}

// relayConn is a MONITOR connection to one node.
type relayConn struct {
	nc   net.Conn
	dead atomic.Bool
}

func newMonitorRelay(p *Proxy) *monitorRelay {
	return &monitorRelay{p: p, kick: make(chan struct{}, 1), conns: map[string]*relayConn{}}
}

// wake asks the relay to check its connections now (a monitor came or
// went).
func (r *monitorRelay) wake() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// run is the relay's goroutine, until ctx ends.
func (r *monitorRelay) run(ctx context.Context) {
	defer r.p.wg.Done()
	tick := time.NewTicker(relayResync)
	defer tick.Stop()
	for {
		select {
		case <-r.kick:
		case <-tick.C:
		case <-ctx.Done():
			for addr, c := range r.conns {
				c.nc.Close()
				delete(r.conns, addr)
			}
			return
		}
		r.sync()
	}
}

// sync monitors every node the proxy routes to while it has monitors,
// none otherwise.
func (r *monitorRelay) sync() {
	need := map[string]bool{}
	if r.p.monitors.n.Load() > 0 {
		if rt := r.p.routes.Load(); rt != nil {
			for _, b := range rt.backends {
				need[b.addr] = true
			}
		}
	}
	for addr, c := range r.conns {
		if !need[addr] || c.dead.Load() {
			c.nc.Close()
			delete(r.conns, addr)
		}
	}
	for addr := range need {
		if r.conns[addr] != nil {
			continue
		}
		nc, err := r.dial(addr)
		if err != nil {
			r.p.log.Debug("monitor relay: dial", "addr", addr, "err", err)
			continue // the next sync tries again
		}
		c := &relayConn{nc: nc}
		r.conns[addr] = c
		r.p.wg.Add(1)
		go r.read(c)
	}
}

// dial opens a connection to addr in MONITOR mode.
func (r *monitorRelay) dial(addr string) (net.Conn, error) {
	nc, err := r.p.dialBackend(addr)
	if err != nil {
		return nil, err
	}
	nc.SetDeadline(time.Now().Add(r.p.cfg.DialTimeout))
	w := bufio.NewWriter(nc)
	w.Write(resp.AppendCommand(nil, "MONITOR"))
	if err := w.Flush(); err != nil {
		nc.Close()
		return nil, err
	}
	// One byte at a time up to the +OK's end, so that no line after it is
	// read into a buffer the reader does not own.
	var reply []byte
	one := make([]byte, 1)
	for !bytes.HasSuffix(reply, []byte("\r\n")) && len(reply) < 512 {
		if _, err := nc.Read(one); err != nil {
			nc.Close()
			return nil, err
		}
		reply = append(reply, one[0])
	}
	if string(reply) != "+OK\r\n" {
		nc.Close()
		return nil, errors.New("MONITOR: " + string(bytes.TrimSpace(reply)))
	}
	nc.SetDeadline(time.Time{})
	return nc, nil
}

// read relays c's lua lines until it breaks or is closed.
func (r *monitorRelay) read(c *relayConn) {
	defer r.p.wg.Done()
	rd := resp.NewReader(c.nc, 0, r.p.cfg.MaxReplyBytes)
	for {
		raw, err := rd.ReadRaw()
		if err != nil {
			break
		}
		if luaLine(raw) {
			r.p.monitors.feedLine(append([]byte(nil), raw...))
		}
	}
	c.dead.Store(true)
	c.nc.Close()
}

// luaLine reports whether raw is a monitor line of a script's command:
// "+<time> [<db> lua] ...".
func luaLine(raw []byte) bool {
	if len(raw) == 0 || raw[0] != '+' {
		return false
	}
	i := bytes.IndexByte(raw, '[')
	if i < 0 {
		return false
	}
	j := bytes.IndexByte(raw[i:], ' ')
	return j > 0 && bytes.HasPrefix(raw[i+j:], []byte(" lua] "))
}

// feedLine queues a formatted line to every monitor.
func (m *monitorSet) feedLine(line []byte) {
	if m.n.Load() == 0 {
		return
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, in := range m.set {
		in.push(line, true)
	}
}

//go:build linux

package proxy

import (
	"errors"
	"net"
	"runtime"
	"sync"
	"syscall"
	"time"

	"github.com/vcache/vcache/internal/rawio"
	"github.com/vcache/vcache/internal/resp"
)

// Event loops, as twemproxy runs: a few goroutines (Config.Loops, one per
// processor by default) each wait on an epoll set holding its clients and
// its own connections to the nodes. In one round a loop reads every
// client with bytes waiting, appends their commands to the node
// connections' buffers, writes each node connection once, reads the
// replies that have come in and writes each client the replies that are
// next in its order. Nothing parks or wakes a goroutine per request, and
// the requests of all the loop's clients share one write to a node.
//
// A loop serves what is simple and frequent: commands routed by one slot
// to one node, and the commands the proxy answers itself. Before any other
// command (a multi-key split, a fan-out, MULTI, WATCH) the connection
// waits for the replies it is owed and then moves to a goroutine of its
// own (handoff), which serves it as every connection is served without
// loops. A reply that asks for a retry (-MOVED, -ASK, -TRYAGAIN, -LOADING,
// a lost node) is settled by a goroutine through the shared connections,
// as settle does for a session, and handed back to the loop. TLS clients,
// TLS nodes and non-Linux systems use goroutines only.
// loop is one event loop.
type loop struct {
	rawio.Poller
	p *Proxy

	// mu guards what other goroutines hand the loop, and closed.
	mu       sync.Mutex
	closed   bool // the descriptors are closed: nobody may wake the loop
	stop     bool
	incoming []*loopSession
	settled  []settledBatch
	dialed   []dialResult

	clients map[int]*loopSession    // by descriptor
	nodes   map[int]*loopBconn      // by descriptor
	conns   map[*backend]*loopBconn // the loop's connection to each node
	dirty   []*loopBconn            // with requests to write
	touched []*loopSession          // with replies to write or a state to act on
	free    []*loopCall             // requests to reuse
	now     time.Time               // the round's time
	lastChk time.Time               // the last idle and watchdog check
	events  [256]syscall.EpollEvent // epoll's answers
	stats   []lstat                 // command counts of the round, by entry id
	order   []*entry                // stats' keys, in first-seen order
	conv    []byte                  // scratch space for converting a reply to RESP3

	procs    int32 // GOMAXPROCS, as of the last check (loop_wait_linux.go)
	noPwait2 bool  // the kernel has no epoll_pwait2
}

// startLoops starts the proxy's event loops, if it is to have any.
func (p *Proxy) startLoops() {
	n := p.cfg.Loops
	if n == 0 {
		n = defaultLoops(runtime.GOMAXPROCS(0))
	}
	if !p.io.ProxyLoops() || p.cfg.TLS != nil || p.cfg.BackendTLS != nil {
		return
	}
	for range n {
		l, err := newLoop(p)
		if err != nil {
			p.log.Warn("event loop unavailable; one goroutine per connection", "err", err)
			break
		}
		p.loops = append(p.loops, l)
	}
	for _, l := range p.loops {
		p.wg.Add(1)
		go l.run()
	}
}

// defaultLoops is how many loops a proxy has on procs processors: half
// of them. The proxy forwards what its clients send and the nodes do the
// work; on one machine with both, more loops compete with them. On 2
// cores, redis-benchmark -c 50 through the proxy to a redis-server (same
// run): 1 loop 171k/173k SET/GET ops/s at -P 1 and 1.1M/1.0M at -P 16,
// 2 loops 102k/100k and 0.84M/0.82M; the direct connection 165k/163k and
// 0.95M/1.08M.
func defaultLoops(procs int) int { return max(1, procs/2) }

func newLoop(p *Proxy) (*loop, error) {
	pl, err := rawio.NewPoller()
	if err != nil {
		return nil, err
	}
	return &loop{
		Poller: pl, p: p,
		clients: map[int]*loopSession{}, nodes: map[int]*loopBconn{}, conns: map[*backend]*loopBconn{},
		stats: make([]lstat, len(p.cmds.order)),
	}, nil
}

// shut closes the loop's descriptors; afterwards nobody wakes it.
func (l *loop) shut() {
	l.mu.Lock()
	l.closed = true
	l.mu.Unlock()
	l.Close()
}

// wakeLocked interrupts the loop's wait; mu is held.
func (l *loop) wakeLocked() {
	if !l.closed {
		l.Wake()
	}
}

// wakeLoops interrupts every loop's wait (a drain began).
func (p *Proxy) wakeLoops() {
	for _, l := range p.loops {
		l.mu.Lock()
		l.wakeLocked()
		l.mu.Unlock()
	}
}

// stopLoops makes every loop close what it holds and return.
func (p *Proxy) stopLoops() {
	for _, l := range p.loops {
		l.mu.Lock()
		l.stop = true
		l.wakeLocked()
		l.mu.Unlock()
	}
}

// adopt gives a plain TCP client to a loop, with its session registered;
// it returns false when nc must be served by a goroutine. Called with
// p.mu held.
func (p *Proxy) adopt(nc net.Conn) bool {
	if len(p.loops) == 0 {
		return false
	}
	tc, ok := nc.(*net.TCPConn)
	if !ok {
		return false
	}
	tc.SetNoDelay(true)
	fc, err := rawio.NewFDConn(tc)
	if err != nil {
		return false
	}
	s := newSession(p, fc)
	lc := &loopSession{s: s, fc: fc, rd: resp.NewCommandReader(fc, 0)}
	s.watchQueryBuf(lc.rd)
	p.sessions[s.id] = s
	p.sessionWG.Add(1)
	p.stats.loopClients.Add(1)
	l := p.loops[uint64(s.id)%uint64(len(p.loops))]
	l.mu.Lock()
	l.incoming = append(l.incoming, lc)
	l.wakeLocked()
	l.mu.Unlock()
	return true
}

// run is the loop.
func (l *loop) run() {
	p := l.p
	defer p.wg.Done()
	defer p.io.LoopRunning()()
	l.procs = int32(runtime.GOMAXPROCS(0))
	for {
		// Unlike the node's loops it does not spin before sleeping: the
		// proxy shares its processors with the nodes and the clients, and
		// its loop's 20 µs polls took their time (redis-benchmark -P 1
		// through a 1-loop proxy: 141k/157k SET/GET ops/s spinning,
		// 171k/173k not, same run). It sleeps keeping its processor
		// (loop_wait_linux.go).
		nev, err := l.poll(l.timeout())
		if err != nil && !errors.Is(err, syscall.EINTR) {
			p.log.Error("event loop", "err", err)
			l.closeAll()
			return
		}
		l.now = time.Now()
		for i := 0; i < nev; i++ {
			ev := l.events[i]
			fd := int(ev.Fd)
			if l.IsWake(fd) {
				if l.takeWakes() {
					l.closeAll()
					return
				}
				continue
			}
			if lc := l.clients[fd]; lc != nil {
				l.clientEvent(lc, ev.Events)
			} else if lb := l.nodes[fd]; lb != nil {
				l.nodeEvent(lb, ev.Events)
			}
		}
		for i, lb := range l.dirty {
			l.dirty[i] = nil
			l.send(lb)
		}
		l.dirty = l.dirty[:0]
		for i, lc := range l.touched {
			l.touched[i] = nil
			l.settleClient(lc)
		}
		l.touched = l.touched[:0]
		l.recordStats()
		l.checks()
	}
}

// timeout is how long the loop may sleep: until its next check when it
// has anything to watch over, else until woken.
func (l *loop) timeout() int {
	d := time.Duration(-1)
	pick := func(x time.Duration) {
		if x > 0 && (d < 0 || x < d) {
			d = x
		}
	}
	if idle := l.p.cfg.IdleTimeout; idle > 0 && len(l.clients) > 0 {
		pick(idle / 4)
	}
	if len(l.clients) > 0 {
		pick(qbufIdle / 2) // releaseIdleBuffers
	}
	for _, lb := range l.conns {
		if len(lb.owed) > lb.head {
			pick(l.p.cfg.ReplyTimeout / 8)
			break
		}
	}
	if l.p.drainBy.Load() != 0 {
		pick(10 * time.Millisecond)
	}
	if d < 0 {
		return -1
	}
	return int(max(d, time.Millisecond) / time.Millisecond)
}

// takeWakes takes what other goroutines handed the loop; it reports
// whether the loop must stop.
func (l *loop) takeWakes() bool {
	l.DrainWake()
	l.mu.Lock()
	in, settled, dialed, stop := l.incoming, l.settled, l.dialed, l.stop
	l.incoming, l.settled, l.dialed = nil, nil, nil
	l.mu.Unlock()
	for _, lc := range in {
		l.open(lc)
	}
	for _, d := range dialed {
		l.connected(d)
	}
	for _, b := range settled {
		l.settledRetries(b)
	}
	return stop
}

// recordStats adds the round's command figures to the proxy's.
func (l *loop) recordStats() {
	if len(l.order) == 0 {
		return
	}
	var total int64
	for i, e := range l.order {
		st := &l.stats[e.id]
		e.stats.add(st)
		total += st.n
		*st = lstat{}
		l.order[i] = nil
	}
	l.order = l.order[:0]
	l.p.stats.commands.Add(total)
}

// checks closes idle clients, node connections that stopped answering,
// and, while the proxy drains, clients whose replies are out.
func (l *loop) checks() {
	cfg := &l.p.cfg
	every := qbufIdle / 2 // releaseIdleBuffers
	if cfg.ReplyTimeout > 0 {
		every = min(every, cfg.ReplyTimeout/8)
	}
	if cfg.IdleTimeout > 0 {
		every = min(every, cfg.IdleTimeout/4)
	}
	drain := l.p.drainBy.Load()
	if l.now.Sub(l.lastChk) < every && drain == 0 {
		return
	}
	l.lastChk = l.now
	l.procs = int32(runtime.GOMAXPROCS(0)) // the runtime may change it
	for _, lb := range l.conns {
		if lb.fc != nil && len(lb.owed) > lb.head && l.now.Sub(lb.progress) > cfg.ReplyTimeout {
			l.p.log.Warn("backend not answering; closing connection", "backend", lb.be.addr, "waited", l.now.Sub(lb.progress))
			l.nodeFailed(lb, errReplyTimeout)
		}
	}
	l.releaseIdleBuffers()
	for _, lc := range l.clients {
		idle := cfg.IdleTimeout > 0 && l.now.Sub(lc.lastIO) > cfg.IdleTimeout
		if (idle || (drain != 0 && l.now.UnixNano() > drain)) && !lc.handing {
			lc.closing = true
			l.touch(lc)
		}
	}
	for i, lc := range l.touched {
		l.touched[i] = nil
		l.settleClient(lc)
	}
	l.touched = l.touched[:0]
}

// closeAll closes every client and node connection of the loop (and the
// clients still being handed to it), then its descriptors.
func (l *loop) closeAll() {
	for _, lc := range l.clients {
		l.drop(lc)
	}
	for _, lb := range l.conns {
		if lb.fc != nil {
			fd := lb.fc.FD()
			_ = syscall.EpollCtl(l.Epfd, syscall.EPOLL_CTL_DEL, fd, nil)
			lb.fc.Release()
			lb.fc = nil
		}
	}
	l.mu.Lock()
	in, dialed := l.incoming, l.dialed
	l.incoming, l.dialed = nil, nil
	l.mu.Unlock()
	for _, lc := range in {
		l.drop(lc)
	}
	for _, d := range dialed {
		if d.fc != nil {
			d.fc.Release()
		}
	}
	l.shut()
}

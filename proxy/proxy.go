package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vcache/vcache/internal/acl"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/internal/rawio"
	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/serving"
)

// Proxy is the client endpoint in front of the data nodes. Create it with
// New, run it with Serve, stop it with Shutdown.
type Proxy struct {
	pause     front.Pause // CLIENT PAUSE of the proxy's clients (pause.go)
	cfg       Config
	router    Router
	log       *slog.Logger
	cmds      *cmdTable
	acl       *acl.Table // the proxy's users, over cmds.order
	io        *serving.Group
	crossSlot bool
	start     time.Time
	stats     proxyStats
	nodeID    string // the one node's id in CLUSTER replies

	// hub is the proxy's subscriptions on the nodes (pubsub_hub.go).
	hub *pubsubHub
	// monRelay is the nodes' monitors while the proxy has its own: a
	// script's commands (monitor_relay.go).
	monRelay *monitorRelay
	// monitors is the proxy's MONITOR clients (monitor.go).
	monitors monitorSet
	// expHold holds the nodes' expiry while the proxy's clients are
	// paused (pause_expiry.go).
	expHold *expiryHolder

	// cursors holds FT.AGGREGATE WITHCURSOR's results.
	cursors ftargs.Cursors

	// nodeCfg is what CONFIG SET set on the nodes (config_nodes.go).
	nodeCfg nodeConfig

	// xwait orders the clients blocked in pops across nodes
	// (block_across_queue.go).
	xwait xwaitQueue

	// mu guards backends, pinned, sessions, ln and the lifecycle flags.
	mu       sync.Mutex
	backends map[string]*backend
	pinned   map[*bconn]struct{}
	sessions map[int64]*session
	ln       net.Listener
	serving  bool
	closing  bool

	routes atomic.Pointer[routeTable]
	// rebuildMu makes route table rebuilds one at a time, so that the
	// last one stored read the router last: the refresher's rebuild must
	// not store a map read before a change the watcher already stored.
	rebuildMu sync.Mutex
	drainBy   atomic.Int64 // when draining: the Unix nanosecond reads stop
	nextID    atomic.Int64
	refreshCh chan struct{}
	stop      chan struct{} // closed by Shutdown
	stopOnce  sync.Once
	served    chan struct{} // closed when Serve has finished

	loops []*loop // event loops (Linux): set by Serve before accepting

	wg        sync.WaitGroup // background goroutines and backend readers
	sessionWG sync.WaitGroup // client connections
}

// New returns a proxy that routes with router. It starts nothing; call
// Serve.
func New(cfg Config, router Router, log *slog.Logger) (*Proxy, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if router == nil {
		return nil, errors.New("proxy: nil router")
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	p := &Proxy{
		cfg:       cfg,
		router:    router,
		log:       log.With("component", "proxy"),
		cmds:      newCmdTable(),
		io:        serving.Own(cfg.Serving),
		start:     time.Now(),
		nodeID:    newNodeID(),
		backends:  map[string]*backend{},
		pinned:    map[*bconn]struct{}{},
		sessions:  map[int64]*session{},
		refreshCh: make(chan struct{}, 1),
		stop:      make(chan struct{}),
		served:    make(chan struct{}),
	}
	specs := make([]*command.Spec, len(p.cmds.order))
	for i, e := range p.cmds.order {
		specs[i] = e.spec
	}
	users, err := acl.NewTable(acl.NewCommands(specs), acl.Config{RequirePass: cfg.RequirePass, File: cfg.ACLFile, Log: p.log,
		PubsubDefault: cfg.ACLPubsubDefault})
	if err != nil {
		return nil, fmt.Errorf("proxy: ACL file: %w", err)
	}
	p.acl = users
	p.hub = newPubsubHub(p)
	p.monRelay = newMonitorRelay(p)
	p.expHold = newExpiryHolder(p)
	p.pause.OnChange = p.expHold.change
	p.pause.Settle = p.expHold.settle
	if cs, ok := router.(CrossSlotRouter); ok {
		p.crossSlot = cs.AllowsCrossSlot()
	}
	p.rebuildRoutes()
	return p, nil
}

// acceptPasses reports whether an error of Accept passes: a timeout, the
// process or the system out of descriptors or buffers for a moment, a
// connection aborted or refused by a filter before it was taken.
func acceptPasses(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	for _, e := range []error{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM,
		syscall.ECONNABORTED, syscall.ECONNRESET, syscall.EPROTO, syscall.EPERM, syscall.EINTR, syscall.EAGAIN} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Serve accepts clients on ln until ctx ends or Shutdown is called, then
// drains: it stops accepting, lets each client finish the commands it has
// sent, closes the backend connections and waits for every goroutine it
// started. It returns nil after a shutdown, or the listener's error (one
// that passes, such as running out of descriptors, is retried instead).
func (p *Proxy) Serve(ctx context.Context, ln net.Listener) error {
	p.mu.Lock()
	if p.serving || p.closing {
		p.mu.Unlock()
		return errors.New("proxy: Serve called twice or after Shutdown")
	}
	p.serving = true
	if p.cfg.TLS != nil {
		ln = tls.NewListener(ln, p.cfg.TLS)
	}
	p.ln = ln
	p.mu.Unlock()
	defer close(p.served)

	bg, cancel := context.WithCancel(context.Background())
	p.wg.Add(6)
	go p.watchRoutes(bg)
	go p.refresher(bg)
	go p.watchdog(bg)
	go p.hub.run(bg)
	go p.monRelay.run(bg)
	go p.expHold.run(bg)
	p.startLoops()
	p.log.Info("proxy listening", "addr", ln.Addr().String(), "backends", len(p.router.Addrs()))

	stopped := make(chan struct{})
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		select {
		case <-ctx.Done():
		case <-p.stop:
		}
		close(stopped)
		ln.Close()
	}()

	var err error
	pause := time.Duration(0)
	for {
		nc, aerr := ln.Accept()
		if aerr != nil {
			select {
			case <-stopped:
			default:
				if acceptPasses(aerr) {
					// Out of descriptors for a moment, or a connection
					// gone before it was taken: accept again after a pause
					// (doubling to a second), as Redis goes on accepting.
					pause = min(max(2*pause, 5*time.Millisecond), time.Second)
					p.log.Warn("accept", "err", aerr, "retry_in", pause)
					select {
					case <-stopped:
					case <-time.After(pause):
					}
					continue
				}
				err = aerr
				p.stopOnce.Do(func() { close(p.stop) })
			}
			break
		}
		pause = 0
		p.accept(nc)
	}

	// Drain: no new commands; sessions finish what they are doing.
	p.mu.Lock()
	p.closing = true
	sessions := make([]*session, 0, len(p.sessions))
	for _, s := range p.sessions {
		sessions = append(sessions, s)
	}
	p.mu.Unlock()
	// Commands a client has already sent are still read and answered
	// during a short grace; then reads time out and sessions end.
	by := time.Now().Add(drainGrace)
	p.drainBy.Store(by.UnixNano())
	for _, s := range sessions {
		s.nc.SetReadDeadline(by)
	}
	p.wakeLoops()
	p.sessionWG.Wait()
	p.stopLoops()
	p.mu.Lock()
	for _, b := range p.backends {
		b.close()
	}
	for c := range p.pinned {
		c.close()
	}
	p.mu.Unlock()
	cancel()
	p.wg.Wait()
	p.log.Info("proxy stopped")
	return err
}

// Addr returns the address Serve listens on, or nil before Serve.
func (p *Proxy) Addr() net.Addr {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		return nil
	}
	return p.ln.Addr()
}

// Shutdown stops Serve as its ctx would and waits until it has drained,
// or until ctx ends. It may be called any number of times.
func (p *Proxy) Shutdown(ctx context.Context) error {
	p.stopOnce.Do(func() { close(p.stop) })
	p.mu.Lock()
	serving := p.serving
	p.closing = true
	p.mu.Unlock()
	if !serving {
		return nil
	}
	select {
	case <-p.served:
		return nil
	case <-ctx.Done():
		// Cut clients that are not reading their replies.
		p.mu.Lock()
		for _, s := range p.sessions {
			s.nc.SetDeadline(time.Now())
		}
		p.mu.Unlock()
		return ctx.Err()
	}
}

// drainGrace is how long a shutdown keeps reading what clients had
// already sent.
const drainGrace = 200 * time.Millisecond

// accept admits a client connection, unless too many are connected.
func (p *Proxy) accept(nc net.Conn) {
	p.stats.connections.Add(1)
	p.mu.Lock()
	if len(p.sessions) >= p.cfg.MaxClients {
		p.mu.Unlock()
		p.stats.rejected.Add(1)
		nc.SetWriteDeadline(time.Now().Add(time.Second))
		nc.Write([]byte("-" + command.MsgMaxClients + "\r\n"))
		nc.Close()
		return
	}
	if p.adopt(nc) {
		p.mu.Unlock()
		return
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	if p.io.RawIO() {
		nc = rawio.Wrap(nc)
	}
	s := newSession(p, nc)
	p.sessions[s.id] = s
	p.sessionWG.Add(1)
	p.mu.Unlock()
	go p.serveConn(s)
}

// serveConn runs one client connection: read what the client has sent,
// carry it out, write the replies, repeat.
func (p *Proxy) serveConn(s *session) {
	p.serveFrom(s, resp.NewCommandReader(s.nc, 0), nil, nil)
}

// serveFrom runs cmds, then serves the client until it ends: the
// goroutine of a connection (from its start, or from an event loop's
// handoff). rerr is the read error that follows cmds, if any. A panic
// closes this connection only.
func (p *Proxy) serveFrom(s *session, rd *resp.CommandReader, cmds []resp.Command, rerr error) {
	defer p.sessionWG.Done()
	s.rd = rd
	s.watchQueryBuf(rd)
	defer func() {
		if r := recover(); r != nil {
			p.log.Error("client handler panic; closing connection", "client", s.id, "addr", s.addr,
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			s.nc.SetWriteDeadline(time.Now().Add(time.Second))
			s.nc.Write([]byte("-" + msgInternal + "\r\n"))
		}
		s.close()
		p.mu.Lock()
		delete(p.sessions, s.id)
		p.mu.Unlock()
	}()
	for {
		for len(cmds) > 0 && !s.quit {
			n := min(len(cmds), p.cfg.MaxPipeline)
			var held *front.PauseWaiter
			if i := s.heldAt(cmds[:n]); i == 0 {
				// Held by CLIENT PAUSE: wait, then look again (another
				// pause may have started).
				w, ok := s.waitPaused(rd)
				if !ok {
					return
				}
				if w == nil {
					continue
				}
				held, n = w, 1
			} else if i > 0 {
				n = i
			}
			cmds = cmds[s.run(cmds[:n]):]
			s.flush()
			if held != nil {
				held.Done()
			}
		}
		if s.quit {
			return
		}
		if rerr != nil {
			if isProtocolError(rerr) {
				s.nc.Write(resp.AppendError(nil, "ERR "+rerr.Error()))
			}
			return
		}
		s.trimQueryBuf(rd, time.Now())
		s.armReadDeadline(rd)
		rd.SetUnauthenticated(!s.authed) // as Redis, big commands wait for AUTH
		cmds, rerr = rd.ReadCommands()
		for rerr != nil && s.releasedIdle(rd, rerr) {
			if _, rerr = rd.AwaitInput(s.nc); rerr == nil {
				cmds, rerr = rd.ReadCommands()
			}
		}
	}
}

// isProtocolError tells a malformed request from a closed or timed-out
// connection.
func isProtocolError(err error) bool {
	var ne net.Error
	return !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !errors.As(err, &ne) &&
		!errors.Is(err, io.ErrUnexpectedEOF)
}

// proxyStats are the proxy-wide counters.
type proxyStats struct {
	connections atomic.Int64 // accepted, ever
	rejected    atomic.Int64 // refused at MaxClients
	commands    atomic.Int64
	retries     atomic.Int64
	redirects   atomic.Int64
	refreshes   atomic.Int64
	loopClients atomic.Int64 // clients served by event loops now
	blocked     atomic.Int64 // clients waiting in a blocking command now
	pubsubCut   atomic.Int64 // subscribers disconnected past the output buffer limit
}

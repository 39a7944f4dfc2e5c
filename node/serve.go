package node

import (
	"bytes"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/tidwall/redcon"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/resp"
)

// The node's connection loop. Requests are read with resp.CommandReader,
// which parses a whole pipeline without allocating once its buffers have
// grown (redcon's reader allocated three times per command, about 40% of
// the node's CPU at 16-deep pipelines) and enforces the request limits
// (proto-max-bulk-len, arguments, inline length) as it parses, without
// buffering what a client announces: a request past a limit gets
// "-ERR Protocol error: ..." and the connection closes, as in Redis.
// Replies are written with redcon's Writer, and each connection is a
// redcon.Conn, so handlers are unchanged.

// limits are the request limits a connection's reader enforces.
type limits struct {
	maxBulk      int64
	maxMultiBulk int64
	maxInline    int
}

// server accepts connections on one listener and serves them from its
// event loops (loop_linux.go) or, for TLS connections, on other platforms
// and after a handoff, with one goroutine per connection.
type server struct {
	n    *Node
	ln   net.Listener
	idle atomic.Int64 // idle timeout (CONFIG SET timeout); 0: none

	// mu guards conns and closed.
	mu     sync.Mutex
	conns  map[*rconn]struct{}
	closed bool
	wg     sync.WaitGroup

	loops     []*evloop // event loops (Linux); none: a goroutine per connection
	nextLoop  atomic.Uint32
	scale     *loopScaler  // how many loops serve; nil: all of them
	loopConns atomic.Int64 // connections on the loops
	// handed counts the connections accepted and handed to a loop or a
	// goroutine (loop_accept_linux.go).
	handed atomic.Uint64
	// pushGen counts the messages queued for idle clients that may be on
	// an event loop (loop_push_linux.go).
	pushGen atomic.Uint64
}

// loopCounts reports how many event loops the node has and how many of
// them take connections now (see loopscale_linux.go).
func (n *Node) loopCounts() (loops, serving int, cpuWait float64) {
	n.mu.Lock()
	s := n.srv
	n.mu.Unlock()
	if s == nil {
		return 0, 0, -1
	}
	return len(s.loops), s.serving(), s.cpuWait()
}

func newServer(n *Node, ln net.Listener, idle time.Duration) *server {
	s := &server{n: n, ln: ln, conns: map[*rconn]struct{}{}}
	s.idle.Store(int64(idle))
	if n.io.NodeLoops() {
		s.startLoops()
	}
	return s
}

// SetIdleClose sets the idle timeout of every connection.
// The event loops are woken so that a loop asleep with no deadline starts
// watching idle connections.
func (s *server) SetIdleClose(d time.Duration) {
	s.idle.Store(int64(d))
	s.wakeLoops()
}

// serve accepts until close; it returns nil then.
func (s *server) serve() error {
	defer s.wg.Wait()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed || errors.Is(err, net.ErrClosed) {
				return nil
			}
			s.n.log.Warn("accept", "err", err)
			time.Sleep(5 * time.Millisecond)
			continue
		}
		if s.adopt(nc) {
			s.handed.Add(1)
			continue
		}
		c := &rconn{nc: nc, addr: nc.RemoteAddr().String(), Writer: redcon.NewWriter(nc)}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			nc.Close()
			return nil
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		s.handed.Add(1)
		go s.handle(c)
	}
}

// close stops accepting and closes every connection that is not
// detached.
func (s *server) close() {
	s.mu.Lock()
	s.closed = true
	conns := s.conns
	s.conns = map[*rconn]struct{}{}
	s.mu.Unlock()
	s.ln.Close()
	for c := range conns {
		c.nc.Close()
	}
	s.stopLoops()
}

// handle runs one connection in its own goroutine.
func (s *server) handle(c *rconn) {
	n := s.n
	if !n.accept(c) {
		_ = c.Flush()
		s.forget(c)
		c.nc.Close()
		s.wg.Done()
		return
	}
	c.rd = n.newReader(c.nc)
	n.countReader(c)
	s.serveFrom(c, nil, nil)
}

// newReader returns the command reader of a new connection, with the
// node's request limits, counting the bytes read.
func (n *Node) newReader(nc net.Conn) *resp.CommandReader {
	lim := n.limits()
	rd := resp.NewCommandReader(countingConn{nc, &n.stats.netIn}, int(lim.maxBulk))
	rd.SetLimits(int(lim.maxMultiBulk), lim.maxInline)
	return rd
}

// serveFrom runs cmds, then serves c until it ends: the goroutine of a
// connection. rerr is the read error that follows cmds, if any. It
// releases one count of s.wg.
func (s *server) serveFrom(c *rconn, cmds []resp.Command, rerr error) {
	defer s.wg.Done()
	n := s.n
	var err error
	c.goroutine = true
	returned := false
	defer func() {
		if returned {
			return // an event loop serves it now
		}
		if cl, _ := c.ctx.(*client); cl != nil {
			n.dropKept(cl, false)
		}
		s.forget(c)
		n.endOutbox(c)
		n.forgetIn(c)
		n.forgetOut(c)
		if !c.detached {
			c.nc.Close()
		}
		n.closed(c, err)
	}()
	c.batch = cmds
	if cl, _ := c.ctx.(*client); cl != nil && cl.block != nil {
		// Blocked on an event loop, which handed the connection over.
		s.waitBlocked(c, cl)
		if c.closing {
			_ = c.Flush()
			return
		}
	}
	var pf prefetcher
	for {
		pf.reset()
		pf.add(n, cmds)
		pf.run(n)
		for i := range cmds {
			stop, werr := s.runOne(c, cmds, i, &pf)
			if werr != nil {
				err = werr
				return
			}
			if stop {
				return
			}
		}
		if rerr == nil && s.backToLoop(c) {
			returned = true // the loop sends the replies
			return
		}
		if ferr := s.flush(c); ferr != nil && rerr == nil {
			rerr = ferr
		}
		if rerr != nil {
			err = rerr
			if isProtocolError(err) {
				c.WriteError("ERR " + err.Error())
				_ = c.Flush()
			}
			return
		}
		var idleAt time.Time
		if idle := time.Duration(s.idle.Load()); idle > 0 && !subscriber(c) {
			idleAt = time.Now().Add(idle)
		}
		trimQueryBuf(c)
		c.gateAuth()
		c.armReadDeadline(idleAt)
		cmds, rerr = c.rd.ReadCommands()
		for rerr != nil && c.releasedIdle(rerr, idleAt) {
			k, aerr := c.rd.AwaitInput(c.nc)
			n.stats.netIn.Add(int64(k))
			if rerr = aerr; rerr == nil {
				cmds, rerr = c.rd.ReadCommands()
			}
		}
		c.batch = cmds
	}
}

// runOne runs cmds[i] for c. It reports whether the connection stops being
// served here (it closes, or was detached), and a write error.
func (s *server) runOne(c *rconn, cmds []resp.Command, i int, pf *prefetcher) (stop bool, err error) {
	c.at = i
	cl, _ := c.ctx.(*client)
	if cl != nil {
		cl.preSlot = pf.take(s.n, cmds[i].Args)
		if i == 0 {
			cl.tick = 0
		}
	}
	armKept(cl)
	s.n.handle(c, redcon.Command{Raw: cmds[i].Raw, Args: cmds[i].Args})
	s.n.dropHold(cl)
	s.n.dropKept(cl, true)
	for cl != nil && cl.paused && c.goroutine {
		// Held by CLIENT PAUSE: wait for its end, then run the line
		// again (on an event loop, after the handoff: serveFrom).
		cl.paused = false
		w, ok := s.waitPaused(c, cl)
		if !ok {
			_ = c.Flush()
			return true, nil
		}
		s.n.handle(c, redcon.Command{Raw: cmds[i].Raw, Args: cmds[i].Args})
		if w != nil {
			w.Done()
		}
	}
	if cl != nil && cl.block != nil && c.goroutine {
		s.waitBlocked(c, cl) // on an event loop, after the handoff (serveFrom)
	}
	if c.detached || c.closing {
		s.n.dropKept(cl, false) // (a script that panicked may have kept them)
		if c.closing {
			_ = c.Flush()
		}
		return true, nil
	}
	// Send a long pipeline's replies as they come, so the client is not
	// left waiting for the whole pipeline.
	if (i+1)%flushEvery == 0 {
		if err := s.flush(c); err != nil {
			return true, err
		}
		if cl != nil {
			cl.tick = 0 // the write is not the next command's time
		}
	}
	return false, nil
}

// prefetcher starts loading the first keys of the commands about to run
// (cache.Keyspace.Prefetch) so that their cache misses overlap with the
// work of the commands before them: the commands of a pipeline, and those
// of all the connections an event loop found ready. It runs a fixed
// distance ahead of the commands (take): as command i runs, stage s of
// the key of command i+(cache.PrefetchStages-s)*prefetchAhead is
// started, each stage once the line the one before loaded is in cache, so
// a handful of lines are in flight at any time whatever the length of
// the round. Loading every key of a round first (800 at redis-benchmark
// -P 16 -c 50) asked for more lines than the CPU can fetch at once: the
// prefetches stalled in turn, and the lines of the first keys could be
// evicted before their command ran.
type prefetcher struct {
	n, next int
	done    [cache.PrefetchStages]int // the keys prefetched so far, by stage
	slots   []int32
	keys    [][]byte
	again   []bool        // the key is the one noted before it: its lines are those already loaded
	last    *command.Spec // the spec of the last command noted: pipelines repeat commands
}

const (
	// prefetchMost bounds the keys noted in one round.
	prefetchMost = 1 << 14
	// prefetchAhead is how many commands apart the stages of a key's
	// prefetch run.
	prefetchAhead = 4
)

// add notes the first keys of cmds whose first key is their first
// argument (GET, SET, HSET, ...), as n's table says, and of script calls
// (EVALSHA sha numkeys key ...).
func (p *prefetcher) add(n *Node, cmds []resp.Command) {
	for i := range cmds {
		if p.n == prefetchMost {
			return
		}
		a := cmds[i].Args
		if len(a) < 2 {
			continue
		}
		if p.last == nil || !command.EqualFold(a[0], p.last.Name) {
			p.last = n.cmds.Lookup(a[0])
		}
		if p.last == nil {
			continue
		}
		k := 1
		if p.last.FirstKey != 1 {
			if p.last.Script == 0 {
				continue
			}
			// A script call's first declared key (EVALSHA sha 1 key).
			if k = p.last.FirstKeyPos(a); k == 0 {
				continue
			}
		}
		key := a[k]
		if len(key) == 0 {
			continue
		}
		slot := int32(keyslot.Of(key))
		again := p.n > 0 && p.slots[p.n-1] == slot && bytes.Equal(p.keys[p.n-1], key)
		p.slots = append(p.slots[:p.n], slot)
		p.keys = append(p.keys[:p.n], key)
		p.again = append(p.again[:p.n], again)
		p.n++
	}
}

// run starts the prefetch of the first keys noted (when there are
// several); take keeps it ahead of the commands.
func (p *prefetcher) run(n *Node) {
	if p.n > 1 {
		p.advance(n, 0)
	}
}

// advance runs the stages due once the commands before key i have run.
func (p *prefetcher) advance(n *Node, i int) {
	for s := range p.done {
		for end := min(p.n, i+(len(p.done)-s)*prefetchAhead); p.done[s] < end; p.done[s]++ {
			if k := p.done[s]; !p.again[k] { // a pipeline of one key's commands prefetches it once
				n.ks.Prefetch(int(p.slots[k]), p.keys[k], s)
			}
		}
	}
}

// take returns the hash slot+1 of args's key when it is the next one
// noted (the commands run in the order they were noted), else 0: the
// command then computes it.
func (p *prefetcher) take(n *Node, args [][]byte) int {
	if p.peek(args) > 0 {
		p.next++
		if p.n > 1 {
			p.advance(n, p.next)
		}
		return int(p.slots[p.next-1]) + 1
	}
	return 0
}

// peek returns what take would, without taking the key.
func (p *prefetcher) peek(args [][]byte) int {
	if p.next < p.n && len(args) >= 2 && (p.noted(args[1]) || len(args) >= 4 && p.noted(args[3])) {
		return int(p.slots[p.next]) + 1
	}
	return 0
}

// noted reports whether key is the next key noted (the same bytes of
// the same command line).
func (p *prefetcher) noted(key []byte) bool {
	return len(key) > 0 && unsafe.SliceData(key) == unsafe.SliceData(p.keys[p.next])
}

// cut forgets the keys noted that have not been taken yet: a connection
// handed to a goroutine (evloop.handoff) may refill the buffer they point
// into while the loop would still prefetch them. The rest of the round
// runs without prefetching. The last key taken goes too: a key noted
// later is not compared with it (add).
func (p *prefetcher) cut() {
	clear(p.keys[max(p.next-1, 0):p.n])
	p.n = p.next
	for s := range p.done {
		p.done[s] = min(p.done[s], p.n)
	}
}

// reset forgets the keys noted.
func (p *prefetcher) reset() {
	clear(p.keys[:p.n])
	p.n, p.next, p.done = 0, 0, [cache.PrefetchStages]int{}
}

// forget removes c from the server's connections.
func (s *server) forget(c *rconn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// flush sends c's replies and counts their bytes.
func (s *server) flush(c *rconn) error {
	if c.counts && !c.goroutine {
		// Its writer counts them, and the length of the replies is not
		// needed: redcon's Buffer would copy them (an allocation per
		// flush, the GC's work at -P 16).
		return c.Flush()
	}
	n := len(c.Buffer())
	if n > 0 && !c.counts {
		s.n.stats.netOut.Add(int64(n))
	}
	if n > 0 && c.goroutine {
		return s.n.flushCounted(c, n)
	}
	return c.Flush()
}

// countingConn counts the bytes read from a connection.
type countingConn struct {
	net.Conn
	in *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.in.Add(int64(n))
	return n, err
}

func isProtocolError(err error) bool {
	for _, e := range []error{resp.ErrMultibulkLength, resp.ErrBulkLength, resp.ErrExpectedBulk, resp.ErrUnbalanced, resp.ErrInlineTooBig,
		resp.ErrUnauthMultibulk, resp.ErrUnauthBulk} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// gateAuth tells c's reader whether its client must still authenticate
// (it then refuses big commands, as Redis does): called before each read.
func (c *rconn) gateAuth() {
	cl, _ := c.ctx.(*client)
	c.rd.SetUnauthenticated(cl != nil && !cl.authed)
}

// rconn is a client connection. It implements redcon.Conn for the
// handlers; it is used by its connection's goroutine only, except Close
// and the fields written before the goroutine starts.
type rconn struct {
	*redcon.Writer
	nc        net.Conn
	addr      string
	ctx       any
	closing   bool
	detached  bool
	rd        *resp.CommandReader
	batch     []resp.Command   // the pipeline being run
	at        int              // the command of batch being run
	pending   []redcon.Command // after a Detach: commands read, not yet returned
	fd        *fdConn          // an event loop's connection (nc), or nil
	rerr      error            // an event loop's connection: the read error after batch
	moved     bool             // an event loop's connection: handed from another loop
	goroutine bool             // served by a goroutine of its own (serveFrom), not a loop
	counts    bool             // its Writer counts the bytes it sends (sentCounter); until an outbox replaces it
	back      bool             // handed back to a loop by its goroutine (loop_return_linux.go)
	sendConn  net.Conn         // its outbox's own handle on an event loop's socket, or nil
	lastIO    time.Time        // an event loop's connection: when it last had an event
	omem      int64            // its replies counted in Node.clientOut (memory_extra.go)
	qmem      int64            // its query buffer counted in Node.clientIn (memory_extra.go)
	trimAt    time.Time        // when its grown query buffer may be fitted to its peak again (trimQueryBuf)
	// A goroutine's connection: the read deadline set on nc, and when its
	// query buffer is given back if nothing arrives (armReadDeadline).
	deadline time.Time
	idle     resp.IdleRelease
}

func (c *rconn) RemoteAddr() string             { return c.addr }
func (c *rconn) Context() any                   { return c.ctx }
func (c *rconn) SetContext(v any)               { c.ctx = v }
func (c *rconn) SetReadBuffer(int)              {}
func (c *rconn) NetConn() net.Conn              { return c.nc }
func (c *rconn) ReadPipeline() []redcon.Command { return nil }
func (c *rconn) PeekPipeline() []redcon.Command { return nil }

// Close ends the connection once the current command's reply is sent.
func (c *rconn) Close() error {
	c.closing = true
	return nil
}

// Detach hands the connection to the caller after the current command;
// the commands that followed it in the pipeline are the detached
// connection's first.
func (c *rconn) Detach() redcon.DetachedConn {
	c.detached = true
	c.rd.SetOnResize(nil) // its taker reads it; serveFrom forgets its count
	c.keepPending(c.batch[c.at+1:])
	c.batch = nil
	return detachedConn{c}
}

// keepPending copies commands (which alias the reader's buffers) to
// pending.
func (c *rconn) keepPending(rest []resp.Command) {
	for _, cmd := range rest {
		args := make([][]byte, len(cmd.Args))
		for i, a := range cmd.Args {
			args[i] = append([]byte(nil), a...)
		}
		c.pending = append(c.pending, redcon.Command{Raw: append([]byte(nil), cmd.Raw...), Args: args})
	}
}

// detachedConn is a connection taken over by a handler (a replication
// stream).
type detachedConn struct{ *rconn }

// Close closes the network connection.
func (d detachedConn) Close() error { return d.nc.Close() }

// ReadCommand returns the next command from the client.
func (d detachedConn) ReadCommand() (redcon.Command, error) {
	for len(d.pending) == 0 {
		cmds, err := d.rd.ReadCommands()
		if err != nil && len(cmds) == 0 {
			return redcon.Command{}, err
		}
		d.keepPending(cmds)
	}
	cmd := d.pending[0]
	d.pending = d.pending[1:]
	return cmd, nil
}

// Flush sends what was written.
func (d detachedConn) Flush() error { return d.Writer.Flush() }

package proxy

import (
	"errors"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/internal/resp"
)

// Blocking commands (every command flagged command.Blocking: BLPOP,
// BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, and the others as the nodes gain
// them). A node answers a blocked connection nothing else until the
// command is served, so a blocking command never goes over the shared
// pipelined connections: it takes a connection of its own from its node's
// blocking pool (at most Config.MaxBlockingConns open per node; beyond
// that the client gets an error at once) and gives it back once answered.
//
// The session runs it synchronously within its round: the commands before
// it are answered first, the ones after it are sent once it is answered,
// as a node runs a client's pipeline. While it waits the session reads its
// client, so a client that goes away closes the connection at once and
// the node forgets its waiter (it must not pop an element for nobody);
// what the client sends meanwhile is read again afterwards. The node
// keeps the timeout; CLIENT UNBLOCK given to the proxy is passed on to the
// node, which decides atomically between serving and unblocking.

// clientIDCmd asks a new blocking connection its id on the node, for
// CLIENT UNBLOCK.
var clientIDCmd = []byte("*2\r\n$6\r\nCLIENT\r\n$2\r\nID\r\n")

// DefaultMaxBlockingConns is the blocking connections a proxy opens to one
// node when Config.MaxBlockingConns is 0.
const DefaultMaxBlockingConns = 2048

// maxIdleBlocking is how many idle blocking connections a node's pool
// keeps for the next blocking command.
const maxIdleBlocking = 64

// blockConn is a connection dedicated to one blocking command at a time,
// and the node's client id for it (0 until known).
type blockConn struct {
	bc *bconn
	id int64
}

// blockPool is a node's blocking connections.
type blockPool struct {
	// mu guards every field.
	mu     sync.Mutex
	idle   []*blockConn
	open   int // connections taken or idle
	closed bool
}

// errBlockingFull is the reply when a node's blocking pool is exhausted.
var errBlockingFull = errors.New("max number of clients blocked through the proxy on one node reached")

// takeBlocking returns an idle blocking connection to b, or a new one if
// the pool has room.
func (b *backend) takeBlocking() (*blockConn, error) {
	pl := &b.blocking
	most := b.p.cfg.MaxBlockingConns
	if most == 0 {
		most = DefaultMaxBlockingConns
	}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.closed {
		return nil, ErrShutdown
	}
	if n := len(pl.idle); n > 0 {
		bk := pl.idle[n-1]
		pl.idle = pl.idle[:n-1]
		return bk, nil
	}
	if pl.open >= most {
		return nil, errBlockingFull
	}
	pl.open++
	return &blockConn{bc: newBconn(b, true)}, nil
}

// putBlocking gives a blocking connection back: kept for reuse if healthy
// (it answered and nothing is owed), else closed.
func (b *backend) putBlocking(bk *blockConn, healthy bool) {
	pl := &b.blocking
	pl.mu.Lock()
	if healthy && !pl.closed && len(pl.idle) < maxIdleBlocking && bk.bc.inflight() == 0 {
		pl.idle = append(pl.idle, bk)
		pl.mu.Unlock()
		return
	}
	pl.open--
	pl.mu.Unlock()
	bk.bc.close()
}

// closeBlocking closes the idle connections and refuses new ones; taken
// ones are closed as they come back.
func (b *backend) closeBlocking() {
	pl := &b.blocking
	pl.mu.Lock()
	idle := pl.idle
	pl.idle, pl.closed = nil, true
	pl.open -= len(idle)
	pl.mu.Unlock()
	for _, bk := range idle {
		bk.bc.close()
	}
}

// blockingConns counts the open blocking connections to every node.
func (p *Proxy) blockingConns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, b := range p.backends {
		b.blocking.mu.Lock()
		n += b.blocking.open
		b.blocking.mu.Unlock()
	}
	return n
}

// blocks reports whether a command line of e may wait for another
// client's write.
func (e *entry) blocks(args [][]byte) bool {
	return e.kind == kindBlocking || (e.blocksIf != nil && e.blocksIf(args))
}

// blockedOn is what a session is blocked on, for CLIENT UNBLOCK: a
// node's blocking connection, or, for a command waiting across nodes
// (block_across.go), the channel that takes the reason.
type blockedOn struct {
	be     *backend
	bk     *blockConn
	across chan string
}

// block carries out a blocking command and returns its answered item.
func (s *session) block(e *entry, cmd resp.Command) item {
	slot, msg := s.slotOf(e.spec, cmd.Args)
	if msg == msgCrossSlot {
		if it, ok := s.blockAcross(e, cmd); ok { // block_across.go
			return it
		}
	}
	if msg != "" {
		return s.errItem(e, msg)
	}
	if slot < 0 {
		// No key found in the words (XREADGROUP without GROUP): they are
		// wrong, and any node answers the error Redis gives.
		slot = 0
	}
	// The commands before it are answered first, as on a node.
	s.barrier()
	c := s.newCall(cmd.Raw)
	c.slot = slot
	be := s.p.routes.Load().slot(slot)
	deadline := time.Now().Add(s.p.cfg.RetryDeadline)
	backoff := 2 * time.Millisecond
	for {
		if be == nil {
			return s.errItem(e, errText(ErrNoRoute))
		}
		reply, ok := s.blockOnce(c, be)
		if !ok {
			s.quit, s.broken = true, true
			return item{e: e, lo: len(s.local), hi: len(s.local)}
		}
		if c.err != nil {
			// The node may have served it: never sent twice.
			return s.errItem(e, errText(c.err))
		}
		class, rd := classify(reply)
		if class == replyFinal || !time.Now().Before(deadline) {
			return item{e: e, c: c}
		}
		// Redirected or refused: nothing ran, so it may go again.
		s.p.stats.retries.Add(1)
		c.asking = false
		switch class {
		case replyMoved, replyAsk:
			be = s.p.redirected(class, rd, be)
			c.asking = class == replyAsk
		default:
			s.p.refreshSoon()
			if !s.sleep(min(backoff, time.Until(deadline))) {
				return item{e: e, c: c}
			}
			backoff = min(2*backoff, 100*time.Millisecond)
			be = s.p.routes.Load().slot(slot)
		}
		c.reply = c.reply[:0]
	}
}

// blockOnce sends c on a blocking connection to be and waits for its
// reply while watching the client. It reports false if the client went
// away (or the proxy is draining) meanwhile: the connection is then
// closed, so that the node forgets the waiter.
func (s *session) blockOnce(c *call, be *backend) ([]byte, bool) {
	bk, err := be.takeBlocking()
	if err != nil {
		c.reply, c.err = resp.AppendError(c.reply[:0], "ERR "+err.Error()), nil
		if errors.Is(err, ErrShutdown) {
			c.reply = resp.AppendError(c.reply[:0], errText(err))
		}
		return c.reply, true
	}
	c.be, c.via = be, bk.bc
	if bk.id == 0 {
		// A new connection: its id on the node first, for CLIENT UNBLOCK.
		idc := s.newCall(clientIDCmd)
		idc.be, idc.via = be, bk.bc
		s.roundTrip(idc)
		s.w.begin()
		if idc.err != nil || len(idc.reply) < 4 || idc.reply[0] != ':' {
			be.putBlocking(bk, false)
			if idc.err != nil {
				c.err = idc.err
				return nil, true
			}
			c.reply = append(c.reply[:0], idc.reply...)
			return c.reply, true
		}
		bk.id, _ = strconv.ParseInt(string(idc.reply[1:len(idc.reply)-2]), 10, 64)
	}
	s.enqueue(c)
	s.blocked.Store(&blockedOn{be: be, bk: bk})
	s.p.stats.blocked.Add(1)
	defer s.p.stats.blocked.Add(-1)
	watch := s.watchClient()
	s.dispatch()
	answered := s.w.waitOr(watch.gone)
	if !answered {
		bk.bc.close() // fails the calls, which ends the wait
		<-s.w.ch
	}
	extra, gone := watch.stop()
	s.blocked.Store(nil)
	if len(extra) > 0 && s.rd != nil {
		s.rd.Feed(extra)
	}
	s.w.begin()
	if !answered || gone {
		be.putBlocking(bk, false)
		return nil, false
	}
	be.putBlocking(bk, c.err == nil)
	return c.reply, true
}

// clientWatch reads the client while its session waits for a blocking
// command: its end is noticed at once, and what it sends is kept.
type clientWatch struct {
	nc       net.Conn
	gone     chan struct{} // closed when the client ended (or the proxy drains)
	exited   chan struct{}
	stopping atomic.Bool
	buf      []byte
}

// maxWatchBytes bounds what a blocked client may send meanwhile.
const maxWatchBytes = 1 << 20

func (s *session) watchClient() *clientWatch {
	cw := &clientWatch{nc: s.nc, gone: make(chan struct{}), exited: make(chan struct{})}
	_ = s.nc.SetReadDeadline(time.Time{}) // a blocked client is not idle
	s.deadline = time.Time{}
	s.idle.Reset()
	if by := s.p.drainBy.Load(); by != 0 {
		// Checked after clearing: Shutdown sets the deadline after it
		// stores drainBy.
		_ = s.nc.SetReadDeadline(time.Unix(0, by))
	}
	go func() {
		defer close(cw.exited)
		b := make([]byte, 512) // usually nothing comes: small, for the many blocked
		for len(cw.buf) < maxWatchBytes {
			k, err := cw.nc.Read(b)
			cw.buf = append(cw.buf, b[:k]...)
			if err != nil {
				if !cw.stopping.Load() || !errors.Is(err, os.ErrDeadlineExceeded) {
					close(cw.gone)
				}
				return
			}
		}
	}()
	return cw
}

// stop ends the watch and returns what the client sent and whether it is
// gone.
func (cw *clientWatch) stop() ([]byte, bool) {
	cw.stopping.Store(true)
	_ = cw.nc.SetReadDeadline(time.Now())
	<-cw.exited
	_ = cw.nc.SetReadDeadline(time.Time{})
	select {
	case <-cw.gone:
		return cw.buf, true
	default:
		return cw.buf, false
	}
}

// waitOr is wait, cut short when stop closes first; it reports whether
// every call was answered. After false the round is still owed its end:
// the caller makes the calls complete (failing them) and receives from
// w.ch.
func (w *waiter) waitOr(stop <-chan struct{}) bool {
	if w.n.Add(-1) == 0 {
		return true
	}
	select {
	case <-w.ch:
		return true
	case <-stop:
		return false
	}
}

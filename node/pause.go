package node

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/script"
)

// CLIENT PAUSE timeout [WRITE|ALL] and CLIENT UNPAUSE, as in Redis 7.0.
//
// While a pause lasts, a command of a client that the pause holds (every
// command in ALL mode; in WRITE mode the writes, the may-replicate
// commands PUBLISH, SPUBLISH and PFCOUNT, the scripts that may write, and
// an EXEC whose transaction queued one of them) gets no reply: its
// connection leaves its event loop for a goroutine (as a blocked client's
// does) and waits there for the pause to end, then runs the command from
// the start. Other connections go on being served. The clients held
// resume in the order they were held, each once the one before it has
// run its command. Meanwhile expired keys look missing but are not
// removed (nor counted or notified as expired) and nothing is evicted
// (cache.Keyspace.HoldExpiry), so the dataset stays still.
//
// A later pause only extends the end and widens WRITE to ALL; UNPAUSE,
// or the end, releases every held client.

// Pause modes (pauseState.mode).
const (
	pauseOff int32 = iota
	pauseWrite
	pauseAll
)

// pauseState is the node's client pause.
type pauseState struct {
	mode  atomic.Int32 // pauseOff, pauseWrite or pauseAll
	held  atomic.Int64 // clients waiting (INFO blocked_clients)
	mu    sync.Mutex   // guards what follows
	until time.Time
	timer *time.Timer
	queue []*pauseWaiter // held clients, in the order they were held
}

// pauseWaiter is one held client's place in the queue.
type pauseWaiter struct {
	cl      *client
	resume  chan struct{} // closed when it may run its command again
	ran     chan struct{} // closed once it has (or has gone)
	ranOnce sync.Once
	woken   bool // guarded by pauseState.mu
}

// done tells the releaser that w's command ran (or w went away).
func (w *pauseWaiter) done() { w.ranOnce.Do(func() { close(w.ran) }) }

// pauseResumeWait bounds how long the releaser waits for one resumed
// client to run its command before it resumes the next.
const pauseResumeWait = time.Second

// clientPause answers CLIENT PAUSE timeout [WRITE|ALL].
func clientPause(cx *Ctx) {
	if len(cx.Args) > 4 {
		cx.Error("ERR unknown subcommand or wrong number of arguments for '" + string(cx.Args[1]) + "'. Try CLIENT HELP.")
		return
	}
	mode := pauseAll
	if len(cx.Args) == 4 {
		switch strings.ToLower(string(cx.Args[3])) {
		case "write":
			mode = pauseWrite
		case "all":
		default:
			cx.Error("ERR CLIENT PAUSE mode must be WRITE or ALL")
			return
		}
	}
	ms, err := cache.ParseInt(cx.Args[2])
	if err != nil {
		cx.Error("ERR timeout is not an integer or out of range")
		return
	}
	if ms < 0 {
		cx.Error("ERR timeout is negative")
		return
	}
	cx.Node.pauseClients(time.Duration(ms)*time.Millisecond, mode)
	cx.OK()
}

// clientUnpause answers CLIENT UNPAUSE.
func clientUnpause(cx *Ctx) {
	if len(cx.Args) != 2 {
		cx.Error(command.ArityError("client|unpause"))
		return
	}
	cx.Node.unpauseClients()
	cx.OK()
}

// pauseClients starts a pause of d in mode, or extends and widens the
// one under way. A pause of 0 ms ends at once (but does not shorten one
// under way).
func (n *Node) pauseClients(d time.Duration, mode int32) {
	p := &n.pause
	p.mu.Lock()
	defer p.mu.Unlock()
	until := time.Now().Add(d)
	if p.mode.Load() == pauseOff {
		if d <= 0 {
			return
		}
		p.until = until
		n.ks.HoldExpiry(true)
		p.mode.Store(mode)
	} else {
		if until.After(p.until) {
			p.until = until
		}
		if mode > p.mode.Load() {
			p.mode.Store(mode)
		}
	}
	if p.timer != nil {
		p.timer.Stop()
	}
	p.timer = time.AfterFunc(time.Until(p.until), n.pauseTimeout)
}

// pauseTimeout ends the pause if its time is up.
func (n *Node) pauseTimeout() {
	p := &n.pause
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode.Load() == pauseOff {
		return
	}
	if left := time.Until(p.until); left > 0 {
		p.timer = time.AfterFunc(left, n.pauseTimeout)
		return
	}
	n.endPause()
}

// unpauseClients ends the pause (CLIENT UNPAUSE).
func (n *Node) unpauseClients() {
	p := &n.pause
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode.Load() == pauseOff {
		return
	}
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	n.endPause()
}

// endPause ends the pause and resumes the held clients in order.
// pauseState.mu must be held.
func (n *Node) endPause() {
	p := &n.pause
	p.mode.Store(pauseOff)
	n.ks.HoldExpiry(false)
	q := p.queue
	p.queue = nil
	if len(q) == 0 {
		return
	}
	go n.resumeHeld(q)
}

// resumeHeld resumes the clients of q one after another: each runs its
// command before the next is resumed, as Redis reprocesses its postponed
// clients in order.
func (n *Node) resumeHeld(q []*pauseWaiter) {
	p := &n.pause
	t := time.NewTimer(pauseResumeWait)
	defer t.Stop()
	for _, w := range q {
		p.mu.Lock()
		if !w.woken {
			w.woken = true
			p.held.Add(-1)
			w.cl.pausedNow.Store(false)
			close(w.resume)
		}
		p.mu.Unlock()
		if !t.Stop() {
			select {
			case <-t.C:
			default:
			}
		}
		t.Reset(pauseResumeWait)
		select {
		case <-w.ran:
		case <-t.C:
		}
	}
}

// pauseHolds reports whether the pause holds the command line args of
// c. A script's own commands, internal connections and the commands
// nodes send each other are never held.
func (n *Node) pauseHolds(c *client, e *cmdEntry, args [][]byte) bool {
	mode := n.pause.mode.Load()
	if mode == pauseOff || c.script || e.spec.Has(command.NodeOnly) {
		return false
	}
	if _, ok := c.conn.(*rconn); !ok {
		return false // not a client connection
	}
	if mode == pauseAll {
		return true
	}
	if e.spec.Has(command.Exec) {
		if c.multi == nil {
			return false
		}
		for _, q := range c.multi.cmds {
			if n.mayWrite(q.e.spec, q.args) {
				return true
			}
		}
		return false
	}
	return n.mayWrite(e.spec, args)
}

// mayWrite reports whether a command line may write or reach replicas
// (Redis's write and may-replicate flags, with a script's own flags in
// place of its command's).
func (n *Node) mayWrite(spec *command.Spec, args [][]byte) bool {
	switch spec.Script {
	case command.ScriptReadOnly:
		return false
	case command.ScriptBody:
		return script.BodyMayWrite(string(args[1]))
	case command.ScriptSHA:
		s := n.scripts.engine.LookupBytes(args[1])
		return s == nil || s.Flags&script.Shebang == 0 || s.Flags&script.NoWrites == 0
	case command.ScriptFunction:
		f := n.scripts.funcs.Function(string(args[1]))
		return f == nil || f.Flags&script.NoWrites == 0
	}
	return spec.Has(command.Write) || spec.Has(command.MayReplicate)
}

// holdPaused queues cl behind the pause, or returns nil when the pause
// has ended meanwhile.
func (n *Node) holdPaused(cl *client) *pauseWaiter {
	p := &n.pause
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode.Load() == pauseOff {
		return nil
	}
	w := &pauseWaiter{cl: cl, resume: make(chan struct{}), ran: make(chan struct{})}
	p.queue = append(p.queue, w)
	p.held.Add(1)
	cl.pausedNow.Store(true)
	return w
}

// leavePause forgets w, whose client went away while held.
func (n *Node) leavePause(w *pauseWaiter) {
	p := &n.pause
	p.mu.Lock()
	if !w.woken {
		w.woken = true
		p.held.Add(-1)
		w.cl.pausedNow.Store(false)
		for i, x := range p.queue {
			if x == w {
				p.queue = append(p.queue[:i], p.queue[i+1:]...)
				break
			}
		}
	}
	p.mu.Unlock()
	w.done()
}

// waitPaused holds c, whose command the pause stopped, until the pause
// ends; a goroutine meanwhile reads the connection, so a client that goes
// away is forgotten at once. It returns the client's place in the queue
// (its done must be called once the command has run again; nil: the
// pause ended before it was queued) and false when the client went away.
func (s *server) waitPaused(c *rconn, cl *client) (*pauseWaiter, bool) {
	n := s.n
	w := n.holdPaused(cl)
	if w == nil {
		return nil, true
	}
	_ = s.flush(c)
	watch := watchConn(c.nc)
	gone := false
	select {
	case <-w.resume:
	case <-watch.closed:
		gone = true
	}
	extra, err := watch.stop()
	n.stats.netIn.Add(int64(len(extra)))
	if len(extra) > 0 {
		c.rd.Feed(extra)
	}
	if gone || err != nil {
		n.leavePause(w)
		c.closing = true
		return nil, false
	}
	return w, true
}

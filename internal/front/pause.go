package front

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Pause modes (Pause.Mode).
const (
	PauseOff int32 = iota
	PauseWrite
	PauseAll
)

// Pause is a server's client pause, CLIENT PAUSE timeout [WRITE|ALL] and
// CLIENT UNPAUSE as in Redis 7.0: what a paused command is (every command
// in ALL mode; in WRITE mode writes, may-replicate commands and scripts
// that may write) and how a held client waits are the server's; the
// pause's mode, its end and the queue of held clients are here. A later
// pause only extends the end and widens WRITE to ALL; UNPAUSE, or the end,
// resumes the held clients in the order they were held, each once the one
// before it has run its command (Redis reprocesses its postponed clients
// in order). The zero Pause is off.
type Pause struct {
	// OnChange, when set, is called as a pause starts (true) and ends
	// (false), with the pause's lock held.
	OnChange func(on bool)
	// Settle, when set, is called by CLIENT PAUSE and CLIENT UNPAUSE
	// before they answer, without the pause's lock: the proxy waits there
	// until the nodes hold their expiry, or no longer do (OnChange told
	// it to).
	Settle func()

	mode  atomic.Int32
	held  atomic.Int64
	mu    sync.Mutex // guards what follows
	until time.Time
	timer *time.Timer
	queue []*PauseWaiter
}

// PauseWaiter is one held client's place in the queue.
type PauseWaiter struct {
	// Resume is closed when the client may run its command again.
	Resume  chan struct{}
	flag    *atomic.Bool
	ran     chan struct{}
	ranOnce sync.Once
	woken   bool // guarded by Pause.mu
}

// Done tells the pause that the resumed client's command ran (or that the
// client went away), so the next one may run.
func (w *PauseWaiter) Done() { w.ranOnce.Do(func() { close(w.ran) }) }

// pauseResumeWait bounds how long one resumed client may take to run its
// command before the next is resumed.
const pauseResumeWait = time.Second

// Mode returns PauseOff, PauseWrite or PauseAll.
func (p *Pause) Mode() int32 { return p.mode.Load() }

// Held returns how many clients wait (Redis counts them in INFO's
// blocked_clients).
func (p *Pause) Held() int64 { return p.held.Load() }

// Start starts a pause of d in mode, or extends and widens the one under
// way. A pause of 0 ends at once (and does not shorten one under way).
func (p *Pause) Start(d time.Duration, mode int32) {
	p.mu.Lock()
	defer p.mu.Unlock()
	until := time.Now().Add(d)
	if p.mode.Load() == PauseOff {
		if d <= 0 {
			return
		}
		p.until = until
		if p.OnChange != nil {
			p.OnChange(true)
		}
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
	p.timer = time.AfterFunc(time.Until(p.until), p.timeout)
}

// settle calls Settle, if set.
func (p *Pause) settle() {
	if p.Settle != nil {
		p.Settle()
	}
}

// timeout ends the pause if its time is up.
func (p *Pause) timeout() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode.Load() == PauseOff {
		return
	}
	if left := time.Until(p.until); left > 0 {
		p.timer = time.AfterFunc(left, p.timeout)
		return
	}
	p.end()
}

// End ends the pause (CLIENT UNPAUSE).
func (p *Pause) End() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode.Load() == PauseOff {
		return
	}
	if p.timer != nil {
		p.timer.Stop()
		p.timer = nil
	}
	p.end()
}

// end ends the pause and resumes the held clients. p.mu must be held.
func (p *Pause) end() {
	p.mode.Store(PauseOff)
	if p.OnChange != nil {
		p.OnChange(false)
	}
	q := p.queue
	p.queue = nil
	if len(q) > 0 {
		go p.resume(q)
	}
}

// resume resumes the clients of q one after another.
func (p *Pause) resume(q []*PauseWaiter) {
	t := time.NewTimer(pauseResumeWait)
	defer t.Stop()
	for _, w := range q {
		p.mu.Lock()
		p.wake(w)
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

// wake lets w go. p.mu must be held.
func (p *Pause) wake(w *PauseWaiter) {
	if w.woken {
		return
	}
	w.woken = true
	p.held.Add(-1)
	w.flag.Store(false)
	close(w.Resume)
}

// Hold queues a client behind the pause and sets flag (the client's
// "held" mark, which CLIENT LIST shows as flag b) until it is resumed; it
// returns nil when the pause has ended meanwhile.
func (p *Pause) Hold(flag *atomic.Bool) *PauseWaiter {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode.Load() == PauseOff {
		return nil
	}
	w := &PauseWaiter{Resume: make(chan struct{}), flag: flag, ran: make(chan struct{})}
	p.queue = append(p.queue, w)
	p.held.Add(1)
	flag.Store(true)
	return w
}

// Leave forgets w, whose client went away while held.
func (p *Pause) Leave(w *PauseWaiter) {
	p.mu.Lock()
	if !w.woken {
		p.wake(w)
		for i, x := range p.queue {
			if x == w {
				p.queue = append(p.queue[:i], p.queue[i+1:]...)
				break
			}
		}
	}
	p.mu.Unlock()
	w.Done()
}

// clientPause answers CLIENT PAUSE timeout [WRITE|ALL].
func clientPause(c Conn, p *Pause, args [][]byte) {
	if len(args) > 4 {
		c.Error("ERR unknown subcommand or wrong number of arguments for '" + string(args[1]) + "'. Try CLIENT HELP.")
		return
	}
	mode := PauseAll
	if len(args) == 4 {
		switch strings.ToLower(string(args[3])) {
		case "write":
			mode = PauseWrite
		case "all":
		default:
			c.Error("ERR CLIENT PAUSE mode must be WRITE or ALL")
			return
		}
	}
	ms, err := strconv.ParseInt(string(args[2]), 10, 64)
	if err != nil {
		c.Error("ERR timeout is not an integer or out of range")
		return
	}
	if ms < 0 {
		c.Error("ERR timeout is negative")
		return
	}
	p.Start(time.Duration(min(ms, int64(time.Duration(1<<62)/time.Millisecond)))*time.Millisecond, mode)
	p.settle()
	c.Simple("OK")
}

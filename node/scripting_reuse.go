package node

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/internal/command"
)

// killSwitch is the context scripts run under, lent to one run at a
// time and kept from run to run until SCRIPT KILL or FUNCTION KILL
// cancels it (a context of each run's own cost three allocations per
// call).
type killSwitch struct {
	// mu guards ctx and cancel, and is held while a kill checks the
	// owner and cancels, and while a run takes the context: so a kill
	// cancels the context only while the run it targets holds it, and the
	// next run gets a new one. A run gives the context back without it.
	mu     sync.Mutex
	ctx    context.Context
	cancel context.CancelFunc
	owner  atomic.Pointer[scriptRun] // the run the context is lent to (nil: none)
}

// acquire lends the context to r.
func (k *killSwitch) acquire(r *scriptRun) context.Context {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.ctx == nil || k.ctx.Err() != nil {
		k.ctx, k.cancel = context.WithCancel(context.Background())
	}
	k.owner.Store(r)
	return k.ctx
}

// release takes the context back from r.
func (k *killSwitch) release(r *scriptRun) {
	k.owner.CompareAndSwap(r, nil)
}

// kill stops r if it still runs.
func (k *killSwitch) kill(r *scriptRun) {
	k.mu.Lock()
	if k.owner.Load() == r {
		k.cancel()
	}
	k.mu.Unlock()
}

// A run's record (scriptRun) is reused by the next run, unless a command
// may still be looking at it: commands take the script in progress from
// cur or inExec only between lookRun and doneLooking, and a run that
// has ended and is no longer in cur or inExec keeps its record for the
// next run only if no command is between them then (one that comes
// later finds no run there, or a later one). A record of each run's own
// was most of a pipelined EVALSHA's garbage.

// lookRun returns the script in progress, or nil; the caller looks at it
// until it calls doneLooking.
func (s *scripting) lookRun() *scriptRun {
	s.readers.Add(1)
	return s.running()
}

// doneLooking ends what lookRun began.
func (s *scripting) doneLooking() { s.readers.Add(-1) }

// newRun returns the record of a run of c's (see scriptRun), the spare
// one if there is one.
func (s *scripting) newRun(c *client, fn string, cmd [][]byte, base time.Time, limit time.Duration) *scriptRun {
	r := s.spare.Swap(nil)
	if r == nil {
		return &scriptRun{c: c, fn: fn, cmd: cmd, base: base, limit: limit}
	}
	r.c, r.fn, r.cmd, r.base, r.limit = c, fn, cmd, base, limit
	r.done, r.ended = nil, false
	r.busy.Store(false)
	r.started.Store(false)
	r.wrote.Store(false)
	r.began.Store(0)
	return r
}

// endRun ends r, which is in neither cur nor inExec any more, and keeps
// its record for the next run when no command looks at it.
func (s *scripting) endRun(r *scriptRun) {
	r.end()
	if s.readers.Load() == 0 {
		r.c, r.cmd = nil, nil
		s.spare.Store(r)
	}
}

// maxKept bounds how many scripts in a row take the stripes over from the
// one before (see keepStripes).
const maxKept = 16

// keepStripes ends the hold on every stripe of a script of client c (mu
// held): when another script is queued for mu, or the next command of
// c's pipeline is a script, and no command waits for a stripe, the
// stripes stay locked for it, up to maxKept times in a row (locking and
// unlocking 64 stripes was a tenth of a pipelined script call's CPU);
// otherwise they are unlocked. Stripes kept for c's pipeline are let go
// after its next command if that one did not take them (dropKept).
func (n *Node) keepStripes(c *client) {
	sc := &n.scripts
	if sc.waiting.Load() == 0 && sc.unaware.Load() == 0 && sc.kept < maxKept {
		if sc.queued.Load() > 0 {
			sc.kept++
			return
		}
		if n.nextIsScript(c) {
			sc.kept++
			c.kept = keptNext
			return
		}
	}
	sc.kept = 0
	sc.held = false
	n.unlockStripes(allStripes, true)
}

// nextIsScript reports whether the command that follows c's current one
// in its pipeline is a script call (EVAL, EVALSHA, FCALL, ...) and runs
// before the pipeline's replies are flushed.
func (n *Node) nextIsScript(c *client) bool {
	rc, ok := c.conn.(*rconn)
	if !ok || c.multi != nil {
		return false
	}
	i := rc.at + 1
	if i >= len(rc.batch) || i%flushEvery == 0 || rc.closing || rc.detached {
		return false
	}
	name := rc.batch[i].Args[0]
	if sp := c.cx.spec; sp != nil && sp.Script != 0 && command.EqualFold(name, sp.Name) {
		return true
	}
	e := n.lookup(name)
	return e != nil && e.spec.Script != 0
}

// Values of client.kept.
const (
	keptNone  = iota
	keptNext  // kept for the next command of the client's pipeline
	keptArmed // that command runs: dropped after it unless a script took them
)

// armKept marks the stripes kept for c's next command as that command
// starts.
func armKept(c *client) {
	if c != nil && c.kept == keptNext {
		c.kept = keptArmed
	}
}

// dropKept lets go of the stripes a script of c kept for the next
// command of its pipeline if that command (just run: armed, or about to
// leave the event loop) did not take them over.
func (n *Node) dropKept(c *client, armed bool) {
	if c == nil || c.kept == keptNone || (armed && c.kept != keptArmed) {
		return
	}
	c.kept = keptNone
	sc := &n.scripts
	if !sc.mu.TryLock() {
		// Whoever holds mu holds the stripes kept too, and lets them go
		// or keeps them as it ends (keepStripes, dropHold): an event
		// loop does not wait for a script here.
		return
	}
	if sc.held {
		// No script runs (mu is held): the stripes wait for the next one,
		// which locks them again.
		sc.held = false
		sc.kept = 0
		n.unlockStripes(allStripes, true)
	}
	sc.mu.Unlock()
}

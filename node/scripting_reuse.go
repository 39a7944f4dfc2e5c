package node

import (
	"context"
	"sync"
	"sync/atomic"

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

package node

import (
	"context"
	"sync"
)

// killSwitch is the context scripts run under, lent to one run at a
// time and kept from run to run until SCRIPT KILL or FUNCTION KILL
// cancels it (a context of each run's own cost three allocations per
// call).
type killSwitch struct {
	// mu guards the fields: a kill cancels the context only while the
	// run it targets holds it.
	mu     sync.Mutex
	ctx    context.Context
	cancel context.CancelFunc
	owner  *scriptRun // the run the context is lent to (nil: none)
}

// acquire lends the context to r.
func (k *killSwitch) acquire(r *scriptRun) context.Context {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.ctx == nil || k.ctx.Err() != nil {
		k.ctx, k.cancel = context.WithCancel(context.Background())
	}
	k.owner = r
	return k.ctx
}

// release takes the context back from r.
func (k *killSwitch) release(r *scriptRun) {
	k.mu.Lock()
	if k.owner == r {
		k.owner = nil
	}
	k.mu.Unlock()
}

// kill stops r if it still runs.
func (k *killSwitch) kill(r *scriptRun) {
	k.mu.Lock()
	if k.owner == r {
		k.cancel()
	}
	k.mu.Unlock()
}

// maxKept bounds how many scripts in a row take the stripes over from the
// one before (see keepStripes).
const maxKept = 16

// keepStripes ends a script's hold on every stripe (mu held): when
// another script is queued for mu and no command waits for a stripe, the
// stripes stay locked for it, up to maxKept times in a row (locking and
// unlocking 64 stripes was a fifth of a script call's CPU when clients
// run scripts back to back); otherwise they are unlocked.
func (n *Node) keepStripes() {
	sc := &n.scripts
	if sc.queued.Load() > 0 && sc.waiting.Load() == 0 && sc.unaware.Load() == 0 && sc.kept < maxKept {
		sc.kept++
		return
	}
	sc.kept = 0
	sc.held = false
	n.unlockStripes(allStripes, true)
}

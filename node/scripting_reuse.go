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

package node

import "time"

// A script is busy once it has run past busy-reply-threshold: other
// clients' commands then answer BUSY. Whether it is is worked out when
// someone asks (no timer per call).

// isBusy reports whether r has run past the threshold.
func (r *scriptRun) isBusy() bool {
	if r.busy.Load() {
		return true
	}
	if !r.started.Load() || time.Since(r.base) < time.Duration(r.began.Load())+r.limit {
		return false
	}
	r.busy.Store(true)
	return true
}

// untilBusy is how long r may still run before it is busy (its whole
// threshold when it has not started yet).
func (r *scriptRun) untilBusy() time.Duration {
	if !r.started.Load() {
		return r.limit
	}
	return time.Duration(r.began.Load()) + r.limit - time.Since(r.base)
}

// waitDone waits for r to end and reports true, or reports false once r
// has run past the threshold.
func (r *scriptRun) waitDone() bool {
	for !r.isBusy() {
		t := time.NewTimer(max(r.untilBusy(), 0))
		select {
		case <-r.doneChan():
			t.Stop()
			return true
		case <-t.C:
		}
	}
	return false
}

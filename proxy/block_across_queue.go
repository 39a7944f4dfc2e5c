package proxy

import "sync"

// xwaitQueue puts the proxy's clients blocked in pops across nodes
// (block_across.go) in the order they blocked. A push wakes every one of
// them waiting on its key (each has its own wake-up on the node), but
// they try to pop one at a time, the earliest first, and each passes over
// the keys a client that blocked before it waits on (behind): so the
// client that blocked first on a key gets what comes there, as in Redis,
// whichever wake-up reached the proxy first and whichever attempt ran
// when the push landed. When a client leaves, the next on its keys try.
// One at a time for the whole proxy: an attempt is a few round trips,
// and only woken clients take turns.
type xwaitQueue struct {
	// mu guards q, running and the waiters' pending flags.
	mu      sync.Mutex
	q       []*xwaiter // in the order they blocked
	running *xwaiter   // the one whose turn it is, if any
}

// xwaiter is one blocked client in the queue.
type xwaiter struct {
	keys    [][]byte
	group   string        // XREADGROUP's group: only its clients compete
	pending bool          // it is to try (again)
	turn    chan struct{} // told when its turn comes (one slot)
}

// join queues a client blocked on keys (of group, for XREADGROUP; else
// ""); its first turn is for its first attempt.
func (x *xwaitQueue) join(keys [][]byte, group string) *xwaiter {
	w := &xwaiter{keys: keys, group: group, pending: true, turn: make(chan struct{}, 1)}
	x.mu.Lock()
	x.q = append(x.q, w)
	x.scheduleLocked()
	x.mu.Unlock()
	return w
}

// wake makes every client blocked on one of keys try again, in turn.
func (x *xwaitQueue) wake(keys [][]byte) {
	x.mu.Lock()
	for _, w := range x.q {
		if !w.pending && sharesKey(w.keys, keys) {
			w.pending = true
		}
	}
	x.scheduleLocked()
	x.mu.Unlock()
}

// done ends w's turn.
func (x *xwaitQueue) done(w *xwaiter) {
	x.mu.Lock()
	if x.running == w {
		x.running = nil
	}
	x.scheduleLocked()
	x.mu.Unlock()
}

// behind tells, for each key of w, whether a client that blocked before
// w waits on it (in the same XREADGROUP group, if any): that client has the first claim to what comes there, so
// w passes over the key (see txMPop's skip); all reports whether every
// key is so.
func (x *xwaitQueue) behind(w *xwaiter) (skip []bool, all bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	skip = make([]bool, len(w.keys))
	all = true
	for i, k := range w.keys {
		for _, y := range x.q {
			if y == w {
				break
			}
			if y.group == w.group && sharesKey(y.keys, [][]byte{k}) {
				skip[i] = true
				break
			}
		}
		all = all && skip[i]
	}
	return skip, all
}

// leave drops w (served, timed out, unblocked or gone), ending its turn
// if it had it. The clients sharing a key with it try again: one may now
// have the first claim to a key that holds something.
func (x *xwaitQueue) leave(w *xwaiter) {
	x.mu.Lock()
	for i, y := range x.q {
		if y == w {
			x.q = append(x.q[:i], x.q[i+1:]...)
			break
		}
	}
	for _, y := range x.q {
		if sharesKey(y.keys, w.keys) {
			y.pending = true
		}
	}
	if x.running == w {
		x.running = nil
	}
	x.scheduleLocked()
	x.mu.Unlock()
}

// scheduleLocked gives the turn to the earliest pending client when no
// one has it.
func (x *xwaitQueue) scheduleLocked() {
	if x.running != nil {
		return
	}
	for _, w := range x.q {
		if w.pending {
			w.pending = false
			x.running = w
			select {
			case w.turn <- struct{}{}:
			default:
			}
			return
		}
	}
}

// sharesKey reports whether a and b have a key in common.
func sharesKey(a, b [][]byte) bool {
	for _, k := range a {
		for _, l := range b {
			if string(k) == string(l) {
				return true
			}
		}
	}
	return false
}

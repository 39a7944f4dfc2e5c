package node

import (
	"strconv"
	"sync"
	"time"

	"github.com/vcache/vcache/cache"
)

// Held expiry. Redis keeps its dataset still while clients are paused: no
// key is expired, actively or lazily, and nothing is evicted
// (cache.Keyspace.HoldExpiry). On a node, its own CLIENT PAUSE holds
// expiry (pause.go); a proxy's CLIENT PAUSE pauses the proxy's clients
// only, and holds the nodes' expiry with
//
//	VCACHE.HOLDEXPIRY id lease-ms   -> +OK
//	VCACHE.RELEASEEXPIRY id         -> :1, or :0 if id held nothing (its lease ran out)
//
// which it sends to every data node as its pause starts, renews well
// within the lease while the pause lasts, and releases as it ends. Each
// proxy holds under an id of its own, so several proxies pause and
// unpause independently: expiry stays held while the node's own pause or
// any lease lasts. A proxy that dies or hangs never leaves expiry held
// past its lease.

// maxHoldLease bounds an expiry hold's lease: an hour.
const maxHoldLease = 3600 * 1000

// expiryHolds are the holds on the keyspace's expiry and eviction.
type expiryHolds struct {
	ks *cache.Keyspace
	// mu guards what follows. Lock order: front.Pause's lock, then mu,
	// then the keyspace's stripes.
	mu     sync.Mutex
	paused bool                  // the node's own CLIENT PAUSE
	leases map[string]*holdLease // the proxies' holds, by id
	on     bool                  // what the keyspace was last told
	// lapsed, when set, is called (without mu) when a lease runs out
	// unreleased, for the log.
	lapsed func(id string)
}

// holdLease is one proxy's hold: it lasts until until.
type holdLease struct {
	until time.Time
	timer *time.Timer
}

// setPaused is the node's CLIENT PAUSE starting (true) or ending (false):
// front.Pause.OnChange.
func (h *expiryHolds) setPaused(on bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.paused = on
	h.apply()
}

// hold holds expiry for id until lease from now, or extends its hold.
func (h *expiryHolds) hold(id string, lease time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.leases == nil {
		h.leases = map[string]*holdLease{}
	}
	l := h.leases[id]
	if l == nil {
		l = &holdLease{}
		h.leases[id] = l
	}
	l.until = time.Now().Add(lease)
	if l.timer != nil {
		l.timer.Stop()
	}
	l.timer = time.AfterFunc(lease, func() { h.lapse(id, l) })
	h.apply()
}

// lapse ends l, id's lease, if its time is up and it was not released or
// replaced meanwhile.
func (h *expiryHolds) lapse(id string, l *holdLease) {
	h.mu.Lock()
	if h.leases[id] != l {
		h.mu.Unlock()
		return
	}
	if left := time.Until(l.until); left > 0 {
		l.timer = time.AfterFunc(left, func() { h.lapse(id, l) })
		h.mu.Unlock()
		return
	}
	delete(h.leases, id)
	h.apply()
	h.mu.Unlock()
	if h.lapsed != nil {
		h.lapsed(id)
	}
}

// release ends id's hold; it reports whether id held expiry.
func (h *expiryHolds) release(id string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.leases[id]
	if l == nil {
		return false
	}
	l.timer.Stop()
	delete(h.leases, id)
	h.apply()
	return true
}

// apply tells the keyspace whether expiry is held, when that changed.
// h.mu must be held.
func (h *expiryHolds) apply() {
	on := h.paused || len(h.leases) > 0
	if on != h.on {
		h.on = on
		h.ks.HoldExpiry(on)
	}
}

func cmdVcacheHoldExpiry(cx *Ctx) {
	ms, err := strconv.ParseInt(string(cx.Args[2]), 10, 64)
	if err != nil || ms <= 0 || ms > maxHoldLease {
		cx.Error("ERR invalid lease")
		return
	}
	cx.Node.expHolds.hold(string(cx.Args[1]), time.Duration(ms)*time.Millisecond)
	cx.OK()
}

func cmdVcacheReleaseExpiry(cx *Ctx) {
	if cx.Node.expHolds.release(string(cx.Args[1])) {
		cx.Int(1)
	} else {
		cx.Int(0)
	}
}

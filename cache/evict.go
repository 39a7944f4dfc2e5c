package cache

import (
	"math"
	"math/rand/v2"

	"github.com/vcache/vcache/internal/keyslot"
)

// slotOfKey returns the hash slot of a stored key.
func slotOfKey(k string) int { return keyslot.OfString(k) }

// LFU: access holds an 8-bit logarithmic counter in the low byte and, above
// it, the clock (in minutes, 16 bits) of the last decay, like Redis.
const (
	lfuInitVal   = 5
	lfuLogFactor = 10
	lfuDecayMins = 1
)

// touch records an access for LRU and LFU. The stripe's mutex must be held.
func (ks *Keyspace) touch(e *entry) {
	clock := ks.clock.Load()
	switch ks.Policy() {
	case AllKeysLFU, VolatileLFU:
		mins := uint32(clock/600) & 0xFFFF
		ctr := e.access & 0xFF
		if e.access == 0 {
			ctr = lfuInitVal
		} else {
			ctr = lfuDecay(e.access, mins)
		}
		if ctr < 255 {
			base := float64(ctr) - lfuInitVal
			if base < 0 {
				base = 0
			}
			if rand.Float64() < 1.0/(base*lfuLogFactor+1) {
				ctr++
			}
		}
		e.access = mins<<8 | ctr
	default:
		e.access = clock
	}
}

// lfuDecay returns the counter after decaying it for the minutes elapsed.
func lfuDecay(access, nowMins uint32) uint32 {
	last := access >> 8
	ctr := access & 0xFF
	elapsed := (nowMins - last) & 0xFFFF
	dec := elapsed / lfuDecayMins
	if dec >= ctr {
		return 0
	}
	return ctr - dec
}

// OverMemory is checked before a command that may grow memory. If used
// memory exceeds maxmemory it evicts keys as the policy allows; it reports
// true when memory is still over the limit (the command must be refused
// with OOM).
func (ks *Keyspace) OverMemory() bool { return ks.OverMemoryWith(nil) }

// OverMemoryWith is OverMemory for a command that adds grow() bytes at
// once beyond its own (an index it writes grows a chunk of its arrays):
// used memory plus grow() must fit maxmemory, after what eviction can
// free (grow is asked again after each eviction: an evicted document may
// leave room in the index). grow may be nil.
//
// Under an eviction policy the eviction slack (SetEvictSlack) counts too:
// keys are evicted until used memory, grow() and the slack fit. The
// slack never refuses a command on its own: when nothing more can be
// evicted, the command is refused only if used memory plus grow() is
// over maxmemory.
func (ks *Keyspace) OverMemoryWith(grow func() int64) bool {
	max := ks.maxMemory.Load()
	if max <= 0 || ks.holdExp.Load() {
		// (While expiry is held nothing is evicted either, and the
		// command is not refused: Redis's CLIENT PAUSE.)
		return false
	}
	need := func() int64 {
		if grow == nil {
			return ks.UsedMemory()
		}
		return ks.UsedMemory() + grow()
	}
	p := ks.Policy()
	slack := ks.EvictSlack()
	if need()+slack <= max {
		return false
	}
	if p == NoEviction {
		return true
	}
	for need()+slack > max {
		if !ks.evictOne(p) {
			return need() > max
		}
	}
	return false
}

// SetEvictSlack sets bytes that eviction counts beside used memory (a
// negative n counts as 0): memory the process holds because of the keys
// but that used memory does not count, such as the allocator's room in
// spans that evicted keys left sparse. Eviction then keeps used memory
// that much below maxmemory (OverMemoryWith); used memory itself, and
// what noeviction refuses, do not change.
func (ks *Keyspace) SetEvictSlack(n int64) { ks.evictSlack.Store(max(n, 0)) }

// EvictSlack returns the bytes eviction counts beside used memory now:
// SetEvictSlack's, or 0 under noeviction (which evicts nothing).
func (ks *Keyspace) EvictSlack() int64 {
	if ks.Policy() == NoEviction {
		return 0
	}
	return ks.evictSlack.Load()
}

// candidate is a key considered for eviction.
type candidate struct {
	stripe int
	key    string
	score  float64 // higher is a better victim
}

// evictOne samples keys from a few random stripes and evicts the best
// victim under p. It reports false when nothing could be evicted.
func (ks *Keyspace) evictOne(p Policy) bool {
	const stripesPerRound, perStripeSample = 4, 5
	var best candidate
	found := false
	clock := ks.clock.Load()
	now := ks.nowMs()
	// Walk the stripes from a random one and sample the first few that
	// hold candidates: keys may all sit in one stripe (one hash tag), and a
	// purely random pick of stripes can miss it.
	first, sampled := rand.IntN(numStripes), 0
	for step := 0; step < numStripes && sampled < stripesPerRound; step++ {
		{
			i := (first + step) % numStripes
			sh := &ks.stripes[i]
			sh.mu.Lock()
			if (p.volatileOnly() && len(sh.volatile) > 0) || (!p.volatileOnly() && sh.keys > 0) {
				sampled++
			}
			consider := func(k string, e *entry) {
				c := candidate{stripe: i, key: k, score: victimScore(p, e, sh.expOf(e), clock, now)}
				if !found || c.score > best.score {
					best, found = c, true
				}
			}
			n := 0
			if p.volatileOnly() {
				for e := range sh.volatile {
					if n == perStripeSample {
						break
					}
					consider(e.key(), e)
					n++
				}
			} else if sh.keys > 0 {
				start := rand.IntN(perStripe)
				for j := 0; j < perStripe && n < perStripeSample; j++ {
					sh.slots[(start+j)%perStripe].each(func(e *entry) bool {
						if n == perStripeSample {
							return false
						}
						consider(e.key(), e)
						n++
						return true
					})
				}
			}
			sh.mu.Unlock()
		}
	}
	if !found {
		return false
	}
	sh := &ks.stripes[best.stripe]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	slot := slotOfKey(best.key)
	e := sh.slots[slot>>stripeBits].get(best.key)
	if e == nil {
		return true // gone meanwhile: memory moved anyway; sample again
	}
	ks.del(sh, slot, best.key, e, ReasonEvicted)
	ks.evicted.Add(1)
	return true
}

// victimScore ranks e as an eviction victim under p (higher = evict first).
func victimScore(p Policy, e *entry, exp int64, clock uint32, now int64) float64 {
	switch p {
	case AllKeysLRU, VolatileLRU:
		return float64(clock - e.access)
	case AllKeysLFU, VolatileLFU:
		return 255 - float64(lfuDecay(e.access, uint32(clock/600)&0xFFFF))
	case VolatileTTL:
		if exp == 0 {
			return math.Inf(-1)
		}
		return -float64(exp - now)
	}
	return rand.Float64()
}

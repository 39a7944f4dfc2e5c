package cache

import "time"

// activeExpireCycle removes expired keys nobody touches, as Redis's active
// expiry does: per stripe, sample up to 20 keys with a TTL, delete the
// expired ones, and sample again while more than a quarter of a sample had
// expired; stop when budget is spent. It returns the stripe to start from
// next time, and how long the cycle worked (see cycleTimer).
func (ks *Keyspace) activeExpireCycle(first int, budget time.Duration) (next int, worked time.Duration) {
	ct := startCycle()
	next = ks.expireStripes(first, ct.start.Add(budget), &ct)
	return next, ct.worked()
}

func (ks *Keyspace) expireStripes(first int, deadline time.Time, ct *cycleTimer) int {
	const sample = 20
	for n := 0; n < numStripes; n++ {
		i := (first + n) % numStripes
		sh := &ks.stripes[i]
		for {
			ct.lock(sh)
			now := ks.nowMs()
			seen, gone := 0, 0
			for e, exp := range sh.volatile {
				if seen == sample {
					break
				}
				seen++
				if exp <= now {
					k := e.key()
					ks.del(sh, slotOfKey(k), k, e, ReasonExpired)
					gone++
				}
			}
			sh.mu.Unlock()
			ks.expired.Add(int64(gone))
			if gone*4 <= seen || seen < sample {
				break
			}
			if time.Now().After(deadline) {
				return i
			}
		}
		if time.Now().After(deadline) {
			return (i + 1) % numStripes
		}
	}
	return first
}

// cycleTimer measures how long a background cycle over the stripes
// (active expiry) works: its wall time less what it waited for stripes
// that commands held. Redis's cycle runs on the one thread and never
// waits; here the time that counts, as latency, is the time the cycle
// kept commands from the stripes, and a cycle that waited behind a long
// script held nobody up meanwhile.
type cycleTimer struct {
	start  time.Time
	waited time.Duration
}

func startCycle() cycleTimer { return cycleTimer{start: time.Now()} }

// lock locks sh, counting the wait when another holds it.
func (ct *cycleTimer) lock(sh *stripe) {
	if sh.mu.TryLock() {
		return
	}
	t := time.Now()
	sh.mu.Lock()
	ct.waited += time.Since(t)
}

// worked returns the time since the start, less the waits.
func (ct *cycleTimer) worked() time.Duration { return max(time.Since(ct.start)-ct.waited, 0) }

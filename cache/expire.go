package cache

import "time"

// activeExpireCycle removes expired keys nobody touches, as Redis's active
// expiry does: per stripe, sample up to 20 keys with a TTL, delete the
// expired ones, and sample again while more than a quarter of a sample had
// expired; stop when budget is spent. It returns the stripe to start from
// next time.
func (ks *Keyspace) activeExpireCycle(first int, budget time.Duration) int {
	const sample = 20
	deadline := time.Now().Add(budget)
	for n := 0; n < numStripes; n++ {
		i := (first + n) % numStripes
		sh := &ks.stripes[i]
		for {
			sh.mu.Lock()
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

package node

import "github.com/vcache/vcache/cache"

// Values are freed at once here (the garbage collector reclaims them), but
// INFO's lazyfreed_objects counts what Redis would have handed to its
// background thread, so tools watching it see the same figures: UNLINK's
// values whose free effort is over cache.LazyFreeThreshold, and every key
// of FLUSHDB/FLUSHALL ASYNC.

func cmdUnlink(cx *Ctx) {
	ks := cx.Node.ks
	keys := cx.Args[1:]
	var lazy int64
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		if seen[string(k)] {
			continue
		}
		seen[string(k)] = true
		if ks.FreeEffort(k) > cache.LazyFreeThreshold {
			lazy++
		}
	}
	n := ks.Del(keys...)
	cx.Node.stats.lazyfreed.Add(lazy)
	cx.Int(int64(n))
}

package cache

import "sync/atomic"

// Key versions for WATCH. A slot's version (SlotVersion) changes on any
// write to any key of the slot, which is too coarse for WATCH: Redis
// marks a transaction dirty only when a key it watches was modified, and
// cluster clients put related keys in one slot with a hash tag. Each
// stripe therefore keeps a small array of counters indexed by a hash of
// the key; every place that changes a key (insert, del, resize,
// setExpire, Flush, the field-expiry paths) bumps its key's counter. Two
// keys of one stripe may share a counter, so a write to another key can
// still abort a transaction (about one chance in keyVerBuckets), but a
// write to the watched key never goes unseen.

// keyVerBuckets is how many counters each stripe keeps.
const keyVerBuckets = 1024

// keyVers are a stripe's key version counters. A stripe has none until
// a key of it is watched: writes before that have nothing to tell.
type keyVers [keyVerBuckets]atomic.Uint64

// keyBucket returns key's counter index (FNV-1a).
func keyBucket(key string) int {
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h ^= uint32(key[i])
		h *= 16777619
	}
	return int(h & (keyVerBuckets - 1))
}

// keyChanged bumps key's version. The stripe's mutex must be held.
func (ks *Keyspace) keyChanged(sh *stripe, key string) {
	if v := sh.keyVer.Load(); v != nil {
		v[keyBucket(key)].Add(1)
	}
}

// KeyVersion returns a number that changes whenever key is written,
// expires or is removed (and, rarely, when another key of its stripe
// is): WATCH compares it at EXEC. It reads without locking.
func (ks *Keyspace) KeyVersion(key []byte) uint64 {
	sh, _ := ks.locate(key)
	v := sh.keyVer.Load()
	if v == nil {
		sh.keyVer.CompareAndSwap(nil, new(keyVers))
		v = sh.keyVer.Load()
	}
	return v[keyBucket(string(key))].Load()
}

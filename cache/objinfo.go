package cache

import "time"

// KeyAccess is what OBJECT IDLETIME and OBJECT FREQ report of a key.
type KeyAccess struct {
	// Idle is the time since the key was last read or written, as the
	// LRU clock tells it (meaningful under a non-LFU policy).
	Idle time.Duration
	// Freq is the key's logarithmic access counter, decayed to now
	// (meaningful under an LFU policy).
	Freq int
}

// Access returns key's access record without counting as an access, and
// false when the key is missing.
func (ks *Keyspace) Access(key []byte) (KeyAccess, bool) {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	if e == nil {
		return KeyAccess{}, false
	}
	clock := ks.clock.Load()
	var a KeyAccess
	switch ks.Policy() {
	case AllKeysLFU, VolatileLFU:
		a.Freq = int(lfuDecay(e.access, uint32(clock/600)&0xFFFF))
	default:
		// Modular: RESTORE ... IDLETIME may set an access before the
		// clock's start.
		a.Idle = time.Duration(clock-e.access) * 100 * time.Millisecond
	}
	return a, true
}

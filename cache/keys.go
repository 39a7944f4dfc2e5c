package cache

import (
	"math/rand/v2"
	"strings"

	"github.com/vcache/vcache/internal/glob"
	"github.com/vcache/vcache/internal/keyslot"
)

// Del removes keys and returns how many existed.
func (ks *Keyspace) Del(keys ...[]byte) int {
	n := 0
	for _, k := range keys {
		sh, slot := ks.locate(k)
		sh.mu.Lock()
		if e := ks.find(sh, slot, k); e != nil {
			ks.del(sh, slot, string(k), e, ReasonDeleted)
			n++
		}
		sh.mu.Unlock()
	}
	return n
}

// Exists counts the keys that exist (a key named twice counts twice).
func (ks *Keyspace) Exists(keys ...[]byte) int {
	n := 0
	for _, k := range keys {
		sh, slot := ks.locate(k)
		sh.mu.Lock()
		if ks.find(sh, slot, k) != nil {
			n++
		}
		sh.mu.Unlock()
	}
	return n
}

// Touch updates keys' access time and counts those that exist.
func (ks *Keyspace) Touch(keys ...[]byte) int {
	n := 0
	for _, k := range keys {
		sh, slot := ks.locate(k)
		sh.mu.Lock()
		if e := ks.find(sh, slot, k); e != nil {
			ks.touch(e)
			n++
		}
		sh.mu.Unlock()
	}
	return n
}

// Type returns TYPE's answer: "none", "string", "hash", "zset" or a custom type.
func (ks *Keyspace) Type(key []byte) string {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return typeName(ks.find(sh, slot, key))
}

func typeName(e *entry) string {
	if e == nil {
		return "none"
	}
	switch e.kind() {
	case kindString:
		return "string"
	case kindHash:
		return "hash"
	case kindZSet:
		return "zset"
	case kindSet:
		return "set"
	case kindList:
		return "list"
	case kindStream:
		return "stream"
	case kindJSON:
		return JSONTypeName
	}
	return e.customVal().TypeName()
}

// Rename moves src's value (and TTL) to dst, replacing dst unless nx. It
// reports whether it renamed (false only with nx and an existing dst).
func (ks *Keyspace) Rename(src, dst []byte, nx bool) (bool, error) {
	unlock := ks.lockKeys([][]byte{src, dst}, 1)
	defer unlock()
	ssh, sslot := ks.locate(src)
	e := ks.find(ssh, sslot, src)
	if e == nil {
		return false, ErrNoSuchKey
	}
	dsh, dslot := ks.locate(dst)
	if string(src) == string(dst) {
		return !nx, nil
	}
	if old := ks.find(dsh, dslot, dst); old != nil {
		if nx {
			return false, nil
		}
		ks.del(dsh, dslot, string(dst), old, ReasonDeleted)
	}
	at := ssh.expOf(e)
	ks.del(ssh, sslot, string(src), e, ReasonRenamed)
	var val []byte
	if e.kind() == kindString {
		val = e.str()
	}
	ne := newEntry(bstr(dst), e.kind(), val, e.object())
	if e.isRaw() {
		ne.markRaw()
	}
	ne.access = e.access
	ks.insertAt(dsh, dslot, ne, at)
	if ne.kind() == kindHash {
		hashChanged(ks, dst, dslot, ne)
	}
	ks.jsonChanged(string(dst), dslot, ne)
	return true, nil
}

// ExpireCond is EXPIRE's NX/XX/GT/LT condition.
type ExpireCond uint8

// Expire conditions.
const (
	ExpireAlways ExpireCond = iota
	ExpireNX                // only when the key has no expiry
	ExpireXX                // only when it has one
	ExpireGT                // only when the new expiry is later
	ExpireLT                // only when the new expiry is sooner
	ExpireXXLT              // only when it has one and the new one is sooner
)

// Expire sets key's expiry to at (unix ms) under cond; an expiry in the
// past deletes the key. It reports whether it did anything.
func (ks *Keyspace) Expire(key []byte, at int64, cond ExpireCond) bool {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	if e == nil {
		return false
	}
	exp := sh.expOf(e)
	switch cond {
	case ExpireNX:
		if exp != 0 {
			return false
		}
	case ExpireXX:
		if exp == 0 {
			return false
		}
	case ExpireGT: // no expiry counts as infinite
		if exp == 0 || at <= exp {
			return false
		}
	case ExpireLT:
		if exp != 0 && at >= exp {
			return false
		}
	case ExpireXXLT:
		if exp == 0 || at >= exp {
			return false
		}
	}
	if at <= ks.nowMs() {
		// A time in the past deletes the key: observers hear a deletion
		// (Redis notifies del, not expired).
		ks.del(sh, slot, string(key), e, ReasonDeleted)
		ks.expired.Add(1)
		return true
	}
	ks.setExpire(sh, slot, e, at)
	ks.resize(sh, slot, e)
	return true
}

// Persist removes key's expiry and reports whether it had one.
func (ks *Keyspace) Persist(key []byte) bool {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	if e == nil || !e.hasTTL() {
		return false
	}
	ks.setExpire(sh, slot, e, 0)
	ks.resize(sh, slot, e)
	return true
}

// ExpireAt returns key's expiry in unix ms: -2 if the key does not exist,
// -1 if it has no expiry.
func (ks *Keyspace) ExpireAt(key []byte) int64 {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	switch {
	case e == nil:
		return -2
	case !e.hasTTL():
		return -1
	}
	return sh.expOf(e)
}

// TTL returns key's remaining time to live in ms, -2 if the key does not
// exist, -1 if it has no expiry.
func (ks *Keyspace) TTL(key []byte) int64 {
	at := ks.ExpireAt(key)
	if at < 0 {
		return at
	}
	return max(at-ks.nowMs(), 0)
}

// MemoryUsage returns the accounted bytes of key, or -1.
func (ks *Keyspace) MemoryUsage(key []byte) int64 {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if e := ks.find(sh, slot, key); e != nil {
		return e.mem()
	}
	return -1
}

// ScanOptions filter SCAN and KEYS.
type ScanOptions struct {
	Match string // glob pattern; "" = all
	Type  string // only keys of this type; "" = all
	Count int    // hint: stop after about this many keys
	// Slots, when set, skips the slots it rejects (a clustered node lists
	// only the slots it serves, not the copies it keeps as a replica).
	Slots func(slot int) bool
}

// Scan walks the keyspace slot by slot. The cursor is the next slot to
// visit; 0 starts and, returned, ends the scan. Every key present for the
// whole scan is returned at least once.
func (ks *Keyspace) Scan(cursor uint64, o ScanOptions) (next uint64, keys []string) {
	if cursor >= keyslot.Count {
		return 0, nil // no cursor of ours: Redis ends such a scan too
	}
	count := max(o.Count, 10)
	slot := int(cursor)
	visited := 0
	for ; slot < keyslot.Count && visited < count; slot++ {
		if o.Slots != nil && !o.Slots(slot) {
			continue
		}
		sh := &ks.stripes[slot&(numStripes-1)]
		sh.mu.Lock()
		for k, e := range sh.slots[slot>>stripeBits].all() {
			visited++
			if e.hasTTL() && sh.volatile[e] <= ks.nowMs() {
				continue
			}
			if (o.Type == "" || strings.EqualFold(typeName(e), o.Type)) && (o.Match == "" || Match(o.Match, k)) {
				keys = append(keys, k)
			}
		}
		sh.mu.Unlock()
	}
	if slot >= keyslot.Count {
		return 0, keys
	}
	return uint64(slot), keys
}

// Keys returns every live key matching pattern.
func (ks *Keyspace) Keys(pattern string) []string {
	return ks.KeysIn(ScanOptions{Match: pattern})
}

// KeysIn returns every live key that o admits (o.Count is ignored).
func (ks *Keyspace) KeysIn(o ScanOptions) []string {
	var out []string
	var cur uint64
	o.Count = 1 << 20
	for {
		var ks2 []string
		cur, ks2 = ks.Scan(cur, o)
		out = append(out, ks2...)
		if cur == 0 {
			return out
		}
	}
}

// RandomKey returns a random live key, or "" and false when empty. It
// starts at a random stripe and slot and takes the first live key it meets,
// so it always finds one when any exists.
func (ks *Keyspace) RandomKey() (string, bool) { return ks.RandomKeyIn(nil) }

// RandomKeyIn is RandomKey over the slots that slots admits (nil: all).
func (ks *Keyspace) RandomKeyIn(slots func(slot int) bool) (string, bool) {
	first := rand.IntN(numStripes)
	for n := 0; n < numStripes; n++ {
		sh := &ks.stripes[(first+n)%numStripes]
		sh.mu.Lock()
		if sh.keys > 0 {
			start := rand.IntN(perStripe)
			now := ks.nowMs()
			for j := 0; j < perStripe; j++ {
				si := (start + j) % perStripe
				if slots != nil && !slots(si<<stripeBits|(first+n)%numStripes) {
					continue
				}
				for k, e := range sh.slots[si].all() {
					if !e.hasTTL() || sh.volatile[e] > now {
						sh.mu.Unlock()
						return k, true
					}
				}
			}
		}
		sh.mu.Unlock()
	}
	return "", false
}

// Match reports whether s matches the glob pattern as Redis's
// stringmatch does: * ? [abc] [^a] [a-z] and \ escapes.
func Match(pattern, s string) bool { return glob.Match(pattern, s) }

package cache

import (
	"math"
	"time"
)

// Hash field expiration (Redis 7.4's HEXPIRE family). A hash some of whose
// fields have a TTL is a hash table with a side map of deadlines: its
// entry's obj is a *hashEx rather than the bare map, so hashMap and the
// readers see the fields as before. A packed hash converts on its first
// field TTL and does not pack again (Redis 7.4 would keep a small one as a
// "listpackex"; vcache keeps the packed form only for hashes without field
// TTLs). When the last field TTL goes (HPERSIST, HSET of the field, expiry)
// the obj goes back to the bare map.
//
// Expired fields are removed lazily when the key is looked up (find), so
// no reader sees one, and actively by activeExpireFields from the
// keyspace's background loop, a bounded number of hashes and fields per
// stripe and cycle. Removing fields tells the observer as HDEL does
// (HashChanged, or KeyRemoved with ReasonDeleted when the hash is left
// empty) and then FieldObserver.FieldsExpired.

// hashEx is a hash table with field deadlines.
type hashEx struct {
	m    *ftab
	ttl  map[string]int64 // field -> deadline, unix ms; only fields of m
	next int64            // no deadline in ttl is earlier; math.MaxInt64 when ttl is empty
}

// Field TTL reply codes, as Redis 7.4/8 answers them per field.
const (
	FieldNoSuch   = -2 // no such field (or key)
	FieldNoTTL    = -1 // HTTL, HPERSIST: the field has no TTL
	FieldCondFail = 0  // NX/XX/GT/LT not met
	FieldSet      = 1  // TTL set (HPERSIST: removed)
	FieldDeleted  = 2  // deleted: the deadline is not in the future
)

// FieldObserver may be implemented by an Observer to hear about hash
// fields removed by expiry (after HashChanged or KeyRemoved told what is
// left). keyGone says the hash was deleted for having no field left.
type FieldObserver interface {
	FieldsExpired(key string, slot int, n int, keyGone bool)
}

// hashExOf returns e's field deadlines, or nil when it has none.
func hashExOf(e *entry) *hashEx {
	hx, _ := e.object().(*hashEx)
	return hx
}

// fieldTTL returns f's deadline (0: none).
func fieldTTL(e *entry, f string) int64 {
	if hx := hashExOf(e); hx != nil {
		return hx.ttl[f]
	}
	return 0
}

// toHashEx makes e (a kindHash entry) a hash table with deadlines and
// returns them; the stripe's mutex must be held and the caller tracks it.
func (e *entry) toHashEx() *hashEx {
	if hx := hashExOf(e); hx != nil {
		return hx
	}
	if e.isPacked() {
		e.unpack()
	}
	hx := &hashEx{m: e.hashTab(), ttl: make(map[string]int64), next: math.MaxInt64}
	e.setObject(hx)
	return hx
}

// setTTL gives field f (which must be in m) deadline at.
func (hx *hashEx) setTTL(f string, at int64) {
	hx.ttl[f] = at
	hx.next = min(hx.next, at)
}

// trackFields keeps e in its stripe's set of hashes with field deadlines
// (hfe), reverting a hash without any to the bare map. The stripe's mutex
// must be held.
func (ks *Keyspace) trackFields(sh *stripe, e *entry) {
	hx := hashExOf(e)
	if hx == nil {
		return
	}
	if len(hx.ttl) == 0 {
		e.setObject(hx.m)
		delete(sh.hfe, e)
		return
	}
	if sh.hfe == nil {
		sh.hfe = make(map[*entry]struct{})
	}
	sh.hfe[e] = struct{}{}
}

// expireFields removes e's fields whose deadline is not after now and
// tells the observer; it reports whether the hash was deleted for it. The
// stripe's mutex must be held.
func (ks *Keyspace) expireFields(sh *stripe, slot int, e *entry, now int64) bool {
	hx := hashExOf(e)
	if hx == nil || hx.next > now {
		return false
	}
	n := 0
	next := int64(math.MaxInt64)
	for f, at := range hx.ttl {
		if at <= now {
			delete(hx.ttl, f)
			hx.m.delS(f)
			n++
			continue
		}
		next = min(next, at)
	}
	hx.next = next
	if n == 0 {
		ks.trackFields(sh, e)
		return false
	}
	ks.touchSlot(slot, e.key())
	gone := ks.fieldsRemoved(sh, slot, e)
	if fo, ok := ks.observer.(FieldObserver); ok {
		fo.FieldsExpired(e.key(), slot, n, gone)
	}
	return gone
}

// fieldsRemoved finishes a removal of e's fields: the key goes when empty,
// else it is re-accounted and observers hear its new content. It reports
// whether the key went. The stripe's mutex must be held.
func (ks *Keyspace) fieldsRemoved(sh *stripe, slot int, e *entry) bool {
	if e.hashTab().len() == 0 {
		ks.del(sh, slot, e.key(), e, ReasonDeleted)
		return true
	}
	ks.trackFields(sh, e)
	ks.resize(sh, slot, e)
	hashChanged(ks, e.key(), slot, e)
	return false
}

// touchSlot marks slot and its key changed (WATCH, notifications). The
// stripe's mutex must be held.
func (ks *Keyspace) touchSlot(slot int, key string) {
	ks.table(slot).ver.Add(1)
	ks.keyChanged(&ks.stripes[slot&(numStripes-1)], key)
}

// lazyExpireFields is find's hook: it removes e's expired fields and
// reports whether that deleted the key.
func (ks *Keyspace) lazyExpireFields(sh *stripe, slot int, e *entry) bool {
	if hx := hashExOf(e); hx == nil || hx.next > ks.nowMs() {
		return false
	}
	return ks.expireFields(sh, slot, e, ks.nowMs())
}

// activeExpireFields expires fields of hashes nobody reads: per stripe,
// up to 20 hashes with field deadlines are looked at (each scan costs its
// number of field deadlines). It returns how long it worked (see
// cycleTimer).
func (ks *Keyspace) activeExpireFields() time.Duration {
	const sample = 20
	ct := startCycle()
	for i := range ks.stripes {
		sh := &ks.stripes[i]
		ct.lock(sh)
		if len(sh.hfe) == 0 {
			sh.mu.Unlock()
			continue
		}
		now := ks.nowMs()
		seen := 0
		for e := range sh.hfe {
			if seen == sample {
				break
			}
			seen++
			if hx := hashExOf(e); hx != nil && hx.next <= now {
				ks.expireFields(sh, slotOfKey(e.key()), e, now)
			}
		}
		sh.mu.Unlock()
	}
	return ct.worked()
}

// hashExBytes estimates the deadlines' bytes: a map slot each (a string
// header, an int64, at average load) with the field name's copy, and the
// struct and map's fixed parts.
func hashExBytes(hx *hashEx) int64 {
	const ttlSlot, ttlBase = 40, 48 + 48
	n := int64(ttlBase)
	for f := range hx.ttl {
		n += ttlSlot + sizeClass(len(f))
	}
	return n
}

// cloneHashEx copies a hash with deadlines (values are shared: never
// modified in place).
func cloneHashEx(hx *hashEx) *hashEx {
	c := &hashEx{m: hx.m.clone(), ttl: make(map[string]int64, len(hx.ttl)), next: hx.next}
	for f, at := range hx.ttl {
		c.ttl[f] = at
	}
	return c
}

// keepTTL returns a function restoring field's deadline after a write
// that replaced its value (HINCRBY keeps a field's TTL, as Redis does).
func (ks *Keyspace) keepTTL(e *entry, field []byte) func(sh *stripe, slot int) {
	var at int64
	if e != nil {
		at = fieldTTL(e, string(field))
	}
	return func(sh *stripe, slot int) {
		if at == 0 {
			return
		}
		e.toHashEx().setTTL(string(field), at)
		ks.trackFields(sh, e)
		ks.resize(sh, slot, e)
	}
}

// liveFields returns hx's fields whose deadline is after now.
func liveFields(hx *hashEx, now int64) map[string][]byte {
	out := make(map[string][]byte, hx.m.len())
	hx.m.each(func(f, v []byte) bool {
		if at, ok := hx.ttl[string(f)]; !ok || at > now {
			out[string(f)] = v
		}
		return true
	})
	return out
}

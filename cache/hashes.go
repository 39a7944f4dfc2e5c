package cache

import (
	"math/rand/v2"
	"strconv"

	"github.com/vcache/vcache/internal/keyslot"
)

// hashRead returns the hash at key for reading (the zero view if missing).
func (ks *Keyspace) hashRead(key []byte, fn func(h hashView)) error {
	return readAs(ks, key, kindHash, (*entry).view, fn)
}

// hashSet sets fv's pairs (field, value, ...; with nx only absent fields)
// in the hash e at key, creating it when e is nil, and returns how many
// fields are new. As Redis, a packed hash converts to a map first when
// any of fv is longer than hash-max-listpack-value, and after the change
// when it has more than hash-max-listpack-entries fields. The stripe's
// mutex must be held.
func (ks *Keyspace) hashSet(sh *stripe, slot int, key []byte, e *entry, fv [][]byte, nx bool) int {
	entries, value := ks.hashLim.get()
	if e == nil {
		pairs, added := fv, len(fv)/2 // distinct fields: the pairs are fv as they are
		if !distinctFields(fv, entries) {
			pairs, added, _ = setPairs(nil, fv, nx)
		}
		if added == 0 {
			return 0
		}
		// Redis converts on a long argument, even one not stored.
		if fitsPacked(pairs, entries, value) && !tooLong(fv, value) && len(key) <= maxKeyLen {
			e = newPackedEntry(key, packPairs(pairs))
		} else {
			_, obj := ks.hashTable(pairs)
			e = newEntry(bstr(key), kindHash, nil, obj)
		}
		ks.insert(sh, slot, e)
		hashChanged(ks, key, slot, e)
		return added
	}
	converted := false
	if e.isPacked() && tooLong(fv, value) && !(nx && e.packed().has(fv[0])) { // HSETNX of a field there changes nothing
		e.unpack()
		converted = true
	}
	added, changed := 0, false
	var grew int64 // a map hash's bytes added (grown), when known without a walk
	grown := false
	if e.isPacked() {
		p := e.packed()
		if len(fv) == 2 {
			if !nx || !p.has(fv[0]) {
				ph, isNew := p.set1(fv[0], fv[1])
				e.setObject(ph)
				changed = true
				if isNew {
					added = 1
				}
			}
		} else {
			var pairs [][]byte
			pairs, added, changed = setPairs(p.pairs(), fv, nx)
			if changed {
				e.setObject(packPairs(pairs))
			}
		}
		if changed && (e.packed().count() > entries || len(e.packed()) > hashPackMaxBytes) {
			e.unpack()
		}
	} else {
		h := e.hashTab()
		hx := hashExOf(e)
		was := h.mem()
		for i := 0; i+1 < len(fv); i += 2 {
			if nx {
				if _, had := h.get(fv[i]); had {
					continue
				}
			}
			if h.set(fv[i], fv[i+1]) {
				added++
			}
			if hx != nil {
				delete(hx.ttl, string(fv[i])) // a new value has no TTL (hashttl.go)
			}
			changed = true
		}
		ks.trackFields(sh, e)
		if hx == nil && !converted {
			grew, grown = h.mem()-was, true
		}
	}
	if changed || converted {
		ks.touch(e)
		if grown {
			// A field's bytes in or out, not a walk of every field: one
			// HSET into a hash of 100k fields costs what one into 10 does.
			ks.resizeBy(sh, slot, e, grew)
		} else {
			ks.resize(sh, slot, e)
		}
	}
	if changed {
		hashChanged(ks, key, slot, e)
	}
	return added
}

// hashWriteEntry runs fn on the entry of the hash at key (nil when
// missing) under the stripe's lock.
func (ks *Keyspace) hashWriteEntry(key []byte, fn func(sh *stripe, slot int, e *entry) error) error {
	return ks.hashWriteEntryAt(keyslot.Of(key), key, fn)
}

// hashWriteEntryAt is hashWriteEntry for a caller that knows key's hash
// slot.
func (ks *Keyspace) hashWriteEntryAt(slot int, key []byte, fn func(sh *stripe, slot int, e *entry) error) error {
	sh := &ks.stripes[slot&(numStripes-1)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	if e != nil && e.kind() != kindHash {
		return ErrWrongType
	}
	return fn(sh, slot, e)
}

// HSet sets field/value pairs (fv: field, value, ...) and returns how many
// fields are new. With nx it sets only absent fields.
func (ks *Keyspace) HSet(key []byte, fv [][]byte, nx bool) (int, error) {
	return ks.HSetAt(keyslot.Of(key), key, fv, nx)
}

// HSetAt is HSet for a caller that knows key's hash slot.
func (ks *Keyspace) HSetAt(slot int, key []byte, fv [][]byte, nx bool) (int, error) {
	added := 0
	err := ks.hashWriteEntryAt(slot, key, func(sh *stripe, slot int, e *entry) error {
		added = ks.hashSet(sh, slot, key, e, fv, nx)
		return nil
	})
	return added, err
}

// HGet returns a field's value, or nil.
func (ks *Keyspace) HGet(key, field []byte) ([]byte, error) {
	var v []byte
	err := ks.hashRead(key, func(h hashView) { v, _ = h.get(field) })
	return v, err
}

// HMGet returns fields' values (nil for missing ones).
func (ks *Keyspace) HMGet(key []byte, fields [][]byte) ([][]byte, error) {
	out := make([][]byte, len(fields))
	err := ks.hashRead(key, func(h hashView) {
		for i, f := range fields {
			out[i], _ = h.get(f)
		}
	})
	return out, err
}

// HGetAll returns the hash's fields and values, alternating.
func (ks *Keyspace) HGetAll(key []byte) ([][]byte, error) {
	var out [][]byte
	err := ks.hashRead(key, func(h hashView) {
		out = make([][]byte, 0, 2*h.len())
		h.each(func(f, v []byte) bool {
			out = append(out, f, v)
			return true
		})
	})
	return out, err
}

// HKeys returns the hash's fields; HVals its values.
func (ks *Keyspace) HKeys(key []byte) ([][]byte, error) { return ks.hashPart(key, 0) }

// HVals returns the hash's values.
func (ks *Keyspace) HVals(key []byte) ([][]byte, error) { return ks.hashPart(key, 1) }

func (ks *Keyspace) hashPart(key []byte, part int) ([][]byte, error) {
	var out [][]byte
	err := ks.hashRead(key, func(h hashView) {
		out = make([][]byte, 0, h.len())
		h.each(func(f, v []byte) bool {
			if part == 0 {
				out = append(out, f)
			} else {
				out = append(out, v)
			}
			return true
		})
	})
	return out, err
}

// HDel removes fields and returns how many existed.
func (ks *Keyspace) HDel(key []byte, fields [][]byte) (int, error) {
	n := 0
	err := ks.hashWriteEntry(key, func(sh *stripe, slot int, e *entry) error {
		if e == nil {
			return nil
		}
		left := 0
		var shrunk int64 // a map hash's bytes added (negative), when known without a walk
		known := false
		if e.isPacked() {
			pairs := e.packed().pairs()
			kept := pairs[:0]
			for i := 0; i+1 < len(pairs); i += 2 {
				if slicesHas(fields, pairs[i]) {
					n++
					continue
				}
				kept = append(kept, pairs[i], pairs[i+1])
			}
			left = len(kept) / 2
			if n > 0 && left > 0 {
				e.setObject(packPairs(kept))
			}
		} else {
			h := e.hashTab()
			hx := hashExOf(e)
			was := h.mem()
			for _, f := range fields {
				if h.del(f) {
					if hx != nil {
						delete(hx.ttl, string(f))
					}
					n++
				}
			}
			left = h.len()
			ks.trackFields(sh, e)
			if hx == nil {
				shrunk = h.mem() - was
				known = true
			}
		}
		if n == 0 {
			return nil
		}
		ks.touch(e)
		if left == 0 {
			ks.del(sh, slot, string(key), e, ReasonDeleted)
			return nil
		}
		if known {
			ks.resizeBy(sh, slot, e, shrunk)
		} else {
			ks.resize(sh, slot, e)
		}
		hashChanged(ks, key, slot, e)
		return nil
	})
	return n, err
}

// slicesHas reports whether f is one of fields.
func slicesHas(fields [][]byte, f []byte) bool {
	for _, x := range fields {
		if string(x) == string(f) {
			return true
		}
	}
	return false
}

// HExists tells whether a field exists.
func (ks *Keyspace) HExists(key, field []byte) (bool, error) {
	var ok bool
	err := ks.hashRead(key, func(h hashView) { _, ok = h.get(field) })
	return ok, err
}

// HLen returns the number of fields.
func (ks *Keyspace) HLen(key []byte) (int, error) {
	var n int
	err := ks.hashRead(key, func(h hashView) { n = h.len() })
	return n, err
}

// HStrLen returns the length of a field's value.
func (ks *Keyspace) HStrLen(key, field []byte) (int, error) {
	var n int
	err := ks.hashRead(key, func(h hashView) {
		v, _ := h.get(field)
		n = len(v)
	})
	return n, err
}

// HIncrBy adds delta to an integer field.
func (ks *Keyspace) HIncrBy(key, field []byte, delta int64) (int64, error) {
	var out int64
	err := ks.hashSetField(key, field, func(cur []byte, ok bool) ([]byte, error) {
		var err error
		if out, err = addInt(cur, ok, delta, ErrHashNotInteger); err != nil {
			return nil, err
		}
		return strconv.AppendInt(nil, out, 10), nil
	})
	return out, err
}

// HIncrByFloat adds delta to a float field.
func (ks *Keyspace) HIncrByFloat(key, field []byte, delta float64) (float64, error) {
	var out float64
	err := ks.hashSetField(key, field, func(cur []byte, ok bool) ([]byte, error) {
		var err error
		if out, err = addFloat(cur, ok, delta, ErrHashNotFloat); err != nil {
			return nil, err
		}
		return []byte(FormatFloat(out)), nil
	})
	return out, err
}

// hashSetField sets field of the hash at key (made if missing) to what
// next makes of its value (ok: the field exists), keeping the field's
// TTL; an error of next changes nothing.
func (ks *Keyspace) hashSetField(key, field []byte, next func(cur []byte, ok bool) ([]byte, error)) error {
	return ks.hashWriteEntry(key, func(sh *stripe, slot int, e *entry) error {
		var cur []byte
		var ok bool
		if e != nil {
			cur, ok = e.view().get(field)
		}
		v, err := next(cur, ok)
		if err != nil {
			return err
		}
		keep := ks.keepTTL(e, field)
		ks.hashSet(sh, slot, key, e, [][]byte{field, v}, false)
		keep(sh, slot)
		return nil
	})
}

// HRandField returns up to count random fields (with values when
// withValues). count < 0 allows repeats and returns exactly -count.
func (ks *Keyspace) HRandField(key []byte, count int64, withValues bool) ([][]byte, error) {
	var out [][]byte
	err := ks.hashRead(key, func(h hashView) {
		n := h.len()
		if n == 0 || count == 0 {
			return
		}
		if h.m != nil && (count < 0 || count*3 < int64(n)) {
			out = randomFields(h.m, count, withValues)
			return
		}
		pairs := make([][]byte, 0, 2*n)
		h.each(func(f, v []byte) bool {
			pairs = append(pairs, f, v)
			return true
		})
		add := func(i int) {
			out = append(out, pairs[2*i])
			if withValues {
				out = append(out, pairs[2*i+1])
			}
		}
		if count < 0 {
			for i := int64(0); i < -count; i++ {
				add(rand.IntN(n))
			}
			return
		}
		idx := rand.Perm(n)
		for i := 0; i < n && int64(i) < count; i++ {
			add(idx[i])
		}
	})
	return out, err
}

// randomFields is HRANDFIELD on a table, without a walk of every field:
// count < 0 picks -count fields with repeats; else count distinct ones
// (count under a third of the fields: random picks rarely repeat).
func randomFields(t *ftab, count int64, withValues bool) [][]byte {
	var out [][]byte
	add := func(f, v []byte) {
		out = append(out, f)
		if withValues {
			out = append(out, v)
		}
	}
	if count < 0 {
		for i := int64(0); i < -count; i++ {
			add(t.randomField(rand.IntN))
		}
		return out
	}
	seen := make(map[string]struct{}, count)
	for int64(len(seen)) < count {
		f, v := t.randomField(rand.IntN)
		if _, dup := seen[string(f)]; dup {
			continue
		}
		seen[string(f)] = struct{}{}
		add(f, v)
	}
	return out
}

// HScan returns the next fields of the hash at key from cursor that
// match pattern ("" for all), each followed by its value unless noValues,
// about count of them, and the cursor to continue from (0 when done). A
// packed hash comes whole in one call, as Redis's listpacks do; a table
// is walked a few home places a call (tabscan.go), so a field there for a
// whole scan is returned however the table grows or shrinks meanwhile.
func (ks *Keyspace) HScan(key []byte, cursor uint64, pattern string, count int, noValues bool) (uint64, [][]byte, error) {
	var out [][]byte
	var next uint64
	err := ks.hashRead(key, func(h hashView) {
		keep := func(f, v []byte) {
			if pattern != "" && !Match(pattern, string(f)) {
				return
			}
			out = append(out, f)
			if !noValues {
				out = append(out, v)
			}
		}
		if h.m == nil { // packed or missing
			h.each(func(f, v []byte) bool { keep(f, v); return true })
			return
		}
		// Redis counts a field and its value as two elements against twice
		// COUNT, with ten steps for each: count fields, 20*count steps.
		seen := 0
		next = scanCalls(cursor, count, 20*count, func() int { return seen }, func(c uint64) uint64 {
			return h.m.scan(c, func(f, v []byte) { seen++; keep(f, v) })
		})
	})
	return next, out, err
}

// HashFields returns a copy of the hash at key (values are shared and
// must not be modified); false when there is no hash there.
func (ks *Keyspace) HashFields(key []byte) (map[string][]byte, bool) {
	return keyReads{ks: ks}.hashFields(key)
}

// HashPick calls fn(i, v) for each of names that the hash at key has, i
// its index in names, under the key's lock (v is valid during the call
// only, and fn must not call back into the Keyspace); false when there
// is no hash at key. A search reads the fields its rows need with it, no
// map of every field per document.
func (ks *Keyspace) HashPick(key string, names []string, fn func(i int, v []byte)) bool {
	return keyReads{ks: ks}.hashPick(key, names, fn)
}

// ForEachHash calls fn with every live hash whose key starts with one of
// prefixes (all hashes when there are none), holding the key's stripe lock
// during the call, so fn sees each hash as observers do. It goes a slot
// at a time, letting go of the lock between slots (a hash written
// meanwhile is seen by the observers), and calls pause there, without
// the lock, when it is not nil (an index being built waits for room): it
// stops when pause returns false. fn must not call back into the
// Keyspace.
func (ks *Keyspace) ForEachHash(prefixes []string, fn func(key string, fields map[string][]byte), pause func() bool) {
	ks.forEachSlot(pause, func(sh *stripe, slot int, now int64) {
		for k, e := range sh.slots[slot].all() {
			if e.kind() != kindHash || (e.hasTTL() && sh.volatile[e] <= now) || !hasAnyPrefix(k, prefixes) {
				continue
			}
			if hx := hashExOf(e); hx != nil && hx.next <= now {
				fn(k, liveFields(hx, now))
				continue
			}
			fn(k, e.view().asMap())
		}
	})
}

// forEachSlot calls visit for every slot of every stripe, under the
// stripe's lock, a slot at a time; pause, when not nil, runs between
// slots without the lock, and ends the walk when it returns false.
func (ks *Keyspace) forEachSlot(pause func() bool, visit func(sh *stripe, slot int, now int64)) {
	for i := range ks.stripes {
		sh := &ks.stripes[i]
		for j := range sh.slots {
			sh.mu.Lock()
			if sh.slots[j].n > 0 {
				visit(sh, j, ks.nowMs())
			}
			sh.mu.Unlock()
			if pause != nil && !pause() {
				return
			}
		}
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	if len(prefixes) == 0 {
		return true
	}
	for _, p := range prefixes {
		if len(s) >= len(p) && s[:len(p)] == p {
			return true
		}
	}
	return false
}

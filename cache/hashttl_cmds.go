package cache

// The keyspace side of HEXPIRE, HTTL, HPERSIST, HGETEX, HSETEX and
// HGETDEL (hashttl.go has the representation).

// HExpire gives fields of the hash at key the deadline at (unix ms) under
// cond (ExpireAlways, NX, XX, GT or LT), as HPEXPIREAT does, and returns a
// code per field: FieldNoSuch, FieldCondFail, FieldSet, or FieldDeleted
// when at is not in the future (the field is removed then, and the hash
// when it is left empty).
func (ks *Keyspace) HExpire(key []byte, at int64, cond ExpireCond, fields [][]byte) ([]int, error) {
	out := make([]int, len(fields))
	err := ks.hashWriteEntry(key, func(sh *stripe, slot int, e *entry) error {
		if e == nil {
			for i := range out {
				out[i] = FieldNoSuch
			}
			return nil
		}
		ks.hashExpire(sh, slot, e, at, cond, fields, out)
		return nil
	})
	return out, err
}

// hashExpire is HExpire on the live hash e. The stripe's mutex must be held.
func (ks *Keyspace) hashExpire(sh *stripe, slot int, e *entry, at int64, cond ExpireCond, fields [][]byte, out []int) {
	now := ks.nowMs()
	deleted, set := 0, 0
	for i, fb := range fields {
		f := string(fb)
		if _, ok := e.view().get(fb); !ok {
			out[i] = FieldNoSuch
			continue
		}
		prev := fieldTTL(e, f)
		if !expireCondMet(cond, prev, at) {
			out[i] = FieldCondFail
			continue
		}
		if at <= now {
			hx := e.toHashEx()
			hx.m.delS(f)
			delete(hx.ttl, f)
			out[i] = FieldDeleted
			deleted++
			continue
		}
		e.toHashEx().setTTL(f, at)
		out[i] = FieldSet
		set++
	}
	if deleted+set == 0 {
		return
	}
	ks.touch(e)
	ks.touchSlot(slot, e.key())
	if deleted > 0 {
		ks.fieldsRemoved(sh, slot, e)
		return
	}
	ks.trackFields(sh, e)
	ks.resize(sh, slot, e)
}

// expireCondMet applies NX/XX/GT/LT to a field whose deadline is prev (0:
// none, which counts as later than any deadline).
func expireCondMet(cond ExpireCond, prev, at int64) bool {
	switch cond {
	case ExpireNX:
		return prev == 0
	case ExpireXX:
		return prev != 0
	case ExpireGT:
		return prev != 0 && at > prev
	case ExpireLT:
		return prev == 0 || at < prev
	}
	return true
}

// HExpireTimes returns each field's deadline (unix ms), FieldNoTTL for a
// field without one, FieldNoSuch for a missing field.
func (ks *Keyspace) HExpireTimes(key []byte, fields [][]byte) ([]int64, error) {
	out := make([]int64, len(fields))
	err := ks.hashReadEntry(key, func(e *entry) {
		for i, f := range fields {
			switch at, ok := fieldAt(e, f); {
			case !ok:
				out[i] = FieldNoSuch
			case at != 0:
				out[i] = at
			default:
				out[i] = FieldNoTTL
			}
		}
	})
	return out, err
}

// fieldAt returns the deadline of field f of the hash entry e (0: none)
// and whether e (nil: no hash) has the field.
func fieldAt(e *entry, f []byte) (int64, bool) {
	if e == nil {
		return 0, false
	}
	if _, ok := e.view().get(f); !ok {
		return 0, false
	}
	return fieldTTL(e, string(f)), true
}

// hashReadEntry runs fn with the live hash entry at key (nil when
// missing) under the stripe's lock, as a read.
func (ks *Keyspace) hashReadEntry(key []byte, fn func(e *entry)) error {
	return readAs(ks, key, kindHash, func(e *entry) *entry { return e }, fn)
}

// HPersist removes fields' deadlines: FieldSet for each removed,
// FieldNoTTL for a field without one, FieldNoSuch for a missing field.
func (ks *Keyspace) HPersist(key []byte, fields [][]byte) ([]int, error) {
	out := make([]int, len(fields))
	err := ks.hashWriteEntry(key, func(sh *stripe, slot int, e *entry) error {
		changed := false
		for i, f := range fields {
			switch at, ok := fieldAt(e, f); {
			case !ok:
				out[i] = FieldNoSuch
			case at == 0:
				out[i] = FieldNoTTL
			default:
				delete(hashExOf(e).ttl, string(f))
				out[i] = FieldSet
				changed = true
			}
		}
		if changed {
			ks.touch(e)
			ks.touchSlot(slot, e.key())
			ks.trackFields(sh, e)
			ks.resize(sh, slot, e)
		}
		return nil
	})
	return out, err
}

// FieldExpiry is what HGETEX and HSETEX do to the fields' TTLs.
type FieldExpiry struct {
	// At is the deadline (unix ms) when Set; Persist removes TTLs
	// (HGETEX PERSIST); Keep keeps them (HSETEX KEEPTTL); none of the
	// three: HGETEX changes nothing, HSETEX's values have no TTL.
	At           int64
	Set, Persist bool
	Keep         bool
}

// HGetEx returns fields' values (nil for missing ones) and then applies
// x to the fields that exist, as HGETEX does.
func (ks *Keyspace) HGetEx(key []byte, fields [][]byte, x FieldExpiry) ([][]byte, error) {
	out := make([][]byte, len(fields))
	err := ks.hashWriteEntry(key, func(sh *stripe, slot int, e *entry) error {
		if e == nil {
			return nil
		}
		ks.touch(e)
		for i, f := range fields {
			out[i], _ = e.view().get(f)
		}
		switch {
		case x.Set:
			codes := make([]int, len(fields))
			ks.hashExpire(sh, slot, e, x.At, ExpireAlways, fields, codes)
		case x.Persist:
			if hx := hashExOf(e); hx != nil {
				n := len(hx.ttl)
				for _, f := range fields {
					delete(hx.ttl, string(f))
				}
				if n != len(hx.ttl) {
					ks.touchSlot(slot, e.key())
					ks.trackFields(sh, e)
					ks.resize(sh, slot, e)
				}
			}
		}
		return nil
	})
	return out, err
}

// HSetEx sets field/value pairs as HSETEX does: with fnx only when no
// field exists, with fxx only when all do; the values get x's TTL (none
// without one; their old TTLs with Keep). It reports whether it set them.
func (ks *Keyspace) HSetEx(key []byte, fv [][]byte, fnx, fxx bool, x FieldExpiry) (bool, error) {
	done := false
	err := ks.hashWriteEntry(key, func(sh *stripe, slot int, e *entry) error {
		if fnx || fxx {
			for i := 0; i+1 < len(fv); i += 2 {
				has := false
				if e != nil {
					_, has = e.view().get(fv[i])
				}
				if has && fnx || !has && fxx {
					return nil
				}
			}
		}
		var kept []int64
		if x.Keep && e != nil {
			kept = make([]int64, len(fv)/2)
			for i := 0; i+1 < len(fv); i += 2 {
				kept[i/2] = fieldTTL(e, string(fv[i]))
			}
		}
		ks.hashSet(sh, slot, key, e, fv, false)
		done = true
		if e == nil {
			e = ks.find(sh, slot, key)
		}
		switch {
		case x.Set:
			fields := make([][]byte, 0, len(fv)/2)
			for i := 0; i+1 < len(fv); i += 2 {
				fields = append(fields, fv[i])
			}
			ks.hashExpire(sh, slot, e, x.At, ExpireAlways, fields, make([]int, len(fields)))
		case kept != nil:
			some := false
			for i, at := range kept {
				if at != 0 {
					e.toHashEx().setTTL(string(fv[2*i]), at)
					some = true
				}
			}
			if some {
				ks.trackFields(sh, e)
				ks.resize(sh, slot, e)
			}
		}
		return nil
	})
	return done, err
}

// HGetDel returns fields' values (nil for missing ones) and deletes them,
// the hash too when it is left empty.
func (ks *Keyspace) HGetDel(key []byte, fields [][]byte) ([][]byte, error) {
	out := make([][]byte, len(fields))
	err := ks.hashWriteEntry(key, func(sh *stripe, slot int, e *entry) error {
		if e == nil {
			return nil
		}
		for i, f := range fields {
			out[i], _ = e.view().get(f)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if _, err := ks.HDel(key, fields); err != nil {
		return nil, err
	}
	return out, nil
}

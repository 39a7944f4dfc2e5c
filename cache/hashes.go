package cache

import (
	"math/rand/v2"
	"strconv"
)

// hashRead returns the hash at key for reading (nil if missing).
func (ks *Keyspace) hashRead(key []byte, fn func(h map[string][]byte)) error {
	return readAs(ks, key, kindHash, (*entry).hashMap, fn)
}

// hashWrite runs fn on the hash at key, creating it if create is set, and
// removes the key if fn leaves the hash empty. fn returns whether it
// changed anything.
func (ks *Keyspace) hashWrite(key []byte, create bool, fn func(h map[string][]byte) (bool, error)) error {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	if e != nil && e.kind() != kindHash {
		return ErrWrongType
	}
	if e == nil {
		if !create {
			_, err := fn(nil)
			return err
		}
		h := make(map[string][]byte)
		changed, err := fn(h)
		if err != nil || !changed || len(h) == 0 {
			return err
		}
		e = newEntry(bstr(key), kindHash, nil, h)
		ks.insert(sh, slot, e)
		ks.hashChanged(string(key), slot, e)
		return nil
	}
	changed, err := fn(e.hashMap())
	if err != nil || !changed {
		return err
	}
	ks.touch(e)
	if len(e.hashMap()) == 0 {
		ks.del(sh, slot, string(key), e, ReasonDeleted)
		return nil
	}
	ks.resize(sh, slot, e)
	ks.hashChanged(string(key), slot, e)
	return nil
}

// HSet sets field/value pairs (fv: field, value, ...) and returns how many
// fields are new. With nx it sets only absent fields.
func (ks *Keyspace) HSet(key []byte, fv [][]byte, nx bool) (int, error) {
	added := 0
	err := ks.hashWrite(key, true, func(h map[string][]byte) (bool, error) {
		changed := false
		for i := 0; i+1 < len(fv); i += 2 {
			f := string(fv[i])
			_, had := h[f]
			if had && nx {
				continue
			}
			if !had {
				added++
			}
			h[f] = append([]byte(nil), fv[i+1]...)
			changed = true
		}
		return changed, nil
	})
	return added, err
}

// HGet returns a field's value, or nil.
func (ks *Keyspace) HGet(key, field []byte) ([]byte, error) {
	var v []byte
	err := ks.hashRead(key, func(h map[string][]byte) { v = h[string(field)] })
	return v, err
}

// HMGet returns fields' values (nil for missing ones).
func (ks *Keyspace) HMGet(key []byte, fields [][]byte) ([][]byte, error) {
	out := make([][]byte, len(fields))
	err := ks.hashRead(key, func(h map[string][]byte) {
		for i, f := range fields {
			out[i] = h[string(f)]
		}
	})
	return out, err
}

// HGetAll returns the hash's fields and values, alternating.
func (ks *Keyspace) HGetAll(key []byte) ([][]byte, error) {
	var out [][]byte
	err := ks.hashRead(key, func(h map[string][]byte) {
		out = make([][]byte, 0, 2*len(h))
		for f, v := range h {
			out = append(out, []byte(f), v)
		}
	})
	return out, err
}

// HKeys returns the hash's fields; HVals its values.
func (ks *Keyspace) HKeys(key []byte) ([][]byte, error) { return ks.hashPart(key, 0) }

// HVals returns the hash's values.
func (ks *Keyspace) HVals(key []byte) ([][]byte, error) { return ks.hashPart(key, 1) }

func (ks *Keyspace) hashPart(key []byte, part int) ([][]byte, error) {
	var out [][]byte
	err := ks.hashRead(key, func(h map[string][]byte) {
		out = make([][]byte, 0, len(h))
		for f, v := range h {
			if part == 0 {
				out = append(out, []byte(f))
			} else {
				out = append(out, v)
			}
		}
	})
	return out, err
}

// HDel removes fields and returns how many existed.
func (ks *Keyspace) HDel(key []byte, fields [][]byte) (int, error) {
	n := 0
	err := ks.hashWrite(key, false, func(h map[string][]byte) (bool, error) {
		for _, f := range fields {
			if _, ok := h[string(f)]; ok {
				delete(h, string(f))
				n++
			}
		}
		return n > 0, nil
	})
	return n, err
}

// HExists tells whether a field exists.
func (ks *Keyspace) HExists(key, field []byte) (bool, error) {
	var ok bool
	err := ks.hashRead(key, func(h map[string][]byte) { _, ok = h[string(field)] })
	return ok, err
}

// HLen returns the number of fields.
func (ks *Keyspace) HLen(key []byte) (int, error) {
	var n int
	err := ks.hashRead(key, func(h map[string][]byte) { n = len(h) })
	return n, err
}

// HStrLen returns the length of a field's value.
func (ks *Keyspace) HStrLen(key, field []byte) (int, error) {
	var n int
	err := ks.hashRead(key, func(h map[string][]byte) { n = len(h[string(field)]) })
	return n, err
}

// HIncrBy adds delta to an integer field.
func (ks *Keyspace) HIncrBy(key, field []byte, delta int64) (int64, error) {
	var out int64
	err := ks.hashWrite(key, true, func(h map[string][]byte) (bool, error) {
		cur, ok := h[string(field)]
		var err error
		if out, err = addInt(cur, ok, delta, ErrHashNotInteger); err != nil {
			return false, err
		}
		h[string(field)] = strconv.AppendInt(nil, out, 10)
		return true, nil
	})
	return out, err
}

// HIncrByFloat adds delta to a float field.
func (ks *Keyspace) HIncrByFloat(key, field []byte, delta float64) (float64, error) {
	var out float64
	err := ks.hashWrite(key, true, func(h map[string][]byte) (bool, error) {
		cur, ok := h[string(field)]
		var err error
		if out, err = addFloat(cur, ok, delta, ErrHashNotFloat); err != nil {
			return false, err
		}
		h[string(field)] = []byte(FormatFloat(out))
		return true, nil
	})
	return out, err
}

// HRandField returns up to count random fields (with values when
// withValues). count < 0 allows repeats and returns exactly -count.
func (ks *Keyspace) HRandField(key []byte, count int64, withValues bool) ([][]byte, error) {
	var out [][]byte
	err := ks.hashRead(key, func(h map[string][]byte) {
		if len(h) == 0 || count == 0 {
			return
		}
		fields := make([]string, 0, len(h))
		for f := range h {
			fields = append(fields, f)
		}
		add := func(f string) {
			out = append(out, []byte(f))
			if withValues {
				out = append(out, h[f])
			}
		}
		if count < 0 {
			for i := int64(0); i < -count; i++ {
				add(fields[rand.IntN(len(fields))])
			}
			return
		}
		rand.Shuffle(len(fields), func(i, j int) { fields[i], fields[j] = fields[j], fields[i] })
		for i := 0; i < len(fields) && int64(i) < count; i++ {
			add(fields[i])
		}
	})
	return out, err
}

// HScan returns the hash's fields and values matching pattern. The whole
// hash is returned in one call (cursor 0 next), which Redis's SCAN contract
// allows; COUNT is a hint.
func (ks *Keyspace) HScan(key []byte, pattern string, noValues bool) ([][]byte, error) {
	var out [][]byte
	err := ks.hashRead(key, func(h map[string][]byte) {
		for f, v := range h {
			if pattern != "" && !Match(pattern, f) {
				continue
			}
			out = append(out, []byte(f))
			if !noValues {
				out = append(out, v)
			}
		}
	})
	return out, err
}

// HashFields returns a copy of the hash at key (values are shared and
// must not be modified); false when there is no hash there.
func (ks *Keyspace) HashFields(key []byte) (map[string][]byte, bool) {
	var out map[string][]byte
	err := ks.hashRead(key, func(h map[string][]byte) {
		if h != nil {
			out = make(map[string][]byte, len(h))
			for f, v := range h {
				out[f] = v
			}
		}
	})
	return out, err == nil && out != nil
}

// ForEachHash calls fn with every live hash whose key starts with one of
// prefixes (all hashes when there are none), holding the key's stripe lock
// during the call, so fn sees each hash as observers do. fn must not call
// back into the Keyspace.
func (ks *Keyspace) ForEachHash(prefixes []string, fn func(key string, fields map[string][]byte)) {
	for i := range ks.stripes {
		sh := &ks.stripes[i]
		sh.mu.Lock()
		now := ks.nowMs()
		for i := range sh.slots {
			for k, e := range sh.slots[i].all() {
				if e.kind() != kindHash || (e.exp != 0 && e.exp <= now) || !hasAnyPrefix(k, prefixes) {
					continue
				}
				fn(k, e.hashMap())
			}
		}
		sh.mu.Unlock()
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

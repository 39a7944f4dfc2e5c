package cache

import (
	"math"
	"strconv"

	"github.com/vcache/vcache/internal/keyslot"
)

// Get returns the string at key, or nil if there is none.
func (ks *Keyspace) Get(key []byte) ([]byte, error) {
	return ks.GetAt(keyslot.Of(key), key)
}

// GetAt is Get for a caller that knows key's hash slot.
func (ks *Keyspace) GetAt(slot int, key []byte) ([]byte, error) {
	sh := &ks.stripes[slot&(numStripes-1)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.read(sh, slot, key)
	if e == nil {
		return nil, nil
	}
	if e.kind() != kindString {
		return nil, ErrWrongType
	}
	return e.str(), nil
}

// SetOptions are SET's options.
type SetOptions struct {
	NX, XX  bool  // only if the key does not / does exist
	Get     bool  // return the old value (which must be a string)
	KeepTTL bool  // keep the key's expiry
	At      int64 // expiry, unix ms; 0 = none (unless KeepTTL)
}

// SetResult is what SET did.
type SetResult struct {
	Old     []byte // the old string (with Get)
	Existed bool   // the key existed
	Done    bool   // the value was written (NX/XX allowed it)
}

// Set stores val (copied) at key.
func (ks *Keyspace) Set(key, val []byte, o SetOptions) (SetResult, error) {
	return ks.SetAt(keyslot.Of(key), key, val, o)
}

// SetAt is Set for a caller that knows key's hash slot.
func (ks *Keyspace) SetAt(slot int, key, val []byte, o SetOptions) (SetResult, error) {
	sh := &ks.stripes[slot&(numStripes-1)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	var res SetResult
	if e != nil {
		res.Existed = true
		if o.Get {
			if e.kind() != kindString {
				return res, ErrWrongType
			}
			res.Old = e.str()
		}
	}
	if (o.NX && e != nil) || (o.XX && e == nil) {
		return res, nil
	}
	res.Done = true
	if e != nil && e.kind() == kindString {
		e = ks.setStr(sh, slot, e, val)
		if !o.KeepTTL {
			ks.setExpire(sh, slot, e, o.At)
		}
		ks.touch(e)
		ks.resize(sh, slot, e)
		return res, nil
	}
	at := o.At
	if e != nil {
		if o.KeepTTL {
			at = sh.expOf(e)
		}
		ks.del(sh, slot, string(key), e, ReasonDeleted)
	}
	ks.insertAt(sh, slot, newEntry(bstr(key), kindString, val, nil), at)
	return res, nil
}

// GetDel returns the string at key and deletes the key.
func (ks *Keyspace) GetDel(key []byte) ([]byte, error) {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.read(sh, slot, key)
	if e == nil {
		return nil, nil
	}
	if e.kind() != kindString {
		return nil, ErrWrongType
	}
	ks.del(sh, slot, string(key), e, ReasonDeleted)
	return e.str(), nil
}

// ExpireChange is GETEX's change of expiry.
type ExpireChange struct {
	Set     bool  // change the expiry to At
	At      int64 // unix ms
	Persist bool  // remove the expiry
}

// GetEx returns the string at key and changes its expiry.
func (ks *Keyspace) GetEx(key []byte, c ExpireChange) ([]byte, error) {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.read(sh, slot, key)
	if e == nil {
		return nil, nil
	}
	if e.kind() != kindString {
		return nil, ErrWrongType
	}
	switch {
	case c.Persist:
		ks.setExpire(sh, slot, e, 0)
		ks.resize(sh, slot, e)
	case c.Set && c.At <= ks.nowMs():
		ks.del(sh, slot, string(key), e, ReasonExpired)
	case c.Set:
		ks.setExpire(sh, slot, e, c.At)
		ks.resize(sh, slot, e)
	}
	return e.str(), nil
}

// MGet returns the strings at keys; nil for a missing key or one of
// another type.
func (ks *Keyspace) MGet(keys [][]byte) [][]byte {
	out := make([][]byte, len(keys))
	for i, k := range keys {
		sh, slot := ks.locate(k)
		sh.mu.Lock()
		if e := ks.read(sh, slot, k); e != nil && e.kind() == kindString {
			out[i] = e.str()
		}
		sh.mu.Unlock()
	}
	return out
}

// MSet stores key/value pairs (kv holds key, value, key, value, ...)
// atomically; with nx it stores nothing if any key exists and reports
// whether it stored.
func (ks *Keyspace) MSet(kv [][]byte, nx bool) bool {
	unlock := ks.lockKeys(kv, 2)
	defer unlock()
	if nx {
		for i := 0; i < len(kv); i += 2 {
			sh, slot := ks.locate(kv[i])
			if ks.find(sh, slot, kv[i]) != nil {
				return false
			}
		}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		key, val := kv[i], kv[i+1]
		sh, slot := ks.locate(key)
		if e := ks.find(sh, slot, key); e != nil {
			ks.del(sh, slot, string(key), e, ReasonDeleted)
		}
		ks.insert(sh, slot, newEntry(bstr(key), kindString, val, nil))
	}
	return true
}

// lockKeys locks the stripes of keys[0], keys[step], ... in stripe order and
// returns the function that unlocks them.
func (ks *Keyspace) lockKeys(keys [][]byte, step int) func() {
	var need [numStripes]bool
	for i := 0; i < len(keys); i += step {
		_, slot := ks.locate(keys[i])
		need[slot&(numStripes-1)] = true
	}
	for i := range need {
		if need[i] {
			ks.stripes[i].mu.Lock()
		}
	}
	return func() {
		for i := range need {
			if need[i] {
				ks.stripes[i].mu.Unlock()
			}
		}
	}
}

// modifyString runs fn on the string at key (nil if missing) and stores
// what it returns; fn's error aborts with nothing changed.
func (ks *Keyspace) modifyString(key []byte, fn func(cur []byte, exists bool) ([]byte, error)) ([]byte, error) {
	return ks.modifyStringAs(key, rawNever, fn)
}

// modifyStringAs is modifyString that marks the stored value raw as
// raw says (see entryRaw).
func (ks *Keyspace) modifyStringAs(key []byte, raw rawWhen, fn func(cur []byte, exists bool) ([]byte, error)) ([]byte, error) {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	if e != nil && e.kind() != kindString {
		return nil, ErrWrongType
	}
	var cur []byte
	if e != nil {
		cur = e.str()
	}
	nv, err := fn(cur, e != nil)
	if err != nil {
		return nil, err
	}
	if e == nil {
		ne := newEntry(bstr(key), kindString, nv, nil)
		if raw == rawAlways {
			ne.markRaw()
		}
		ks.insert(sh, slot, ne)
		return nv, nil
	}
	e = ks.setStr(sh, slot, e, nv)
	if raw != rawNever {
		e.markRaw()
	}
	ks.touch(e)
	ks.resize(sh, slot, e)
	return nv, nil
}

// IncrBy adds delta to the integer at key (0 if missing).
func (ks *Keyspace) IncrBy(key []byte, delta int64) (int64, error) {
	var out int64
	_, err := ks.modifyString(key, func(cur []byte, exists bool) ([]byte, error) {
		var err error
		out, err = addInt(cur, exists, delta, ErrNotInteger)
		return strconv.AppendInt(nil, out, 10), err
	})
	return out, err
}

// addInt adds delta to the integer text cur (0 when absent); badValue is
// the error for text that is not an integer.
func addInt(cur []byte, exists bool, delta int64, badValue error) (int64, error) {
	var v int64
	if exists {
		var err error
		if v, err = ParseInt(cur); err != nil {
			return 0, badValue
		}
	}
	if (delta > 0 && v > math.MaxInt64-delta) || (delta < 0 && v < math.MinInt64-delta) {
		return 0, ErrOverflow
	}
	return v + delta, nil
}

// addFloat adds delta to the number text cur (0 when absent).
func addFloat(cur []byte, exists bool, delta float64, badValue error) (float64, error) {
	var v float64
	if exists {
		var err error
		if v, err = ParseFloat(cur); err != nil {
			return 0, badValue
		}
	}
	out := v + delta
	if math.IsNaN(out) || math.IsInf(out, 0) {
		return 0, ErrNaNOrInfinity
	}
	return out, nil
}

// IncrByFloat adds delta to the number at key (0 if missing).
func (ks *Keyspace) IncrByFloat(key []byte, delta float64) (float64, error) {
	var out float64
	_, err := ks.modifyString(key, func(cur []byte, exists bool) ([]byte, error) {
		var err error
		out, err = addFloat(cur, exists, delta, ErrNotFloat)
		return []byte(FormatFloat(out)), err
	})
	return out, err
}

// Append appends val to the string at key and returns the new length.
func (ks *Keyspace) Append(key, val []byte) (int, error) {
	nv, err := ks.modifyStringAs(key, rawIfExisting, func(cur []byte, _ bool) ([]byte, error) {
		if int64(len(cur)+len(val)) > ks.maxStr {
			return nil, ErrStringTooLong
		}
		// A new slice: readers may hold the old one.
		out := make([]byte, len(cur)+len(val))
		copy(out, cur)
		copy(out[len(cur):], val)
		return out, nil
	})
	return len(nv), err
}

// StrLen returns the length of the string at key.
func (ks *Keyspace) StrLen(key []byte) (int, error) {
	v, err := ks.Get(key)
	return len(v), err
}

// GetRange returns the substring start..end (inclusive, negative from the
// end) of the string at key.
func (ks *Keyspace) GetRange(key []byte, start, end int64) ([]byte, error) {
	v, err := ks.Get(key)
	if err != nil || v == nil {
		return nil, err
	}
	n := int64(len(v))
	if start < 0 && end < 0 && start > end {
		return []byte{}, nil
	}
	start, end = clampRange(start, end, n)
	if start > end || n == 0 {
		return []byte{}, nil
	}
	return v[start : end+1], nil
}

// SetRange overwrites the string at key from offset with val (padding with
// zero bytes) and returns the new length.
func (ks *Keyspace) SetRange(key []byte, offset int64, val []byte) (int, error) {
	if offset < 0 {
		return 0, ErrOffsetRange
	}
	if offset > ks.maxStr-int64(len(val)) { // not offset+len: it may overflow
		return 0, ErrStringTooLong
	}
	if len(val) == 0 {
		// No change; Redis does not create the key.
		v, err := ks.Get(key)
		return len(v), err
	}
	nv, err := ks.modifyStringAs(key, rawAlways, func(cur []byte, _ bool) ([]byte, error) {
		n := max(int64(len(cur)), offset+int64(len(val)))
		out := make([]byte, n)
		copy(out, cur)
		copy(out[offset:], val)
		return out, nil
	})
	return len(nv), err
}

// ParseInt reads a Redis integer argument or value strictly: no spaces, no
// leading '+', no leading zeros.
func ParseInt(b []byte) (int64, error) {
	if len(b) == 0 || len(b) > 20 || (len(b) > 1 && b[0] == '0') || b[0] == '+' {
		return 0, ErrNotInteger
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || (b[0] == '-' && len(b) > 1 && b[1] == '0') {
		return 0, ErrNotInteger
	}
	return v, nil
}

// ParseFloat reads a Redis float argument or value.
func ParseFloat(b []byte) (float64, error) {
	if len(b) == 0 || b[0] == ' ' || b[len(b)-1] == ' ' {
		return 0, ErrNotFloat
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(v) {
		return 0, ErrNotFloat
	}
	return v, nil
}

// FormatFloat formats f as INCRBYFLOAT does: shortest exact form, no
// exponent.
func FormatFloat(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

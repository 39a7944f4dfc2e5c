package cache

import (
	"math/bits"
)

// Bitmaps are operations on string values (SETBIT, GETBIT, BITCOUNT,
// BITPOS, BITOP); BITFIELD is in bitfield.go. Bit 0 is the most
// significant bit of the first byte, as in Redis. Values are never
// modified in place: a write builds a new value and stores it.

// MaxStringLen returns the longest string value the keyspace builds
// (proto-max-bulk-len); bit offsets at or past 8 times it are refused.
func (ks *Keyspace) MaxStringLen() int64 { return ks.maxStr }

// SetBit sets (on) or clears the bit at offset of the string at key,
// growing the string with zero bytes as needed, and returns the bit's old
// value. The caller checks offset against MaxStringLen.
func (ks *Keyspace) SetBit(key []byte, offset uint64, on bool) (int, error) {
	byteIdx, mask := offset>>3, byte(0x80>>(offset&7))
	old := 0
	// No copy when the bit already has the value asked for.
	unchanged := func(cur []byte) bool {
		if byteIdx < uint64(len(cur)) && cur[byteIdx]&mask != 0 {
			old = 1
		}
		return byteIdx < uint64(len(cur)) && on == (old == 1)
	}
	err := ks.modifyBits(key, int64(byteIdx)+1, unchanged, func(v []byte) bool {
		if on {
			v[byteIdx] |= mask
		} else {
			v[byteIdx] &^= mask
		}
		return true
	})
	return old, err
}

// GetBit returns the bit at offset of the string at key (0 past its end
// or for a missing key).
func (ks *Keyspace) GetBit(key []byte, offset uint64) (int, error) {
	v, err := ks.Get(key)
	if err != nil {
		return 0, err
	}
	if offset>>3 >= uint64(len(v)) || v[offset>>3]&(0x80>>(offset&7)) == 0 {
		return 0, nil
	}
	return 1, nil
}

// modifyBits runs fn on a copy of the string at key zero-padded to at
// least size bytes (a new string if key is missing) and stores the copy
// if fn reports a change, the string grew or the key is new. When
// unchanged (may be nil) says the current value needs no change, nothing
// is copied. The string is not held to MaxStringLen: callers bound size
// (BITFIELD may reach a few bytes past it, as in Redis).
func (ks *Keyspace) modifyBits(key []byte, size int64, unchanged func(cur []byte) bool, fn func(v []byte) bool) error {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	if e == nil {
		v := make([]byte, size)
		fn(v)
		ne := newEntry(bstr(key), kindString, v, nil)
		ne.markRaw()
		ks.insert(sh, slot, ne)
		return nil
	}
	if e.kind() != kindString {
		return ErrWrongType
	}
	cur := e.str()
	if unchanged != nil && unchanged(cur) {
		return nil
	}
	// Build the new key+value bytes in one allocation (setStr would copy
	// them again): readers may still hold the old ones.
	k := len(e.key())
	n := max(int64(len(cur)), size)
	if int64(k)+n > maxEntryBytes {
		return ErrStringTooLong
	}
	ne, v := newString(e.key(), int(n))
	copy(v, cur)
	if changed := fn(v); changed || n != int64(len(cur)) {
		ks.replace(sh, slot, e, ne)
		e = ne
		e.markRaw()
		ks.touch(e)
		ks.resize(sh, slot, e)
	}
	return nil
}

// BitRange is a BITCOUNT or BITPOS range: Start and End are inclusive
// and count from the end when negative; Bit says they count bits, not
// bytes.
type BitRange struct {
	Start, End int64
	Bit        bool
}

// BitCount returns the number of set bits of the string at key, in r if
// not nil.
func (ks *Keyspace) BitCount(key []byte, r *BitRange) (int64, error) {
	v, err := ks.Get(key)
	if err != nil {
		return 0, err
	}
	return BitCount(v, r), nil
}

// BitCount counts the set bits of v, in r if not nil.
func BitCount(v []byte, r *BitRange) int64 {
	if r == nil {
		return popcount(v)
	}
	if r.Start < 0 && r.End < 0 && r.Start > r.End {
		return 0
	}
	total := int64(len(v))
	if r.Bit {
		total <<= 3
	}
	start, end := clampRange(r.Start, r.End, total)
	if start > end {
		return 0
	}
	if !r.Bit {
		return popcount(v[start : end+1])
	}
	n := popcount(v[start>>3 : end>>3+1])
	n -= int64(bits.OnesCount8(v[start>>3] & ^byte(0xff>>(start&7))))
	n -= int64(bits.OnesCount8(v[end>>3] & byte(0xff>>(end&7+1))))
	return n
}

// clampRange turns a Redis start/end pair into positions within 0..n-1
// (start > end when the range is empty).
func clampRange(start, end, n int64) (int64, int64) {
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start = max(start, 0)
	end = max(end, 0)
	end = min(end, n-1)
	return start, end
}

func popcount(v []byte) int64 {
	var n int
	for len(v) >= 8 {
		w := uint64(v[0]) | uint64(v[1])<<8 | uint64(v[2])<<16 | uint64(v[3])<<24 |
			uint64(v[4])<<32 | uint64(v[5])<<40 | uint64(v[6])<<48 | uint64(v[7])<<56
		n += bits.OnesCount64(w)
		v = v[8:]
	}
	for _, b := range v {
		n += bits.OnesCount8(b)
	}
	return int64(n)
}

// BitPosRange is BITPOS's optional range: HasStart/HasEnd say which
// bounds were given.
type BitPosRange struct {
	Start, End       int64
	HasStart, HasEnd bool
	Bit              bool
}

// BitPos returns the position of the first bit equal to bit in the
// string at key (within r), or -1; see BitPos.
func (ks *Keyspace) BitPos(key []byte, bit int, r BitPosRange) (int64, error) {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	e := ks.read(sh, slot, key)
	var v []byte
	switch {
	case e == nil:
		sh.mu.Unlock()
		if bit == 1 {
			return -1, nil
		}
		return 0, nil
	case e.kind() != kindString:
		sh.mu.Unlock()
		return 0, ErrWrongType
	default:
		v = e.str()
	}
	sh.mu.Unlock()
	return BitPos(v, bit, r), nil
}

// BitPos returns the position of the first bit equal to bit in v within
// r, as Redis's BITPOS: a clear bit past the end counts when no end was
// given; -1 when there is none.
func BitPos(v []byte, bit int, r BitPosRange) int64 {
	total := int64(len(v))
	start, end := int64(0), total-1
	if r.HasStart {
		if r.Bit {
			total <<= 3
		}
		start = r.Start
		end = total - 1
		if r.HasEnd {
			end = r.End
		}
		start, end = clampRange(start, end, total)
	} else if r.Bit {
		total <<= 3
	}
	if !r.Bit {
		// Byte range: convert to bits.
		if start > end {
			return -1
		}
		start, end = start<<3, end<<3+7
	}
	if start > end {
		return -1
	}
	want := byte(0)
	if bit == 1 {
		want = 1
	}
	i := start
	// Whole bytes are skipped quickly when they cannot hold the bit.
	skip := byte(0x00)
	if bit == 0 {
		skip = 0xff
	}
	for i <= end {
		if i&7 == 0 && i+7 <= end && v[i>>3] == skip {
			i += 8
			continue
		}
		if (v[i>>3]>>(7-i&7))&1 == want {
			return i
		}
		i++
	}
	if bit == 0 && !r.HasEnd {
		// The string is as if padded with clear bits on the right.
		return end + 1
	}
	return -1
}

// BitOpKind is a BITOP operation.
type BitOpKind int

// The BITOP operations.
const (
	BitAnd BitOpKind = iota
	BitOr
	BitXor
	BitNot
)

// BitOp stores at dest the bitwise op of the strings at srcs (missing
// keys are empty strings, shorter strings are padded with zero bytes) and
// returns the result's length; an empty result deletes dest.
func (ks *Keyspace) BitOp(op BitOpKind, dest []byte, srcs [][]byte) (int64, error) {
	keys := append([][]byte{dest}, srcs...)
	unlock := ks.lockKeys(keys, 1)
	defer unlock()
	vals := make([][]byte, len(srcs))
	longest := 0
	for i, k := range srcs {
		sh, slot := ks.locate(k)
		e := ks.read(sh, slot, k)
		if e == nil {
			continue
		}
		if e.kind() != kindString {
			return 0, ErrWrongType
		}
		vals[i] = e.str()
		longest = max(longest, len(vals[i]))
	}
	sh, slot := ks.locate(dest)
	e := ks.find(sh, slot, dest)
	if longest == 0 {
		if e != nil {
			ks.del(sh, slot, string(dest), e, ReasonDeleted)
		}
		return 0, nil
	}
	res := make([]byte, longest)
	copy(res, vals[0])
	switch op {
	case BitNot:
		for i := range res {
			res[i] = ^res[i]
		}
	case BitAnd:
		for _, v := range vals[1:] {
			for i := range res {
				if i < len(v) {
					res[i] &= v[i]
				} else {
					res[i] = 0
				}
			}
		}
	case BitOr:
		for _, v := range vals[1:] {
			for i := range v {
				res[i] |= v[i]
			}
		}
	case BitXor:
		for _, v := range vals[1:] {
			for i := range v {
				res[i] ^= v[i]
			}
		}
	}
	ks.storeString(sh, slot, dest, e, res)
	return int64(longest), nil
}

// storeString replaces key's value (entry e, nil if missing) with the
// string v as SET does without options: any expiry is removed. The
// stripe's mutex must be held.
func (ks *Keyspace) storeString(sh *stripe, slot int, key []byte, e *entry, v []byte) {
	if e != nil && e.kind() == kindString {
		e = ks.setStr(sh, slot, e, v)
		ks.setExpire(sh, slot, e, 0)
		ks.touch(e)
		ks.resize(sh, slot, e)
		return
	}
	if e != nil {
		ks.del(sh, slot, string(key), e, ReasonDeleted)
	}
	ks.insert(sh, slot, newEntry(bstr(key), kindString, v, nil))
}

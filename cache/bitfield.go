package cache

import "math"

// BitFieldOpKind is a BITFIELD subcommand.
type BitFieldOpKind uint8

// The BITFIELD subcommands that produce a reply.
const (
	BitFieldGet BitFieldOpKind = iota
	BitFieldSet
	BitFieldIncrBy
)

// Overflow is BITFIELD's OVERFLOW behaviour.
type Overflow uint8

// The overflow behaviours.
const (
	OverflowWrap Overflow = iota
	OverflowSat
	OverflowFail
)

// BitFieldOp is one BITFIELD GET, SET or INCRBY on an integer of Bits
// bits (1..64 signed, 1..63 unsigned) at bit Offset.
type BitFieldOp struct {
	Kind     BitFieldOpKind
	Signed   bool
	Bits     uint8
	Offset   uint64
	Value    int64 // SET's value or INCRBY's increment
	Overflow Overflow
}

// BitFieldResult is one operation's reply: Null when OVERFLOW FAIL
// refused it.
type BitFieldResult struct {
	Val  int64
	Null bool
}

// BitField runs ops on the string at key in order and returns their
// results. Only GETs leave the key untouched (a missing key reads as
// zeros); any SET or INCRBY creates or grows the string to hold the
// farthest field written.
func (ks *Keyspace) BitField(key []byte, ops []BitFieldOp) ([]BitFieldResult, error) {
	out := make([]BitFieldResult, len(ops))
	var highest uint64
	write := false
	for _, op := range ops {
		if op.Kind != BitFieldGet {
			write = true
			highest = max(highest, op.Offset+uint64(op.Bits)-1)
		}
	}
	if !write {
		v, err := ks.Get(key)
		if err != nil {
			return nil, err
		}
		for i, op := range ops {
			out[i] = BitFieldResult{Val: getField(v, op)}
		}
		return out, nil
	}
	err := ks.modifyBits(key, int64(highest>>3)+1, nil, func(v []byte) bool {
		changed := false
		for i, op := range ops {
			var ch bool
			out[i], ch = applyField(v, op)
			changed = changed || ch
		}
		return changed
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// getField reads op's field from v (zeros past its end).
func getField(v []byte, op BitFieldOp) int64 {
	u := readBits(v, op.Offset, op.Bits)
	if op.Signed {
		return signExtend(u, op.Bits)
	}
	return int64(u)
}

// applyField runs a GET, SET or INCRBY on v, which holds the field, and
// reports whether v changed.
func applyField(v []byte, op BitFieldOp) (BitFieldResult, bool) {
	if op.Kind == BitFieldGet {
		return BitFieldResult{Val: getField(v, op)}, false
	}
	raw := readBits(v, op.Offset, op.Bits)
	var old, nv, reply int64
	var overflow bool
	if op.Signed {
		old = signExtend(raw, op.Bits)
		if op.Kind == BitFieldIncrBy {
			nv, overflow = signedAdd(old, op.Value, op.Bits, op.Overflow)
			reply = nv
		} else {
			nv, overflow = signedAdd(op.Value, 0, op.Bits, op.Overflow)
			reply = old
		}
	} else {
		old = int64(raw)
		var u uint64
		if op.Kind == BitFieldIncrBy {
			u, overflow = unsignedAdd(raw, op.Value, op.Bits, op.Overflow)
			nv = int64(u)
			reply = nv
		} else {
			u, overflow = unsignedAdd(uint64(op.Value), 0, op.Bits, op.Overflow)
			nv = int64(u)
			reply = old
		}
	}
	if overflow && op.Overflow == OverflowFail {
		return BitFieldResult{Null: true}, false
	}
	writeBits(v, op.Offset, op.Bits, uint64(nv))
	return BitFieldResult{Val: reply}, nv != old
}

// signedAdd adds incr to value as a bits-wide signed integer and reports
// an overflow, with the wrapped or saturated result.
func signedAdd(value, incr int64, bits uint8, ow Overflow) (int64, bool) {
	maxV := int64(math.MaxInt64)
	if bits < 64 {
		maxV = 1<<(bits-1) - 1
	}
	minV := -maxV - 1
	sum := value + incr
	var over, under bool
	if bits == 64 {
		over = incr > 0 && sum < value
		under = incr < 0 && sum > value
	} else {
		// value fits 64 bits; a bits-wide field's sum cannot overflow
		// int64 unless value itself is out of the field's range.
		over = value > maxV || (incr > 0 && incr > maxV-value)
		under = !over && (value < minV || (incr < 0 && incr < minV-value))
	}
	if !over && !under {
		return sum, false
	}
	if ow == OverflowSat {
		if over {
			return maxV, true
		}
		return minV, true
	}
	// Wrap: two's complement in bits bits.
	return signExtend(uint64(value)+uint64(incr), bits), true
}

// unsignedAdd adds incr to value as a bits-wide unsigned integer (bits
// <= 63) and reports an overflow, with the wrapped or saturated result.
func unsignedAdd(value uint64, incr int64, bits uint8, ow Overflow) (uint64, bool) {
	maxV := uint64(1)<<bits - 1
	var over, under bool
	switch {
	case value > maxV || (incr > 0 && uint64(incr) > maxV-value):
		over = true
	case incr < 0 && uint64(-(incr+1))+1 > value:
		under = true
	}
	if !over && !under {
		return value + uint64(incr), false
	}
	if ow == OverflowSat {
		if over {
			return maxV, true
		}
		return 0, true
	}
	return (value + uint64(incr)) & maxV, true
}

// signExtend reads the low bits bits of u as a signed integer.
func signExtend(u uint64, bits uint8) int64 {
	if bits == 64 {
		return int64(u)
	}
	shift := 64 - bits
	return int64(u<<shift) >> shift
}

// readBits returns the bits-wide big-endian field at bit offset of v,
// reading zeros past its end.
func readBits(v []byte, offset uint64, bits uint8) uint64 {
	var u uint64
	for i := uint64(0); i < uint64(bits); i++ {
		pos := offset + i
		bit := uint64(0)
		if pos>>3 < uint64(len(v)) {
			bit = uint64(v[pos>>3]>>(7-pos&7)) & 1
		}
		u = u<<1 | bit
	}
	return u
}

// writeBits stores the low bits bits of u at bit offset of v, which must
// hold them.
func writeBits(v []byte, offset uint64, bits uint8, u uint64) {
	for i := uint64(0); i < uint64(bits); i++ {
		pos := offset + i
		mask := byte(0x80) >> (pos & 7)
		if u>>(uint64(bits)-1-i)&1 == 1 {
			v[pos>>3] |= mask
		} else {
			v[pos>>3] &^= mask
		}
	}
}

package cache

import (
	"encoding/binary"
	"errors"
	"math"
)

// HyperLogLog sketches are string values in Redis's own format, so that a
// sketch read with GET from Redis works here and the other way round:
//
//	"HYLL" | encoding (0 dense, 1 sparse) | 3 unused | 8-byte LE cached
//	cardinality, whose top bit set means "stale" | registers
//
// 16384 registers of up to 6 bits: dense stores them packed, 6 bits each,
// least significant bits first (12288 bytes); sparse stores runs with
// three opcodes: ZERO 00xxxxxx (1..64 zero registers), XZERO 01xxxxxx
// yyyyyyyy (1..16384 zero registers) and VAL 1vvvvvxx (1..4 registers of
// value 1..32). A sparse sketch becomes dense when a register needs more
// than 32 or its bytes would pass the hll-sparse-max-bytes limit.

// Errors about HyperLogLog values.
var (
	// ErrNotHLL is a string that is not a HyperLogLog (bad magic,
	// encoding or dense length).
	ErrNotHLL = errors.New("not a valid HyperLogLog string value")
	// ErrCorruptHLL is a sketch whose registers do not decode.
	ErrCorruptHLL = errors.New("corrupted HLL object detected")
)

const (
	hllP         = 14
	hllQ         = 64 - hllP
	hllRegisters = 1 << hllP
	hllHdrSize   = 16
	hllDenseSize = hllHdrSize + hllRegisters*6/8
	hllDense     = 0
	hllSparse    = 1
	hllSeed      = 0xadc83b19
	// hllSparseMaxVal is the largest register value a VAL opcode holds.
	hllSparseMaxVal = 32
	// DefaultHLLSparseMaxBytes is Redis's hll-sparse-max-bytes.
	DefaultHLLSparseMaxBytes = 3000
)

// hllRegs is a sketch's registers, one byte each.
type hllRegs [hllRegisters]uint8

// murmur64A is MurmurHash64A reading 8-byte blocks little-endian, as
// Redis hashes HyperLogLog elements.
func murmur64A(data []byte, seed uint64) uint64 {
	const m = 0xc6a4a7935bd1e995
	const r = 47
	h := seed ^ uint64(len(data))*m
	for len(data) >= 8 {
		k := binary.LittleEndian.Uint64(data)
		k *= m
		k ^= k >> r
		k *= m
		h ^= k
		h *= m
		data = data[8:]
	}
	if len(data) > 0 {
		for i := len(data) - 1; i >= 0; i-- {
			h ^= uint64(data[i]) << (8 * i)
		}
		h *= m
	}
	h ^= h >> r
	h *= m
	h ^= h >> r
	return h
}

// hllPattern returns the register an element falls in and the length of
// the run of zeros (plus one) it contributes.
func hllPattern(elem []byte) (int, uint8) {
	h := murmur64A(elem, hllSeed)
	idx := int(h & (hllRegisters - 1))
	h >>= hllP
	h |= 1 << hllQ
	n := uint8(1)
	for h&1 == 0 {
		n++
		h >>= 1
	}
	return idx, n
}

// checkHLL reports whether v is a HyperLogLog string (not yet whether its
// registers decode).
func checkHLL(v []byte) error {
	if len(v) < hllHdrSize || string(v[:4]) != "HYLL" || v[4] > hllSparse {
		return ErrNotHLL
	}
	if v[4] == hllDense && len(v) != hllDenseSize {
		return ErrNotHLL
	}
	return nil
}

// hllIsDense reports whether the checked sketch v is dense.
func hllIsDense(v []byte) bool { return v[4] == hllDense }

// decodeHLL reads the registers of a checked sketch into regs, taking for
// each the maximum of its value there and in v (merge); it fails when a
// sparse sketch does not cover exactly the 16384 registers.
func decodeHLL(v []byte, regs *hllRegs) error {
	p := v[hllHdrSize:]
	if hllIsDense(v) {
		for i := range regs {
			if r := denseGet(p, i); r > regs[i] {
				regs[i] = r
			}
		}
		return nil
	}
	idx := 0
	for i := 0; i < len(p); i++ {
		op := p[i]
		switch {
		case op&0xc0 == 0: // ZERO
			idx += int(op&0x3f) + 1
		case op&0xc0 == 0x40: // XZERO
			if i+1 >= len(p) {
				return ErrCorruptHLL
			}
			idx += (int(op&0x3f)<<8 | int(p[i+1])) + 1
			i++
		default: // VAL
			n, val := int(op&3)+1, (op>>2&0x1f)+1
			if idx+n > hllRegisters {
				return ErrCorruptHLL
			}
			for j := idx; j < idx+n; j++ {
				if val > regs[j] {
					regs[j] = val
				}
			}
			idx += n
		}
		if idx > hllRegisters {
			return ErrCorruptHLL
		}
	}
	if idx != hllRegisters {
		return ErrCorruptHLL
	}
	return nil
}

// denseGet returns register i of packed dense registers p.
func denseGet(p []byte, i int) uint8 {
	bit := i * 6
	b, shift := bit>>3, uint(bit&7)
	v := uint16(p[b])
	if b+1 < len(p) {
		v |= uint16(p[b+1]) << 8
	}
	return uint8(v>>shift) & 63
}

// denseSet sets register i of packed dense registers p to r.
func denseSet(p []byte, i int, r uint8) {
	bit := i * 6
	b, shift := bit>>3, uint(bit&7)
	v := uint16(p[b])
	if b+1 < len(p) {
		v |= uint16(p[b+1]) << 8
	}
	v = v&^(63<<shift) | uint16(r)<<shift
	p[b] = byte(v)
	if b+1 < len(p) {
		p[b+1] = byte(v >> 8)
	}
}

// encodeHLL builds a sketch of regs with header hdr (magic and cached
// cardinality; the encoding byte is set here): sparse unless a register
// is over 32, the sparse form would be longer than sparseMax bytes, or
// dense is asked for.
func encodeHLL(hdr []byte, regs *hllRegs, dense bool, sparseMax int) []byte {
	// An empty sketch is sparse whatever the limit, as Redis creates it.
	sparseMax = max(sparseMax, hllHdrSize+2)
	if !dense {
		if v, ok := encodeSparse(hdr, regs, sparseMax); ok {
			return v
		}
	}
	v := make([]byte, hllDenseSize)
	copy(v, hdr[:hllHdrSize])
	v[4] = hllDense
	p := v[hllHdrSize:]
	for i, r := range regs {
		if r != 0 {
			denseSet(p, i, r)
		}
	}
	return v
}

// encodeSparse builds the sparse form of regs, or reports it cannot.
func encodeSparse(hdr []byte, regs *hllRegs, sparseMax int) ([]byte, bool) {
	v := make([]byte, hllHdrSize, 64)
	copy(v, hdr[:hllHdrSize])
	v[4] = hllSparse
	for i := 0; i < hllRegisters; {
		r := regs[i]
		j := i + 1
		for j < hllRegisters && regs[j] == r {
			j++
		}
		n := j - i
		switch {
		case r > hllSparseMaxVal:
			return nil, false
		case r == 0 && n <= 64:
			v = append(v, byte(n-1))
		case r == 0:
			v = append(v, 0x40|byte((n-1)>>8), byte(n-1))
		default:
			for ; n > 0; n -= 4 {
				v = append(v, 0x80|(r-1)<<2|byte(min(n, 4)-1))
			}
		}
		if len(v) > sparseMax {
			return nil, false
		}
		i = j
	}
	return v, true
}

// newHLLHeader returns the header of a new sketch.
func newHLLHeader() []byte {
	return []byte{'H', 'Y', 'L', 'L', hllSparse, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
}

// hllCachedCard returns the cached cardinality of a checked sketch and
// whether it is valid.
func hllCachedCard(v []byte) (uint64, bool) {
	if v[15]&0x80 != 0 {
		return 0, false
	}
	return binary.LittleEndian.Uint64(v[8:16]), true
}

// hllCount estimates the cardinality of regs with Ertl's improved
// estimator, computed as Redis does so that both give the same figure.
func hllCount(regs *hllRegs) uint64 {
	var histo [64]int
	for _, r := range regs {
		histo[r&63]++
	}
	m := float64(hllRegisters)
	z := m * hllTau((m-float64(histo[hllQ+1]))/m)
	for j := hllQ; j >= 1; j-- {
		z += float64(histo[j])
		z *= 0.5
	}
	z += m * hllSigma(float64(histo[0])/m)
	const alphaInf = 0.721347520444481703680 // 0.5/ln(2)
	return uint64(math.Round(alphaInf * m * m / z))
}

func hllSigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x *= x
		prev := z
		z += x * y
		y += y
		if prev == z {
			return z
		}
	}
}

func hllTau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		prev := z
		y *= 0.5
		z -= (1 - x) * (1 - x) * y
		if prev == z {
			return z / 3
		}
	}
}

// HLLCheck validates a HyperLogLog value completely (header and
// registers) and returns its estimated cardinality; the fuzz target and
// tests use it.
func HLLCheck(v []byte) (uint64, error) {
	if err := checkHLL(v); err != nil {
		return 0, err
	}
	var regs hllRegs
	if err := decodeHLL(v, &regs); err != nil {
		return 0, err
	}
	return hllCount(&regs), nil
}

package vector

import (
	"fmt"
	"math"
	"math/bits"
)

// Quant is how an HNSW index stores its vectors. The quantised forms are
// those of Redis 8 vector sets and need the COSINE metric: every vector is
// normalised first, so only its direction is coded.
type Quant uint8

// The storage forms.
const (
	// QuantNone stores float32 components (VINFO's "f32").
	QuantNone Quant = iota
	// QuantInt8 stores one int8 per component with a per-vector scale
	// ("int8", VADD's Q8): a quarter of the bytes.
	QuantInt8
	// QuantBinary stores one sign bit per component ("bin", VADD's BIN):
	// a 32nd of the bytes, compared by Hamming distance.
	QuantBinary
)

// String returns the name VINFO reports: f32, int8 or bin.
func (q Quant) String() string {
	switch q {
	case QuantNone:
		return "f32"
	case QuantInt8:
		return "int8"
	case QuantBinary:
		return "bin"
	}
	return fmt.Sprintf("quant(%d)", uint8(q))
}

// ParseQuant reads f32, int8 or bin (VINFO's names).
func ParseQuant(s string) (Quant, error) {
	switch s {
	case "f32":
		return QuantNone, nil
	case "int8":
		return QuantInt8, nil
	case "bin":
		return QuantBinary, nil
	}
	return 0, fmt.Errorf("%w: unknown quantisation %q", ErrBadParams, s)
}

// int8Stride is the bytes of a stored int8 code: the dimension rounded up
// to 16, the step of the SIMD kernel (the padding is zeros).
func int8Stride(dim int) int { return (dim + 15) &^ 15 }

// binWords is the uint64 words of a binary code.
func binWords(dim int) int { return (dim + 63) / 64 }

// Int8 quantisation, after Redis's vector sets (hnsw.c, quantize_to_q8):
// the vector, already normalised, is scaled per vector so that its largest
// component |x|max maps to ±127, and every component is rounded:
// c = round(x * 127/|x|max), kept with range = |x|max, so x ≈ c*range/127
// (VEMB's de-quantisation). A per-vector range, not a global one, needs no
// training and suits embeddings whose spread differs from vector to vector.
//
// Where vcache differs: Redis scores two codes by their de-quantised dot
// product, dot(ca, cb) * (range_a/127) * (range_b/127). vcache scores them by
// the cosine of the two code vectors, dot(ca, cb) / (|ca| |cb|), keeping
// 1/|c| per vector (float64, so that a vector compared with itself gives
// exactly 1). Rounding changes a code's length as well as its direction;
// dividing by the length removes the length error, so the score is the
// cosine of the stored directions, and an element is always its own
// nearest neighbour with similarity 1, as with float32. The cost is the
// same one multiplication per distance. Both forms share the int8 dot
// product into int32 (exact: |c| <= 127, so a sum of 32768 products fits).

// quantizeInt8 codes normalised x into dst (len(dst) >= len(x); the rest is
// zeroed) and returns its range and 1/|code| (both 0 for a zero vector).
func quantizeInt8(x []float32, dst []int8) (rng float32, inv float64) {
	for _, v := range x {
		rng = max(rng, float32(math.Abs(float64(v))))
	}
	clear(dst)
	if rng == 0 {
		return 0, 0
	}
	scale := 127 / rng
	var n int64
	for i, v := range x {
		c := int8(min(max(math.Round(float64(v*scale)), -127), 127))
		dst[i] = c
		n += int64(c) * int64(c)
	}
	return rng, 1 / math.Sqrt(float64(n))
}

// int8InvNorm returns 1/|c| (0 for a zero code).
func int8InvNorm(c []int8) float64 {
	var n int64
	for _, v := range c {
		n += int64(v) * int64(v)
	}
	if n == 0 {
		return 0
	}
	return 1 / math.Sqrt(float64(n))
}

// int8Distance is 1 - cosine of two codes given their 1/|c| (a zero code is
// at distance 1 from everything, as in Redis).
func int8Distance(a, b []int8, ia, ib float64) float32 {
	cos := float32(float64(dotInt8(a, b)) * ia * ib)
	return min(max(1-cos, 0), 2)
}

// dotInt8Go is the portable int8 dot product (the assembly kernel's
// reference and fallback): eight values a round through array pointers, so
// the compiler drops the bounds checks, into four accumulators (1.55x the
// speed of an indexed loop: 90 against 140 ns at 304 values).
func dotInt8Go(a, b []int8) int32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 int32
	for len(a) >= 8 && len(b) >= 8 {
		x, y := (*[8]int8)(a), (*[8]int8)(b)
		s0 += int32(x[0])*int32(y[0]) + int32(x[1])*int32(y[1])
		s1 += int32(x[2])*int32(y[2]) + int32(x[3])*int32(y[3])
		s2 += int32(x[4])*int32(y[4]) + int32(x[5])*int32(y[5])
		s3 += int32(x[6])*int32(y[6]) + int32(x[7])*int32(y[7])
		a, b = a[8:], b[8:]
	}
	for i := range a {
		s0 += int32(a[i]) * int32(b[i])
	}
	return s0 + s1 + s2 + s3
}

// dequantizeInt8 writes c*rng/127 into dst.
func dequantizeInt8(c []int8, rng float32, dst []float32) {
	for i := range dst {
		dst[i] = float32(c[i]) * rng / 127
	}
}

// Binary quantisation, as Redis's (quantize_to_bin): bit i of the code is
// set when component i is positive. Two codes are compared by the share of
// components whose signs differ, distance = 2 * hamming / dim in [0, 2],
// so VSIM's similarity 1 - distance/2 is the share of agreeing signs.
// The padding bits of the last word are zero in every code and never count.

// quantizeBinary codes x into dst (binWords(len(x)) words).
func quantizeBinary(x []float32, dst []uint64) {
	clear(dst)
	for i, v := range x {
		if v > 0 {
			dst[i/64] |= 1 << (i % 64)
		}
	}
}

// binaryDistance is 2 * hamming(a, b) / dim.
func binaryDistance(a, b []uint64, dim int) float32 {
	return float32(2*hamming(a, b)) / float32(dim)
}

// hamming counts the differing bits (POPCNT, unrolled by four).
func hamming(a, b []uint64) int {
	n := len(a)
	b = b[:n]
	var h0, h1, h2, h3 int
	i := 0
	for ; i+4 <= n; i += 4 {
		h0 += bits.OnesCount64(a[i] ^ b[i])
		h1 += bits.OnesCount64(a[i+1] ^ b[i+1])
		h2 += bits.OnesCount64(a[i+2] ^ b[i+2])
		h3 += bits.OnesCount64(a[i+3] ^ b[i+3])
	}
	for ; i < n; i++ {
		h0 += bits.OnesCount64(a[i] ^ b[i])
	}
	return h0 + h1 + h2 + h3
}

// dequantizeBinary writes ±1 per bit into dst (VEMB of a BIN set, as Redis).
func dequantizeBinary(c []uint64, dst []float32) {
	for i := range dst {
		if c[i/64]&(1<<(i%64)) != 0 {
			dst[i] = 1
		} else {
			dst[i] = -1
		}
	}
}

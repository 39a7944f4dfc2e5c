package vector

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/viterin/vek/vek32"
)

// Errors.
var (
	ErrDimMismatch = errors.New("vector dimension mismatch")
	ErrCorrupt     = errors.New("corrupt index data")
	ErrBadParams   = errors.New("bad index parameters")
	// ErrNotFinite is returned for a vector with a NaN or infinite
	// component: its distance to anything is NaN, which sorts before every
	// true neighbour.
	ErrNotFinite = errors.New("vector has a NaN or infinite value")
)

// Metric is a distance metric.
type Metric uint8

// The metrics.
const (
	L2 Metric = iota
	IP
	Cosine
)

// String returns the RediSearch name.
func (m Metric) String() string {
	switch m {
	case L2:
		return "L2"
	case IP:
		return "IP"
	case Cosine:
		return "COSINE"
	}
	return fmt.Sprintf("metric(%d)", uint8(m))
}

// ParseMetric reads L2, IP or COSINE (any case).
func ParseMetric(s string) (Metric, error) {
	switch strings.ToUpper(s) {
	case "L2":
		return L2, nil
	case "IP":
		return IP, nil
	case "COSINE":
		return Cosine, nil
	}
	return 0, fmt.Errorf("%w: unknown distance metric %q", ErrBadParams, s)
}

// DecodeFloat32 reads a little-endian FLOAT32 blob of dim values.
func DecodeFloat32(blob []byte, dim int) ([]float32, error) {
	if len(blob) != 4*dim {
		return nil, fmt.Errorf("%w: blob of %d bytes for dimension %d", ErrDimMismatch, len(blob), dim)
	}
	v := make([]float32, dim)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(blob[4*i:]))
	}
	return v, nil
}

// CheckFinite returns ErrNotFinite when a component of v is NaN or ±Inf.
func CheckFinite(v []float32) error {
	for i, x := range v {
		// All exponent bits set: an infinity or a NaN.
		if math.Float32bits(x)&0x7f800000 == 0x7f800000 {
			return fmt.Errorf("%w: component %d is %v", ErrNotFinite, i, x)
		}
	}
	return nil
}

// EncodeFloat32 writes v as a little-endian FLOAT32 blob.
func EncodeFloat32(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// kernelMin is the dimension from which the SIMD kernel beats the plain
// loop (BenchmarkDot): below it the call overhead dominates.
const kernelMin = 32

// dot returns the dot product of a and b (same length).
func dot(a, b []float32) float32 {
	if len(a) >= kernelMin {
		return vek32.Dot(a, b)
	}
	return dotGo(a, b)
}

// dotGo is the portable dot product, unrolled by four.
func dotGo(a, b []float32) float32 {
	var s0, s1, s2, s3 float32
	n := len(a)
	b = b[:n]
	i := 0
	for ; i+4 <= n; i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < n; i++ {
		s0 += a[i] * b[i]
	}
	return s0 + s1 + s2 + s3
}

// l2 returns the squared Euclidean distance of a and b.
func l2(a, b []float32) float32 {
	var s0, s1, s2, s3 float32
	n := len(a)
	b = b[:n]
	i := 0
	for ; i+4 <= n; i += 4 {
		d0 := a[i] - b[i]
		d1 := a[i+1] - b[i+1]
		d2 := a[i+2] - b[i+2]
		d3 := a[i+3] - b[i+3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < n; i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return s0 + s1 + s2 + s3
}

// l2Fast uses ||a||² + ||b||² - 2a·b with precomputed norms: the SIMD dot
// product is much faster than the plain difference loop.
func l2Fast(a, b []float32, na, nb float32) float32 {
	d := na + nb - 2*dot(a, b)
	if d < 0 {
		return 0
	}
	return d
}

// normalize scales v to unit length in place (zero vectors stay zero).
func normalize(v []float32) {
	n := float32(math.Sqrt(float64(dotGo(v, v))))
	if n == 0 {
		return
	}
	for i := range v {
		v[i] /= n
	}
}

// padded returns the stride of a vector of dim values in the flat arrays.
// vek32.Dot is fast on multiples of 32 and on a short tail, slow on a long
// one (measured, BenchmarkDot: 7.5 ns at 100 and at 128, 13 ns at 112,
// 20 ns at 120, 43 ns at 784 but 31 ns at 800). So a dimension a few
// floats past a multiple of 32 keeps its size (less memory to stream per
// distance: GloVe-100 searches 7% faster at stride 100 than 128) and the
// others are padded up to the next multiple of 32.
func padded(dim int) int {
	if r := dim % 32; r != 0 && r <= 8 {
		return (dim + 3) &^ 3
	}
	return (dim + 31) &^ 31
}

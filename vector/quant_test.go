package vector

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func randInt8(r *rand.Rand, n int) []int8 {
	v := make([]int8, n)
	for i := range v {
		v[i] = int8(r.IntN(255) - 127)
	}
	return v
}

// TestDotInt8 checks the kernel (assembly where the CPU has it) against a
// plain sum at every length class, the extremes included.
func TestDotInt8(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for n := 0; n <= 300; n++ {
		a, b := randInt8(r, n), randInt8(r, n)
		var want int32
		for i := range a {
			want += int32(a[i]) * int32(b[i])
		}
		if got := dotInt8(a, b); got != want {
			t.Fatalf("dotInt8 n=%d = %d, want %d", n, got, want)
		}
		if got := dotInt8Go(a, b); got != want {
			t.Fatalf("dotInt8Go n=%d = %d, want %d", n, got, want)
		}
	}
	for _, n := range []int{16, 32, 64, 1024, 32768} {
		for _, x := range []int8{127, -127} {
			a, b := make([]int8, n), make([]int8, n)
			for i := range a {
				a[i], b[i] = x, 127
			}
			if got, want := dotInt8(a, b), int32(x)*127*int32(n); got != want {
				t.Fatalf("saturation n=%d x=%d: %d, want %d", n, x, got, want)
			}
		}
	}
}

func TestQuantizeInt8(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{1, 3, 100, 300} {
		x := randVec(r, n)
		normalize(x)
		c := make([]int8, int8Stride(n))
		rng, inv := quantizeInt8(x, c)
		back := make([]float32, n)
		dequantizeInt8(c, rng, back)
		for i := range x {
			// Rounding moves a component by at most half a step.
			if d := math.Abs(float64(back[i] - x[i])); d > float64(rng)/127/2*1.001 {
				t.Fatalf("n=%d component %d: %g back as %g (range %g)", n, i, x[i], back[i], rng)
			}
		}
		if d := int8Distance(c, c, inv, inv); d != 0 {
			t.Fatalf("n=%d: a code's distance to itself = %g", n, d)
		}
		for _, v := range c[n:] {
			if v != 0 {
				t.Fatal("padding not zero")
			}
		}
		// Quantising the de-quantised vector gives the same code (VSIM ELE
		// searches with VEMB's vector).
		normalize(back)
		c2 := make([]int8, len(c))
		quantizeInt8(back, c2)
		if fmt.Sprint(c2) != fmt.Sprint(c) {
			t.Fatalf("n=%d: re-quantised code differs", n)
		}
	}
	zero := make([]int8, 16)
	if rng, inv := quantizeInt8(make([]float32, 5), zero); rng != 0 || inv != 0 {
		t.Fatal("zero vector has a range")
	}
	if d := int8Distance(zero, zero, 0, 0); d != 1 {
		t.Fatalf("zero code distance %g, want 1", d)
	}
	// The cosine of two codes is close to the vectors' cosine.
	for i := 0; i < 100; i++ {
		x, y := randVec(r, 300), randVec(r, 300)
		normalize(x)
		normalize(y)
		cx, cy := make([]int8, 304), make([]int8, 304)
		_, ix := quantizeInt8(x, cx)
		_, iy := quantizeInt8(y, cy)
		want := 1 - dot(x, y)
		if got := int8Distance(cx, cy, ix, iy); math.Abs(float64(got-want)) > 0.01 {
			t.Fatalf("int8 distance %g, float %g", got, want)
		}
	}
}

func TestQuantizeBinary(t *testing.T) {
	x := []float32{0.5, -0.1, 0, 2}
	c := make([]uint64, binWords(len(x)))
	quantizeBinary(x, c)
	if c[0] != 0b1001 {
		t.Fatalf("code %b", c[0])
	}
	back := make([]float32, 4)
	dequantizeBinary(c, back)
	if fmt.Sprint(back) != "[1 -1 -1 1]" {
		t.Fatalf("de-quantised %v", back)
	}
	y := []float32{-1, -1, -1, 1} // one sign of four differs
	cy := make([]uint64, 1)
	quantizeBinary(y, cy)
	if d := binaryDistance(c, cy, 4); d != 0.5 {
		t.Fatalf("distance %g, want 0.5", d)
	}
	r := rand.New(rand.NewPCG(9, 10))
	a, b := make([]uint64, 7), make([]uint64, 7)
	want := 0
	for i := range a {
		a[i], b[i] = r.Uint64(), r.Uint64()
		for j := 0; j < 64; j++ {
			if (a[i]^b[i])>>j&1 == 1 {
				want++
			}
		}
	}
	if got := hamming(a, b); got != want {
		t.Fatalf("hamming %d, want %d", got, want)
	}
}

// BenchmarkDistanceKinds compares one distance of each stored form at
// vector-set dimensions: float32 (SIMD dot), int8 (assembly and Go) and
// binary.
func BenchmarkDistanceKinds(b *testing.B) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, n := range []int{100, 300} {
		x, y := randVec(r, padded(n)), randVec(r, padded(n))
		cx, cy := randInt8(r, int8Stride(n)), randInt8(r, int8Stride(n))
		bx, by := make([]uint64, binWords(n)), make([]uint64, binWords(n))
		quantizeBinary(x, bx)
		quantizeBinary(y, by)
		b.Run(fmt.Sprintf("f32/%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_ = dot(x, y)
			}
		})
		b.Run(fmt.Sprintf("int8/%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_ = int8Distance(cx, cy, 0.01, 0.01)
			}
		})
		b.Run(fmt.Sprintf("int8go/%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_ = dotInt8Go(cx, cy)
			}
		})
		b.Run(fmt.Sprintf("bin/%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_ = binaryDistance(bx, by, n)
			}
		})
	}
}

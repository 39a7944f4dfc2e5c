package vector

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/viterin/vek/vek32"
)

func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = r.Float32()*2 - 1
	}
	return v
}

func TestKernelsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 3, 16, 31, 64, 100, 128, 384, 784} {
		a, b := randVec(r, n), randVec(r, n)
		var wantDot, wantL2 float64
		for i := range a {
			wantDot += float64(a[i]) * float64(b[i])
			d := float64(a[i]) - float64(b[i])
			wantL2 += d * d
		}
		if d := float64(dot(a, b)) - wantDot; d > 1e-3 || d < -1e-3 {
			t.Errorf("dot n=%d off by %g", n, d)
		}
		if d := float64(l2(a, b)) - wantL2; d > 1e-3 || d < -1e-3 {
			t.Errorf("l2 n=%d off by %g", n, d)
		}
		na, nb := dot(a, a), dot(b, b)
		if d := float64(l2Fast(a, b, na, nb)) - wantL2; d > 1e-2 || d < -1e-2 {
			t.Errorf("l2Fast n=%d off by %g", n, d)
		}
	}
}

func TestDecodeFloat32(t *testing.T) {
	v := []float32{1, -2.5, 3e-7}
	got, err := DecodeFloat32(EncodeFloat32(v), 3)
	if err != nil || got[0] != 1 || got[1] != -2.5 || got[2] != 3e-7 {
		t.Fatalf("round trip: %v %v", got, err)
	}
	if _, err := DecodeFloat32(make([]byte, 11), 3); err == nil {
		t.Fatal("an 11-byte blob decoded as 3 floats")
	}
}

// BenchmarkDot compares the SIMD kernel (vek) with the plain loop; the
// crossover sets kernelMin.
func BenchmarkDot(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{16, 32, 64, 96, 100, 112, 120, 128, 384, 784, 800, 1536} {
		x, y := randVec(r, n), randVec(r, n)
		b.Run(fmt.Sprintf("go/%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_ = dotGo(x, y)
			}
		})
		b.Run(fmt.Sprintf("vek/%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_ = vek32.Dot(x, y)
			}
		})
		b.Run(fmt.Sprintf("l2go/%d", n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				_ = l2(x, y)
			}
		})
	}
}

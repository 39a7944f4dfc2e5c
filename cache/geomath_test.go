package cache

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// bigSeries is sin (k0 = 1) or cos (k0 = 0) of x by its Taylor series in
// 256-bit floats, rounded once to float64.
func bigSeries(x float64, k0 int) float64 {
	prec := uint(256)
	bx := new(big.Float).SetPrec(prec).SetFloat64(x)
	x2 := new(big.Float).SetPrec(prec).Mul(bx, bx)
	term := new(big.Float).SetPrec(prec).SetFloat64(1)
	if k0 == 1 {
		term.Set(bx)
	}
	sum := new(big.Float).SetPrec(prec).Set(term)
	for k := k0; k < 120; k += 2 {
		term.Mul(term, x2)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(int64((k+1)*(k+2))))
		term.Neg(term)
		sum.Add(sum, term)
	}
	f, _ := sum.Float64()
	return f
}

// TestGeoMathCorrectlyRounded checks the geo distances' sine and cosine
// against 256-bit evaluations (the exactly rounded result, as C's
// libraries give nearly always), and arcsine by the sine of its result,
// over the arguments geo distances use.
func TestGeoMathCorrectlyRounded(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 3000 {
		x := rng.Float64()*3.2 - 1.6
		if i%3 == 0 {
			x *= 1e-3
		}
		if got, want := geoSin(x), bigSeries(x, 1); got != want {
			t.Fatalf("geoSin(%v) = %v, want %v", x, got, want)
		}
		if got, want := geoCos(x), bigSeries(x, 0); got != want {
			t.Fatalf("geoCos(%v) = %v, want %v", x, got, want)
		}
		a := math.Abs(x) / 1.6
		y := geoAsin(a)
		if d := math.Abs(y - math.Asin(a)); d > 2*math.Abs(math.Nextafter(y, 2)-y) {
			t.Fatalf("geoAsin(%v) = %v, math.Asin %v", a, y, math.Asin(a))
		}
		// y is the float64 nearest asin(a): sin of its neighbours is farther from a.
		s := bigSeries(y, 1)
		for _, n := range []float64{math.Nextafter(y, 0), math.Nextafter(y, 2)} {
			if n > 0 && math.Abs(bigSeries(n, 1)-a) < math.Abs(s-a) {
				t.Fatalf("geoAsin(%v) = %v, but sin(%v) is nearer", a, y, n)
			}
		}
	}
}

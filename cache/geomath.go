package cache

import "math"

// Correctly rounded sine, cosine and arcsine for the geo distances.
// Redis computes them with the C library, whose results are the exactly
// rounded ones, while Go's math package may be one unit in the last place
// off; a distance then differs in its 17th digit (as STOREDIST stores
// it). These evaluate the function in double-double arithmetic (about 32
// digits) and round once. Arguments beyond |x| < 4 (only huge search
// radii make them) fall back to the math package.

// dd is an unevaluated sum hi+lo with |lo| <= ulp(hi)/2.
type dd struct{ hi, lo float64 }

func twoSum(a, b float64) dd {
	s := a + b
	bb := s - a
	return dd{s, (a - (s - bb)) + (b - bb)}
}

func (a dd) add(b dd) dd {
	s := twoSum(a.hi, b.hi)
	s.lo += a.lo + b.lo
	return twoSum(s.hi, s.lo)
}

func (a dd) mul(b dd) dd {
	p := a.hi * b.hi
	e := math.FMA(a.hi, b.hi, -p) + (a.hi*b.lo + a.lo*b.hi)
	return twoSum(p, e)
}

// div divides by a small positive integer n.
func (a dd) div(n float64) dd {
	q1 := a.hi / n
	p := q1 * n
	pe := math.FMA(q1, n, -p)
	r := (a.hi - p - pe + a.lo) / n
	return twoSum(q1, r)
}

// ddSeries sums x^k0/k0! ± x^(k0+2)/(k0+2)! ..., alternating signs, in
// double-double: sin for k0 = 1 (term x), cos for k0 = 0 (term 1).
func ddSeries(x float64, first dd, k0 int) dd {
	x2 := dd{x, 0}.mul(dd{x, 0})
	sum, term := first, first
	for k := k0; k < 60; k += 2 {
		term = term.mul(x2).div(float64((k + 1) * (k + 2)))
		term = dd{-term.hi, -term.lo}
		sum = sum.add(term)
		if math.Abs(term.hi) < 1e-40*math.Abs(sum.hi)+1e-300 {
			break
		}
	}
	return sum
}

func ddSin(x float64) dd { return ddSeries(x, dd{x, 0}, 1) }

// geoSin is sin(x) correctly rounded.
func geoSin(x float64) float64 {
	if math.Abs(x) >= 4 || x == 0 {
		return math.Sin(x)
	}
	return ddSin(x).hi
}

// geoCos is cos(x) correctly rounded.
func geoCos(x float64) float64 {
	if math.Abs(x) >= 4 {
		return math.Cos(x)
	}
	return ddSeries(x, dd{1, 0}, 0).hi
}

// geoAsin is asin(x) correctly rounded, for 0 <= x <= 1: one Newton step
// on sin(y) = x from Go's estimate, in double-double.
func geoAsin(x float64) float64 {
	y := math.Asin(x)
	if x <= 0 || x >= 1 || math.IsNaN(y) {
		return y
	}
	r := ddSin(y).add(dd{-x, 0})
	c := math.Cos(y)
	if c == 0 {
		return y
	}
	return twoSum(y, -(r.hi+r.lo)/c).hi
}

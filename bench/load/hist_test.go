package load

import (
	"math/rand/v2"
	"sort"
	"testing"
	"time"
)

// TestHistPercentilesMatchSorted compares the histogram's percentiles with
// the exact ones of the same samples.
func TestHistPercentilesMatchSorted(t *testing.T) {
	var h Hist
	var xs []time.Duration
	for i := 0; i < 100000; i++ {
		d := time.Duration(rand.ExpFloat64()*300) * time.Microsecond
		xs = append(xs, d)
		h.Add(d)
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i] < xs[j] })
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		exact := xs[int(q*float64(len(xs)))-1]
		got := h.Percentile(q)
		if diff := float64(got-exact) / float64(exact); exact > 20*time.Microsecond && (diff > 0.07 || diff < -0.07) {
			t.Errorf("p%v: %v, exact %v", q*100, got, exact)
		}
	}
	for b := 0; b < 200; b++ {
		if lo := lowOf(b); bucketOf(lo) != b {
			t.Fatalf("bucket %d starts at %d, which falls in bucket %d", b, lo, bucketOf(lo))
		}
	}
}

package latency

import (
	"strings"
	"testing"
)

func TestBucketBounds(t *testing.T) {
	for _, us := range []int64{0, 1, 2, 3, 7, 8, 1000, 1 << 21, 1 << 30} {
		b := Bucket(us)
		if b < Buckets-1 && float64(us) >= Upper(b) {
			t.Errorf("%d µs in bucket %d whose upper bound is %g", us, b, Upper(b))
		}
		if b > 0 && float64(us) < Upper(b-1) {
			t.Errorf("%d µs in bucket %d, under the bucket's lower bound %g", us, b, Upper(b-1))
		}
	}
}

func TestPercentile(t *testing.T) {
	var h Hist
	if h.Percentile(0.99) != 0 {
		t.Error("an empty histogram's p99 must be 0")
	}
	for range 98 {
		h[Bucket(100)]++ // under 128 µs
	}
	h[Bucket(3000)]++ // under 4096 µs
	h[Bucket(3000)]++
	if p := h.Percentile(0.5); p != 128 {
		t.Errorf("p50 = %g, want 128", p)
	}
	if p := h.Percentile(0.999); p != 4096 {
		t.Errorf("p99.9 = %g, want 4096", p)
	}
	if got := h.Percentiles(); got != "p50=128.000,p99=4096.000,p99.9=4096.000" {
		t.Errorf("Percentiles = %q", got)
	}
	var b strings.Builder
	if err := h.WritePrometheus(&b, "m", "get", 10000); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`m_bucket{cmd="get",le="0.000128"} 98`, `m_bucket{cmd="get",le="+Inf"} 100`, `m_sum{cmd="get"} 0.01`, `m_count{cmd="get"} 100`} {
		if !strings.Contains(b.String(), want+"\n") {
			t.Errorf("exposition lacks %q:\n%s", want, b.String())
		}
	}
}

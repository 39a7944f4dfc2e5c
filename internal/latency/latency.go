// Package latency is the command latency histogram that the node and the
// proxy both keep: power-of-two buckets of microseconds, the percentiles
// INFO latencystats reports and the Prometheus exposition of the buckets.
// Counting (sharded atomics, per-round sums) is the servers' own; they
// hand this package a snapshot of counts.
package latency

import (
	"fmt"
	"io"
	"math/bits"
	"strconv"
)

// Buckets is the number of buckets. Bucket b counts durations under 2^b
// microseconds and at least 2^(b-1) (bucket 0: under 1 µs); the last
// bucket also counts everything longer.
const Buckets = 24

// Bucket returns the bucket of a duration of us microseconds.
func Bucket(us int64) int {
	if us <= 0 {
		return 0
	}
	return min(bits.Len64(uint64(us)), Buckets-1)
}

// Upper returns bucket b's upper bound in microseconds.
func Upper(b int) float64 { return float64(uint64(1) << b) }

// Hist is a snapshot of a histogram's counts.
type Hist [Buckets]int64

// Total returns the number of durations counted.
func (h *Hist) Total() int64 {
	var n int64
	for _, c := range h {
		n += c
	}
	return n
}

// Percentile returns the upper bound, in microseconds, of the bucket that
// holds quantile q (0 < q <= 1) of the counted durations; 0 when none
// were counted.
func (h *Hist) Percentile(q float64) float64 {
	total := h.Total()
	if total == 0 {
		return 0
	}
	rank := int64(q*float64(total) + 0.5)
	var seen int64
	for b, c := range h {
		seen += c
		if seen >= rank && c > 0 {
			return Upper(b)
		}
	}
	return Upper(Buckets - 1)
}

// Percentiles renders p50, p99 and p99.9 as INFO latencystats does:
// "p50=1.000,p99=2.000,p99.9=4.000".
func (h *Hist) Percentiles() string {
	return fmt.Sprintf("p50=%.3f,p99=%.3f,p99.9=%.3f", h.Percentile(0.5), h.Percentile(0.99), h.Percentile(0.999))
}

// WritePrometheus writes h as the series of a Prometheus histogram in
// seconds, metric{cmd="name",le="..."}, with its _sum (usec microseconds
// in all) and _count; the family's # TYPE line is the caller's.
func (h *Hist) WritePrometheus(w io.Writer, metric, cmd string, usec int64) error {
	var b []byte
	var cum int64
	for i, c := range h {
		cum += c
		if i < Buckets-1 {
			b = fmt.Appendf(b, "%s_bucket{cmd=%q,le=%q} %d\n", metric, cmd, strconv.FormatFloat(Upper(i)/1e6, 'g', -1, 64), cum)
		}
	}
	b = fmt.Appendf(b, "%s_bucket{cmd=%q,le=\"+Inf\"} %d\n", metric, cmd, cum)
	b = fmt.Appendf(b, "%s_sum{cmd=%q} %g\n", metric, cmd, float64(usec)/1e6)
	b = fmt.Appendf(b, "%s_count{cmd=%q} %d\n", metric, cmd, cum)
	_, err := w.Write(b)
	return err
}

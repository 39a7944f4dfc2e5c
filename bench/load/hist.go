// Package load is vcache's key-value load generator (vcache bench kv):
// redis-benchmark's model — C connections, each with a pipeline of P
// requests in flight, N requests in all over R random keys — measured
// with a latency histogram, against vcache or any RESP server.
package load

import (
	"math"
	"math/bits"
	"time"
)

// Hist is a log-linear latency histogram: 16 sub-buckets per power of
// two of microseconds, so a percentile is within about 6% of the true
// value. Not safe for concurrent use; merge per-connection histograms.
type Hist struct {
	counts [64 * subBuckets]uint64
	n      uint64
	sum    time.Duration
	max    time.Duration
}

const subBuckets = 16

func bucketOf(us uint64) int {
	if us < subBuckets {
		return int(us)
	}
	e := bits.Len64(us) - 5 // us >> e is in [16, 32)
	return (e+1)*subBuckets + int(us>>e) - subBuckets
}

// lowOf returns the smallest microsecond value of bucket b.
func lowOf(b int) uint64 {
	if b < subBuckets {
		return uint64(b)
	}
	e := b/subBuckets - 1
	return uint64(b%subBuckets+subBuckets) << e
}

// Add records one duration.
func (h *Hist) Add(d time.Duration) {
	us := uint64(max(d.Microseconds(), 0))
	h.counts[min(bucketOf(us), len(h.counts)-1)]++
	h.n++
	h.sum += d
	h.max = max(h.max, d)
}

// Merge adds o's counts to h.
func (h *Hist) Merge(o *Hist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// Count returns how many durations were recorded.
func (h *Hist) Count() uint64 { return h.n }

// Percentile returns the q-quantile (0 < q <= 1): the middle of the
// bucket that holds it.
func (h *Hist) Percentile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	var seen uint64
	for b, c := range h.counts {
		seen += c
		if seen >= rank && c > 0 {
			lo, hi := lowOf(b), lowOf(b+1)
			return time.Duration((lo+hi)/2) * time.Microsecond
		}
	}
	return h.max
}

// Mean returns the average duration.
func (h *Hist) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return h.sum / time.Duration(h.n)
}

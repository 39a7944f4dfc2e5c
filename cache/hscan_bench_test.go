package cache

import (
	"strconv"
	"testing"
)

// BenchmarkHScanBig walks a hash of 100,000 fields with HSCAN COUNT 100
// to the end (one op: one call), against HGETALL of the whole hash per
// field.
func BenchmarkHScanBig(b *testing.B) {
	const n = 100_000
	ks := newKS(b, nil)
	key := []byte("myhash")
	for i := range n {
		ks.HSet(key, [][]byte{[]byte("element:" + strconv.Itoa(i)), []byte("xxx")}, false)
	}
	b.Run("HSCAN-COUNT-100-per-field", func(b *testing.B) {
		b.ReportAllocs()
		var cur uint64
		fields := 0
		for range b.N {
			next, kv, _ := ks.HScan(key, cur, "", 100, false)
			fields += len(kv) / 2
			cur = next
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(max(fields, 1)), "ns/field")
	})
	b.Run("HGETALL-per-field", func(b *testing.B) {
		b.ReportAllocs()
		fields := 0
		for range b.N {
			kv, _ := ks.HGetAll(key)
			fields += len(kv) / 2
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(max(fields, 1)), "ns/field")
	})
}

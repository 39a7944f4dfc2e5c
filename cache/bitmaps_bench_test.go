package cache

import (
	"strconv"
	"testing"
)

// BenchmarkSetBit flips bits of a 1 MiB bitmap: each change copies the
// value (values are never modified in place); setting a bit already set
// copies nothing.
func BenchmarkSetBit(b *testing.B) {
	ks := newKS(b, nil)
	key := []byte("bits")
	if _, err := ks.SetBit(key, 8<<20-1, true); err != nil {
		b.Fatal(err)
	}
	b.Run("change-1MiB", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			ks.SetBit(key, uint64(i*7919)%(8<<20), i&1 == 0)
		}
	})
	b.Run("same-1MiB", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			ks.SetBit(key, 8<<20-1, true)
		}
	})
}

// BenchmarkPFAdd adds one new element per call to a sparse (about 1000
// elements) and a dense sketch.
func BenchmarkPFAdd(b *testing.B) {
	for _, n := range []int{1000, 20000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			ks := newKS(b, nil)
			key := []byte("h")
			hllOf(b, ks, "h", n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				ks.PFAdd(key, [][]byte{[]byte("new" + strconv.Itoa(i))}, DefaultHLLSparseMaxBytes)
			}
		})
	}
}

package cache

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
)

// BenchmarkKeyBytes loads 1M small keys of one kind and reports the heap
// bytes each costs (heapB/key, from runtime.MemStats around the load)
// and what the keyspace accounts for it (acctB/key, used_memory's
// share). The figures do not depend on the machine's load; run it with
// -benchtime=1x.
func BenchmarkKeyBytes(b *testing.B) {
	val := bytes.Repeat([]byte("x"), 100)
	for _, tc := range []struct {
		name string
		load func(ks *Keyspace, key []byte, i int)
	}{
		{"string-100B", func(ks *Keyspace, key []byte, i int) { ks.Set(key, val, SetOptions{}) }},
		{"string-100B-ttl", func(ks *Keyspace, key []byte, i int) { ks.Set(key, val, SetOptions{At: 1 << 50}) }},
		{"string-int", func(ks *Keyspace, key []byte, i int) { ks.Set(key, fmt.Appendf(nil, "%d", i), SetOptions{}) }},
		{"hash-1-field", func(ks *Keyspace, key []byte, i int) { ks.HSet(key, [][]byte{[]byte("f"), []byte("v")}, false) }},
		{"set-1-member", func(ks *Keyspace, key []byte, i int) { ks.SAdd(key, [][]byte{[]byte("m")}) }},
		{"list-1-elem", func(ks *Keyspace, key []byte, i int) { ks.Push(key, [][]byte{[]byte("e")}, false, false) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			const n = 1_000_000
			for range b.N {
				runtime.GC()
				var before, after runtime.MemStats
				runtime.ReadMemStats(&before)
				ks, err := New(DefaultConfig())
				if err != nil {
					b.Fatal(err)
				}
				key := make([]byte, 0, 32)
				for i := range n {
					key = fmt.Appendf(key[:0], "key:%012d", i) // 16 bytes, as redis-benchmark's
					tc.load(ks, key, i)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/n, "heapB/key")
				b.ReportMetric(float64(ks.UsedMemory())/n, "acctB/key")
				runtime.KeepAlive(ks)
			}
		})
	}
}

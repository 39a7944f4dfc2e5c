package cache

import (
	"fmt"
	"testing"
)

// listBench fills a list of 1M elements ("elem" and a counter, as
// redis-benchmark's) for the list benchmarks.
func listBench(b *testing.B, ks *Keyspace) []byte {
	key := []byte("mylist")
	batch := make([][]byte, 0, 1000)
	for i := 0; i < 1_000_000; i += 1000 {
		batch = batch[:0]
		for j := i; j < i+1000; j++ {
			batch = append(batch, fmt.Appendf(nil, "elem%06d", j))
		}
		ks.Push(key, batch, false, false)
	}
	return key
}

// BenchmarkListOps: LPUSH and RPOP (one element each), and LRANGE of 100
// elements in the middle of a 1M-element list, at the default
// list-compress-depth 0.
func BenchmarkListOps(b *testing.B) {
	benchListOps(b, newKS(b, nil))
}

func benchListOps(b *testing.B, ks *Keyspace) {
	key := listBench(b, ks)
	v := [][]byte{[]byte("elem123456")}
	b.Run("lpush-rpop", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			ks.Push(key, v, true, false)
			ks.Pop(key, false, 1)
		}
	})
	b.Run("lrange-middle-100", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			start := int64(400_000 + i%200_000)
			ks.LRange(key, start, start+99)
		}
	})
}

// BenchmarkListRPush: RPUSH of one element to a list growing by b.N.
func BenchmarkListRPush(b *testing.B) {
	ks := newKS(b, nil)
	key := []byte("mylist")
	v := [][]byte{[]byte("xxx")}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		ks.Push(key, v, false, false)
	}
}

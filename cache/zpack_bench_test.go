package cache

import (
	"fmt"
	"testing"
)

// BenchmarkZAddSmall adds one member at a time to 10,000 sorted sets of
// up to 16 members; BenchmarkZRangeSmall reads one whole set a time.
func BenchmarkZAddSmall(b *testing.B) {
	ks := newKS(b, nil)
	keys := make([][]byte, 10_000)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "zs:%d", i)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ks.ZAdd(keys[i%len(keys)], ZAddFlags{}, []ZMember{{fmt.Sprint("m:", i/len(keys)%16), float64(i % 1000)}})
	}
}

func BenchmarkZRangeSmall(b *testing.B) {
	ks := newKS(b, nil)
	keys := make([][]byte, 10_000)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "zs:%d", i)
		for j := 0; j < 10; j++ {
			ks.ZAdd(keys[i], ZAddFlags{}, []ZMember{{fmt.Sprint("m:", j), float64(j * i % 1000)}})
		}
	}
	sp := ZRangeSpec{By: ZByRank, Start: 0, Stop: -1}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if ms, _ := ks.ZRange(keys[i%len(keys)], sp); len(ms) != 10 {
			b.Fatal(len(ms))
		}
	}
}

// BenchmarkZAddBig adds members to one set of up to 1M members.
func BenchmarkZAddBig(b *testing.B) {
	ks := newKS(b, nil)
	for i := 0; i < b.N; i++ {
		ks.ZAdd([]byte("zbig"), ZAddFlags{}, []ZMember{{fmt.Sprint("m:", i%1_000_000), float64(i % 1000)}})
	}
}

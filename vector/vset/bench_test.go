package vset

import (
	"fmt"
	"testing"

	"github.com/vcache/vcache/vector"
)

// BenchmarkSim measures VSIM's search (Set.Sim: COUNT 10, Redis's default
// EF of 100) over 10k clustered elements for each stored form, at 100 and
// 300 dimensions, one query at a time; it reports queries per second and
// the recall@10 against exact float32 search. Run:
//
//	go test -run XXX -bench BenchmarkSim -benchtime 3s ./vector/vset
//
// Measured on a 2-core Xeon with AVX2 (medians of three runs; other work
// on the machine moves single runs by up to 20%): at 100 dimensions f32
// 25.1k qps, int8 27.8k (recall 0.978), bin 28.4k (recall 0.31); at 300
// dimensions f32 16.4k, int8 25.1k (recall 0.993), bin 29.7k (recall
// 0.50). At 100 dimensions the graph walk, not the distance, takes most of
// the time, so the codes gain little there.
func BenchmarkSim(b *testing.B) {
	const n = 10000
	for _, dim := range []int{100, 300} {
		var data, queries [][]float32
		for _, q := range []vector.Quant{vector.QuantNone, vector.QuantInt8, vector.QuantBinary} {
			var s *Set
			var r float64
			b.Run(fmt.Sprintf("%s/dim=%d", q, dim), func(b *testing.B) {
				if s == nil { // built once, not on every b.N round
					if data == nil {
						data, queries = clustered(11, n, dim, 50), clustered(12, 500, dim, 50)
					}
					s = buildSet(b, q, data)
					r = recallAt10(b, s, data, queries[:100], 0)
					b.ResetTimer()
				}
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if _, err := s.Sim(&SimArgs{Vec: queries[i%len(queries)], Count: 10}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "qps")
				b.ReportMetric(r, "recall@10")
			})
		}
	}
}

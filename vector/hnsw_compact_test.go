package vector

import (
	"bytes"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestShrunkGraphGivesBackItsMemory: a graph that loses most of its
// vectors for good (an index whose documents are evicted) gives their
// memory back, on the heap as in MemoryBytes: before, its arrays kept the
// capacity of its largest size while MemoryBytes left the free slots out,
// so the heap held what maxmemory no longer counted. The vectors left
// keep their recall against brute force, each is found by its own
// vector and Vector gives it back; the graph takes new vectors, and
// loads from a snapshot alike. For float32 vectors with and without
// search codes, and int8 and binary ones (vector sets).
func TestShrunkGraphGivesBackItsMemory(t *testing.T) {
	const dim, n, keep = 32, 6000, 1000
	cases := []struct {
		name   string
		metric Metric
		quant  Quant
		codes  Quant
	}{
		{"f32", L2, QuantNone, QuantNone},
		{"f32+codes", L2, QuantNone, QuantInt8},
		{"int8", Cosine, QuantInt8, QuantNone},
		{"bin", Cosine, QuantBinary, QuantNone},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := clustered(43, n+200, dim, 20)
			p := DefaultParams(HNSW, dim, c.metric)
			p.EfConstruction, p.Quant, p.Codes = 100, c.quant, c.codes
			ix := build(t, p, data[:n])
			h := ix.(*hnsw)
			full, heapFull := ix.MemoryBytes(), heapInUse()
			// Remove all but keep vectors, in a random order.
			order := rand.New(rand.NewPCG(9, 9)).Perm(n)
			kept := order[:keep]
			for _, i := range order[keep:] {
				ix.Remove(uint32(i))
			}
			h.purge(true) // the last tombstones
			left, heapLeft := ix.MemoryBytes(), heapInUse()
			t.Logf("%d vectors: %d B (heap %d); %d left: %d B (heap %d), capacity %d", n, full, heapFull, keep, left, heapLeft, h.capN)
			if left > full/3 {
				t.Fatalf("MemoryBytes %d with %d of %d vectors left, %d when full", left, keep, n, full)
			}
			if freed := heapFull - heapLeft; freed < (full-left)*8/10 {
				t.Fatalf("MemoryBytes fell by %d, the heap by %d", full-left, freed)
			}
			truth, _ := New(DefaultParams(FLAT, dim, c.metric))
			for _, i := range kept {
				truth.Add(uint32(i), data[i])
				got, ok := ix.Vector(uint32(i))
				if !ok || len(got) != dim || (c.metric == L2 && !slices.Equal(got, data[i])) || (c.quant == QuantInt8 && cosine(got, data[i]) < 0.99) {
					t.Fatalf("Vector(%d) = %v, %v; added %v", i, got, ok, data[i])
				}
			}
			opt := SearchOptions{K: 10, Ef: 200}
			if r := recall(t, ix, truth, data[n:], opt); r < 0.9 && c.quant != QuantBinary {
				t.Fatalf("recall@10 %.3f after the shrink", r)
			}
			for _, i := range kept[:200] {
				res, err := ix.Search(data[i], SearchOptions{K: 1, Ef: 200})
				if err != nil || len(res) != 1 || (res[0].ID != uint32(i) && c.quant != QuantBinary) {
					t.Fatalf("nearest to vector %d: %v, %v", i, res, err)
				}
			}
			var snap bytes.Buffer
			if _, err := ix.WriteTo(&snap); err != nil {
				t.Fatal(err)
			}
			back, err := ReadIndex(&snap)
			if err != nil {
				t.Fatal(err)
			}
			if back.Len() != keep {
				t.Fatalf("the snapshot holds %d vectors, want %d", back.Len(), keep)
			}
			for i := n; i < n+200; i++ {
				if err := ix.Add(uint32(i), data[i]); err != nil {
					t.Fatal(err)
				}
			}
			if ix.Len() != keep+200 {
				t.Fatalf("Len %d after adding 200 to %d", ix.Len(), keep)
			}
			res, err := ix.Search(data[n+7], SearchOptions{K: 1, Ef: 200})
			if err != nil || len(res) != 1 || (res[0].ID != uint32(n+7) && c.quant != QuantBinary) {
				t.Fatalf("nearest to new vector %d: %v, %v", n+7, res, err)
			}
		})
	}
}

// cosine is the cosine similarity of a and b.
func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}

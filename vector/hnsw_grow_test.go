package vector

import (
	"math/rand/v2"
	"testing"
)

// TestHNSWGrowsByAnEighth: past 8192 nodes a graph grows its arrays by an
// eighth, so its memory (counted against maxmemory at capacity) never
// jumps by more than that on one insert.
func TestHNSWGrowsByAnEighth(t *testing.T) {
	const n = 9300
	p := DefaultParams(HNSW, 2, L2)
	p.M, p.EfConstruction = 4, 8
	ix, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	h := ix.(*hnsw)
	r := rand.New(rand.NewPCG(3, 3))
	prev := h.MemoryBytes()
	for i := 0; i < n; i++ {
		if err := ix.Add(uint32(i), []float32{r.Float32(), r.Float32()}); err != nil {
			t.Fatal(err)
		}
		m := h.MemoryBytes()
		if i >= 8192 && m > prev+prev/7 {
			t.Fatalf("insert %d grew the graph from %d to %d bytes", i, prev, m)
		}
		prev = m
	}
	if h.capN < n || h.capN > n+n/8 {
		t.Fatalf("capacity %d for %d nodes", h.capN, n)
	}
}

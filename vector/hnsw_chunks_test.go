package vector

import (
	"math/rand/v2"
	"testing"
)

// TestHNSWGrowthLeavesVectorsInPlace: a graph that grows past several
// chunks never copies the float32 vectors it holds (the old and the new
// array are not both live at once), every vector reads back as it was
// stored, its nearest neighbour is itself, and the capacity the graph
// counts is what it holds.
func TestHNSWGrowthLeavesVectorsInPlace(t *testing.T) {
	const n = 3*vecChunk + 100
	p := DefaultParams(HNSW, 4, L2)
	p.M, p.EfConstruction = 4, 16
	ix, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	h := ix.(*hnsw)
	r := rand.New(rand.NewPCG(5, 5))
	vecs := make([][]float32, n)
	var first *float32
	for i := range vecs {
		vecs[i] = []float32{r.Float32(), r.Float32(), r.Float32(), r.Float32()}
		if err := ix.Add(uint32(i), vecs[i]); err != nil {
			t.Fatal(err)
		}
		if i == vecChunk { // the first chunk is full: it stays where it is
			first = &h.st.vec(0)[0]
		}
	}
	if first != &h.st.vec(0)[0] {
		t.Fatalf("the first chunk's vectors moved when the graph grew to %d nodes", h.capN)
	}
	held := 0
	for _, c := range h.st.vecs {
		held += len(c)
	}
	if want := h.capN * h.st.stride; held != want {
		t.Fatalf("chunks hold %d floats for capacity %d (%d), want exactly that", held, h.capN, want)
	}
	for i := 0; i < n; i += 97 {
		got := h.st.vec(uint32(i))[:4]
		for j := range 4 {
			if got[j] != vecs[i][j] {
				t.Fatalf("vector %d reads %v, stored %v", i, got, vecs[i])
			}
		}
		res, err := ix.Search(vecs[i], SearchOptions{K: 1})
		if err != nil || len(res) != 1 || res[0].ID != uint32(i) {
			t.Fatalf("nearest to vector %d: %v, %v", i, res, err)
		}
	}
}

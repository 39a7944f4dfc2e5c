package vector

import (
	"math/rand/v2"
	"runtime"
	"testing"
)

// TestHNSWMemoryPerVector: a graph holds its vectors and level-0 lists for
// at most a chunk of nodes beyond those it has (where they grew with the
// flat arrays' capacity, up to an eighth of them); beyond a vector and its
// level-0 list, a vector costs at most 52 bytes (its upper levels, id,
// level, state, map entry and the spare capacity of the flat arrays;
// hnswlib takes about 100: label, level, pointer, mutex and hash map
// entry); and MemoryBytes is what the heap holds for it, within 2%.
func TestHNSWMemoryPerVector(t *testing.T) {
	const n, dim = 13200, 100 // just past a growth to a capacity of 14762
	r := rand.New(rand.NewPCG(9, 9))
	vecs := make([][]float32, n)
	for i := range vecs {
		vecs[i] = make([]float32, dim)
		for j := range vecs[i] {
			vecs[i][j] = r.Float32()
		}
	}
	p := DefaultParams(HNSW, dim, L2)
	p.M, p.EfConstruction = 16, 16
	before := heapInUse()
	ix, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vecs {
		if err := ix.Add(uint32(i), v); err != nil {
			t.Fatal(err)
		}
	}
	held := heapInUse() - before
	mem := ix.MemoryBytes()
	if held < mem*98/100 || held > mem*102/100 {
		t.Fatalf("%d vectors: the heap holds %d bytes for the graph, MemoryBytes says %d", n, held, mem)
	}
	h := ix.(*hnsw)
	spare := mem - int64(n)*h.nodeBytes() - MapBytes(n, 8) - h.uppers.Load() - hnswBytes
	if limit := int64(vecChunk) * h.nodeBytes(); spare > limit {
		t.Fatalf("%d vectors of %d bytes each (capacity %d): %d bytes beyond them, want at most a chunk's %d",
			n, h.nodeBytes(), h.capN, spare, limit)
	}
	vec, list0 := float64(4*padded(dim)+4), float64((2*p.M+1)*4)
	if extra := float64(mem)/n - vec - list0; extra > 52 {
		t.Fatalf("%d vectors: %.1f bytes each, %.1f beyond the vector's %.0f and its level-0 list's %.0f, want at most 52",
			n, float64(mem)/n, extra, vec, list0)
	}
	t.Logf("%d vectors: %.1f bytes each (heap %.1f), %d spare", n, float64(mem)/n, float64(held)/n, spare)
	runtime.KeepAlive(vecs)
}

package vector

import (
	"math/rand/v2"
	"runtime"
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
	if want := h.chunkN * h.st.stride; held != want {
		t.Fatalf("chunks hold %d floats for %d nodes (%d), want exactly that", held, h.chunkN, want)
	}
	if h.chunkN != min(h.capN, (n+vecMask)&^vecMask) {
		t.Fatalf("chunks for %d nodes with %d vectors (capacity %d): want them to end at the last one's chunk", h.chunkN, n, h.capN)
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

// TestHNSWGrowthAllocatesTheNewPartOnly: the insert that grows a graph
// with search codes past 8192 nodes allocates the new chunks of vectors,
// codes and level-0 lists and copies only the few flat bytes a node
// (levels, ids, norms): far less than the graph's memory, where flat
// lists and codes made it allocate (and leave as garbage) about as much
// again as the graph held. The level-0 lists and codes of the first
// chunk stay where they were, and every node still finds itself.
func TestHNSWGrowthAllocatesTheNewPartOnly(t *testing.T) {
	const n = 10400
	p := DefaultParams(HNSW, 32, L2)
	p.M, p.EfConstruction = 16, 16
	p.Codes = QuantInt8
	ix, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	h := ix.(*hnsw)
	r := rand.New(rand.NewPCG(7, 7))
	vecs := make([][]float32, n)
	var list0 *uint32
	var code0 *int8
	growths := 0
	for i := range vecs {
		vecs[i] = make([]float32, 32)
		for j := range vecs[i] {
			vecs[i][j] = r.Float32()
		}
		if i == vecChunk {
			list0, code0 = &h.list0(0)[0], &h.sq.code(0)[0]
		}
		capN, held := h.capN, h.MemoryBytes()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		if err := ix.Add(uint32(i), vecs[i]); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&m1)
		if h.capN != capN && capN >= 8192 {
			growths++
			if alloc := m1.TotalAlloc - m0.TotalAlloc; alloc > uint64(held)/3 {
				t.Fatalf("growing from %d to %d nodes allocated %d bytes; the graph held %d", capN, h.capN, alloc, held)
			}
		}
	}
	if growths == 0 {
		t.Fatalf("the graph did not grow past 8192 nodes (capacity %d)", h.capN)
	}
	if list0 != &h.list0(0)[0] || code0 != &h.sq.code(0)[0] {
		t.Fatal("the first chunk's level-0 lists or codes moved when the graph grew")
	}
	for i := 0; i < n; i += 101 {
		res, err := ix.Search(vecs[i], SearchOptions{K: 1, Ef: 200})
		if err != nil || len(res) != 1 || res[0].ID != uint32(i) {
			t.Fatalf("nearest to vector %d: %v, %v", i, res, err)
		}
	}
}

// TestHNSWGrowthBytesIsTheNextJump: GrowthBytes says, before each Add,
// how much MemoryBytes rises beyond the vector's own bytes: 0 while the
// graph has room (spare capacity, or a removed vector's slot), the whole
// new chunk of capacity at the Add that grows it.
func TestHNSWGrowthBytesIsTheNextJump(t *testing.T) {
	for _, codes := range []Quant{QuantNone, QuantInt8} {
		p := DefaultParams(HNSW, 8, L2)
		p.M, p.EfConstruction, p.Codes = 4, 16, codes
		ix, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		h := ix.(*hnsw)
		r := rand.New(rand.NewPCG(3, 3))
		vec := func() []float32 {
			v := make([]float32, 8)
			for j := range v {
				v[j] = r.Float32()
			}
			return v
		}
		grew := 0
		for i := range 3000 {
			if i == 2000 {
				ix.Remove(7) // its slot is reused: no growth at the next Add
			}
			g, before, capN, chunkN := h.GrowthBytes(), ix.MemoryBytes(), h.capN, h.chunkN
			if err := ix.Add(uint32(i), vec()); err != nil {
				t.Fatal(err)
			}
			rise := ix.MemoryBytes() - before
			if h.capN != capN || h.chunkN != chunkN {
				grew++
				if g == 0 || rise < g || rise > g+h.nodeBytes()+64 {
					t.Fatalf("codes %v: the Add of %d grew the graph from %d to %d nodes, MemoryBytes rose %d, GrowthBytes said %d",
						codes, i, capN, h.capN, rise, g)
				}
			} else if g != 0 {
				t.Fatalf("codes %v: GrowthBytes %d before the Add of %d, which did not grow the graph (capacity %d)", codes, g, i, capN)
			}
		}
		if grew < 4 {
			t.Fatalf("codes %v: the graph grew %d times over 3000 Adds", codes, grew)
		}
	}
}

package vector

import (
	"math/rand/v2"
	"runtime"
	"testing"
)

// TestFlatGivesBackRemovedVectors: a FLAT (and IVFFLAT) index whose
// vectors are removed gives their memory back, in MemoryBytes and on the
// heap, so evicting its documents under maxmemory frees what they took
// there. Its array kept its largest size before: 10,000 vectors then 1,000
// still took the 10,000's bytes. The vectors left are still found.
func TestFlatGivesBackRemovedVectors(t *testing.T) {
	for _, alg := range []Algorithm{FLAT, IVFFLAT} {
		const n, keep, dim = 10000, 1000, 64
		p := DefaultParams(alg, dim, L2)
		p.Lists = 16
		ix, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(5, 5))
		vecs := make([][]float32, n)
		for i := range vecs {
			vecs[i] = make([]float32, dim)
			for j := range vecs[i] {
				vecs[i][j] = r.Float32()
			}
			if err := ix.Add(uint32(i), vecs[i]); err != nil {
				t.Fatal(err)
			}
		}
		full := ix.MemoryBytes()
		heapFull := heapInUse()
		for i := keep; i < n; i++ {
			ix.Remove(uint32(i))
		}
		left, heapLeft := ix.MemoryBytes(), heapInUse()
		t.Logf("%v: %d vectors: %d B (heap %d); %d left: %d B (heap %d)", alg, n, full, heapFull, keep, left, heapLeft)
		if left > full/4 {
			t.Fatalf("%v: after removing %d of %d vectors MemoryBytes is %d, was %d", alg, n-keep, n, left, full)
		}
		if freed := heapFull - heapLeft; freed < (full-left)*8/10 {
			t.Fatalf("%v: MemoryBytes fell by %d, the heap by %d", alg, full-left, freed)
		}
		for i := 0; i < keep; i += 37 {
			res, err := ix.Search(vecs[i], SearchOptions{K: 1, Probes: 16})
			if err != nil || len(res) != 1 || res[0].ID != uint32(i) {
				t.Fatalf("%v: nearest to vector %d: %v, %v", alg, i, res, err)
			}
		}
		runtime.KeepAlive(ix)
	}
}

// TestFlatGrowsByAChunk: a FLAT index's Add allocates at most one chunk
// of vectors, where an array grown by append
// copied every vector (a quarter more besides; a whole chunk never moves), and GrowthBytes says
// beforehand how much the vectors' memory rises at the Add that grows it.
func TestFlatGrowsByAChunk(t *testing.T) {
	const n, dim = 5000, 64
	ix, err := New(DefaultParams(FLAT, dim, L2))
	if err != nil {
		t.Fatal(err)
	}
	f := ix.(*flat)
	r := rand.New(rand.NewPCG(6, 6))
	v := make([]float32, dim)
	var first *float32
	growths := 0
	for i := 0; i < n; i++ {
		for j := range v {
			v[j] = r.Float32()
		}
		g, before := f.GrowthBytes(), chunksBytes(f.s.vecs)
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		if err := ix.Add(uint32(i), v); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&m1)
		if i == vecChunk {
			first = &f.s.vec(0)[0] // the first chunk is whole
		}
		chunk := uint64(vecChunk * f.s.stride * 4)
		if alloc := m1.TotalAlloc - m0.TotalAlloc; alloc > chunk+chunk/4 {
			t.Fatalf("Add %d allocated %d bytes; a chunk is %d", i, alloc, chunk)
		}
		// (the vectors' chunks: the ids, norms and positions grow a few
		// bytes a vector)
		if rise := chunksBytes(f.s.vecs) - before; g > 0 {
			growths++
			if rise < g || rise > g+1024 {
				t.Fatalf("Add %d: the vectors' chunks grew %d bytes, GrowthBytes said %d", i, rise, g)
			}
		} else if rise != 0 {
			t.Fatalf("Add %d: the vectors' chunks grew %d bytes, GrowthBytes said 0", i, rise)
		}
	}
	if growths < 5 {
		t.Fatalf("%d growths over %d Adds", growths, n)
	}
	if first != &f.s.vec(0)[0] {
		t.Fatal("the first chunk's vectors moved when the index grew")
	}
}

// heapInUse returns the live heap after two collections.
func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

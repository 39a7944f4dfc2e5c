package vector

import (
	"bytes"
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// byDistID orders results by distance, then id (equal vectors tie).
func byDistID(rs []Result) string {
	slices.SortFunc(rs, func(a, b Result) int { return cmp.Or(cmp.Compare(a.Dist, b.Dist), cmp.Compare(a.ID, b.ID)) })
	return fmt.Sprint(rs)
}

func ivfCodesParams(dim int, m Metric, lists int) Params {
	p := DefaultParams(IVFFLAT, dim, m)
	p.Lists = lists
	p.Codes = QuantInt8
	return p
}

// TestIVFCodesRecall: scanning the lists on int8 codes and re-ranking on
// float32 finds nearly what the float32 scan of the same lists finds, for
// every metric, and its distances are the exact ones.
func TestIVFCodesRecall(t *testing.T) {
	n, lists := 20000, 64
	if raceEnabled {
		n, lists = 4000, 16
	}
	const dim = 64
	data := clustered(11, n, dim, 50)
	queries := clustered(12, 200, dim, 50)
	for _, m := range []Metric{L2, Cosine, IP} {
		t.Run(m.String(), func(t *testing.T) {
			flatIx := build(t, DefaultParams(FLAT, dim, m), data)
			ix := build(t, ivfCodesParams(dim, m, lists), data)
			probes := lists / 16
			f32 := recall(t, ix, flatIx, queries, SearchOptions{K: 10, Probes: probes, Float32: true})
			codes := recall(t, ix, flatIx, queries, SearchOptions{K: 10, Probes: probes})
			t.Logf("IVFFLAT %s lists=%d probes=%d recall@10: float32 %.3f, codes+rerank %.3f", m, lists, probes, f32, codes)
			if codes < f32-0.02 || codes < 0.9 {
				t.Fatalf("recall with codes %.3f, float32 %.3f", codes, f32)
			}
			for _, q := range queries[:20] {
				got, _ := ix.Search(q, SearchOptions{K: 10, Probes: probes})
				for _, g := range got {
					exact, _ := flatIx.Search(q, SearchOptions{K: 1, Candidates: []uint32{g.ID}})
					if len(exact) != 1 || exact[0].Dist != g.Dist {
						t.Fatalf("id %d: distance %v, exact %v", g.ID, g.Dist, exact)
					}
				}
			}
		})
	}
}

// dists are the results' distances (equal vectors tie in any order).
func dists(rs []Result) []float32 {
	d := make([]float32, len(rs))
	for i, r := range rs {
		d[i] = r.Dist
	}
	return d
}

// checkIVFCodes checks that every list entry's code, factor and norm are
// those of the vector in the slot the list names.
func checkIVFCodes(t *testing.T, ix Index) {
	t.Helper()
	v := ix.(*ivf)
	v.mu.RLock()
	defer v.mu.RUnlock()
	c := v.codes
	code := make([]int8, c.stride)
	entries := 0
	for l, list := range v.lists {
		if len(c.mul[l]) != len(list) || len(c.codes[l]) != len(list)*c.stride || (c.m == L2) != (len(c.norm[l]) == len(list)) {
			t.Fatalf("list %d: %d slots, %d factors, %d code bytes, %d norms", l, len(list), len(c.mul[l]), len(c.codes[l]), len(c.norm[l]))
		}
		for j, slot := range list {
			m := sq8Encode(c.m, v.s.vec(int(slot)), code)
			if !slices.Equal(code, c.codes[l][j*c.stride:(j+1)*c.stride]) || m != c.mul[l][j] || c.m == L2 && c.norm[l][j] != v.s.norms[slot] {
				t.Fatalf("list %d entry %d (slot %d): code out of step with its vector", l, j, slot)
			}
			entries++
		}
	}
	if entries != ix.Len() {
		t.Fatalf("%d list entries, %d vectors", entries, ix.Len())
	}
}

// TestIVFCodesFollowTheLists replaces and removes vectors (slots move, lists
// are retrained) and checks that each list's codes stay those of its slots'
// vectors, and that with a re-rank of every candidate the codes' search
// finds what the float32 scan finds.
func TestIVFCodesFollowTheLists(t *testing.T) {
	const dim, lists = 24, 8
	p := ivfCodesParams(dim, L2, lists)
	ix, err := New(p)
	if err != nil {
		t.Fatal(err)
	}
	data := clustered(21, 3000, dim, 10)
	r := rand.New(rand.NewPCG(5, 5))
	live := map[uint32]bool{}
	for i := 0; i < 6000; i++ {
		id := uint32(r.IntN(2000))
		if r.IntN(4) == 0 {
			ix.Remove(id)
			delete(live, id)
			continue
		}
		if err := ix.Add(id, data[r.IntN(len(data))]); err != nil {
			t.Fatal(err)
		}
		live[id] = true
		if i%1000 == 999 {
			checkIVFCodes(t, ix)
		}
	}
	if ix.Len() != len(live) {
		t.Fatalf("Len %d, want %d", ix.Len(), len(live))
	}
	checkIVFCodes(t, ix)
	for _, q := range data[:50] {
		a, _ := ix.Search(q, SearchOptions{K: 10, Probes: 3, Rerank: 1 << 20})
		b, _ := ix.Search(q, SearchOptions{K: 10, Probes: 3, Float32: true})
		if !slices.Equal(dists(a), dists(b)) {
			t.Fatalf("codes and float32 differ:\n%v\n%v", a, b)
		}
	}
	// The codes come back from a snapshot (rebuilt from the vectors).
	var buf bytes.Buffer
	if _, err := ix.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := ReadIndex(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.Params() != ix.Params() {
		t.Fatalf("reloaded params %+v, want %+v", back.Params(), ix.Params())
	}
	checkIVFCodes(t, back)
	for _, q := range data[:50] {
		a, _ := ix.Search(q, SearchOptions{K: 10, Probes: 3})
		b, _ := back.Search(q, SearchOptions{K: 10, Probes: 3})
		if !slices.Equal(dists(a), dists(b)) {
			t.Fatalf("results differ after reload:\n%v\n%v", a, b)
		}
	}
	// SetCodes drops and restores them on a live index.
	if err := SetCodes(ix, QuantNone, 0); err != nil {
		t.Fatal(err)
	}
	if ix.Params().Codes != QuantNone || ix.MemoryBytes() >= back.MemoryBytes() {
		t.Fatalf("after SetCodes(None): params %+v, memory %d vs %d with codes", ix.Params(), ix.MemoryBytes(), back.MemoryBytes())
	}
	if err := SetCodes(ix, QuantInt8, 7); err != nil {
		t.Fatal(err)
	}
	checkIVFCodes(t, ix)
	for _, q := range data[:20] {
		a, _ := ix.Search(q, SearchOptions{K: 5, Probes: 3})
		b, _ := back.Search(q, SearchOptions{K: 5, Probes: 3, Rerank: 7})
		if !slices.Equal(dists(a), dists(b)) {
			t.Fatalf("after SetCodes(SQ8):\n%v\n%v", a, b)
		}
	}
}

// BenchmarkIVFSearch compares the float32 scan with the codes' scan on the
// same lists (64 dimensions, 20k vectors, 64 lists, 16 probes).
func BenchmarkIVFSearch(b *testing.B) {
	const dim = 64
	data := clustered(31, 20000, dim, 50)
	ix := build(b, ivfCodesParams(dim, L2, 64), data)
	queries := clustered(32, 100, dim, 50)
	for _, f32 := range []bool{true, false} {
		name := "codes"
		if f32 {
			name = "float32"
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				ix.Search(queries[i%len(queries)], SearchOptions{K: 10, Probes: 16, Float32: f32})
			}
		})
	}
}

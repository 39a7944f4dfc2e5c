package vector

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestChurnReusesSlots: an index that keeps removing its oldest vectors
// and adding new ones (a cache evicting documents) reuses the slots of
// the removed ones, so its arrays stop growing, its MemoryBytes follows
// the live vectors, and its recall against brute force holds; a snapshot
// taken in the middle loads and answers the same.
func TestChurnReusesSlots(t *testing.T) {
	const dim, live, rounds, step = 32, 3000, 6, 1000
	n := live + rounds*step
	data := clustered(41, n, dim, 20)
	p := DefaultParams(HNSW, dim, L2)
	ix := build(t, p, data[:live])
	h := ix.(*hnsw)
	mem0 := ix.MemoryBytes()
	for r := 0; r < rounds; r++ {
		for i := r * step; i < (r+1)*step; i++ {
			ix.Remove(uint32(i))
			if err := ix.Add(uint32(live+i), data[live+i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if ix.Len() != live {
		t.Fatalf("Len = %d, want %d", ix.Len(), live)
	}
	// Without reuse the graph would hold n = 9000 nodes; tombstones wait
	// for a purge (256 at this size), so a few more than live are used.
	if h.next > live+512 {
		t.Fatalf("%d slots used for %d live vectors after %d removals", h.next, live, rounds*step)
	}
	if mem := ix.MemoryBytes(); mem > mem0*11/10 {
		t.Fatalf("MemoryBytes %d after the churn, %d before: removed vectors' memory is not given back", mem, mem0)
	}
	truth, _ := New(DefaultParams(FLAT, dim, L2))
	for i := rounds * step; i < n; i++ {
		truth.Add(uint32(i), data[i])
	}
	queries := clustered(42, 100, dim, 20)
	opt := SearchOptions{K: 10, Ef: 100}
	got := recall(t, ix, truth, queries, opt)
	t.Logf("recall@10 after replacing every vector twice: %.3f", got)
	if got < 0.95 {
		t.Fatalf("recall@10 after the churn %.3f < 0.95", got)
	}
	for _, q := range queries {
		res, _ := ix.Search(q, opt)
		for _, r := range res {
			if r.ID < rounds*step {
				t.Fatalf("removed id %d came back", r.ID)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := ix.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := ReadIndex(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if back.Len() != live {
		t.Fatalf("loaded Len = %d, want %d", back.Len(), live)
	}
	if r := recall(t, back, truth, queries, opt); r < got-0.01 {
		t.Fatalf("recall after a reload %.3f, before %.3f", r, got)
	}
}

// BenchmarkChurn: a cache at its memory limit, each insert evicting the
// oldest vector (Remove, then Add), against inserts alone into a graph of
// the same size, in the same run.
func BenchmarkChurn(b *testing.B) {
	const dim, live = 128, 8000
	for _, churn := range []bool{false, true} {
		name := "add"
		if churn {
			name = "remove+add"
		}
		b.Run(name, func(b *testing.B) {
			data := uniform(43, live+b.N, dim)
			ix := build(b, DefaultParams(HNSW, dim, L2), data[:live])
			h := ix.(*hnsw)
			d0 := h.purgeDists.Load()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if churn {
					ix.Remove(uint32(i))
				}
				if err := ix.Add(uint32(live+i), data[live+i]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(h.purgeDists.Load()-d0)/float64(b.N), "purge-dists/op")
		})
	}
}

// uniform returns n random vectors with coordinates in [-1, 1), as
// bench/memlimit loads.
func uniform(seed uint64, n, dim int) [][]float32 {
	r := rand.New(rand.NewPCG(seed, seed))
	out := make([][]float32, n)
	for i := range out {
		out[i] = make([]float32, dim)
		for j := range out[i] {
			out[i][j] = r.Float32()*2 - 1
		}
	}
	return out
}

// TestChurnRecallNearFreshGraph: a graph whose vectors are all replaced
// twice over (each insert evicting the oldest, as a cache at maxmemory
// does) answers about as well as a graph built from the survivors alone
// (recall@10 within 0.03 of it; purges that only dropped the removed
// links lost 0.05), and its purges compute fewer distances per removal
// than the 2584 that repairing from every link of the removed neighbours
// took (BenchmarkChurn).
func TestChurnRecallNearFreshGraph(t *testing.T) {
	dim, live := 128, 4000
	if raceEnabled {
		dim, live = 32, 500 // the race detector makes inserts ~15x slower
	}
	repl := 2 * live
	data := uniform(44, live+repl, dim)
	p := DefaultParams(HNSW, dim, L2)
	ix := build(t, p, data[:live])
	h := ix.(*hnsw)
	for i := 0; i < repl; i++ {
		ix.Remove(uint32(i))
		if err := ix.Add(uint32(live+i), data[live+i]); err != nil {
			t.Fatal(err)
		}
	}
	truth, _ := New(DefaultParams(FLAT, dim, L2))
	fresh, _ := New(p)
	for i := repl; i < live+repl; i++ {
		truth.Add(uint32(i), data[i])
		if err := fresh.Add(uint32(i), data[i]); err != nil {
			t.Fatal(err)
		}
	}
	queries := uniform(45, 200, dim)
	opt := SearchOptions{K: 10, Ef: 100}
	churned, base := recall(t, ix, truth, queries, opt), recall(t, fresh, truth, queries, opt)
	perRemoval := float64(h.purgeDists.Load()) / float64(repl)
	t.Logf("recall@10: churned %.3f, fresh %.3f; %.0f distances per removal", churned, base, perRemoval)
	if churned < base-0.03 {
		t.Fatalf("recall@10 after the churn %.3f, a fresh graph %.3f", churned, base)
	}
	if perRemoval > 2000 {
		t.Fatalf("purges computed %.0f distances per removal", perRemoval)
	}
}

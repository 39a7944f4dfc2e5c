package vector

import "testing"

// TestFilteredRecallKeepsUp: a filter that admits half the vectors (as a
// node answering for half its index's slots while a split drops the
// other half) must not cost recall: a search told how many vectors the
// filter admits keeps recall@10 within 0.02 of the unfiltered search's at
// the same ef, against exact search among the admitted vectors.
func TestFilteredRecallKeepsUp(t *testing.T) {
	n := 20000
	if raceEnabled {
		n = 4000
	}
	const dim = 32
	data := clustered(5, n, dim, 20)
	queries := clustered(6, 200, dim, 20)
	flatIx := build(t, DefaultParams(FLAT, dim, L2), data)
	ix := build(t, DefaultParams(HNSW, dim, L2), data)
	for _, ef := range []int{10, 40} {
		plain := recall(t, ix, flatIx, queries, SearchOptions{K: 10, Ef: ef, FilterCount: -1})
		for _, every := range []int{2, 4} {
			half := func(id uint32) bool { return id%uint32(every) == 0 }
			got := recall(t, ix, flatIx, queries, SearchOptions{K: 10, Ef: ef, Filter: half, FilterCount: n / every})
			t.Logf("ef %d: recall@10 %.3f unfiltered, %.3f with 1 in %d admitted", ef, plain, got, every)
			if got < plain-0.02 {
				t.Errorf("ef %d, 1 in %d admitted: recall@10 %.3f, unfiltered %.3f", ef, every, got, plain)
			}
		}
	}
}

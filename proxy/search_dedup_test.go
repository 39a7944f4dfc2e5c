package proxy

import (
	"fmt"
	"maps"
	"testing"
)

// TestFTSearchKeyOnTwoShardsOnce: while a shard splits or merges, a
// document can be on two nodes that both answer for it (the old owner
// has not yet seen the new map). Through the proxy a KNN lists it once,
// and total_results counts it once.
func TestFTSearchKeyOnTwoShardsOnce(t *testing.T) {
	sc := startSearchCluster(t)
	q := []float32{1.2, 2.3}
	blob := encodeVec(q...)
	best := sc.nearest(q, 60)

	// The three nearest documents are also on a shard that does not own
	// them: a copy made by an import, or a promoted replica's.
	for _, key := range best[:3] {
		var from *searchNode
		for _, n := range sc.nodes {
			if n.docs[key] != nil {
				from = n
			}
		}
		for _, n := range sc.nodes {
			if n != from {
				n.mu.Lock()
				n.docs[key] = maps.Clone(from.docs[key])
				n.mu.Unlock()
				break
			}
		}
	}

	for _, tc := range []struct {
		k, limit  int
		wantTotal int64
		wantKeys  []string
	}{
		{k: 5, limit: 10, wantTotal: 5, wantKeys: best[:5]},
		{k: 10, limit: 10, wantTotal: 10, wantKeys: best[:10]},
		{k: 3, limit: 10, wantTotal: 3, wantKeys: best[:3]},
		// k over all documents: 60 distinct, not 63.
		{k: 100, limit: 60, wantTotal: 60, wantKeys: best},
		{k: 10, limit: 2, wantTotal: 10, wantKeys: best[:2]},
	} {
		t.Run(fmt.Sprintf("KNN %d LIMIT 0 %d", tc.k, tc.limit), func(t *testing.T) {
			total, keys, _ := rows(t, sc.c.do("FT.SEARCH", "idx", fmt.Sprintf("*=>[KNN %d @v $B AS dist]", tc.k),
				"PARAMS", "2", "B", blob, "SORTBY", "dist", "LIMIT", "0", fmt.Sprint(tc.limit), "DIALECT", "2"), true)
			if total != tc.wantTotal || fmt.Sprint(keys) != fmt.Sprint(tc.wantKeys) {
				t.Errorf("total %d, keys %v; want %d, %v", total, keys, tc.wantTotal, tc.wantKeys)
			}
		})
	}

	// NOCONTENT: the proxy still merges by the distance, and dedups.
	total, keys, _ := rows(t, sc.c.do("FT.SEARCH", "idx", "*=>[KNN 4 @v $B AS dist]", "PARAMS", "2", "B", blob, "NOCONTENT", "DIALECT", "2"), false)
	if total != 4 || fmt.Sprint(keys) != fmt.Sprint(best[:4]) {
		t.Errorf("NOCONTENT: total %d, keys %v; want 4, %v", total, keys, best[:4])
	}
}

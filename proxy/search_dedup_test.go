package proxy

import (
	"fmt"
	"maps"
	"testing"

	"github.com/vcache/vcache/internal/resp"
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
	// them.
	copyToAnotherShard(sc, best[:3])

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

// copyToAnotherShard puts the given documents also on a shard
// that does not own them (a copy made by an import, or a promoted
// replica's), which answers for them as a node whose map lags would.
func copyToAnotherShard(sc *searchCluster, keys []string) {
	for _, key := range keys {
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
}

// TestFTAggregateKNNKeyOnTwoShardsOnce: FT.AGGREGATE with a KNN query
// through the proxy keeps a document two shards both sent once (the
// nearer copy), counts it once, and the key the proxy had the shards load
// to tell the copies apart is not in the rows.
func TestFTAggregateKNNKeyOnTwoShardsOnce(t *testing.T) {
	sc := startSearchCluster(t)
	q := []float32{1.2, 2.3}
	blob := encodeVec(q...)
	best := sc.nearest(q, 60)
	copyToAnotherShard(sc, best[:3])

	for _, tc := range []struct {
		k, want int
		load    []string
	}{
		{k: 5, want: 5, load: []string{"LOAD", "2", "@__key", "@year"}},
		{k: 3, want: 3, load: []string{"LOAD", "3", "@__key", "AS", "id"}},
		{k: 100, want: 60, load: []string{"LOAD", "1", "@__key"}},
	} {
		t.Run(fmt.Sprintf("KNN %d %v", tc.k, tc.load), func(t *testing.T) {
			args := []string{"FT.AGGREGATE", "idx", fmt.Sprintf("*=>[KNN %d @v $B AS dist]", tc.k), "PARAMS", "2", "B", blob}
			args = append(args, tc.load...)
			args = append(args, "SORTBY", "2", "@dist", "ASC", "LIMIT", "0", "100", "DIALECT", "2")
			raw := sc.c.do(args...)
			v, _, err := resp.Parse([]byte(raw))
			if err != nil || v.Kind != resp.Array || len(v.Elems) == 0 {
				t.Fatalf("reply %q: %v", trim(raw), err)
			}
			keyName := "__key"
			if tc.load[len(tc.load)-2] == "AS" {
				keyName = tc.load[len(tc.load)-1]
			}
			var keys []string
			for _, r := range v.Elems[1:] {
				m := map[string]string{}
				for i := 0; i+1 < len(r.Elems); i += 2 {
					m[string(r.Elems[i].Str)] = string(r.Elems[i+1].Str)
				}
				if len(m) != len(r.Elems)/2 {
					t.Errorf("row %q names a field twice", trim(string(r.AppendTo(nil))))
				}
				for name := range m {
					if name != "dist" && name != keyName && name != "year" {
						t.Errorf("row has field %q the client did not ask for", name)
					}
				}
				keys = append(keys, m[keyName])
			}
			if v.Elems[0].Int != int64(tc.want) || fmt.Sprint(keys) != fmt.Sprint(best[:tc.want]) {
				t.Errorf("total %d, keys %v; want %d, %v", v.Elems[0].Int, keys, tc.want, best[:tc.want])
			}
		})
	}
}

package main

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/resp"
)

// TestRangeGeoHybridThroughProxy runs vector range, geo and hybrid
// queries, WITHSORTKEYS and WITHPAYLOADS on one node and through the
// proxy over three: where the query orders the rows the replies must be
// the same bytes; a range without SORTBY comes back from the proxy
// nearest first, with the node's documents.
func TestRangeGeoHybridThroughProxy(t *testing.T) {
	direct, via, same := nodeAndProxy(t)
	vec := func(v ...float32) string { return blob(v) }
	same("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "PAYLOAD_FIELD", "pl", "SCHEMA",
		"v", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2",
		"name", "TEXT", "SORTABLE", "n", "NUMERIC", "SORTABLE", "kind", "TAG", "loc", "GEO")
	rng := rand.New(rand.NewPCG(7, 9))
	for i := range 200 {
		kind := []string{"shop", "cafe", "park"}[i%3]
		lon, lat := 2+rng.Float64(), 48+rng.Float64()
		same("HSET", fmt.Sprintf("doc:%d", i), "v", vec(rng.Float32()*10, rng.Float32()*10), "name", fmt.Sprintf("Place %d", i),
			"n", fmt.Sprint(i*7%200), "kind", kind, "loc", fmt.Sprintf("%.6f,%.6f", lon, lat), "pl", fmt.Sprintf("p%d", i))
	}
	q := vec(5, 5)
	for i, tail := range [][]string{
		{"@v:[VECTOR_RANGE 4 $B]=>{$YIELD_DISTANCE_AS: d}", "PARAMS", "2", "B", q, "SORTBY", "d", "RETURN", "2", "d", "name", "LIMIT", "0", "50", "DIALECT", "2"},
		{"@v:[VECTOR_RANGE $r $B]=>{$YIELD_DISTANCE_AS: d; $EPSILON: 0.5}", "PARAMS", "4", "B", q, "r", "9", "SORTBY", "d", "DESC", "RETURN", "1", "d", "LIMIT", "5", "10", "DIALECT", "2"},
		{"@kind:{cafe} @v:[VECTOR_RANGE 10 $B]", "PARAMS", "2", "B", q, "SORTBY", "n", "WITHSORTKEYS", "NOCONTENT", "DIALECT", "2"},
		{"@loc:[2.5 48.5 30 km]", "SORTBY", "n", "DESC", "WITHSORTKEYS", "WITHPAYLOADS", "RETURN", "1", "kind"},
		{"*", "GEOFILTER", "loc", "2.5", "48.5", "20", "mi", "SORTBY", "name", "WITHSORTKEYS", "WITHSCORES", "NOCONTENT", "LIMIT", "0", "20"},
		{"(@kind:{shop|park} @loc:[2.5 48.5 40 km] -@name:(place 1*))=>[KNN 7 @v $B HYBRID_POLICY ADHOC_BF AS dist]", "PARAMS", "2", "B", q,
			"SORTBY", "dist", "RETURN", "2", "dist", "kind", "DIALECT", "2"},
		{"(@n:[10 150])=>[KNN 5 @v $B]=>{$HYBRID_POLICY: BATCHES; $BATCH_SIZE: 3; $YIELD_DISTANCE_AS: dist}", "PARAMS", "2", "B", q,
			"SORTBY", "dist", "WITHSORTKEYS", "NOCONTENT", "DIALECT", "2"},
		{"*=>[KNN 3 @v $B HYBRID_POLICY ADHOC_BF]", "PARAMS", "2", "B", q, "DIALECT", "2"},
		{"@loc:[2.5 48.5 0 km]"},
	} {
		// Every query but the last two (errors on purpose) finds rows.
		if got := same(append([]string{"FT.SEARCH", "idx"}, tail...)...); i < 7 && (strings.HasPrefix(got, "-") || strings.HasPrefix(got, "*1\r\n")) {
			t.Errorf("%.60q: %.200q", tail[0], got)
		}
	}
	// RESP3: the result maps carry the score, payload and sort key.
	direct.Do3("HELLO", "3")
	via.Do3("HELLO", "3")
	r3 := []string{"FT.SEARCH", "idx", "@loc:[2.5 48.5 30 km]", "SORTBY", "n", "WITHSCORES", "WITHSORTKEYS", "WITHPAYLOADS", "RETURN", "1", "kind", "LIMIT", "0", "3"}
	if d, p := direct.Do3(r3...), via.Do3(r3...); d != p || !strings.Contains(d, "sortkey") || !strings.Contains(d, "payload") {
		t.Errorf("RESP3 sort keys and payloads:\n proxy:  %.400q\n direct: %.400q", p, d)
	}
	direct.Do3("HELLO", "2")
	via.Do3("HELLO", "2")
	same("FT.AGGREGATE", "idx", "@v:[VECTOR_RANGE 6 $B]=>{$YIELD_DISTANCE_AS: d}", "PARAMS", "2", "B", q,
		"LOAD", "1", "@kind", "SORTBY", "2", "@d", "ASC", "LIMIT", "0", "15", "DIALECT", "2")
	same("FT.AGGREGATE", "idx", "@v:[VECTOR_RANGE 6 $B]", "PARAMS", "2", "B", q,
		"GROUPBY", "1", "@kind", "REDUCE", "COUNT", "0", "AS", "c", "SORTBY", "2", "@kind", "ASC", "DIALECT", "2")

	// Without SORTBY: the same documents; through the proxy nearest first.
	args := []string{"FT.SEARCH", "idx", "@v:[VECTOR_RANGE 3 $B]=>{$YIELD_DISTANCE_AS: d}", "PARAMS", "2", "B", q, "RETURN", "1", "d", "LIMIT", "0", "200", "DIALECT", "2"}
	keysOf := func(raw string) ([]string, []float64) {
		v, _, err := resp.Parse([]byte(raw))
		if err != nil || v.Kind != resp.Array {
			t.Fatalf("reply %q: %v", raw, err)
		}
		var keys []string
		var dists []float64
		for i := 1; i+1 < len(v.Elems); i += 2 {
			keys = append(keys, string(v.Elems[i].Str))
			var d float64
			fmt.Sscan(string(v.Elems[i+1].Elems[1].Str), &d)
			dists = append(dists, d)
		}
		return keys, dists
	}
	dk, _ := keysOf(direct.Do(args...))
	pk, pd := keysOf(via.Do(args...))
	if !sort.Float64sAreSorted(pd) {
		t.Errorf("proxy range without SORTBY: distances %v not nearest first", pd)
	}
	sort.Strings(dk)
	sort.Strings(pk)
	if len(dk) == 0 || strings.Join(dk, ",") != strings.Join(pk, ",") {
		t.Errorf("range without SORTBY: proxy %v, direct %v", pk, dk)
	}
}

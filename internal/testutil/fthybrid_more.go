package testutil

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// CheckFTHybridOptions checks FT.HYBRID's LOAD (with AS and __key),
// SORTBY, LIMIT, the three YIELD_SCORE_AS names, an inline vector,
// TIMEOUT and the RESP3 map, over index (LoadFTHybrid's, over prefix)
// at addr.
func CheckFTHybridOptions(t *testing.T, addr, index, prefix string) {
	t.Helper()
	ctx := context.Background()
	c2, c3 := protoClients(t, addr)
	q := hybridVec(100000)
	blob := hybridBlob(q)
	hc := hybridCase{query: "apple", scorer: "BM25STD", field: "emb", k: 10, c: 60, window: 20}
	text := textList(t, c2, index, hc)
	vec := vectorList(prefix, hc, q)
	want := fuseReference(hc, text, vec)
	textScore, dist := map[string]float64{}, map[string]float64{}
	for _, h := range text {
		textScore[h.key] = h.score
	}
	for _, h := range vec {
		dist[h.key] = h.score
	}

	// LOAD: only the fields named, in order, under their AS names.
	got := DoHybrid(t, c2, index, "SEARCH", "apple", "VSIM", "@emb", "$v", "LOAD", 4, "@n", "AS", "num", "__key",
		"LIMIT", 0, 5, "PARAMS", 2, "v", blob)
	if len(got.Results) != 5 {
		t.Fatalf("LOAD: %d results, want 5", len(got.Results))
	}
	for i, r := range got.Results {
		if fmt.Sprint(got.Order[i]) != "[num __key]" || r["__key"] != want[i].key || prefix+":"+r["num"] != r["__key"] {
			t.Errorf("LOAD result %d = %v (fields %v), want num and __key of %s", i, r, got.Order[i], want[i].key)
		}
	}

	// SORTBY orders every fused result before LIMIT.
	byN := append([]hybridHit(nil), want...)
	n := func(k string) int { v, _ := strconv.Atoi(strings.TrimPrefix(k, prefix+":")); return v }
	sort.Slice(byN, func(a, b int) bool { return n(byN[a].key) > n(byN[b].key) })
	got = DoHybrid(t, c2, index, "SEARCH", "apple", "VSIM", "@emb", "$v", "LOAD", 1, "@n", "SORTBY", 1, "@n", "DESC",
		"LIMIT", 0, 6, "PARAMS", 2, "v", blob)
	if got.Total != int64(len(want)) || len(got.Results) != 6 {
		t.Fatalf("SORTBY: total %d, %d results; want %d, 6", got.Total, len(got.Results), len(want))
	}
	for i, r := range got.Results {
		if r["n"] != strconv.Itoa(n(byN[i].key)) {
			t.Errorf("SORTBY n DESC result %d = %v, want n %d", i, r, n(byN[i].key))
		}
	}

	// SORTBY a field LOAD does not name: read, not shown.
	got = DoHybrid(t, c2, index, "SEARCH", "apple", "VSIM", "@emb", "$v", "SORTBY", 1, "@n", "DESC",
		"LIMIT", 0, 6, "PARAMS", 2, "v", blob)
	for i, r := range got.Results {
		if r["__key"] != byN[i].key || len(r) != 2 {
			t.Errorf("SORTBY n DESC without LOAD result %d = %v, want __key %s and __score", i, r, byN[i].key)
		}
	}

	// YIELD_SCORE_AS: the text score, the vector score and the fused score.
	got = DoHybrid(t, c2, index, "SEARCH", "apple", "YIELD_SCORE_AS", "ts", "VSIM", "@emb", "$v", "YIELD_SCORE_AS", "vd",
		"COMBINE", "RRF", 2, "YIELD_SCORE_AS", "fs", "LIMIT", 0, 100, "TIMEOUT", 5000, "PARAMS", 2, "v", blob)
	if len(got.Results) != len(want) {
		t.Fatalf("YIELD_SCORE_AS: %d results, want %d", len(got.Results), len(want))
	}
	for i, r := range got.Results {
		k := r["__key"]
		fs, _ := strconv.ParseFloat(r["fs"], 64)
		if k != want[i].key || math.Abs(fs-want[i].score) > 1e-9 || r["__score"] != "" {
			t.Fatalf("YIELD_SCORE_AS result %d = %v, want %s with fs %g and no __score", i, r, want[i].key, want[i].score)
		}
		ts, inText := textScore[k]
		if s, ok := r["ts"]; ok != inText || ok && !near(s, ts, 1e-9) {
			t.Errorf("%s: ts %q, want %v (in text list: %v)", k, s, ts, inText)
		}
		d, inVec := dist[k]
		// VSIM's YIELD_SCORE_AS shows the vector score: cosine's (1+(1-d))/2.
		if s, ok := r["vd"]; ok != inVec || ok && !near(s, (2-d)/2, 1e-5) {
			t.Errorf("%s: vd %q, want %v (in vector list: %v)", k, s, (2-d)/2, inVec)
		}
	}

	// The vector inline instead of a parameter: the same results.
	inline := DoHybrid(t, c2, index, "SEARCH", "apple", "VSIM", "@emb", blob, "LIMIT", 0, 100)
	for i, r := range inline.Results {
		if r["__key"] != want[i].key {
			t.Fatalf("inline vector result %d = %v, want %s", i, r, want[i].key)
		}
	}

	// RESP3: a map, each result a map, execution_time a double.
	v, err := c3.Do(ctx, "FT.HYBRID", index, "SEARCH", "apple", "VSIM", "@emb", "$v", "LIMIT", 0, 3, "PARAMS", 2, "v", blob).Result()
	if err != nil {
		t.Fatal(err)
	}
	m, ok := v.(map[any]any)
	if !ok || m["total_results"] != int64(len(want)) || fmt.Sprint(m["warnings"]) != "[]" {
		t.Fatalf("RESP3 FT.HYBRID = %#v, want a map with total_results %d", v, len(want))
	}
	if _, ok := m["execution_time"].(float64); !ok {
		t.Errorf("RESP3 execution_time = %#v, want a double", m["execution_time"])
	}
	res, _ := m["results"].([]any)
	if len(res) != 3 {
		t.Fatalf("RESP3 results = %#v, want 3", m["results"])
	}
	for i, x := range res {
		r, ok := x.(map[any]any)
		if !ok || r["__key"] != want[i].key || !near(fmt.Sprint(r["__score"]), want[i].score, 1e-9) {
			t.Errorf("RESP3 result %d = %#v, want a map of __key %s, __score %g", i, x, want[i].key, want[i].score)
		}
	}
}

func near(s string, want, tol float64) bool {
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && math.Abs(f-want) <= tol
}

// CheckFTHybridErrors checks FT.HYBRID's errors for bad arguments over
// index (LoadFTHybrid's) at addr: each is an error reply with the words
// given, and the connection still serves.
func CheckFTHybridErrors(t *testing.T, addr, index string) {
	t.Helper()
	ctx := context.Background()
	c2, _ := protoClients(t, addr)
	blob := hybridBlob(hybridVec(1))
	vsim := func(extra ...any) []any {
		return append([]any{"FT.HYBRID", index, "SEARCH", "apple", "VSIM", "@emb", "$v"}, append(extra, "PARAMS", 2, "v", blob)...)
	}
	for _, tc := range []struct {
		args []any
		want string
	}{
		{[]any{"FT.HYBRID"}, "wrong number of arguments"},
		{[]any{"FT.HYBRID", "nosuchidx", "SEARCH", "apple", "VSIM", "@emb", "$v", "PARAMS", 2, "v", blob}, "nosuchidx: no such index"},
		{[]any{"FT.HYBRID", index, "VSIM", "@emb", "$v", "PARAMS", 2, "v", blob}, "SEARCH argument is required"},
		{[]any{"FT.HYBRID", index, "SEARCH", "apple"}, "VSIM argument is required"},
		{[]any{"FT.HYBRID", index, "SEARCH"}, "No query string provided for SEARCH"},
		{[]any{"FT.HYBRID", index, "SEARCH", "apple", "VSIM", "emb", "$v", "PARAMS", 2, "v", blob}, "Missing @ prefix"},
		{[]any{"FT.HYBRID", index, "SEARCH", "apple", "VSIM", "@emb", "$nope", "PARAMS", 2, "v", blob}, "No such parameter `nope`"},
		{vsim("KNN", 2, "EF_RUNTIME", 10), "Missing required argument K"},
		{vsim("KNN", 2, "K", 0), "Invalid K value"},
		{vsim("KNN", 3, "K", 1, "x"), "Invalid argument count: 3 (must be a positive even number"},
		{vsim("KNN", 4, "K", 1, "K", 2), "Duplicate K argument"},
		{[]any{"FT.HYBRID", index, "SEARCH", "apple", "BOGUS", "VSIM", "@emb", "$v", "PARAMS", 2, "v", blob}, "Unknown argument `BOGUS` in SEARCH"},
		{[]any{"FT.HYBRID", index, "SEARCH", "apple", "VSIM", "@emb", "$v", "KNN", 4, "K", 10}, "Expected arguments 4, but 2 were provided"},
		{vsim("RANGE", 2, "EPSILON", 0.1), "Missing required argument RADIUS"},
		{vsim("COMBINE", "MAGIC", 0), "Unknown COMBINE method `MAGIC`"},
		{vsim("COMBINE", "RRF", 2, "WINDOW", 0), "Invalid WINDOW value"},
		{vsim("COMBINE", "RRF", 2, "ALPHA", 1), "Unknown argument `ALPHA` in RRF"},
		{vsim("COMBINE", "LINEAR", 2, "ALPHA", 0.5), "Missing value for BETA"},
		{vsim("COMBINE", "LINEAR", 4, "ALPHA", "x", "BETA", 1), "Invalid ALPHA value"},
		{vsim("LIMIT", -1, 10), "LIMIT offset must be a non-negative integer"},
		{vsim("LIMIT", 2, 0), "The `offset` of the LIMIT must be 0 when `num` is 0"},
		{vsim("SORTBY", 1, "@n", "NOSORT"), "NOSORT is not allowed with SORTBY"},
		{vsim("GROUPBY", 1, "@n", "REDUCE", "COUNT", 0, "AS", "c", "APPLY", "@nope", "AS", "x"), "Property `nope` not loaded nor in schema"},
		{vsim("GROUPBY", 1, "n"), "Bad arguments for GROUPBY: Unknown property `n`. Did you mean `@n`?"},
		{vsim("APPLY", "1 +"), "Syntax error"},
		{vsim("APPLY", "@n / 0 +"), "Syntax error"},
		{vsim("WITHCURSOR", "COUNT", 0), "Bad arguments for COUNT"},
		{vsim("FORMAT", "JSON"), "Bad value for FORMAT: JSON"},
		{vsim("COMBINE", "RRF", 3, "WINDOW", 1, "x"), "RRF expects pairs of key value arguments"},
		{[]any{"FT.HYBRID", index, 3, "SEARCH", "apple", "VSIM", "@emb", "$v", "PARAMS", 2, "v", blob}, "FT.HYBRID currently supports only two subqueries"},
		{vsim("FILTER", 3, "@tag:{red}", "POLICY", "SOMETIMES"), "Bad value for POLICY"},
		{[]any{"FT.HYBRID", index, "SEARCH", "apple", "SCORER", 3, "TFIDF", 1, 2, "VSIM", "@emb", "$v", "PARAMS", 2, "v", blob}, "SCORER TFIDF takes no parameters"},
		{vsim("BOGUS"), "Unknown argument `BOGUS`"},
		{vsim("TIMEOUT", -5), "Invalid TIMEOUT value"},
		{vsim("DIALECT", 2), "DIALECT is not supported in FT.HYBRID or any of its subqueries"},
		{[]any{"FT.HYBRID", index, "SEARCH", "apple", "DIALECT", 2, "VSIM", "@emb", "$v", "PARAMS", 2, "v", blob}, "DIALECT is not supported in FT.HYBRID"},
		{[]any{"FT.HYBRID", index, "SEARCH", "apple", "VSIM", "@emb", "$v", "PARAMS", 3, "v", blob, "x"}, "PARAM VALUE pairs"},
		{[]any{"FT.HYBRID", index, "SEARCH", "@body:(", "VSIM", "@emb", "$v", "PARAMS", 2, "v", blob}, "Syntax error"},
		{[]any{"FT.HYBRID", index, "SEARCH", "apple", "VSIM", "@emb", "$v", "PARAMS", 2, "v", "short"}, ""},
		{[]any{"FT.HYBRID", index, "SEARCH", "apple", "VSIM", "@body", "$v", "PARAMS", 2, "v", blob}, ""},
	} {
		err := c2.Do(ctx, tc.args...).Err()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one saying %q", tc.args[:min(len(tc.args), 9)], err, tc.want)
		}
	}
	if err := c2.Ping(ctx).Err(); err != nil {
		t.Fatalf("PING after the errors: %v", err)
	}
}

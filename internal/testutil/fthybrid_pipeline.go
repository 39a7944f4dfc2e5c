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

// CheckFTHybridPipeline checks FT.HYBRID's post-fusion pipeline (APPLY,
// FILTER, GROUPBY/REDUCE, SORTBY, LIMIT) against the same steps computed
// here over the reference's fused list, EXPLAINSCORE's text, and
// WITHCURSOR's two cursors read to the end and deleted, in RESP2 and
// RESP3, over index (LoadFTHybrid's, over prefix) at addr.
func CheckFTHybridPipeline(t *testing.T, addr, index, prefix string) {
	t.Helper()
	ctx := context.Background()
	c2, c3 := protoClients(t, addr)
	q := hybridVec(100000)
	blob := hybridBlob(q)
	hc := hybridCase{query: "apple", scorer: "BM25STD", field: "emb", k: 10, c: 60, window: 20}
	text := textList(t, c2, index, hc)
	vec := vectorList(prefix, hc, q)
	want := fuseReference(hc, text, vec)
	num := func(k string) int { v, _ := strconv.Atoi(strings.TrimPrefix(k, prefix+":")); return v }
	hybrid := func(extra ...any) HybridReply {
		t.Helper()
		args := append([]any{index, "SEARCH", "apple", "VSIM", "@emb", "$v"}, extra...)
		return DoHybrid(t, c2, append(args, "PARAMS", 2, "v", blob)...)
	}

	// APPLY over the fused score, then FILTER on its result: the fused
	// order kept, total_results the rows FILTER kept.
	mid := len(want) / 2
	for mid+1 < len(want) && want[mid].score == want[mid+1].score {
		mid++
	}
	cut := (want[mid].score + want[mid+1].score) / 2 * 1000
	got := hybrid("APPLY", "@__score * 1000", "AS", "s1000", "FILTER", fmt.Sprintf("@s1000 > %.12g", cut), "LIMIT", 0, 100)
	var kept []hybridHit
	for _, h := range want {
		if h.score*1000 > cut {
			kept = append(kept, h)
		}
	}
	if got.Total != int64(len(kept)) || len(got.Results) != len(kept) || len(kept) == 0 {
		t.Fatalf("APPLY+FILTER: total %d, %d results; want %d", got.Total, len(got.Results), len(kept))
	}
	for i, r := range got.Results {
		if r["__key"] != kept[i].key || !near(r["s1000"], kept[i].score*1000, 1e-6) || fmt.Sprint(got.Order[i]) != "[__key __score s1000]" {
			t.Errorf("APPLY+FILTER result %d = %v (%v), want %s with s1000 %g", i, r, got.Order[i], kept[i].key, kept[i].score*1000)
		}
	}

	// APPLY reads a document field LOAD does not show: n is read, not
	// shown; SORTBY and LIMIT page the results.
	byN := append([]hybridHit(nil), want...)
	sort.Slice(byN, func(a, b int) bool { return num(byN[a].key) < num(byN[b].key) })
	got = hybrid("APPLY", "@n * 2", "AS", "n2", "SORTBY", 2, "@n2", "ASC", "LIMIT", 2, 3)
	if got.Total != int64(len(want)) || len(got.Results) != 3 {
		t.Fatalf("APPLY+SORTBY+LIMIT: total %d, %d results; want %d, 3", got.Total, len(got.Results), len(want))
	}
	for i, r := range got.Results {
		k := byN[2+i].key
		if r["__key"] != k || r["n2"] != strconv.Itoa(2*num(k)) || len(r) != 3 {
			t.Errorf("APPLY+SORTBY result %d = %v, want %s with n2 %d and no n", i, r, k, 2*num(k))
		}
	}

	// GROUPBY with reducers over the fused rows; total_results the groups.
	type group struct{ c, sn int }
	groups := map[string]*group{}
	for _, h := range want {
		tag := hybridTag(num(h.key))
		if groups[tag] == nil {
			groups[tag] = &group{}
		}
		groups[tag].c++
		groups[tag].sn += num(h.key)
	}
	got = hybrid("GROUPBY", 1, "@tag", "REDUCE", "COUNT", 0, "AS", "c", "REDUCE", "SUM", 1, "@n", "AS", "sn",
		"SORTBY", 2, "@c", "DESC")
	if got.Total != int64(len(groups)) || len(got.Results) != len(groups) {
		t.Fatalf("GROUPBY: total %d, %d results; want %d groups", got.Total, len(got.Results), len(groups))
	}
	last := math.MaxInt
	for i, r := range got.Results {
		g := groups[r["tag"]]
		c, _ := strconv.Atoi(r["c"])
		if g == nil || c != g.c || r["sn"] != strconv.Itoa(g.sn) || c > last || fmt.Sprint(got.Order[i]) != "[tag c sn]" {
			t.Errorf("GROUPBY result %d = %v, want %+v, counts descending", i, r, g)
		}
		last = c
	}
	// RESP3: the groups as maps.
	v, err := c3.Do(ctx, "FT.HYBRID", index, "SEARCH", "apple", "VSIM", "@emb", "$v", "GROUPBY", 1, "@tag",
		"REDUCE", "COUNT", 0, "AS", "c", "PARAMS", 2, "v", blob).Result()
	if err != nil {
		t.Fatal(err)
	}
	m, _ := v.(map[any]any)
	res, _ := m["results"].([]any)
	if m["total_results"] != int64(len(groups)) || len(res) != len(groups) {
		t.Fatalf("RESP3 GROUPBY = %#v", v)
	}
	for _, x := range res {
		r, _ := x.(map[any]any)
		g := groups[fmt.Sprint(r["tag"])]
		if g == nil || fmt.Sprint(r["c"]) != strconv.Itoa(g.c) {
			t.Errorf("RESP3 GROUPBY result %#v", x)
		}
	}

	// SCORER with BM25STD's k1 and b: the text scores change, as
	// FT.SEARCH's with those parameters (the internal __BM25 argument).
	params, err := c2.Do(ctx, "FT.SEARCH", index, "apple", "WITHSCORES", "NOCONTENT", "SCORER", "BM25STD",
		"__BM25", 2, 0.9, "LIMIT", 0, 20, "DIALECT", 2).Slice()
	if err != nil {
		t.Fatal(err)
	}
	tuned := map[string]float64{}
	for i := 1; i+1 < len(params); i += 2 {
		tuned[fmt.Sprint(params[i])], _ = strconv.ParseFloat(fmt.Sprint(params[i+1]), 64)
	}
	got = DoHybrid(t, c2, index, "SEARCH", "apple", "SCORER", 3, "BM25STD", 2, 0.9, "YIELD_SCORE_AS", "ts",
		"VSIM", "@emb", "$v", "LIMIT", 0, 100, "PARAMS", 2, "v", blob)
	changed := 0
	for _, r := range got.Results {
		ts, ok := r["ts"]
		if !ok {
			continue
		}
		if !near(ts, tuned[r["__key"]], 1e-9) {
			t.Errorf("SCORER 3 BM25STD 2 0.9: %s ts %s, want %g", r["__key"], ts, tuned[r["__key"]])
		}
		for _, h := range text {
			if h.key == r["__key"] && !near(ts, h.score, 1e-6) {
				changed++
			}
		}
	}
	if changed == 0 {
		t.Errorf("SCORER 3 BM25STD 2 0.9 changed no text score")
	}

	// VSIM's FILTER with a count, POLICY and BATCH_SIZE: the same results
	// as the plain FILTER (the policy changes how, not what).
	plain := hybrid("FILTER", "@tag:{red}", "LIMIT", 0, 100)
	for _, f := range [][]any{{"FILTER", 3, "@tag:{red}", "POLICY", "ADHOC"}, {"FILTER", 5, "@tag:{red}", "POLICY", "BATCHES", "BATCH_SIZE", 7}} {
		got = hybrid(append(f, "LIMIT", 0, 100)...)
		if fmt.Sprint(got.Results) != fmt.Sprint(plain.Results) || len(plain.Results) == 0 {
			t.Errorf("%v: %v, want %v", f, got.Results, plain.Results)
		}
	}

	// VSIM's YIELD_SCORE_AS over the L2 field under RRF: 1/(1+d).
	l2 := vectorList(prefix, hybridCase{field: "emb2", k: 10, window: 20}, q)
	got = DoHybrid(t, c2, index, "SEARCH", "apple", "VSIM", "@emb2", "$v", "YIELD_SCORE_AS", "vs",
		"LIMIT", 0, 100, "PARAMS", 2, "v", blob)
	seen := 0
	for _, r := range got.Results {
		for _, h := range l2 {
			if h.key == r["__key"] {
				seen++
				if !near(r["vs"], 1/(1+h.score), 1e-5) {
					t.Errorf("L2 YIELD_SCORE_AS %s = %s, want %g", h.key, r["vs"], 1/(1+h.score))
				}
			}
		}
	}
	if seen != len(l2) {
		t.Errorf("L2 YIELD_SCORE_AS: %d of the %d nearest shown", seen, len(l2))
	}

	checkHybridExplain(t, c2, index, blob, text, vec, want)
	checkHybridCursors(t, addr, index, blob, text, vec)
}

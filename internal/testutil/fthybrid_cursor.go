package testutil

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// flatTokens lists an EXPLAINSCORE tree's lines.
func flatTokens(v any) []string {
	switch x := v.(type) {
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, flatTokens(e)...)
		}
		return out
	}
	return []string{fmt.Sprint(v)}
}

// checkHybridExplain: EXPLAINSCORE's score field, [score, tree], with
// RediSearch's lines for RRF (the ranks) and LINEAR (the weighted sum).
func checkHybridExplain(t *testing.T, c *redis.Client, index string, blob []byte, text, vec, want []hybridHit) {
	t.Helper()
	rank := func(list []hybridHit, k string) int {
		for i, h := range list {
			if h.key == k {
				return i + 1
			}
		}
		return 0
	}
	for _, linear := range []bool{false, true} {
		args := []any{"FT.HYBRID", index, "SEARCH", "apple", "VSIM", "@emb", "$v"}
		if linear {
			// ALPHA and BETA not given: 0.3 and 0.7.
			args = append(args, "COMBINE", "LINEAR", 2, "WINDOW", 20)
			want = fuseReference(hybridCase{linear: true, alpha: 0.3, beta: 0.7}, text, vec)
		}
		v, err := c.Do(context.Background(), append(args, "EXPLAINSCORE", "LIMIT", 0, 3, "PARAMS", 2, "v", blob)...).Result()
		if err != nil {
			t.Fatal(err)
		}
		top, _ := v.([]any)
		res, _ := top[3].([]any)
		if len(res) != 3 {
			t.Fatalf("EXPLAINSCORE reply %#v", v)
		}
		for i, x := range res {
			r := x.([]any)
			k := fmt.Sprint(r[3])
			score, _ := r[1].([]any)
			if r[0] != "score" || r[2] != "__key" || k != want[i].key || len(score) != 2 || !near(fmt.Sprint(score[0]), want[i].score, 1e-6) {
				t.Fatalf("EXPLAINSCORE result %d = %#v, want score [%g, tree] then __key %s", i, r, want[i].score, want[i].key)
			}
			joined := strings.Join(flatTokens(score[1]), " | ")
			tr, vr := rank(text, k), rank(vec, k)
			var lines []string
			if !linear {
				final := "final score: "
				if tr > 0 {
					final += fmt.Sprintf("1 / (constant 60.00 + rank %d)", tr)
				} else {
					final += "0 [text: no match]"
				}
				if vr > 0 {
					final += fmt.Sprintf(" + 1 / (constant 60.00 + rank %d)", vr)
				} else {
					final += " + 0 [vector: no match]"
				}
				lines = []string{final + " = ", "Hybrid score (RRF: window=20, constant=60.00)", "vector branch (KNN)"}
				if tr > 0 {
					lines = append(lines, fmt.Sprintf("text rank = %d | Text scorer: BM25STD", tr))
				}
				if vr > 0 {
					lines = append(lines, fmt.Sprintf("vector rank = %d", vr))
				}
			} else {
				lines = []string{"final score: ", "Hybrid score (LINEAR: alpha=0.3000, beta=0.7000, window=20)", "vector branch (KNN)"}
				if tr > 0 {
					lines = append(lines, fmt.Sprintf("text contribution = 0.3000 * %.4f = ", text[tr-1].score),
						"Text scorer: BM25STD | normalized text score = ")
				}
				if vr > 0 {
					lines = append(lines, fmt.Sprintf("normalized vector score = %.4f", (2-vec[vr-1].score)/2))
				}
			}
			for _, l := range lines {
				if !strings.Contains(joined, l) {
					t.Errorf("EXPLAINSCORE (linear %v) of %s: %q lacks %q", linear, k, joined, l)
				}
			}
		}
	}
}

// checkHybridCursors: WITHCURSOR replies with the SEARCH and VSIM
// cursors; each, read to the end with FT.CURSOR READ, is its list (the
// text list best first, the vector list nearest first) with each
// document's own score; FT.CURSOR DEL forgets one.
func checkHybridCursors(t *testing.T, addr, index string, blob []byte, text, vec []hybridHit) {
	t.Helper()
	ctx := context.Background()
	c2, c3 := protoClients(t, addr)
	v, err := c2.Do(ctx, "FT.HYBRID", index, "SEARCH", "apple", "VSIM", "@emb", "$v", "WITHCURSOR", "COUNT", 4,
		"PARAMS", 2, "v", blob).Result()
	if err != nil {
		t.Fatal(err)
	}
	top, _ := v.([]any)
	if len(top) != 6 || top[0] != "SEARCH" || top[2] != "VSIM" || top[4] != "warnings" {
		t.Fatalf("WITHCURSOR = %#v, want SEARCH id VSIM id warnings []", v)
	}
	for i, list := range [][]hybridHit{text, vec} {
		id := top[1+2*i].(int64)
		var keys []string
		reads := 0
		for id != 0 {
			r, err := c2.Do(ctx, "FT.CURSOR", "READ", index, id).Slice()
			if err != nil {
				t.Fatalf("FT.CURSOR READ %d: %v", id, err)
			}
			rows := r[0].([]any)
			if rows[0] != int64(len(list)) || len(rows) > 5 {
				t.Fatalf("cursor read %v, want total %d and at most 4 rows", rows, len(list))
			}
			for _, x := range rows[1:] {
				f := x.([]any)
				score := list[len(keys)].score
				if i == 1 {
					score = (2 - score) / 2
				}
				if f[0] != "__key" || f[2] != "__score" || !near(fmt.Sprint(f[3]), score, 1e-5) {
					t.Errorf("cursor %d row %v, want __key and __score %g", i, f, score)
				}
				keys = append(keys, fmt.Sprint(f[1]))
			}
			id = r[1].(int64)
			reads++
		}
		var want []string
		for _, h := range list {
			want = append(want, h.key)
		}
		if fmt.Sprint(keys) != fmt.Sprint(want) || reads != (len(want)+3)/4 && reads != (len(want)+3)/4+1 {
			t.Errorf("cursor %d read %v in %d reads, want %v", i, keys, reads, want)
		}
	}
	// FT.CURSOR DEL; then it is gone.
	v, err = c3.Do(ctx, "FT.HYBRID", index, "SEARCH", "apple", "VSIM", "@emb", "$v", "WITHCURSOR",
		"PARAMS", 2, "v", blob).Result()
	if err != nil {
		t.Fatal(err)
	}
	m, ok := v.(map[any]any)
	if !ok || m["SEARCH"] == nil || m["VSIM"] == nil {
		t.Fatalf("RESP3 WITHCURSOR = %#v, want a map of SEARCH and VSIM", v)
	}
	for _, id := range []any{m["SEARCH"], m["VSIM"]} {
		if err := c2.Do(ctx, "FT.CURSOR", "DEL", index, id).Err(); err != nil {
			t.Errorf("FT.CURSOR DEL %v: %v", id, err)
		}
		if err := c2.Do(ctx, "FT.CURSOR", "READ", index, id).Err(); err == nil || !strings.Contains(err.Error(), "Cursor not found") {
			t.Errorf("FT.CURSOR READ after DEL: %v, want Cursor not found", err)
		}
	}
}

// CheckFTHybridExpand checks FORMAT EXPAND over a JSON index it makes at
// addr (index name, keys prefix:...): in RESP3 each LOADed value is the
// array of its matches, and APPLY computes with the first match; RESP2
// and a HASH index (hashIndex) are refused as RediSearch refuses them.
func CheckFTHybridExpand(t *testing.T, addr, name, prefix, hashIndex string) {
	t.Helper()
	ctx := context.Background()
	c2, c3 := protoClients(t, addr)
	if err := c2.Do(ctx, "FT.CREATE", name, "ON", "JSON", "PREFIX", 1, prefix+":", "SCHEMA",
		"$.body", "AS", "body", "TEXT", "$.n", "AS", "n", "NUMERIC",
		"$.v", "AS", "v", "VECTOR", "FLAT", 6, "TYPE", "FLOAT32", "DIM", 2, "DISTANCE_METRIC", "L2").Err(); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 4; i++ {
		doc := fmt.Sprintf(`{"body":"apple %d","n":%d,"v":[%d,0]}`, i, i, i)
		if err := c2.Do(ctx, "JSON.SET", fmt.Sprintf("%s:%d", prefix, i), "$", doc).Err(); err != nil {
			t.Fatal(err)
		}
	}
	blob := hybridBlob([]float32{0, 0})
	args := []any{"FT.HYBRID", name, "SEARCH", "apple", "VSIM", "@v", "$q", "LOAD", 2, "__key", "@n",
		"APPLY", "@n * 10", "AS", "n10", "SORTBY", 2, "@n10", "ASC", "FORMAT", "EXPAND", "PARAMS", 2, "q", blob}
	v, err := c3.Do(ctx, args...).Result()
	if err != nil {
		t.Fatal(err)
	}
	m, _ := v.(map[any]any)
	res, _ := m["results"].([]any)
	if len(res) != 4 {
		t.Fatalf("FORMAT EXPAND = %#v, want 4 results", v)
	}
	for i, x := range res {
		r, _ := x.(map[any]any)
		if r["__key"] != fmt.Sprintf("%s:%d", prefix, i+1) || fmt.Sprint(r["n"]) != fmt.Sprintf("[%d]", i+1) || fmt.Sprint(r["n10"]) != strconv.Itoa(10*(i+1)) {
			t.Errorf("FORMAT EXPAND result %d = %#v, want n [%d] and n10 %d", i, x, i+1, 10*(i+1))
		}
		if _, ok := r["n"].([]any); !ok {
			t.Errorf("FORMAT EXPAND n = %#v, want an array", r["n"])
		}
	}
	if err := c2.Do(ctx, args...).Err(); err == nil || !strings.Contains(err.Error(), "EXPAND format is only supported with RESP3") {
		t.Errorf("RESP2 FORMAT EXPAND: %v", err)
	}
	err = c3.Do(ctx, "FT.HYBRID", hashIndex, "SEARCH", "apple", "VSIM", "@emb", "$q", "FORMAT", "EXPAND",
		"PARAMS", 2, "q", hybridBlob(hybridVec(1))).Err()
	if err == nil || !strings.Contains(err.Error(), "EXPAND format is only supported with JSON") {
		t.Errorf("FORMAT EXPAND on a HASH index: %v", err)
	}
}

package testutil

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// FT.HYBRID checks shared by the node's and the proxy's tests: an index of
// hybridDocs documents (text, tag, numeric, two vector fields) and queries
// whose fused results are compared with RRF and LINEAR computed here from
// the text list (FT.SEARCH WITHSCORES, the same scorer) and the vector
// list (exact distances computed here).

const (
	hybridDocs = 300
	hybridDim  = 8
)

func hybridVec(i int) []float32 {
	r := rand.New(rand.NewPCG(uint64(i), 7))
	v := make([]float32, hybridDim)
	for j := range v {
		v[j] = r.Float32()*2 - 1
	}
	return v
}

func hybridBlob(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// hybridText: a third of the documents say "apple", 1 to 4 times, among
// 0 to 4 other words, so the text scores vary.
func hybridText(i int) string {
	var w []string
	if i%3 == 0 {
		for range 1 + i%4 {
			w = append(w, "apple")
		}
	}
	for j := range i % 5 {
		w = append(w, fmt.Sprintf("pear%d", j))
	}
	return strings.Join(append(w, "banana"), " ")
}

func hybridTag(i int) string { return []string{"red", "green", "blue"}[i%7%3] }

func cosDist(a, b []float32) float64 {
	var d, na, nb float64
	for i := range a {
		d += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return 1 - d/math.Sqrt(na*nb)
}

func l2Dist(a, b []float32) float64 {
	var d float64
	for i := range a {
		x := float64(a[i]) - float64(b[i])
		d += x * x
	}
	return d
}

// LoadFTHybrid creates the index name over prefix:* and its documents.
func LoadFTHybrid(t testing.TB, c *redis.Client, name, prefix string) {
	t.Helper()
	ctx := context.Background()
	if err := c.Do(ctx, "FT.CREATE", name, "ON", "HASH", "PREFIX", "1", prefix+":", "SCHEMA",
		"body", "TEXT", "tag", "TAG", "n", "NUMERIC", "SORTABLE",
		"emb", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", hybridDim, "DISTANCE_METRIC", "COSINE",
		"emb2", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", hybridDim, "DISTANCE_METRIC", "L2").Err(); err != nil {
		t.Fatal(err)
	}
	for lo := 0; lo < hybridDocs; lo += 50 {
		pipe := c.Pipeline()
		for i := lo; i < lo+50; i++ {
			b := hybridBlob(hybridVec(i))
			pipe.HSet(ctx, fmt.Sprintf("%s:%d", prefix, i), "body", hybridText(i), "tag", hybridTag(i), "n", i, "emb", b, "emb2", b)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// hybridHit is one entry of a ranked list.
type hybridHit struct {
	key   string
	score float64
}

// hybridCase is an FT.HYBRID query and what the reference computes it
// from.
type hybridCase struct {
	name   string
	query  string // SEARCH's
	scorer string
	field  string // emb (cosine) or emb2 (L2)
	k      int    // KNN's K (0: RANGE)
	radius float64
	filter string
	admit  func(i int) bool // the filter, evaluated here
	linear bool
	alpha  float64
	beta   float64
	c      float64
	window int
	limit  int
	extra  []any // options after VSIM
}

// textList is the reference's text list: FT.SEARCH's scores.
func textList(t testing.TB, c *redis.Client, index string, hc hybridCase) []hybridHit {
	t.Helper()
	res, err := c.Do(context.Background(), "FT.SEARCH", index, hc.query, "WITHSCORES", "NOCONTENT",
		"SCORER", hc.scorer, "LIMIT", 0, hc.window, "DIALECT", 2).Slice()
	if err != nil {
		t.Fatal(err)
	}
	var out []hybridHit
	for i := 1; i+1 < len(res); i += 2 {
		s, _ := strconv.ParseFloat(fmt.Sprint(res[i+1]), 64)
		out = append(out, hybridHit{fmt.Sprint(res[i]), s})
	}
	return out
}

// vectorList is the reference's vector list, by exact distances.
func vectorList(prefix string, hc hybridCase, q []float32) []hybridHit {
	var all []hybridHit
	for i := range hybridDocs {
		if hc.admit != nil && !hc.admit(i) {
			continue
		}
		d := cosDist(hybridVec(i), q)
		if hc.field == "emb2" {
			d = l2Dist(hybridVec(i), q)
		}
		if hc.k == 0 && d > hc.radius {
			continue
		}
		all = append(all, hybridHit{fmt.Sprintf("%s:%d", prefix, i), d})
	}
	sort.Slice(all, func(a, b int) bool { return all[a].score < all[b].score })
	if hc.k > 0 {
		all = all[:min(len(all), hc.k)]
	}
	return all[:min(len(all), hc.window)]
}

// fuseReference is RRF or LINEAR over the two lists, ties by key.
func fuseReference(hc hybridCase, text, vec []hybridHit) []hybridHit {
	score := map[string]float64{}
	var keys []string
	add := func(k string, s float64) {
		if _, ok := score[k]; !ok {
			keys = append(keys, k)
		}
		score[k] += s
	}
	for r, h := range text {
		if hc.linear {
			add(h.key, hc.alpha*h.score)
		} else {
			add(h.key, 1/(hc.c+float64(r+1)))
		}
	}
	for r, h := range vec {
		sim := (2 - h.score) / 2
		if hc.field == "emb2" {
			sim = 1 / (1 + h.score)
		}
		if hc.linear {
			add(h.key, hc.beta*sim)
		} else {
			add(h.key, 1/(hc.c+float64(r+1)))
		}
	}
	out := make([]hybridHit, len(keys))
	for i, k := range keys {
		out[i] = hybridHit{k, score[k]}
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].score != out[b].score {
			return out[a].score > out[b].score
		}
		return out[a].key < out[b].key
	})
	return out
}

// HybridReply is an FT.HYBRID RESP2 reply, read.
type HybridReply struct {
	Total   int64
	Results []map[string]string
	Order   [][]string // each result's field names, in order
}

// DoHybrid runs FT.HYBRID through a RESP2 client and reads its reply.
func DoHybrid(t testing.TB, c *redis.Client, args ...any) HybridReply {
	t.Helper()
	v, err := c.Do(context.Background(), append([]any{"FT.HYBRID"}, args...)...).Result()
	if err != nil {
		t.Fatalf("FT.HYBRID %v: %v", args[:min(len(args), 8)], err)
	}
	top, ok := v.([]any)
	if !ok || len(top) != 8 || top[0] != "total_results" || top[2] != "results" || top[4] != "warnings" || top[6] != "execution_time" {
		t.Fatalf("FT.HYBRID reply = %#v, want total_results, results, warnings, execution_time", v)
	}
	var r HybridReply
	r.Total, _ = top[1].(int64)
	if _, err := strconv.ParseFloat(fmt.Sprint(top[7]), 64); err != nil {
		t.Fatalf("execution_time = %#v", top[7])
	}
	for _, x := range top[3].([]any) {
		pairs := x.([]any)
		m := map[string]string{}
		var names []string
		for i := 0; i+1 < len(pairs); i += 2 {
			m[fmt.Sprint(pairs[i])] = fmt.Sprint(pairs[i+1])
			names = append(names, fmt.Sprint(pairs[i]))
		}
		r.Results = append(r.Results, m)
		r.Order = append(r.Order, names)
	}
	return r
}

// CheckFTHybridFusion checks FT.HYBRID's fused order and scores against
// RRF and LINEAR computed from the two lists, for KNN and RANGE, with a
// FILTER, custom windows, constants and weights, over index (loaded by
// LoadFTHybrid over prefix) at addr.
func CheckFTHybridFusion(t *testing.T, addr, index, prefix string) {
	t.Helper()
	c2, _ := protoClients(t, addr)
	q := hybridVec(100000)
	blob := hybridBlob(q)
	red := func(i int) bool { return hybridTag(i) == "red" }
	cases := []hybridCase{
		{name: "defaults", query: "apple", k: 10, c: 60, window: 20, limit: 10},
		{name: "rrf window constant", query: "apple", k: 30, c: 5, window: 7, limit: 50,
			extra: []any{"COMBINE", "RRF", 4, "CONSTANT", 5, "WINDOW", 7}},
		{name: "linear filter", query: "apple | pear3", k: 15, filter: "@tag:{red}", admit: red, linear: true, alpha: 0.3, beta: 0.7, window: 30, limit: 100,
			extra: []any{"COMBINE", "LINEAR", 6, "ALPHA", 0.3, "BETA", 0.7, "WINDOW", 30}},
		{name: "linear l2 tfidf", query: "apple", scorer: "TFIDF", field: "emb2", k: 25, linear: true, alpha: 0.9, beta: 0.1, window: 20, limit: 40,
			extra: []any{"COMBINE", "LINEAR", 4, "ALPHA", 0.9, "BETA", 0.1}},
		{name: "range", query: "@body:pear1", radius: 0.6, c: 60, window: 40, limit: 100,
			extra: []any{"COMBINE", "RRF", 2, "WINDOW", 40}},
		{name: "range filter linear", query: "apple", radius: 0.9, filter: "@n:[0 149]", admit: func(i int) bool { return i < 150 },
			linear: true, alpha: 1, beta: 2, window: 20, limit: 100, extra: []any{"COMBINE", "LINEAR", 4, "ALPHA", 1, "BETA", 2}},
	}
	for _, hc := range cases {
		t.Run(hc.name, func(t *testing.T) {
			if hc.scorer == "" {
				hc.scorer = "BM25STD"
			}
			if hc.field == "" {
				hc.field = "emb"
			}
			args := []any{index, "SEARCH", hc.query}
			if hc.scorer != "BM25STD" {
				args = append(args, "SCORER", hc.scorer)
			}
			args = append(args, "VSIM", "@"+hc.field, "$v")
			if hc.k > 0 && hc.k != 10 {
				args = append(args, "KNN", 2, "K", hc.k)
			} else if hc.k == 0 {
				args = append(args, "RANGE", 2, "RADIUS", hc.radius)
			}
			if hc.filter != "" {
				args = append(args, "FILTER", hc.filter)
			}
			args = append(args, hc.extra...)
			if hc.limit != 10 {
				args = append(args, "LIMIT", 0, hc.limit)
			}
			args = append(args, "PARAMS", 2, "v", blob)
			got := DoHybrid(t, c2, args...)
			text := textList(t, c2, index, hc)
			vec := vectorList(prefix, hc, q)
			if len(text) == 0 || len(vec) == 0 {
				t.Fatalf("reference lists: %d text, %d vector (want both non-empty)", len(text), len(vec))
			}
			want := fuseReference(hc, text, vec)
			if got.Total != int64(len(want)) {
				t.Errorf("total_results = %d, want %d", got.Total, len(want))
			}
			want = want[:min(len(want), hc.limit)]
			if len(got.Results) != len(want) {
				t.Fatalf("%d results, want %d", len(got.Results), len(want))
			}
			for i, w := range want {
				r := got.Results[i]
				s, _ := strconv.ParseFloat(r["__score"], 64)
				if r["__key"] != w.key || math.Abs(s-w.score) > 1e-6 {
					t.Fatalf("result %d = %s %s, want %s %.12g\ngot  %v\nwant %v", i, r["__key"], r["__score"], w.key, w.score, got.Results, want)
				}
			}
		})
	}
}

package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/testutil"
)

// TestFTDocumentOnEveryNodeCountsOnce: every node behind the proxy holds
// every document, as nodes do for a moment while a shard splits or merges
// (the old owner has not dropped a moved slot's documents, a promoted
// replica holds its old shard's, an import has copied them). Through the
// proxy each document is still answered once: a KNN lists distinct keys,
// the nearest over all, and the totals, groups and num_docs count each
// document once.
func TestFTDocumentOnEveryNodeCountsOnce(t *testing.T) {
	addrs := []string{startNode(t), startNode(t), startNode(t)}
	via := testutil.Dial(t, serveProxyOver(t, addrs...))
	if got := via.Do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "v", "VECTOR", "FLAT", "6",
		"TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2", "year", "NUMERIC"); got != "+OK\r\n" {
		t.Fatalf("FT.CREATE: %q", got)
	}
	const docs = 40
	vecs := map[string][2]float32{}
	for _, a := range addrs {
		c := testutil.Dial(t, a)
		for i := range docs {
			key := fmt.Sprintf("doc:%d", i)
			v := [2]float32{float32(i%8) * 0.5, float32(i/8) * 0.7}
			vecs[key] = v
			if got := c.Do("HSET", key, "v", vec2(v), "year", fmt.Sprint(2000+i)); got != ":2\r\n" {
				t.Fatalf("HSET %s on %s: %q", key, a, got)
			}
		}
	}
	q := [2]float32{1.3, 1.6}
	dist := func(k string) float64 {
		v := vecs[k]
		return math.Hypot(float64(v[0]-q[0]), float64(v[1]-q[1]))
	}
	nearest := make([]string, 0, docs)
	for k := range vecs {
		nearest = append(nearest, k)
	}
	sort.Slice(nearest, func(i, j int) bool {
		if di, dj := dist(nearest[i]), dist(nearest[j]); di != dj {
			return di < dj
		}
		return nearest[i] < nearest[j]
	})

	// sameKeys reports whether got lists want's keys, each once, nearest
	// first (documents at equal distances, in float32 on the nodes, in
	// either order).
	sameKeys := func(got, want []string) bool {
		if len(got) != len(want) {
			return false
		}
		for i := 1; i < len(got); i++ {
			if dist(got[i]) < dist(got[i-1])-1e-5 {
				return false
			}
		}
		a, b := slices.Clone(got), slices.Clone(want)
		slices.Sort(a)
		slices.Sort(b)
		return slices.Equal(a, b) && len(slices.Compact(a)) == len(want)
	}

	parse := func(args ...string) resp.Value {
		t.Helper()
		raw := via.Do(args...)
		v, _, err := resp.Parse([]byte(raw))
		if err != nil || v.Kind != resp.Array || len(v.Elems) == 0 || v.Elems[0].Kind != resp.Integer {
			t.Fatalf("%q: %q", args[:3], raw)
		}
		return v
	}
	for _, k := range []int{5, 10, 100} {
		v := parse("FT.SEARCH", "idx", fmt.Sprintf("*=>[KNN %d @v $B AS dist]", k), "PARAMS", "2", "B", vec2(q),
			"SORTBY", "dist", "RETURN", "1", "dist", "LIMIT", "0", "100", "DIALECT", "2")
		var keys []string
		for i := 1; i < len(v.Elems); i += 2 {
			keys = append(keys, string(v.Elems[i].Str))
		}
		want := nearest[:min(k, docs)]
		if v.Elems[0].Int != int64(len(want)) || !sameKeys(keys, want) {
			t.Errorf("FT.SEARCH KNN %d: total %d, %v; want %d, %v", k, v.Elems[0].Int, keys, len(want), want)
		}

		v = parse("FT.AGGREGATE", "idx", fmt.Sprintf("*=>[KNN %d @v $B AS dist]", k), "PARAMS", "2", "B", vec2(q),
			"LOAD", "1", "@__key", "SORTBY", "2", "@dist", "ASC", "LIMIT", "0", "100", "DIALECT", "2")
		keys = keys[:0]
		for _, r := range v.Elems[1:] {
			for i := 0; i+1 < len(r.Elems); i += 2 {
				if string(r.Elems[i].Str) == "__key" {
					keys = append(keys, string(r.Elems[i+1].Str))
				}
			}
		}
		if !sameKeys(keys, want) {
			t.Errorf("FT.AGGREGATE KNN %d: %v; want %v", k, keys, want)
		}
	}
	if v := parse("FT.SEARCH", "idx", "@year:[2010 2019]", "NOCONTENT", "LIMIT", "0", "100"); v.Elems[0].Int != 10 || len(v.Elems) != 11 {
		t.Errorf("FT.SEARCH of 10 years: total %d, %d keys; want 10", v.Elems[0].Int, len(v.Elems)-1)
	}
	if v := parse("FT.AGGREGATE", "idx", "*", "GROUPBY", "0", "REDUCE", "COUNT", "0", "AS", "n"); len(v.Elems) != 2 ||
		testutil.CLI(v.Elems[1]) != "1) \"n\"\n2) \"40\"" {
		t.Errorf("FT.AGGREGATE COUNT: %s; want n 40", testutil.CLI(v))
	}
	if got := via.Do("FT.INFO", "idx"); !strings.Contains(got, "num_docs\r\n$2\r\n40\r\n") {
		t.Errorf("FT.INFO num_docs is not 40: %q", got)
	}
}

func vec2(v [2]float32) string {
	b := make([]byte, 8)
	binary.LittleEndian.PutUint32(b, math.Float32bits(v[0]))
	binary.LittleEndian.PutUint32(b[4:], math.Float32bits(v[1]))
	return string(b)
}

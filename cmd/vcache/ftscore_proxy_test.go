package main

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestProxyMergesTextScores: through the proxy over two nodes, text
// results come best first across shards, each scored with its own
// shard's statistics (as RediSearch's coordinator merges), and LIMIT
// pages through the merged order; equal scores by key. The documents are placed by hash tag:
// d:1 and d:3 on the node of the lower slots, d:2 and d:4 on the other.
// Per shard N = 2, so idf = logb(1 + 3/df); every term below has df 1
// on its shard (idf 2) but +run on the first (df 2, idf 1). With title
// WEIGHT 2 (frequencies as in node/search_text_test.go):
//
//	shoes:  d:1 (3*2 + 2*2)/3 = 10/3    d:2 (3*2 + 2*2)/5 = 2
//	hats:   d:4 (3*2 + 2*2)/3 = 10/3
//	running d:1 (3*2 + 2*1)/3 = 8/3     d:3 (1*1)/3
func TestProxyMergesTextScores(t *testing.T) {
	addr := serveProxyOver(t, startNode(t), startNode(t))
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2})
	defer c.Close()
	ctx := context.Background()
	do := func(args ...any) any {
		t.Helper()
		v, err := c.Do(ctx, args...).Result()
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return v
	}
	lo, hi := halfTag(true), halfTag(false)
	key := map[string]string{"d:1": "d:{" + lo + "}1", "d:3": "d:{" + lo + "}3", "d:2": "d:{" + hi + "}2", "d:4": "d:{" + hi + "}4"}
	do("FT.CREATE", "docs", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA", "title", "TEXT", "WEIGHT", "2", "body", "TEXT")
	for _, d := range [][3]string{
		{"d:1", "running shoes", "shoes for running fast"},
		{"d:2", "red shoes", "red red red shoes"},
		{"d:3", "the runner", "a runner runs"},
		{"d:4", "hats", "warm hats"},
	} {
		do("HSET", key[d[0]], "title", d[1], "body", d[2])
	}
	name := func(k string) string {
		for n, v := range key {
			if v == k {
				return n
			}
		}
		return k
	}
	// want orders documents best first, equal scores by their keys.
	want := func(scores map[string]float64) ([]string, []float64) {
		var names []string
		for n := range scores {
			names = append(names, n)
		}
		sort.Slice(names, func(i, j int) bool {
			if scores[names[i]] != scores[names[j]] {
				return scores[names[i]] > scores[names[j]]
			}
			return key[names[i]] < key[names[j]]
		})
		var vals []float64
		for _, n := range names {
			vals = append(vals, scores[n])
		}
		return names, vals
	}
	for _, tc := range []struct {
		args   []any
		scores map[string]float64
		lo, hi int // LIMIT's window of the ranked documents
	}{
		{[]any{"shoes"}, map[string]float64{"d:1": 10.0 / 3, "d:2": 2}, 0, 2},
		{[]any{"running"}, map[string]float64{"d:1": 8.0 / 3, "d:3": 1.0 / 3}, 0, 2},
		// The best document is on the second node.
		{[]any{"hats|running"}, map[string]float64{"d:4": 10.0 / 3, "d:1": 8.0 / 3, "d:3": 1.0 / 3}, 0, 3},
		{[]any{"shoes|hats"}, map[string]float64{"d:1": 10.0 / 3, "d:4": 10.0 / 3, "d:2": 2}, 0, 3},
		{[]any{"shoes|hats", "LIMIT", "1", "2"}, map[string]float64{"d:1": 10.0 / 3, "d:4": 10.0 / 3, "d:2": 2}, 1, 3},
		{[]any{"shoes|hats", "SCORER", "DISMAX"}, map[string]float64{"d:1": 3, "d:4": 3, "d:2": 3}, 0, 3},
	} {
		keys, scores := want(tc.scores)
		keys, scores = keys[tc.lo:tc.hi], scores[tc.lo:tc.hi]
		args := append([]any{"FT.SEARCH", "docs", tc.args[0], "NOCONTENT", "WITHSCORES"}, tc.args[1:]...)
		reply := do(args...).([]any)
		var gotKeys []string
		var gotScores []float64
		for i := 1; i+1 < len(reply); i += 2 {
			gotKeys = append(gotKeys, name(reply[i].(string)))
			f, _ := strconv.ParseFloat(reply[i+1].(string), 64)
			gotScores = append(gotScores, f)
		}
		if !reflect.DeepEqual(gotKeys, keys) {
			t.Errorf("%v: %v %v, want %v %v", tc.args, gotKeys, gotScores, keys, scores)
			continue
		}
		for i := range scores {
			if math.Abs(gotScores[i]-scores[i]) > 1e-9 {
				t.Errorf("%v: scores %v, want %v", tc.args, gotScores, scores)
			}
		}
		// Without WITHSCORES: the same order, no scores.
		plain := do(append([]any{"FT.SEARCH", "docs", tc.args[0], "NOCONTENT"}, tc.args[1:]...)...).([]any)
		for i, k := range plain[1:] {
			if name(k.(string)) != keys[i] {
				t.Errorf("%v without WITHSCORES: %v", tc.args, plain)
				break
			}
		}
	}
	// EXPLAINSCORE passes through: [score, explanation] per document.
	reply := do("FT.SEARCH", "docs", "shoes", "NOCONTENT", "WITHSCORES", "EXPLAINSCORE").([]any)
	if len(reply) != 5 || fmt.Sprint(reply[2].([]any)[0]) != "3.3333333333333335" || name(reply[3].(string)) != "d:2" {
		t.Fatalf("EXPLAINSCORE through the proxy: %v", reply)
	}
}

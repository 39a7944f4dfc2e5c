package main

import (
	"context"
	"reflect"
	"sort"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestProxyFullTextSyntax: the proxy forwards the query text unchanged,
// so optional clauses, fuzzy, suffix and infix terms, field-scoped
// sub-queries and SLOP/INORDER find through it, over two nodes, the
// documents one node finds alone (hand-checked below).
func TestProxyFullTextSyntax(t *testing.T) {
	ctx := context.Background()
	via := redis.NewClient(&redis.Options{Addr: serveProxyOver(t, startNode(t), startNode(t)), Protocol: 2})
	direct := redis.NewClient(&redis.Options{Addr: startNode(t), Protocol: 2})
	defer via.Close()
	defer direct.Close()
	// Hash tags put d:1 and d:3 on one node, d:2 and d:4 on the other.
	lo, hi := halfTag(true), halfTag(false)
	key := map[string]string{"d:1": "d:{" + lo + "}1", "d:3": "d:{" + lo + "}3", "d:2": "d:{" + hi + "}2", "d:4": "d:{" + hi + "}4"}
	for _, c := range []*redis.Client{via, direct} {
		if err := c.Do(ctx, "FT.CREATE", "docs", "ON", "HASH", "STOPWORDS", "0", "PREFIX", "1", "d:", "SCHEMA", "title", "TEXT", "WEIGHT", "2", "body", "TEXT").Err(); err != nil {
			t.Fatal(err)
		}
		for _, d := range [][3]string{
			{"d:1", "running shoes", "shoes for running fast"},
			{"d:2", "red shoes", "red red red shoes"},
			{"d:3", "the runner", "a runner runs"},
			{"d:4", "hats", "warm hats"},
		} {
			if err := c.HSet(ctx, key[d[0]], "title", d[1], "body", d[2]).Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
	found := func(c *redis.Client, args ...any) []string {
		t.Helper()
		v, err := c.Do(ctx, append([]any{"FT.SEARCH", "docs"}, args...)...).Result()
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		var out []string
		for _, k := range v.([]any)[1:] {
			for n, full := range key {
				if full == k.(string) {
					out = append(out, n)
				}
			}
		}
		sort.Strings(out)
		return out
	}
	for _, tc := range []struct {
		args []any
		want []string
	}{
		{[]any{"shoes ~red"}, []string{"d:1", "d:2"}},
		{[]any{"~hats"}, []string{"d:1", "d:2", "d:3", "d:4"}},
		{[]any{"%%hat%%"}, []string{"d:1", "d:3", "d:4"}},
		{[]any{"@title:(shoes -red)"}, []string{"d:1"}},
		{[]any{"@title|body:warm"}, []string{"d:4"}},
		{[]any{"shoes fast", "SLOP", "1"}, nil},
		{[]any{"shoes fast", "SLOP", "2", "INORDER"}, []string{"d:1"}},
		{[]any{"(fast shoes)=>{$inorder: true}"}, nil},
		{[]any{"*un*"}, []string{"d:1", "d:3"}},
		{[]any{"*oes red"}, []string{"d:2"}},
	} {
		args := append([]any{tc.args[0], "NOCONTENT"}, tc.args[1:]...)
		if got := found(via, args...); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%v through the proxy: %v, want %v", tc.args, got, tc.want)
		}
		if got := found(direct, args...); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%v on one node: %v, want %v", tc.args, got, tc.want)
		}
	}
	explain, err := via.Do(ctx, "FT.EXPLAIN", "docs", "~%%hat%% @body:*un*", "DIALECT", "2").Text()
	if err != nil || explain != "INTERSECT {\n  OPTIONAL{\n    FUZZY{hat}\n  }\n  @body:INFIX{*un*}\n}\n" {
		t.Fatalf("FT.EXPLAIN through the proxy: %q %v", explain, err)
	}
	// DIALECT 1 (the default): ~ takes what follows.
	explain, err = via.Do(ctx, "FT.EXPLAIN", "docs", "~%%hat%% @body:*un*").Text()
	if err != nil || explain != "OPTIONAL{\n  INTERSECT {\n    FUZZY{hat}\n    @body:INFIX{*un*}\n  }\n}\n" {
		t.Fatalf("FT.EXPLAIN through the proxy in DIALECT 1: %q %v", explain, err)
	}
	// Both dialects fail at the fourth %, naming nothing (no word came
	// yet), as RediSearch 2.8.
	if err := via.Do(ctx, "FT.SEARCH", "docs", "%%%%hat%%%%", "DIALECT", "2").Err(); err == nil || err.Error() != "Syntax error at offset 3 near " {
		t.Fatalf("bad fuzzy through the proxy: %v", err)
	}
	if err := via.Do(ctx, "FT.SEARCH", "docs", "%%%%hat%%%%").Err(); err == nil || err.Error() != "Syntax error at offset 3 near " {
		t.Fatalf("bad fuzzy through the proxy in DIALECT 1: %v", err)
	}
}

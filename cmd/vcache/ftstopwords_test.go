package main

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestFTNoStopWordsThroughProxy: the proxy passes FT.SEARCH's and
// FT.AGGREGATE's NOSTOPWORDS to every shard (three nodes): the default
// index holds no stop word, so "the lord" matches nothing with it and
// every "lord" document without it; an index with STOPWORDS 0 matches
// the stop word. FT.EXPLAIN through the proxy leaves stop words out.
func TestFTNoStopWordsThroughProxy(t *testing.T) {
	addr := serveProxyOver(t, startNode(t), startNode(t), startNode(t))
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, MaxRetries: -1})
	defer c.Close()
	ctx := context.Background()
	for _, args := range [][]any{
		{"FT.CREATE", "def", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT"},
		{"FT.CREATE", "none", "STOPWORDS", "0", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT"},
	} {
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	// Enough keys that every node holds some: "the lord" in 10 of them.
	for i := range 30 {
		text := "lord rings"
		if i%3 == 0 {
			text = "the lord of the rings"
		}
		if err := c.HSet(ctx, fmt.Sprintf("d:%d", i), "t", text).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		args []any
		want int64
	}{
		{[]any{"FT.SEARCH", "def", "the lord", "NOCONTENT"}, 30},
		{[]any{"FT.SEARCH", "def", "the lord", "NOCONTENT", "NOSTOPWORDS"}, 0},
		{[]any{"FT.SEARCH", "none", "the lord", "NOCONTENT", "NOSTOPWORDS"}, 10},
		{[]any{"FT.SEARCH", "none", "the lord", "NOCONTENT"}, 10},
		{[]any{"FT.AGGREGATE", "def", "the lord"}, 30},
		{[]any{"FT.AGGREGATE", "def", "the lord", "NOSTOPWORDS"}, 0},
		{[]any{"FT.AGGREGATE", "none", "the", "NOSTOPWORDS", "LOAD", "1", "@t"}, 10},
	} {
		res, err := c.Do(ctx, tc.args...).Slice()
		if err != nil || len(res) == 0 || res[0] != tc.want {
			t.Errorf("%v = %.80v, %v; want %d results", tc.args, res, err, tc.want)
		}
	}
	got, err := c.Do(ctx, "FT.EXPLAIN", "def", "the").Text()
	if err != nil || got != "<empty>\n" {
		t.Errorf("FT.EXPLAIN def the = %q, %v; want <empty>", got, err)
	}
	plain, _ := c.Do(ctx, "FT.EXPLAIN", "def", "lord").Text()
	if got, _ := c.Do(ctx, "FT.EXPLAIN", "def", "of the lord").Text(); got != plain || plain == "" {
		t.Errorf("FT.EXPLAIN def \"of the lord\" = %q, want %q", got, plain)
	}
	spell, err := c.Do(ctx, "FT.SPELLCHECK", "def", "the").Slice()
	if want := []any{[]any{"TERM", "the", []any{}}}; err != nil || !reflect.DeepEqual(spell, want) {
		t.Errorf("FT.SPELLCHECK def the = %#v, %v; want %#v", spell, err, want)
	}
}

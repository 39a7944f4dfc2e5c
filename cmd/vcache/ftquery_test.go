package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// TestFTQueryCompatThroughProxy: through the proxy over three nodes,
// FT.EXPLAINCLI's lines stay simple strings, DIALECT 1's phrase stop word
// error comes back as RediSearch's, nested field scopes intersect, and
// FT.CONFIG SET MINPREFIX / MAXEXPANSIONS reach every node (a query's
// expansions are bounded on each shard).
func TestFTQueryCompatThroughProxy(t *testing.T) {
	addr := serveProxyOver(t, startNode(t), startNode(t), startNode(t))
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	ctx := context.Background()
	if err := c.Do(ctx, "FT.CREATE", "q", "PREFIX", "1", "q:", "SCHEMA", "a", "TEXT", "b", "TEXT").Err(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 30; i++ {
		if err := c.HSet(ctx, fmt.Sprintf("q:%d", i), "a", fmt.Sprintf("w%02d", i), "b", "cat").Err(); err != nil {
			t.Fatal(err)
		}
	}
	rc := testutil.Dial(t, addr)
	if got := rc.Do("FT.EXPLAINCLI", "q", "@a:w00", "VERBATIM"); got != "*2\r\n+@a:w00\r\n+\r\n" {
		t.Errorf("FT.EXPLAINCLI through the proxy = %q", got)
	}
	if err := c.Do(ctx, "FT.SEARCH", "q", `"the cat"`).Err(); err == nil || err.Error() != "Syntax error at offset 1 near the" {
		t.Errorf(`FT.SEARCH "the cat" through the proxy: %v`, err)
	}
	total := func(query string) int64 {
		t.Helper()
		res, err := c.Do(ctx, "FT.SEARCH", "q", query, "NOCONTENT", "LIMIT", "0", "0").Slice()
		if err != nil {
			t.Fatalf("FT.SEARCH %q: %v", query, err)
		}
		return res[0].(int64)
	}
	if n, m := total("@a|b:(@b:cat)"), total("@a:(@b:cat)"); n != 30 || m != 0 {
		t.Errorf("nested scopes through the proxy: %d and %d matches, want 30 and 0", n, m)
	}
	if n := total("w*"); n != 0 {
		t.Errorf("w* under MINPREFIX 2: %d matches, want 0", n)
	}
	for _, kv := range [][2]string{{"MINPREFIX", "1"}, {"MAXEXPANSIONS", "2"}} {
		if err := c.Do(ctx, "FT.CONFIG", "SET", kv[0], kv[1]).Err(); err != nil {
			t.Fatal(err)
		}
	}
	// Each shard expands w* to its two first words: between 2 and 6 in all.
	if n := total("w*"); n < 2 || n > 6 {
		t.Errorf("w* under MINPREFIX 1, MAXEXPANSIONS 2 over three shards: %d matches, want 2 to 6", n)
	}
}

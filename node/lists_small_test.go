package node

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/redis/go-redis/v9"
)

// loadLists pushes n lists of elems (key prefix p) through one pipeline
// and returns used_memory's growth per key.
func loadLists(t *testing.T, c *redis.Client, p string, n int, elems []any) float64 {
	t.Helper()
	ctx := context.Background()
	before := usedMemory(t, c)
	for i := 0; i < n; i += 1000 {
		pipe := c.Pipeline()
		for j := i; j < min(n, i+1000); j++ {
			pipe.RPush(ctx, fmt.Sprintf("%s:%d", p, j), elems...)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return float64(usedMemory(t, c)-before) / float64(n)
}

// TestSmallListsCostLessThanRedis: lists of 3 short elements and of 10
// elements of 10 bytes grow used_memory less per key than the same keys
// do in a redis-server of the same run, each key's MEMORY USAGE is at
// most Redis's, both answer the same LRANGE, and used_memory falls by a
// key's MEMORY USAGE when it is deleted.
func TestSmallListsCostLessThanRedis(t *testing.T) {
	rc := startRedisServer(t)
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	ten := make([]any, 10)
	for i := range ten {
		ten[i] = fmt.Sprintf("elem%06d", i)
	}
	for _, tc := range []struct {
		name  string
		n     int
		elems []any
	}{{"l3", 20000, []any{"a", "b", "c"}}, {"l10", 10000, ten}} {
		perKey := loadLists(t, c, tc.name, tc.n, tc.elems)
		redisPerKey := loadLists(t, rc, tc.name, tc.n, tc.elems)
		t.Logf("%d lists of %d elements: used_memory %.1f B per key, redis-server %.1f", tc.n, len(tc.elems), perKey, redisPerKey)
		if perKey <= 0 || perKey > redisPerKey {
			t.Errorf("%s: used_memory grew %.1f B per key, redis-server %.1f", tc.name, perKey, redisPerKey)
		}
		key := tc.name + ":7"
		usage, redisUsage := c.MemoryUsage(ctx, key).Val(), rc.MemoryUsage(ctx, key).Val()
		t.Logf("MEMORY USAGE %s = %d, redis-server's %d", key, usage, redisUsage)
		if usage <= 0 || usage > redisUsage {
			t.Errorf("MEMORY USAGE %s = %d, redis-server's %d", key, usage, redisUsage)
		}
		got, want := c.LRange(ctx, key, 0, -1).Val(), rc.LRange(ctx, key, 0, -1).Val()
		if !slices.Equal(got, want) || len(got) != len(tc.elems) {
			t.Errorf("LRANGE %s = %v, redis-server %v", key, got, want)
		}
		wantEncoding(t, c, key, rc.ObjectEncoding(ctx, key).Val())
		before := usedMemory(t, c)
		c.Del(ctx, key)
		if d := before - usedMemory(t, c); d != usage {
			t.Errorf("used_memory fell by %d deleting a key of MEMORY USAGE %d", d, usage)
		}
	}
}

// TestListPackSizeLimitsSmallLists: under list-max-listpack-size 4 (set by
// its list-max-ziplist-size alias) a list of 5 elements costs more than
// under the default (it is chunked), its cost falls back once it is
// popped to 2, and every list command answers as redis-server does while
// the list crosses the limit both ways.
func TestListPackSizeLimitsSmallLists(t *testing.T) {
	rc := startRedisServer(t)
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	c.RPush(ctx, "five", 1, 2, 3, 4, 5)
	c.RPush(ctx, "two", "a", "b")
	packed5, packed2 := c.MemoryUsage(ctx, "five").Val(), c.MemoryUsage(ctx, "two").Val()
	for _, cl := range []*redis.Client{c, rc} {
		if err := cl.ConfigSet(ctx, "list-max-ziplist-size", "4").Err(); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"list-max-listpack-size", "list-max-ziplist-size"} {
		if got := c.ConfigGet(ctx, name).Val()[name]; got != "4" {
			t.Errorf("CONFIG GET %s = %q, want 4", name, got)
		}
	}
	c.RPush(ctx, "l", 1, 2, 3, 4, 5)
	if got := c.MemoryUsage(ctx, "l").Val(); got <= packed5 {
		t.Errorf("MEMORY USAGE of 5 elements under size 4 = %d, packed it was %d", got, packed5)
	}
	c.RPop(ctx, "l")
	c.LPopCount(ctx, "l", 2)
	if got := c.MemoryUsage(ctx, "l").Val(); got > packed2+8 {
		t.Errorf("MEMORY USAGE of 2 elements after pops = %d, packed 2 cost %d", got, packed2)
	}

	// The same commands on both servers, over a list crossing 4 elements.
	cmds := [][]any{
		{"RPUSH", "x", "a", "b", "c"}, {"LPUSH", "x", "z", "y"}, {"LRANGE", "x", 0, -1},
		{"LINSERT", "x", "BEFORE", "b", "new"}, {"LSET", "x", 0, "first"}, {"LINDEX", "x", -1},
		{"LREM", "x", 0, "a"}, {"LPOS", "x", "c"}, {"LTRIM", "x", 1, -1}, {"LRANGE", "x", 0, -1},
		{"RPUSHX", "x", 7, 8, 9}, {"LMOVE", "x", "x2", "LEFT", "RIGHT"}, {"RPOPLPUSH", "x", "x2"},
		{"LMPOP", 2, "x", "x2", "RIGHT", "COUNT", 3}, {"LRANGE", "x", 0, -1}, {"LRANGE", "x2", 0, -1},
		{"SORT", "x", "ALPHA"}, {"LLEN", "x"}, {"LPOP", "x", 10}, {"EXISTS", "x"}, {"LPUSHX", "x", 1},
		{"RPUSH", "n", 3, 1, 2, 10, -5, 4}, {"SORT", "n"}, {"LREM", "n", -1, 10}, {"LRANGE", "n", 0, -1},
	}
	for _, args := range cmds {
		got, gerr := c.Do(ctx, args...).Result()
		want, werr := rc.Do(ctx, args...).Result()
		if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(gerr) != fmt.Sprint(werr) {
			t.Errorf("%v: vcache %v, %v; redis-server %v, %v", args, got, gerr, want, werr)
		}
	}
}

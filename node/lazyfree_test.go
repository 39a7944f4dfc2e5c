package node

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestLazyfreedObjectsMatchesRedis runs the same writes, UNLINKs and
// FLUSHDB ASYNC on a node and on redis-server and compares INFO's
// lazyfreed_objects after each: values Redis would free in the
// background (over 64 allocations) count, small or compact ones do not,
// every key of FLUSHDB ASYNC counts, CONFIG RESETSTAT zeroes it.
func TestLazyfreedObjectsMatchesRedis(t *testing.T) {
	ctx := context.Background()
	v := startNode(t, nil).client(t)
	r := startRedisServer(t)
	many := func(cmd, key string, n int, each func(i int) []any) []any {
		args := []any{cmd, key}
		for i := 0; i < n; i++ {
			args = append(args, each(i)...)
		}
		return args
	}
	member := func(i int) []any { return []any{"m" + strconv.Itoa(i)} }
	steps := [][]any{
		{"set", "str", "v"},
		{"unlink", "str"},
		many("sadd", "bigset", 100, member),
		{"unlink", "bigset", "bigset", "nosuchkey"},
		many("sadd", "smallset", 10, member),
		{"unlink", "smallset"},
		many("sadd", "intset", 100, func(i int) []any { return []any{i} }),
		{"unlink", "intset"},
		many("zadd", "zset", 200, func(i int) []any { return []any{i, "m" + strconv.Itoa(i)} }),
		many("zadd", "smallzset", 100, func(i int) []any { return []any{i, "m" + strconv.Itoa(i)} }),
		{"unlink", "zset", "smallzset"},
		many("hset", "hash", 600, func(i int) []any { return []any{"f" + strconv.Itoa(i), "v"} }),
		{"unlink", "hash"},
		many("rpush", "list", 100000, func(i int) []any { return []any{"element" + strconv.Itoa(i)} }),
		many("rpush", "smalllist", 100, member),
		{"unlink", "list", "smalllist"},
		{"config", "set", "stream-node-max-entries", "5"},
		{"del", "bigset"},
		many("sadd", "bigset", 100, member),
		{"del", "bigset"},
		{"config", "resetstat"},
		{"xadd", "s", "*", "a", "b"},
		{"xgroup", "create", "s", "g", "$"},
		{"unlink", "s"},
		{"set", "a", "1"},
		{"set", "b", "1"},
		{"flushdb", "async"},
	}
	for i := 0; i < 400; i++ {
		steps = append(steps, []any{"xadd", "stream", "*", "f", i})
	}
	steps = append(steps, []any{"unlink", "stream"})
	lazyfreed := func(c *redis.Client) string {
		info := c.Info(ctx, "memory").Val()
		for _, line := range strings.Split(info, "\r\n") {
			if v, ok := strings.CutPrefix(line, "lazyfreed_objects:"); ok {
				return v
			}
		}
		return "missing"
	}
	for _, args := range steps {
		for _, c := range []*redis.Client{v, r} {
			if err := c.Do(ctx, args...).Err(); err != nil {
				t.Fatalf("%v: %v", args[:2], err)
			}
		}
		// Redis counts a value once its background thread has freed it:
		// wait for the figures to agree, up to a deadline.
		deadline := time.Now().Add(5 * time.Second)
		for {
			got, want := lazyfreed(v), lazyfreed(r)
			if got == want {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after %v: lazyfreed_objects %s, redis-server %s", args[:2], got, want)
			}
		}
	}
	if got := lazyfreed(v); got != "3" {
		t.Fatalf("lazyfreed_objects at the end: %s, want 3 (FLUSHDB ASYNC's 2 keys and the stream)", got)
	}
}

package node

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// reply returns a command's reply and error as text, to compare servers.
func reply(c *redis.Client, args ...any) string {
	v, err := c.Do(context.Background(), args...).Result()
	if err != nil && err != redis.Nil {
		return "ERR " + err.Error()
	}
	return fmt.Sprintf("%v", v)
}

// hashAll returns HGETALL key as a map.
func hashAll(t *testing.T, c *redis.Client, key string) map[string]string {
	t.Helper()
	m, err := c.HGetAll(context.Background(), key).Result()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestLargeHashAgainstRedis: a hash table of thousands of fields (long
// and empty fields and values among them) answers a seeded mix of HSET,
// HSETNX, HGET, HMGET, HDEL, HEXISTS, HLEN, HSTRLEN and HINCRBY as
// redis-server does; HGETALL, a cursor-driven HSCAN, HRANDFIELD and a
// DUMP/RESTORE to and from redis-server agree on its content.
func TestLargeHashAgainstRedis(t *testing.T) {
	rs := startRedisServer(t)
	vc := startNode(t, nil).client(t)
	ctx := context.Background()
	both := func(args ...any) {
		t.Helper()
		if got, want := reply(vc, args...), reply(rs, args...); got != want {
			t.Fatalf("%.80v: vcache %.200q, redis-server %.200q", args, got, want)
		}
	}
	field := func(i int) string {
		switch i % 50 {
		case 0:
			return ""
		case 1:
			return strings.Repeat("F", 70) + strconv.Itoa(i)
		}
		return "field:" + strconv.Itoa(i)
	}
	r := rand.New(rand.NewPCG(3, 4))
	value := func() string {
		switch r.IntN(8) {
		case 0:
			return ""
		case 1:
			return strings.Repeat("v", 100+r.IntN(300))
		case 2:
			return strconv.Itoa(r.IntN(1000))
		}
		return "val" + strconv.Itoa(r.IntN(1e6))
	}
	const fields = 6000
	for i := 0; i < fields; i += 100 {
		args := []any{"HSET", "big"}
		for j := i; j < i+100; j++ {
			args = append(args, field(j), value())
		}
		both(args...)
	}
	both("OBJECT", "ENCODING", "big")
	for range 20000 {
		f := field(r.IntN(fields + 2000))
		switch r.IntN(12) {
		case 0, 1, 2:
			both("HSET", "big", f, value())
		case 3:
			both("HSET", "big", f, value(), field(r.IntN(fields)), value(), f, value())
		case 4:
			both("HSETNX", "big", f, value())
		case 5, 6:
			both("HGET", "big", f)
		case 7:
			both("HMGET", "big", f, field(r.IntN(fields)), "nosuch")
		case 8:
			both("HDEL", "big", f, field(r.IntN(fields)))
		case 9:
			both("HEXISTS", "big", f)
			both("HLEN", "big")
		case 10:
			both("HSTRLEN", "big", f)
		case 11:
			both("HINCRBY", "big", f, r.IntN(100))
		}
	}
	want := hashAll(t, rs, "big")
	if got := hashAll(t, vc, "big"); !maps.Equal(got, want) {
		t.Fatalf("HGETALL: vcache %d fields, redis-server %d, not the same", len(got), len(want))
	}

	// HSCAN to the end with a small COUNT, the table growing and
	// shrinking between calls: every field there for the whole scan comes
	// back, with its value.
	var cursor uint64
	seen := map[string]string{}
	for calls := 0; ; calls++ {
		if calls > 100000 {
			t.Fatal("HSCAN does not end")
		}
		kv, next, err := vc.HScan(ctx, "big", cursor, "", 10).Result()
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			seen[kv[i]] = kv[i+1]
		}
		vc.HSet(ctx, "big", fmt.Sprintf("grow:%d", calls), "x")
		if calls%3 == 0 {
			vc.HDel(ctx, "big", fmt.Sprintf("grow:%d", calls))
		}
		if cursor = next; cursor == 0 {
			break
		}
	}
	for f, v := range want {
		if got, ok := seen[f]; !ok || got != v {
			t.Fatalf("HSCAN: field %q: %q %v, want %q", f, got, ok, v)
		}
	}

	// HRANDFIELD: distinct fields for a positive count, -count picks for a
	// negative one, values matching, as many as redis-server returns.
	cur := hashAll(t, vc, "big")
	for _, count := range []int{1, 5, 100, len(cur) / 3, len(cur) - 1, len(cur), len(cur) + 10, -1, -50, -20000} {
		kv, err := vc.HRandFieldWithValues(ctx, "big", count).Result()
		if err != nil {
			t.Fatal(err)
		}
		dist := map[string]bool{}
		for _, p := range kv {
			if v, ok := cur[p.Key]; !ok || v != p.Value {
				t.Fatalf("HRANDFIELD %d: %q=%q is not in the hash", count, p.Key, p.Value)
			}
			dist[p.Key] = true
		}
		wantN := min(count, len(cur))
		if count < 0 {
			wantN = -count
		} else if len(dist) != len(kv) {
			t.Fatalf("HRANDFIELD %d: %d fields, %d distinct", count, len(kv), len(dist))
		}
		if len(kv) != wantN {
			t.Fatalf("HRANDFIELD %d: %d fields, want %d", count, len(kv), wantN)
		}
	}
	if n := len(vc.HRandField(ctx, "big", -30000).Val()); n != 30000 {
		t.Fatalf("HRANDFIELD -30000: %d fields", n)
	}

	// DUMP/RESTORE both ways.
	p, err := vc.Dump(ctx, "big").Result()
	if err != nil {
		t.Fatal(err)
	}
	if err := rs.RestoreReplace(ctx, "fromvcache", 0, p).Err(); err != nil {
		t.Fatal(err)
	}
	if got := hashAll(t, rs, "fromvcache"); !maps.Equal(got, cur) {
		t.Fatalf("redis-server's RESTORE of vcache's DUMP: %d fields, want %d", len(got), len(cur))
	}
	p, err = rs.Dump(ctx, "big").Result()
	if err != nil {
		t.Fatal(err)
	}
	if err := vc.RestoreReplace(ctx, "fromredis", 0, p).Err(); err != nil {
		t.Fatal(err)
	}
	if got := hashAll(t, vc, "fromredis"); !maps.Equal(got, want) {
		t.Fatalf("vcache's RESTORE of redis-server's DUMP: %d fields, want %d", len(got), len(want))
	}
	wantEncoding(t, vc, "fromredis", "hashtable")
}

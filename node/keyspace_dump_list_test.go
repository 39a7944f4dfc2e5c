package node

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestDumpRestoreListInterchange moves lists between redis-server and
// vcache with DUMP/RESTORE both ways: elements of every listpack encoding
// (7, 13, 16, 24, 32 and 64-bit integers, 6, 12 and 32-bit strings, the
// empty string, integers that do not fit or are not canonical), a list
// of many quicklist nodes, and a one-element list; redis-server also
// loads vcache's payloads with sanitize-dump-payload yes (deep checks).
func TestDumpRestoreListInterchange(t *testing.T) {
	rs := startRedisServer(t)
	vc := startNode(t, nil).client(t)
	ctx := context.Background()
	odd := []string{"127", "32767", "2147483647", "9223372036854775808", "0", "12",
		strings.Repeat("x", 31), strings.Repeat("x", 8191), strings.Repeat("x", 65535),
		"-1", "-4096", "-4097", "4095", "8388607", "-8388608", "-9223372036854775808",
		"+1", "01", "-0", "", "1.5"}
	var long []string
	for i := range 3000 {
		long = append(long, strconv.Itoa(i*37-5000), "e"+strconv.Itoa(i))
	}
	lists := map[string][]string{"odd": odd, "long": long, "one": {"solo"}}
	move := func(from, to *redis.Client, key, dst string) {
		t.Helper()
		p, err := from.Dump(ctx, key).Result()
		if err != nil {
			t.Fatalf("DUMP %s: %v", key, err)
		}
		if err := to.RestoreReplace(ctx, dst, 0, p).Err(); err != nil {
			t.Fatalf("RESTORE %s: %v", dst, err)
		}
	}
	check := func(c *redis.Client, who, key string, want []string) {
		t.Helper()
		got, err := c.LRange(ctx, key, 0, -1).Result()
		if err != nil {
			t.Fatalf("%s LRANGE %s: %v", who, key, err)
		}
		if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
			t.Errorf("%s %s: %d elements, want %d (first differing at %d)", who, key, len(got), len(want), firstDiff(got, want))
		}
	}
	for _, sanitize := range []string{"no", "yes"} {
		if err := rs.ConfigSet(ctx, "sanitize-dump-payload", sanitize).Err(); err != nil {
			t.Fatal(err)
		}
		for name, items := range lists {
			args := make([]any, len(items))
			for i, s := range items {
				args[i] = s
			}
			rs.Del(ctx, name)
			vc.Del(ctx, name)
			rs.RPush(ctx, name, args...)
			vc.RPush(ctx, name, args...)
			move(vc, rs, name, name+":fromvcache")
			check(rs, "redis-server (sanitize "+sanitize+")", name+":fromvcache", items)
			if enc := rs.ObjectEncoding(ctx, name+":fromvcache").Val(); enc != "quicklist" {
				t.Errorf("redis-server's encoding of vcache's list %s: %s", name, enc)
			}
			move(rs, vc, name, name+":fromredis")
			check(vc, "vcache", name+":fromredis", items)
			move(vc, rs, name+":fromredis", name+":roundtrip")
			check(rs, "redis-server after the round trip", name+":roundtrip", items)
		}
	}
	if n := vc.LPush(ctx, "long:fromredis", "head").Val(); n != int64(len(long)+1) {
		t.Errorf("LPUSH on a restored list: length %d", n)
	}
}

// firstDiff returns the first index where a and b differ.
func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

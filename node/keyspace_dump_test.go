package node

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestDumpRestoreInterchange moves a key of each type, small (Redis's
// listpack and intset encodings) and large (hashtable, skiplist), with
// LZF-compressed and integer strings, from redis-server to vcache with
// DUMP/RESTORE and back, and compares the values on both sides.
func TestDumpRestoreInterchange(t *testing.T) {
	rs := startRedisServer(t)
	vc := startNode(t, nil).client(t)
	ctx := context.Background()
	fill := func(c *redis.Client) {
		c.Set(ctx, "str", "hello", 0)
		c.Set(ctx, "int", "-12345", 0)
		c.Set(ctx, "long", strings.Repeat("abc", 100), 0)
		c.HSet(ctx, "hsmall", "a", "1", "b", "two")
		c.SAdd(ctx, "sints", 5, -3, 70000, 1<<40)
		c.SAdd(ctx, "sstrs", "x", "y", "z")
		c.ZAdd(ctx, "zsmall", redis.Z{Score: 1.5, Member: "a"}, redis.Z{Score: -2, Member: "b"})
		for i := range 300 {
			c.HSet(ctx, "hbig", fmt.Sprintf("f%d", i), fmt.Sprintf("v%d", i))
			c.SAdd(ctx, "sbig", fmt.Sprintf("m%d", i))
			c.ZAdd(ctx, "zbig", redis.Z{Score: float64(i) / 3, Member: fmt.Sprintf("m%d", i)})
		}
	}
	fill(rs)
	keys := []string{"str", "int", "long", "hsmall", "sints", "sstrs", "zsmall", "hbig", "sbig", "zbig"}
	move := func(from, to *redis.Client, key, dst string) {
		t.Helper()
		p, err := from.Dump(ctx, key).Result()
		if err != nil {
			t.Fatalf("DUMP %s: %v", key, err)
		}
		if err := to.RestoreReplace(ctx, dst, time.Minute, p).Err(); err != nil {
			t.Fatalf("RESTORE %s: %v", dst, err)
		}
	}
	for _, k := range keys {
		move(rs, vc, k, k)
		if want, got := snapshotKey(t, rs, k), snapshotKey(t, vc, k); !reflect.DeepEqual(want, got) {
			t.Errorf("%s from redis-server: got %v, want %v", k, got, want)
		}
		if ttl := vc.TTL(ctx, k).Val(); ttl <= 58*time.Second || ttl > time.Minute {
			t.Errorf("%s: TTL %v after RESTORE with a minute", k, ttl)
		}
		move(vc, rs, k, k+":back")
		if want, got := snapshotKey(t, vc, k), snapshotKey(t, rs, k+":back"); !reflect.DeepEqual(want, got) {
			t.Errorf("%s back on redis-server: got %v, want %v", k, got, want)
		}
	}
	if enc := rs.ObjectEncoding(ctx, "sints:back").Val(); enc != "intset" {
		t.Errorf("redis-server's encoding of vcache's integer set: %s", enc)
	}
	if err := vc.Do(ctx, "VADD", "vs", "VALUES", "2", "1", "2", "e").Err(); err != nil {
		t.Fatal(err)
	}
	// A vector set has vcache's own payload (vectorset_dump_test.go),
	// which redis-server refuses.
	p, err := vc.Dump(ctx, "vs").Result()
	if err != nil {
		t.Fatalf("DUMP of a vector set: %v", err)
	}
	if err := rs.Restore(ctx, "vs", 0, p).Err(); err == nil || err.Error() != "ERR Bad data format" {
		t.Errorf("redis-server's RESTORE of vcache's vector set: %v, want ERR Bad data format", err)
	}
}

// snapshotKey renders a key's type and value in an order-free form.
func snapshotKey(t *testing.T, c *redis.Client, key string) []string {
	t.Helper()
	ctx := context.Background()
	typ := c.Type(ctx, key).Val()
	out := []string{typ}
	switch typ {
	case "string":
		out = append(out, c.Get(ctx, key).Val())
	case "hash":
		for f, v := range c.HGetAll(ctx, key).Val() {
			out = append(out, f+"="+v)
		}
	case "set":
		out = append(out, c.SMembers(ctx, key).Val()...)
	case "zset":
		for _, z := range c.ZRangeWithScores(ctx, key, 0, -1).Val() {
			out = append(out, fmt.Sprint(z.Member, "=", z.Score))
		}
	default:
		t.Fatalf("%s: type %q", key, typ)
	}
	slices.Sort(out[1:])
	return out
}

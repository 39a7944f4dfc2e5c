package node

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// zmodel is a brute-force sorted set: a map, sorted on every read.
type zmodel map[string]float64

func (m zmodel) sorted() []redis.Z {
	out := make([]redis.Z, 0, len(m))
	for k, v := range m {
		out = append(out, redis.Z{Member: k, Score: v})
	}
	slices.SortFunc(out, func(a, b redis.Z) int {
		switch {
		case a.Score < b.Score:
			return -1
		case a.Score > b.Score:
			return 1
		case a.Member.(string) < b.Member.(string):
			return -1
		case a.Member.(string) > b.Member.(string):
			return 1
		}
		return 0
	})
	return out
}

// TestZSetRanksMatchModel runs random writes against a node and a
// brute-force model and checks ranks, ranges, counts and pops agree after
// every step: the skiplist's span counts stay right through inserts,
// moves and deletions.
func TestZSetRanksMatchModel(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 17))
	m := zmodel{}
	member := func() string { return "m" + strconv.Itoa(rng.IntN(300)) }
	score := func() float64 { return float64(rng.IntN(50)) / 2 } // ties on purpose
	deadline := time.Now().Add(20 * time.Second)
	for step := 0; step < 3000 && time.Now().Before(deadline); step++ {
		switch op := rng.IntN(10); {
		case op < 5:
			mb, s := member(), score()
			if err := c.ZAdd(ctx, "z", redis.Z{Score: s, Member: mb}).Err(); err != nil {
				t.Fatal(err)
			}
			m[mb] = s
		case op < 6:
			mb, d := member(), score()-10
			got, err := c.ZIncrBy(ctx, "z", d, mb).Result()
			if err != nil {
				t.Fatal(err)
			}
			m[mb] += d
			if got != m[mb] {
				t.Fatalf("step %d: ZINCRBY %s = %v, want %v", step, mb, got, m[mb])
			}
		case op < 8:
			mb := member()
			n, err := c.ZRem(ctx, "z", mb).Result()
			if err != nil {
				t.Fatal(err)
			}
			_, had := m[mb]
			if (n == 1) != had {
				t.Fatalf("step %d: ZREM %s = %d, model had it: %v", step, mb, n, had)
			}
			delete(m, mb)
		case op < 9:
			got, err := c.ZPopMin(ctx, "z", 2).Result()
			if err != nil {
				t.Fatal(err)
			}
			want := m.sorted()[:min(2, len(m))]
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("step %d: ZPOPMIN 2 = %v, want %v", step, got, want)
			}
			for _, z := range want {
				delete(m, z.Member.(string))
			}
		default:
			lo, hi := score(), score()
			n, err := c.ZRemRangeByScore(ctx, "z", fmt.Sprint(lo), "("+fmt.Sprint(hi)).Result()
			if err != nil {
				t.Fatal(err)
			}
			removed := 0
			for k, v := range m {
				if v >= lo && v < hi {
					delete(m, k)
					removed++
				}
			}
			if int(n) != removed {
				t.Fatalf("step %d: ZREMRANGEBYSCORE = %d, want %d", step, n, removed)
			}
		}
		checkZModel(t, ctx, c, m, rng, step)
	}
}

func checkZModel(t *testing.T, ctx context.Context, c *redis.Client, m zmodel, rng *rand.Rand, step int) {
	t.Helper()
	want := m.sorted()
	if n, err := c.ZCard(ctx, "z").Result(); err != nil || int(n) != len(want) {
		t.Fatalf("step %d: ZCARD = %d %v, want %d", step, n, err, len(want))
	}
	if len(want) == 0 {
		return
	}
	// Ranks of a few members, both ways.
	for range 3 {
		i := rng.IntN(len(want))
		mb := want[i].Member.(string)
		r, err := c.ZRank(ctx, "z", mb).Result()
		if err != nil || int(r) != i {
			t.Fatalf("step %d: ZRANK %s = %d %v, want %d", step, mb, r, err, i)
		}
		rr, err := c.ZRevRank(ctx, "z", mb).Result()
		if err != nil || int(rr) != len(want)-1-i {
			t.Fatalf("step %d: ZREVRANK %s = %d %v, want %d", step, mb, rr, err, len(want)-1-i)
		}
	}
	// A rank window.
	a := rng.IntN(len(want))
	b := a + rng.IntN(5)
	got, err := c.ZRangeWithScores(ctx, "z", int64(a), int64(b)).Result()
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want[a:min(b+1, len(want))]) {
		t.Fatalf("step %d: ZRANGE %d %d = %v %v, want %v", step, a, b, got, err, want[a:min(b+1, len(want))])
	}
	// A score window with LIMIT, and its count.
	lo := float64(rng.IntN(50))/2 - 10
	hi := lo + float64(rng.IntN(20))
	var in []redis.Z
	for _, z := range want {
		if z.Score > lo && z.Score <= hi {
			in = append(in, z)
		}
	}
	off := rng.IntN(3)
	gotS, err := c.ZRangeByScoreWithScores(ctx, "z", &redis.ZRangeBy{Min: "(" + fmt.Sprint(lo), Max: fmt.Sprint(hi), Offset: int64(off), Count: 4}).Result()
	wantS := in[min(off, len(in)):min(off+4, len(in))]
	if err != nil || fmt.Sprint(gotS) != fmt.Sprint(wantS) {
		t.Fatalf("step %d: ZRANGEBYSCORE (%v %v LIMIT %d 4 = %v %v, want %v", step, lo, hi, off, gotS, err, wantS)
	}
	if n, err := c.ZCount(ctx, "z", "("+fmt.Sprint(lo), fmt.Sprint(hi)).Result(); err != nil || int(n) != len(in) {
		t.Fatalf("step %d: ZCOUNT = %d %v, want %d", step, n, err, len(in))
	}
	if step%100 == 0 {
		all, err := c.ZRangeWithScores(ctx, "z", 0, -1).Result()
		if err != nil || fmt.Sprint(all) != fmt.Sprint(want) {
			t.Fatalf("step %d: ZRANGE 0 -1 = %v %v, want %v", step, all, err, want)
		}
	}
}

// TestZSetSurvivesRestart saves sorted sets (with infinite, negative and
// fractional scores, a TTL, and one large enough to matter) and finds them
// the same after a restart.
func TestZSetSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	tn := startNode(t, func(c *Config) { c.Dir = dir })
	c := tn.client(t)
	ctx := context.Background()
	c.ZAdd(ctx, "small", redis.Z{Score: math.Inf(-1), Member: "low"}, redis.Z{Score: 0.1, Member: "tenth"},
		redis.Z{Score: -2.5, Member: "neg"}, redis.Z{Score: math.Inf(1), Member: "high"}, redis.Z{Score: 0.1, Member: "tenth2"})
	var big []redis.Z
	for i := range 5000 {
		big = append(big, redis.Z{Score: float64(i % 97), Member: fmt.Sprintf("member:%d", i)})
	}
	c.ZAdd(ctx, "big", big...)
	c.Expire(ctx, "small", time.Hour)
	before := map[string][]redis.Z{}
	for _, k := range []string{"small", "big"} {
		before[k] = c.ZRangeWithScores(ctx, k, 0, -1).Val()
	}
	if err := c.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	tn.stop()
	tn2 := startNode(t, func(c *Config) { c.Dir = dir })
	c2 := tn2.client(t)
	for k, want := range before {
		got, err := c2.ZRangeWithScores(ctx, k, 0, -1).Result()
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s after restart: %d members %v, want %d", k, len(got), err, len(want))
		}
		if typ := c2.Type(ctx, k).Val(); typ != "zset" {
			t.Fatalf("TYPE %s = %q", k, typ)
		}
	}
	if ttl := c2.TTL(ctx, "small").Val(); ttl <= 0 || ttl > time.Hour {
		t.Fatalf("TTL after restart = %v", ttl)
	}
	if r, err := c2.ZRank(ctx, "big", "member:4999").Result(); err != nil || int(r) != slices.IndexFunc(before["big"], func(z redis.Z) bool { return z.Member == "member:4999" }) {
		t.Fatalf("ZRANK after restart = %d %v", r, err)
	}
	raw := testutil.Dial(t, tn2.addr)
	if s := raw.Do("ZSCORE", "small", "tenth"); s != "$19\r\n0.10000000000000001\r\n" {
		t.Fatalf("ZSCORE after restart = %q", s)
	}
	raw.Do3("HELLO", "3")
	if s := raw.Do3("ZSCORE", "small", "tenth"); s != ",0.10000000000000001\r\n" {
		t.Fatalf("RESP3 ZSCORE after restart = %q", s)
	}
}

// TestZSetStoreAcrossTypes: ZUNIONSTORE replaces a destination of another
// type and drops its TTL; an empty result deletes the destination.
func TestZSetStoreAcrossTypes(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	c.ZAdd(ctx, "a", redis.Z{Score: 1, Member: "x"})
	c.Set(ctx, "dst", "string", time.Hour)
	if n, err := c.ZUnionStore(ctx, "dst", &redis.ZStore{Keys: []string{"a", "nokey"}}).Result(); err != nil || n != 1 {
		t.Fatalf("ZUNIONSTORE = %d %v", n, err)
	}
	if typ, ttl := c.Type(ctx, "dst").Val(), c.TTL(ctx, "dst").Val(); typ != "zset" || ttl != -1 {
		t.Fatalf("dst is %s with TTL %v", typ, ttl)
	}
	if n, err := c.ZInterStore(ctx, "dst", &redis.ZStore{Keys: []string{"a", "nokey"}}).Result(); err != nil || n != 0 {
		t.Fatalf("ZINTERSTORE = %d %v", n, err)
	}
	if c.Exists(ctx, "dst").Val() != 0 {
		t.Fatal("an empty ZINTERSTORE left dst")
	}
	if mem := c.MemoryUsage(ctx, "a").Val(); mem <= 0 {
		t.Fatalf("MEMORY USAGE = %d", mem)
	}
}

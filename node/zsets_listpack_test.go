package node

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func encodingOf(t *testing.T, c *redis.Client, key string) string {
	t.Helper()
	e, err := c.ObjectEncoding(context.Background(), key).Result()
	if err != nil {
		t.Fatalf("OBJECT ENCODING %s: %v", key, err)
	}
	return e
}

// TestZSetListpackConfig: CONFIG SET of the zset-max-ziplist-* aliases
// moves the points where a sorted set stops being packed, and CONFIG GET
// reads the value under both names.
func TestZSetListpackConfig(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	if err := c.ConfigSet(ctx, "zset-max-ziplist-entries", "2").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.ConfigSet(ctx, "zset-max-ziplist-value", "5").Err(); err != nil {
		t.Fatal(err)
	}
	if got := c.ConfigGet(ctx, "zset-max-listpack-*").Val(); got["zset-max-listpack-entries"] != "2" || got["zset-max-listpack-value"] != "5" {
		t.Fatalf("CONFIG GET: %v", got)
	}
	c.ZAdd(ctx, "z", redis.Z{Score: 1, Member: "a"}, redis.Z{Score: 2, Member: "b"})
	if e := encodingOf(t, c, "z"); e != "listpack" {
		t.Fatalf("2 members: %s", e)
	}
	c.ZAdd(ctx, "z", redis.Z{Score: 3, Member: "c"})
	if e := encodingOf(t, c, "z"); e != "skiplist" {
		t.Fatalf("3 members over a limit of 2: %s", e)
	}
	c.ZAdd(ctx, "w", redis.Z{Score: 1, Member: "sixsix"})
	if e := encodingOf(t, c, "w"); e != "skiplist" {
		t.Fatalf("a 6-byte member over a limit of 5: %s", e)
	}
	if got := c.ZRangeWithScores(ctx, "z", 0, -1).Val(); len(got) != 3 || got[2].Member != "c" || got[2].Score != 3 {
		t.Fatalf("members after conversion: %v", got)
	}
}

// TestZSetEncodingsSurviveRestart: a small sorted set comes back packed
// and a large one as a skiplist, with the same members and scores; DUMP
// and RESTORE, and COPY, keep them too.
func TestZSetEncodingsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	withDir := func(c *Config) { c.Dir = dir }
	tn := startNode(t, withDir)
	c := tn.client(t)
	ctx := context.Background()
	var big []redis.Z
	for i := 0; i < 1000; i++ {
		big = append(big, redis.Z{Score: float64(i) / 3, Member: fmt.Sprintf("m%d", i)})
	}
	c.ZAdd(ctx, "big", big...)
	c.ZAdd(ctx, "small", redis.Z{Score: 1.5, Member: "x"}, redis.Z{Score: -2, Member: "42"}, redis.Z{Score: 1e300, Member: "y"})
	dump := c.Dump(ctx, "small").Val()
	if err := c.Restore(ctx, "restored", 0, dump).Err(); err != nil {
		t.Fatal(err)
	}
	c.Copy(ctx, "big", "bigcopy", 0, false)
	if err := c.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	tn.stop()

	tn2 := startNode(t, withDir)
	c2 := tn2.client(t)
	for key, want := range map[string]string{"big": "skiplist", "bigcopy": "skiplist", "small": "listpack", "restored": "listpack"} {
		if e := encodingOf(t, c2, key); e != want {
			t.Fatalf("%s after restart: %s, want %s", key, e, want)
		}
	}
	for _, key := range []string{"small", "restored"} {
		got := c2.ZRangeWithScores(ctx, key, 0, -1).Val()
		if fmt.Sprint(got) != "[{-2 42} {1.5 x} {1e+300 y}]" {
			t.Fatalf("%s after restart: %v", key, got)
		}
	}
	got := c2.ZRangeWithScores(ctx, "bigcopy", 0, -1).Val()
	if len(got) != 1000 || got[999].Member != "m999" || got[3].Score != 1 {
		t.Fatalf("bigcopy after restart: %d members", len(got))
	}
}

// TestBZPopWakesOnZAdd: BZPOPMIN and BZPOPMAX block on missing keys and
// are served, in the order they blocked, by a ZADD from another client.
func TestBZPopWakesOnZAdd(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	type res struct {
		z   *redis.ZWithKey
		err error
	}
	minCh, maxCh := make(chan res, 1), make(chan res, 1)
	c1, c2 := tn.client(t), tn.client(t)
	go func() {
		z, err := c1.BZPopMin(ctx, 0, "none", "z").Result()
		minCh <- res{z, err}
	}()
	waitBlocked(t, c, 1)
	go func() {
		z, err := c2.BZPopMax(ctx, 0, "z").Result()
		maxCh <- res{z, err}
	}()
	waitBlocked(t, c, 2)
	if err := c.ZAdd(ctx, "z", redis.Z{Score: 1, Member: "a"}, redis.Z{Score: 2, Member: "b"}, redis.Z{Score: 3, Member: "c"}).Err(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ch     chan res
		member string
		score  float64
	}{{minCh, "a", 1}, {maxCh, "c", 3}} {
		select {
		case r := <-tc.ch:
			if r.err != nil || r.z.Key != "z" || r.z.Member != tc.member || r.z.Score != tc.score {
				t.Fatalf("served %+v %v, want z %s %v", r.z, r.err, tc.member, tc.score)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("a blocked BZPOP got no reply within 5s")
		}
	}
	if got := c.ZRange(ctx, "z", 0, -1).Val(); len(got) != 1 || got[0] != "b" {
		t.Fatalf("left after the pops: %v", got)
	}
}

// TestBZPopTimeout: a fractional timeout ends the wait with a null reply
// no sooner than it says; a zero timeout waits until served.
func TestBZPopTimeout(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	start := time.Now()
	if err := c.Do(ctx, "BZPOPMAX", "none", "0.15").Err(); err != redis.Nil {
		t.Fatalf("BZPOPMAX after its timeout: %v, want nil", err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("BZPOPMAX timed out after %v, before its 0.15s", d)
	}
	start = time.Now()
	if err := c.Do(ctx, "BZMPOP", "0.1", "2", "none", "none2", "MIN").Err(); err != redis.Nil {
		t.Fatalf("BZMPOP after its timeout: %v, want nil", err)
	}
	if d := time.Since(start); d < 100*time.Millisecond {
		t.Fatalf("BZMPOP timed out after %v, before its 0.1s", d)
	}
	if blockedClients(t, c) != 0 {
		t.Fatal("a timed-out client is still counted as blocked")
	}
}

// TestBZMPopServedWithCount: BZMPOP waiting with COUNT 2 on two keys gets
// up to two members of the key that got them, and the rest stay.
func TestBZMPopServedWithCount(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	ch := make(chan []any, 1)
	errs := make(chan error, 1)
	c1 := tn.client(t)
	go func() {
		v, err := c1.Do(ctx, "BZMPOP", "0", "2", "z1", "z2", "MAX", "COUNT", "2").Slice()
		ch <- v
		errs <- err
	}()
	waitBlocked(t, c, 1)
	c.ZAdd(ctx, "z2", redis.Z{Score: 1, Member: "a"}, redis.Z{Score: 2, Member: "b"}, redis.Z{Score: 3, Member: "c"})
	select {
	case v := <-ch:
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(v); got != "[z2 [[c 3] [b 2]]]" {
			t.Fatalf("BZMPOP served %s", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("BZMPOP got no reply within 5s")
	}
	if n := c.ZCard(ctx, "z2").Val(); n != 1 {
		t.Fatalf("z2 has %d members left, want 1", n)
	}
}

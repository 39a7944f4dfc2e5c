package node

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestIntsetHoldsNoSpareCapacity: an integer set filled by one SADD, or
// one member at a time, costs about 8 bytes a member in MEMORY USAGE,
// not the doubled capacity of a growing slice, and used_memory falls by
// that MEMORY USAGE when the key is deleted.
func TestIntsetHoldsNoSpareCapacity(t *testing.T) {
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	ints := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = 1000 + i
		}
		return out
	}
	c.SAdd(ctx, "s:1", ints(1)...)
	c.SAdd(ctx, "s:a", ints(10)...)
	for _, m := range ints(10) {
		c.SAdd(ctx, "s:b", m)
	}
	c.SAdd(ctx, "s:c", ints(100)...)
	for _, k := range []string{"s:1", "s:a", "s:b", "s:c"} {
		wantEncoding(t, c, k, "intset")
	}
	one := c.MemoryUsage(ctx, "s:1").Val()
	for _, tc := range []struct {
		key    string
		n      int64
		perMem int64 // bytes a member may cost, size-class rounding included
	}{{"s:a", 10, 8}, {"s:b", 10, 8}, {"s:c", 100, 9}} {
		got := c.MemoryUsage(ctx, tc.key).Val()
		if d := got - one; d <= 0 || d > tc.n*tc.perMem {
			t.Errorf("MEMORY USAGE %s (%d members) = %d, %d more than 1 member; want at most %d", tc.key, tc.n, got, d, tc.n*tc.perMem)
		}
		if n := c.SCard(ctx, tc.key).Val(); n != tc.n {
			t.Errorf("SCARD %s = %d, want %d", tc.key, n, tc.n)
		}
	}
	if m := c.SMembers(ctx, "s:b").Val(); len(m) != 10 || m[0] != "1000" || m[9] != "1009" {
		t.Errorf("SMEMBERS s:b = %v", m)
	}
	wantDelFrees(t, c, "s:c")
}

// TestIntsetPacksSmallIntegers: integers that fit 16 bits cost 2 bytes
// each, as in Redis; a wider member widens the set, which keeps every
// member, ascending, through SISMEMBER, SREM and SPOP.
func TestIntsetPacksSmallIntegers(t *testing.T) {
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	small := make([]any, 100)
	for i := range small {
		small[i] = i * 3
	}
	c.SAdd(ctx, "one", 0)
	c.SAdd(ctx, "small", small...)
	if d := c.MemoryUsage(ctx, "small").Val() - c.MemoryUsage(ctx, "one").Val(); d <= 0 || d > 100*2+8 {
		t.Errorf("100 16-bit members cost %d bytes more than 1; want at most %d", d, 100*2+8)
	}
	c.SAdd(ctx, "w", 5, 3, -7)
	c.SAdd(ctx, "w", -70000)
	c.SAdd(ctx, "w", int64(1)<<40, 4)
	c.SAdd(ctx, "w", -(int64(1) << 40))
	wantEncoding(t, c, "w", "intset")
	want := []string{"-1099511627776", "-70000", "-7", "3", "4", "5", "1099511627776"}
	got := c.SMembers(ctx, "w").Val()
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("SMEMBERS w = %v, want %v", got, want)
	}
	for _, m := range want {
		if !c.SIsMember(ctx, "w", m).Val() {
			t.Errorf("SISMEMBER w %s = false", m)
		}
	}
	if c.SIsMember(ctx, "w", "6").Val() || c.SIsMember(ctx, "w", "-70001").Val() {
		t.Error("SISMEMBER of an absent integer = true")
	}
	if n := c.SRem(ctx, "w", "-7", "1099511627776", "8").Val(); n != 2 {
		t.Errorf("SREM = %d, want 2", n)
	}
	want = []string{"-1099511627776", "-70000", "3", "4", "5"}
	if got := c.SMembers(ctx, "w").Val(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("SMEMBERS w after SREM = %v, want %v", got, want)
	}
	if n := c.SAdd(ctx, "w", "3", "x").Val(); n != 1 {
		t.Errorf("SADD of a string = %d, want 1", n)
	}
	wantEncoding(t, c, "w", "hashtable")
	if n := c.SCard(ctx, "w").Val(); n != 6 {
		t.Errorf("SCARD w = %d, want 6", n)
	}
}

// TestIntsetPacksToTheByte: an intset's values take the least bytes
// that hold them (1 to 8), not Redis's 2, 4 or 8: ten members below
// 8388608 cost 30 bytes, a 32-byte allocation with the set's header
// where 4-byte values took 48. Members at every width's edges read back
// as redis-server gives them (SMEMBERS ascending, SISMEMBER, SRANDMEMBER
// of a count past the size), also after a member widens the set.
func TestIntsetPacksToTheByte(t *testing.T) {
	c := startNode(t, nil).client(t)
	ref := startRedisServer(t)
	ctx := context.Background()
	var ints []any
	for i := range 10 {
		ints = append(ints, 1_000_000+i)
	}
	c.SAdd(ctx, "one", 1_000_000)
	c.SAdd(ctx, "ten", ints...)
	wantEncoding(t, c, "ten", "intset")
	if d := c.MemoryUsage(ctx, "ten").Val() - c.MemoryUsage(ctx, "one").Val(); d > 32-8 {
		t.Errorf("ten members below 8388608 cost %d bytes more than one; want at most %d", d, 32-8)
	}
	for w := 1; w <= 8; w++ {
		hi := int64(math.MaxInt64)
		if w < 8 {
			hi = int64(1)<<(8*w-1) - 1
		}
		lo := -hi - 1
		key := "w" + strconv.Itoa(w)
		members := []any{lo, lo + 1, hi, hi - 1, 0, -1, 1, lo / 3, hi / 3}
		for _, cl := range []*redis.Client{c, ref} {
			cl.SAdd(ctx, key, members...)
		}
		check := func(when string) {
			t.Helper()
			got, want := c.SMembers(ctx, key).Val(), ref.SMembers(ctx, key).Val()
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("%s %s: SMEMBERS vcache %v, redis-server %v", key, when, got, want)
			}
			for _, m := range append(want, strconv.FormatInt(hi/3+1, 10)) {
				if g, w := c.SIsMember(ctx, key, m).Val(), ref.SIsMember(ctx, key, m).Val(); g != w {
					t.Errorf("%s %s: SISMEMBER %s vcache %v, redis-server %v", key, when, m, g, w)
				}
			}
			got = c.SRandMemberN(ctx, key, 100).Val()
			slices.Sort(got)
			want = ref.SRandMemberN(ctx, key, 100).Val()
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s %s: SRANDMEMBER 100 vcache %v, redis-server %v", key, when, got, want)
			}
		}
		check("")
		wantEncoding(t, c, key, "intset")
		wide := hi - 2 // width 8 has no wider
		if w < 8 {
			wide = hi + 1
		}
		for _, cl := range []*redis.Client{c, ref} {
			cl.SAdd(ctx, key, wide)
			cl.SRem(ctx, key, lo+1)
		}
		check("widened")
	}
}

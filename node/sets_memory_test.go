package node

import (
	"context"
	"strings"
	"testing"
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

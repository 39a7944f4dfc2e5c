package node

import (
	"context"
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
	p := c.MemoryUsage(ctx, "s:c").Val()
	before := usedMemory(t, c)
	c.Del(ctx, "s:c")
	if d := before - usedMemory(t, c); d != p {
		t.Errorf("used_memory fell by %d deleting a key of MEMORY USAGE %d", d, p)
	}
}

package node

import (
	"context"
	"fmt"
	"testing"
)

// TestVAddJudgedWithItsGrowth: under noeviction a VADD is judged with
// the bytes it adds at once, as an HSET into an FT index is: filled to
// just under maxmemory, a VADD that would grow a full set's graph (64
// elements: the next takes room for 64 more) or make a new set (room for
// 64 elements) answers Redis's OOM error and writes nothing: VCARD is
// unchanged, the new key absent, used_memory still within maxmemory. A
// VADD that replaces an element's vector adds nothing and is taken.
// Before, the VADD was judged by used memory alone and the set grew past
// the limit.
func TestVAddJudgedWithItsGrowth(t *testing.T) {
	const maxmem = 2 << 20
	tn := startNode(t, func(c *Config) { c.Cache.MaxMemory = maxmem })
	c := memClient(t, tn)
	ctx := context.Background()
	vadd := func(key string, i int) error {
		return c.Do(ctx, "VADD", key, "FP32", memVec(i), fmt.Sprintf("e%d", i)).Err()
	}
	for i := 0; i < 64; i++ {
		if err := vadd("vs", i); err != nil {
			t.Fatal(err)
		}
	}
	// Fill with strings until OOM, then give back two of them: less than a
	// kilobyte or two of room is left, far less than the graph's growth.
	val := make([]byte, 1000)
	n := 0
	for ; ; n++ {
		err := c.Set(ctx, fmt.Sprintf("s:%d", n), val, 0).Err()
		if err != nil {
			if err.Error() != oomMsg {
				t.Fatal(err)
			}
			break
		}
		if n > 4000 {
			t.Fatal("4000 strings of 1000 B fit 2 MB of maxmemory")
		}
	}
	if err := c.Del(ctx, fmt.Sprintf("s:%d", n-1), fmt.Sprintf("s:%d", n-2)).Err(); err != nil {
		t.Fatal(err)
	}
	before := memInfo(t, c)
	if room := maxmem - evictable(before); room < 0 || room > 8<<10 {
		t.Fatalf("room left under maxmemory %d B", room)
	}
	if err := vadd("vs", 64); err == nil || err.Error() != oomMsg {
		t.Fatalf("VADD growing the set's graph: %v, want %q", err, oomMsg)
	}
	if got := c.Do(ctx, "VCARD", "vs").Val(); got != int64(64) {
		t.Fatalf("VCARD after the refused VADD: %v, want 64", got)
	}
	if err := vadd("vs2", 0); err == nil || err.Error() != oomMsg {
		t.Fatalf("VADD making a new set: %v, want %q", err, oomMsg)
	}
	if got := c.Exists(ctx, "vs2").Val(); got != 0 {
		t.Fatalf("EXISTS vs2 after the refused VADD: %d", got)
	}
	if after := memInfo(t, c); evictable(after) > maxmem {
		t.Fatalf("used_memory less mem_not_counted_for_evict %d after the refused VADDs, maxmemory %d", evictable(after), maxmem)
	}
	// Replacing an element's vector adds nothing: taken.
	if err := c.Do(ctx, "VADD", "vs", "FP32", memVec(100), "e3").Err(); err != nil {
		t.Fatalf("VADD of an element already in the set: %v", err)
	}
	if got := c.Do(ctx, "VCARD", "vs").Val(); got != int64(64) {
		t.Fatalf("VCARD after replacing an element: %v, want 64", got)
	}
}

// oomMsg is Redis's OOM error as go-redis gives it.
const oomMsg = "OOM command not allowed when used memory > 'maxmemory'."

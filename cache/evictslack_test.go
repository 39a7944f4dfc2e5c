package cache

import (
	"bytes"
	"fmt"
	"testing"
)

// TestEvictSlack: under an eviction policy the slack counts beside used
// memory, so eviction keeps used memory that much below maxmemory; it
// refuses nothing on its own (volatile-lru with no volatile key left
// takes the write while used memory fits), and noeviction ignores it
// (EvictSlack 0, writes taken up to maxmemory).
func TestEvictSlack(t *testing.T) {
	const limit, slack = 1 << 20, 256 << 10
	fill := func(ks *Keyspace, n int, ttl bool) (refused int) {
		for i := 0; i < n; i++ {
			if ks.OverMemory() {
				refused++
				continue
			}
			opt := SetOptions{}
			if ttl {
				opt.At = 1 << 50
			}
			ks.Set(fmt.Appendf(nil, "k:%d", i), bytes.Repeat([]byte("v"), 200), opt)
		}
		return refused
	}
	for _, p := range []Policy{AllKeysLRU, AllKeysLFU, VolatileTTL} {
		ks := newKS(t, func(c *Config) { c.MaxMemory, c.Policy = limit, p })
		ks.SetEvictSlack(slack)
		if refused := fill(ks, 20000, true); refused != 0 {
			t.Fatalf("%v: %d writes refused", p, refused)
		}
		if used := ks.UsedMemory(); used > limit-slack+1024 || used < limit-slack-8<<10 {
			t.Fatalf("%v: used memory %d with slack %d, maxmemory %d", p, used, slack, limit)
		}
		if got := ks.EvictSlack(); got != slack {
			t.Fatalf("%v: EvictSlack %d", p, got)
		}
	}
	// Persistent keys under volatile-lru: nothing to evict, so the writes
	// go on while used memory fits maxmemory, slack or not.
	ks := newKS(t, func(c *Config) { c.MaxMemory, c.Policy = limit, VolatileLRU })
	ks.SetEvictSlack(slack)
	fill(ks, 20000, false)
	if used := ks.UsedMemory(); used < limit || used > limit+1024 {
		t.Fatalf("volatile-lru, no volatile keys: used memory %d, maxmemory %d", used, limit)
	}
	ks = newKS(t, func(c *Config) { c.MaxMemory, c.Policy = limit, NoEviction })
	ks.SetEvictSlack(slack)
	fill(ks, 20000, false)
	if used, got := ks.UsedMemory(), ks.EvictSlack(); used < limit || used > limit+1024 || got != 0 {
		t.Fatalf("noeviction: used memory %d, maxmemory %d, EvictSlack %d", used, limit, got)
	}
}

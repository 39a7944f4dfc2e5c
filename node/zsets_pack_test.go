package node

import (
	"context"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestSmallZSetsCostLittle: a packed sorted set of one or five short
// members costs at most 72 and 88 bytes in MEMORY USAGE (Redis 7.0
// says 64 and 80, without its dict entry; its used_memory grows by 88 and
// 104 a key), used_memory falls by that when it is deleted, and ZCARD,
// ZRANGE and ZRANK follow adds and removes.
func TestSmallZSetsCostLittle(t *testing.T) {
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	c.ZAdd(ctx, "z:1", redis.Z{Score: 1, Member: "m"})
	var five []redis.Z
	for i, m := range []string{"a", "b", "c", "d", "e"} {
		five = append(five, redis.Z{Score: float64(i + 1), Member: m})
	}
	c.ZAdd(ctx, "z:5", five...)
	wantSmallKeys(t, c, "listpack", map[string]int64{"z:1": 72, "z:5": 88})
	wantDelFrees(t, c, "z:5")

	c.ZAdd(ctx, "z", five...)
	c.ZRem(ctx, "z", "c", "zz")
	c.ZAdd(ctx, "z", redis.Z{Score: 0, Member: "f"}, redis.Z{Score: 9, Member: "a"})
	if n := c.ZCard(ctx, "z").Val(); n != 5 {
		t.Errorf("ZCARD = %d, want 5", n)
	}
	if got := fmt.Sprint(c.ZRange(ctx, "z", 0, -1).Val()); got != "[f b d e a]" {
		t.Errorf("ZRANGE = %s, want [f b d e a]", got)
	}
	if r := c.ZRank(ctx, "z", "a").Val(); r != 4 {
		t.Errorf("ZRANK a = %d, want 4", r)
	}
	if got := fmt.Sprint(c.ZRevRange(ctx, "z", 1, 2).Val()); got != "[e d]" {
		t.Errorf("ZREVRANGE 1 2 = %s, want [e d]", got)
	}
}

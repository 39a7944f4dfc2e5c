package node

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// TestSmallIntsetsCostLittle: a set of one or five small integers costs
// at most 72 and 80 bytes in MEMORY USAGE (Redis 7.0 says 64 and 80,
// without its dict entry), used_memory falls by that when it is deleted,
// and SADD, SREM, SMOVE and SPOP on such sets answer from their current
// members.
func TestSmallIntsetsCostLittle(t *testing.T) {
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	c.SAdd(ctx, "s:1", 1)
	c.SAdd(ctx, "s:5", 1, 2, 3, 4, 5)
	wantSmallKeys(t, c, "intset", map[string]int64{"s:1": 72, "s:5": 80})
	wantDelFrees(t, c, "s:5")

	c.SAdd(ctx, "s", 5, 3, 1, 4, 2)
	if n := c.SRem(ctx, "s", 3, 9).Val(); n != 1 {
		t.Errorf("SREM s 3 9 = %d, want 1", n)
	}
	c.SAdd(ctx, "s", -70000, 9)
	if ok := c.SMove(ctx, "s", "d", 9).Val(); !ok {
		t.Error("SMOVE s d 9 = false, want true")
	}
	if got := fmt.Sprint(c.SMembers(ctx, "s").Val()); got != "[-70000 1 2 4 5]" {
		t.Errorf("SMEMBERS s = %s, want [-70000 1 2 4 5]", got)
	}
	if got := fmt.Sprint(c.SMembers(ctx, "d").Val()); got != "[9]" {
		t.Errorf("SMEMBERS d = %s, want [9]", got)
	}
	popped := c.SPopN(ctx, "s", 5).Val()
	slices.Sort(popped)
	if fmt.Sprint(popped) != "[-70000 1 2 4 5]" || c.Exists(ctx, "s").Val() != 0 {
		t.Errorf("SPOP s 5 = %v, EXISTS s = %d; want every member and the key gone", popped, c.Exists(ctx, "s").Val())
	}
}

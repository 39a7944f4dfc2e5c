package node

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"
)

// wantSmallKeys fails t unless each key of most has the encoding and a
// MEMORY USAGE of at most its bytes.
func wantSmallKeys(t *testing.T, c *redis.Client, encoding string, most map[string]int64) {
	t.Helper()
	for key, n := range most {
		wantEncoding(t, c, key, encoding)
		if got := c.MemoryUsage(context.Background(), key).Val(); got > n {
			t.Errorf("MEMORY USAGE %s = %d, want at most %d", key, got, n)
		}
	}
}

// wantDelFrees deletes key and fails t unless used_memory falls by the
// key's MEMORY USAGE.
func wantDelFrees(t *testing.T, c *redis.Client, key string) {
	t.Helper()
	ctx := context.Background()
	p := c.MemoryUsage(ctx, key).Val()
	before := usedMemory(t, c)
	c.Del(ctx, key)
	if d := before - usedMemory(t, c); d != p {
		t.Errorf("used_memory fell by %d deleting %s, of MEMORY USAGE %d", d, key, p)
	}
}

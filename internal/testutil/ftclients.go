package testutil

import (
	"context"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"
)

// protoClients returns a RESP2 and a RESP3 go-redis client of addr, the
// RESP3 one handing RediSearch's structures over raw (UnstableResp3);
// both close when the test ends.
func protoClients(t testing.TB, addr string) (c2, c3 *redis.Client) {
	c2 = redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, MaxRetries: -1})
	t.Cleanup(func() { c2.Close() })
	c3 = redis.NewClient(&redis.Options{Addr: addr, Protocol: 3, UnstableResp3: true, MaxRetries: -1})
	t.Cleanup(func() { c3.Close() })
	return c2, c3
}

// createFTJSON sets prefix:1..3 to FTJSONDocs through c and creates the
// index prefix ON JSON over them: arr, num (SORTABLE) and str, then the
// fields of extra.
func createFTJSON(t testing.TB, c *redis.Client, prefix string, extra ...any) {
	t.Helper()
	ctx := context.Background()
	for i, d := range FTJSONDocs {
		if err := c.Do(ctx, "JSON.SET", fmt.Sprintf("%s:%d", prefix, i+1), "$", d).Err(); err != nil {
			t.Fatal(err)
		}
	}
	args := append([]any{"FT.CREATE", prefix, "ON", "JSON", "PREFIX", "1", prefix + ":", "SCHEMA",
		"$.arr", "AS", "arr", "NUMERIC", "$.num", "AS", "num", "NUMERIC", "SORTABLE",
		"$.str", "AS", "str", "TEXT"}, extra...)
	if err := c.Do(ctx, args...).Err(); err != nil {
		t.Fatal(err)
	}
}

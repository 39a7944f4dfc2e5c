package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// watchHealed reads and writes key on c, the node just reconnected after
// it was cut off and its slots went to the majority, from the moment of
// the heal until it follows the majority's map: it answers GET with want
// or redirects (MOVED). Meanwhile it may refuse (CLUSTERDOWN, a timeout
// while the link comes up) but must never serve the old value, stale,
// nor acknowledge a write, which the majority's map would lose. The loop
// is bounded in time and in count. It returns how many GETs it sent.
func watchHealed(t *testing.T, c *redis.Client, key, stale, want string) int {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	last := ""
	for n := 1; n <= 200000 && time.Now().Before(deadline); n++ {
		v, err := c.Get(ctx, key).Result()
		switch {
		case err == nil && v == stale:
			t.Fatalf("GET %d after the heal served the old value of %s (%q): its slot had moved to the majority", n, key, v)
		case err == nil && v == want, err != nil && strings.HasPrefix(err.Error(), "MOVED "):
			return n
		case err == nil:
			t.Fatalf("GET %d after the heal: %s = %q, want %q, %q refused or MOVED", n, key, v, want, stale)
		}
		last = err.Error()
		if c.Set(ctx, key, "healed-minority", 0).Err() == nil {
			t.Fatalf("after the heal the cut-off node acknowledged SET %s before it followed the majority's map", key)
		}
	}
	t.Fatalf("the healed node did not follow the majority's map within 30s; last answer %q", last)
	return 0
}

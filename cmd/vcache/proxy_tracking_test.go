package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"

	"github.com/vcache/vcache/internal/testutil"
)

// TestProxyTrackingOverVcacheNodes: rueidis's client-side cache through
// the proxy over three vcache nodes. A cached GET is served from memory
// until the key is written by another client, through the proxy or
// straight on the nodes; then the next GET reads the new value.
func TestProxyTrackingOverVcacheNodes(t *testing.T) {
	nodes, addr := txCluster(t)
	ctx := context.Background()
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{addr}, ForceSingleClient: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	w := redis.NewClient(&redis.Options{Addr: addr})
	defer w.Close()
	var keys []string
	for i := range 6 {
		keys = append(keys, fmt.Sprintf("cached:%d", i))
	}
	spreadKeys := append([]string(nil), keys...)
	for _, k := range keys {
		w.Set(ctx, k, "v1", 0)
	}
	spread(t, nodes, spreadKeys...)
	get := func(k string) (string, bool) {
		t.Helper()
		r := c.DoCache(ctx, c.B().Get().Key(k).Cache(), time.Minute)
		v, err := r.ToString()
		if err != nil {
			t.Fatalf("DoCache GET %s: %v", k, err)
		}
		return v, r.IsCacheHit()
	}
	waitValue := func(k, want string) {
		t.Helper()
		if err := testutil.Until(5*time.Second, func() error {
			if v, _ := get(k); v != want {
				return fmt.Errorf("GET %s = %q, want %q", k, v, want)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range keys {
		get(k)
		if v, hit := get(k); v != "v1" || !hit {
			t.Fatalf("second GET %s = %q hit %v, want v1 from the cache", k, v, hit)
		}
		w.Set(ctx, k, "v2", 0) // another client of the proxy
		waitValue(k, "v2")
		// Straight on the node that holds k (the others answer MOVED
		// or store a copy the proxy never reads).
		for _, n := range nodes {
			testutil.Do(n, "SET", k, "v3")
		}
		waitValue(k, "v3")
		if v, hit := get(k); v != "v3" || !hit {
			t.Fatalf("GET %s after the refresh = %q hit %v, want v3 from the cache", k, v, hit)
		}
	}
}

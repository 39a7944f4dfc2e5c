package main

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/vcache/vcache/internal/testutil"
)

// TestProxyConfigReachesEveryNode: what Spring Session and Redisson do at
// start — CONFIG SET notify-keyspace-events through the one endpoint, then
// subscribe to expiry events — works over a cluster with replicas: every
// node, replicas included, takes the setting, CONFIG GET through the proxy
// reads it back, and an expiry on any shard reaches the subscriber.
func TestProxyConfigReachesEveryNode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs processes")
	}
	bin := buildVcache(t)
	procs, _, _, addr := startReplicatedProxy(t, bin)
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()

	if err := c.ConfigSet(ctx, "notify-keyspace-events", "Ex").Err(); err != nil {
		t.Fatalf("CONFIG SET notify-keyspace-events through the proxy: %v", err)
	}
	want := c.ConfigGet(ctx, "notify-keyspace-events").Val()["notify-keyspace-events"]
	if want != "xE" {
		t.Fatalf("CONFIG GET notify-keyspace-events through the proxy = %q, want xE (as redis-server words it)", want)
	}
	for _, p := range procs {
		n := redis.NewClient(&redis.Options{Addr: p.addr})
		testutil.WaitFor(t, 10*time.Second, func() bool {
			return n.ConfigGet(ctx, "notify-keyspace-events").Val()["notify-keyspace-events"] == want
		}, "node "+p.addr+" to take notify-keyspace-events")
		n.Close()
	}

	sub := c.Subscribe(ctx, "__keyevent@0__:expired")
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	keys := []string{"session:a", "session:b", "session:c", "session:d", "session:e", "session:f"}
	for _, k := range keys {
		if err := c.Set(ctx, k, "v", 50*time.Millisecond).Err(); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]bool{}
	deadline := time.After(20 * time.Second)
	for len(got) < len(keys) {
		select {
		case m := <-sub.Channel():
			got[m.Payload] = true
		case <-deadline:
			t.Fatalf("expired events through the proxy after 20s: %v of %v", got, keys)
		}
		// Expiry is lazy as well as active: reading a key also expires it.
		for _, k := range keys {
			c.Exists(ctx, k)
		}
	}
}

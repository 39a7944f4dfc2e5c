package proxy

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/serving"
)

// TestWaitAfterWrittenNodeLeftTheMap: two redis-servers, each with a
// replica, behind the proxy. A WAIT 1 after writes to both answers 1. A
// write to the first, then a map without it (as after a failover), then
// WAIT 1: the remaining node alone cannot vouch for the write, so WAIT
// answers 0 (also on a connection whose write the event loop forwarded);
// the next WAIT, with no write since, answers 1 again, and a pipelined
// write and WAIT on the remaining node answer OK and 1.
func TestWaitAfterWrittenNodeLeftTheMap(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		rs := startRedises(t, 2)
		for _, r := range rs {
			rep := startRedis(t, "--replicaof", "127.0.0.1", strings.TrimPrefix(r.addr, "127.0.0.1:"))
			rc := client(t, rep.addr)
			eventually(t, 10*time.Second, "the replica's link", func() bool {
				info, _ := rc.Info(context.Background(), "replication").Result()
				return strings.Contains(info, "master_link_status:up")
			})
		}
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
		ctx := context.Background()
		c := client(t, p.addr)
		first := keysOn(p.router, 0, 1, "a")[0]
		second := keysOn(p.router, 1, 1, "b")[0]
		// A connection whose only command is a write (in the loops mode,
		// forwarded by the event loop, not by a session's round).
		only := redis.NewClient(&redis.Options{Addr: p.addr, PoolSize: 1, MaxRetries: -1})
		defer only.Close()
		if err := only.Set(ctx, first, "o", 0).Err(); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{first, second} {
			if err := c.Set(ctx, k, "v", 0).Err(); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := c.Wait(ctx, 1, 5*time.Second).Result(); err != nil || n != 1 {
			t.Fatalf("WAIT 1 after writes to both nodes = %d, %v; want 1", n, err)
		}
		if err := c.Set(ctx, first, "w", 0).Err(); err != nil {
			t.Fatal(err)
		}
		if err := p.router.SetAddrs([]string{rs[1].addr}); err != nil {
			t.Fatal(err)
		}
		eventually(t, 5*time.Second, "the proxy's routes without the first node", func() bool {
			return len(p.routes.Load().nodes) == 1
		})
		if n, err := c.Wait(ctx, 1, 1000).Result(); err != nil || n != 0 {
			t.Fatalf("WAIT 1 after a write to a node gone from the map = %d, %v; want 0", n, err)
		}
		if n, err := c.Wait(ctx, 1, 5*time.Second).Result(); err != nil || n != 1 {
			t.Fatalf("WAIT 1 with no write since = %d, %v; want 1", n, err)
		}
		if n, err := only.Wait(ctx, 1, 1000).Result(); err != nil || n != 0 {
			t.Fatalf("WAIT 1 on the connection that wrote to the gone node = %d, %v; want 0", n, err)
		}
		var set *redis.StatusCmd
		var wait *redis.Cmd
		if _, err := c.Pipelined(ctx, func(pl redis.Pipeliner) error {
			set = pl.Set(ctx, second, "x", 0)
			wait = pl.Do(ctx, "WAIT", 1, 5000)
			return nil
		}); err != nil || set.Val() != "OK" || wait.Val() != int64(1) {
			t.Fatalf("pipelined SET and WAIT 1 on the remaining node = %q, %d, %v", set.Val(), wait.Val(), err)
		}
	})
}

package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// TestClusterClientThroughSplits writes with go-redis ClusterClient straight
// to three `vcache server` processes (no proxy) while their shards split
// under the load (an ops budget of 400/s per shard): no write fails, and
// every key reads back afterwards. Before new maps were sent to every
// member at once, a migration's target or source whose map lagged the
// coordinator's bounced the client (MOVED, TRYAGAIN) until its retries ran
// out.
func TestClusterClientThroughSplits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs processes")
	}
	bin := buildVcache(t)
	procs, _, _ := startClusterProcs(t, bin, 3, func(int) []string {
		return []string{"--replicas", "0", "--shard-max-ops", "400"}
	})
	ctx := context.Background()
	deadline := time.Now().Add(60 * time.Second)
	shardCount := func() int {
		c := redis.NewClient(&redis.Options{Addr: procs[0].addr})
		defer c.Close()
		return len(c.ClusterShards(ctx).Val())
	}
	for _, p := range procs {
		c := redis.NewClient(&redis.Options{Addr: p.addr})
		testutil.WaitFor(t, time.Until(deadline), func() bool {
			return strings.Contains(c.ClusterInfo(ctx).Val(), "cluster_slots_assigned:16384")
		}, p.addr+" to cover every slot")
		c.Close()
	}
	before := shardCount()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{procs[0].addr}})
	defer cc.Close()
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		written  []string
		failures atomic.Int64
		firstErr atomic.Value
		stop     atomic.Bool
	)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				k := fmt.Sprintf("w%d:%d", w, i)
				if err := cc.Set(ctx, k, k, 0).Err(); err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("SET %s: %v", k, err))
					continue
				}
				mu.Lock()
				written = append(written, k)
				mu.Unlock()
				time.Sleep(time.Millisecond)
			}
		}()
	}
	// Write until a split has happened and a few seconds after it.
	var splitAt time.Time
	for {
		if splitAt.IsZero() && shardCount() > before {
			splitAt = time.Now()
		}
		if !splitAt.IsZero() && time.Since(splitAt) > 3*time.Second {
			break
		}
		if time.Now().After(deadline) {
			stop.Store(true)
			wg.Wait()
			t.Fatalf("no split within 60 s (%d shards)", shardCount())
		}
		time.Sleep(200 * time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	if n := failures.Load(); n > 0 {
		t.Fatalf("%d writes failed through the split; first: %v", n, firstErr.Load())
	}
	for _, k := range written {
		if v, err := cc.Get(ctx, k).Result(); err != nil || v != k {
			t.Fatalf("after the split GET %s = %q, %v", k, v, err)
		}
	}
	t.Logf("%d keys written through the split (%d -> %d shards), all read back", len(written), before, shardCount())
}

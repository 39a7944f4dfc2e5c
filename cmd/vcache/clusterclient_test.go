package main

import (
	"context"
	"fmt"
	"os/exec"
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

// TestClusterClientsThroughDevProxy points go-redis's ClusterClient and
// `redis-cli -c` at vcache dev's proxy, in front of three vcache nodes in
// a cluster: they see one node owning every slot, the proxy, and SET, GET
// and MGET across slots work; CLUSTER COUNTKEYSINSLOT and GETKEYSINSLOT
// answer from the node that holds the slot.
func TestClusterClientsThroughDevProxy(t *testing.T) {
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error", "--admin-addr", "")
	defer func() { cancel(); <-done }()
	ctx := context.Background()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{addr}})
	defer cc.Close()
	slots, err := cc.ClusterSlots(ctx).Result()
	if err != nil || len(slots) != 1 || slots[0].Start != 0 || slots[0].End != 16383 || len(slots[0].Nodes) != 1 || slots[0].Nodes[0].Addr != addr {
		t.Fatalf("CLUSTER SLOTS = %+v, %v; want 0-16383 on %s alone", slots, err, addr)
	}
	var keys []string
	for i := 0; i < 100; i++ {
		k := fmt.Sprintf("cc:%d", i)
		keys = append(keys, k)
		if err := cc.Set(ctx, k, i, 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", k, err)
		}
	}
	vals, err := cc.MGet(ctx, keys...).Result()
	if err != nil {
		t.Fatalf("MGET across slots: %v", err)
	}
	for i, v := range vals {
		if v != fmt.Sprint(i) {
			t.Fatalf("MGET value %d = %v", i, v)
		}
	}
	// Keys of one slot, counted and listed by the node holding it.
	for i := 0; i < 3; i++ {
		if err := cc.Set(ctx, fmt.Sprintf("{tag}%d", i), i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	slot := cc.ClusterKeySlot(ctx, "{tag}").Val()
	if n, err := cc.ClusterCountKeysInSlot(ctx, int(slot)).Result(); err != nil || n != 3 {
		t.Errorf("CLUSTER COUNTKEYSINSLOT %d = %d, %v; want 3", slot, n, err)
	}
	if ks, err := cc.ClusterGetKeysInSlot(ctx, int(slot), 10).Result(); err != nil || len(ks) != 3 {
		t.Errorf("CLUSTER GETKEYSINSLOT %d 10 = %v, %v; want the 3 {tag} keys", slot, ks, err)
	}

	if _, err := exec.LookPath("redis-cli"); err != nil {
		t.Skip("redis-cli is not on PATH")
	}
	_, port, _ := strings.Cut(addr, ":")
	cli := func(args ...string) string {
		t.Helper()
		out, err := exec.Command("redis-cli", append([]string{"-c", "-p", port}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("redis-cli -c %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	for i := 0; i < 10; i++ {
		if got := cli("SET", fmt.Sprint("cli:", i), fmt.Sprint(i)); got != "OK" {
			t.Fatalf("redis-cli -c SET = %q", got)
		}
	}
	if got := cli("MGET", "cli:0", "cli:5", "cli:9", "cc:42"); got != "0\n5\n9\n42" {
		t.Errorf("redis-cli -c MGET = %q", got)
	}
	if got := cli("CLUSTER", "INFO"); !strings.Contains(got, "cluster_state:ok") || !strings.Contains(got, "cluster_known_nodes:1") {
		t.Errorf("redis-cli -c CLUSTER INFO = %q", got)
	}
}

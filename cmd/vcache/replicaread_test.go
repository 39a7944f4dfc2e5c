package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// TestProxyReadsFromZoneReplica runs three nodes in zones z0, z1, z2, each
// shard with two replicas, and a proxy in zone z1 with
// --read-from-replicas: every GET returns what was written, and the GETs
// of keys whose primary is not n1 are served by n1 (the replica in the
// proxy's zone), those of n1's own shard by another replica, none by a
// primary.
func TestProxyReadsFromZoneReplica(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs processes")
	}
	bin := buildVcache(t)
	procs, _, seed := startClusterProcs(t, bin, 3, func(i int) []string {
		return []string{"--replicas", "2", "--zone", fmt.Sprintf("z%d", i)}
	})
	addr, cancel, done := startCmd(t, "proxy", "--port", "0", "--loglevel", "error",
		"--gossip", "127.0.0.1:"+freePort(t), "--join", seed, "--zone", "z1", "--read-from-replicas")
	defer func() { cancel(); <-done }()
	ctx := context.Background()

	nodes := make([]*redis.Client, len(procs))
	for i, p := range procs {
		nodes[i] = redis.NewClient(&redis.Options{Addr: p.addr})
		defer nodes[i].Close()
	}
	deadline := time.Now().Add(60 * time.Second)
	for _, c := range nodes {
		testutil.WaitNil(t, time.Until(deadline), func() error {
			info, _ := c.Info(ctx, "replication").Result()
			if strings.Contains(info, "connected_slaves:2") && strings.Count(info, "status=up") >= 2 {
				return nil
			}
			return fmt.Errorf("replication never came up:\n%s", info)
		})
	}
	pc := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer pc.Close()
	testutil.WaitFor(t, time.Until(deadline), func() bool { return pc.Set(ctx, "ready", "1", 0).Err() == nil },
		"the proxy to route a write")
	const n = 300
	for i := 0; i < n; i++ {
		if err := pc.Set(ctx, "k"+strconv.Itoa(i), i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := pc.Do(ctx, "WAIT", 2, 5000).Int(); err != nil || got != 2 {
		t.Fatalf("WAIT 2 = %d, %v", got, err)
	}
	// Which node is each slot's primary.
	slots, err := nodes[0].ClusterSlots(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	primaryOf := func(slot int) string {
		for _, r := range slots {
			if int(r.Start) <= slot && slot <= int(r.End) {
				return r.Nodes[0].Addr
			}
		}
		return ""
	}
	for _, c := range nodes {
		c.ConfigResetStat(ctx)
	}
	notN1 := 0
	for i := 0; i < n; i++ {
		k := "k" + strconv.Itoa(i)
		if v, err := pc.Get(ctx, k).Result(); err != nil || v != strconv.Itoa(i) {
			t.Fatalf("GET %s = %q, %v", k, v, err)
		}
		slot, _ := nodes[0].ClusterKeySlot(ctx, k).Result()
		if primaryOf(int(slot)) != procs[1].addr {
			notN1++
		}
	}
	gets := make([]int, len(nodes))
	for i, c := range nodes {
		info, _ := c.Info(ctx, "commandstats").Result()
		for _, line := range strings.Split(info, "\r\n") {
			if rest, ok := strings.CutPrefix(line, "cmdstat_get:calls="); ok {
				gets[i], _ = strconv.Atoi(rest[:strings.IndexByte(rest, ',')])
			}
		}
	}
	if gets[1] < notN1 || gets[0]+gets[1]+gets[2] < n {
		t.Fatalf("GETs served per node %v; want n1 (zone z1) to serve the %d keys of the other shards", gets, notN1)
	}
	// A primary serves none of its own keys' reads: n1's GETs are exactly
	// the other shards' keys, give or take a redirect while a replica
	// caught up.
	if gets[1] > notN1+n/10 {
		t.Fatalf("GETs served per node %v: n1 served more than the %d keys it replicates", gets, notN1)
	}
}

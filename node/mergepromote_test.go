package node

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
)

// TestMergeByPromotionKeepsKeys starts three shards with a replica each
// (each node leads one shard and replicates another) and lets the cold
// shards merge with --split-method auto while a client writes. A cold
// shard whose replica leads its neighbour merges by promotion: CLUSTER
// EVENTS says so, and every key written before and every write
// acknowledged during the merges is readable afterwards from the merged
// shard, whose replica then holds it too.
func TestMergeByPromotionKeepsKeys(t *testing.T) {
	nodes := joinNodes(t, 3, func(cc *cluster.Config) {
		cc.Replicas = 1
		cc.ShardMaxMemory = 64 << 20
		cc.MergeWindow = 1500 * time.Millisecond
		cc.Cooldown = 200 * time.Millisecond
		cc.MinShards = 1
		cc.SplitMethod = cluster.SplitAuto
	})
	waitFor(t, 20*time.Second, "three shards", func() bool {
		m := nodes[0].Cluster().Map()
		return m != nil && m.SlotsAssigned() == keyslot.Count && len(m.Shards()) == 3
	})
	ctx := context.Background()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{nodes[0].addr, nodes[1].addr, nodes[2].addr},
		MaxRedirects: 16, MinRetryBackoff: 5 * time.Millisecond, MaxRetryBackoff: 100 * time.Millisecond})
	defer cc.Close()
	const before = 600
	for i := 0; i < before; i++ {
		if err := setPatiently(ctx, cc, fmt.Sprintf("pre:%d", i), "v"); err != nil {
			t.Fatalf("load: %v", err)
		}
	}
	live := startLiveWrites(ctx, cc, "m", 50000, nil)
	waitFor(t, 90*time.Second, "the shards to merge into one", func() bool {
		m := nodes[0].Cluster().Map()
		return m != nil && len(m.Shards()) == 1 && len(m.Migrations()) == 0
	})
	acked := live.Stop()
	var evs string
	waitFor(t, 10*time.Second, "a merge by promotion in CLUSTER EVENTS", func() bool {
		evs = nodes[0].client2(t).Do(ctx, "CLUSTER", "EVENTS").String()
		return strings.Contains(evs, "method promote: shard") && strings.Contains(evs, "by promote") &&
			strings.Contains(evs, "promote: replica")
	})
	get := func(k string) error {
		_, err := getThroughChange(ctx, cc, k, 10*time.Second)
		return err
	}
	for i := 0; i < before; i++ {
		if err := get(fmt.Sprintf("pre:%d", i)); err != nil {
			t.Fatalf("key pre:%d lost in the merges: %v", i, err)
		}
	}
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged during the merges")
	}
	for k := range acked {
		if err := get(k); err != nil {
			t.Fatalf("acknowledged write %s lost in the merges: %v", k, err)
		}
	}
	waitReplicasMatch(t, nodes)
	// The merged shard's new replica got it by a full sync, recorded with
	// its size, time and rate (not paced: it is the shard's only replica).
	waitFor(t, 10*time.Second, "the full sync's event", func() bool {
		evs = nodes[0].client2(t).Do(ctx, "CLUSTER", "EVENTS").String()
		return strings.Contains(evs, "full sync of shard") && strings.Contains(evs, "not throttled: the shard's only replica")
	})
	t.Logf("%d writes acknowledged while 3 shards merged into 1; merges done by promote %d, by copy %d", len(acked),
		strings.Count(evs, "by promote"), strings.Count(evs, "by copy"))
}

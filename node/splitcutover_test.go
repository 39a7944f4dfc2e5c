package node

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
)

// TestCopySplitCutoverWrites splits a shard by copy while several clients
// write new keys as fast as they can, so that writes are in flight at every
// step of the cutover (snapshot, copy, pause, replay, flip, drop): every
// write acknowledged must read back after the split, from wherever the
// cluster now serves it. VCACHE_SPLIT_ROUNDS repeats it (a new cluster each
// round) to look for a rare interleaving.
func TestCopySplitCutoverWrites(t *testing.T) {
	rounds := 1
	if s := os.Getenv("VCACHE_SPLIT_ROUNDS"); s != "" {
		rounds, _ = strconv.Atoi(s)
	}
	for r := 0; r < rounds; r++ {
		t.Run(fmt.Sprint("round-", r), testCopySplitCutoverWrites)
	}
}

func testCopySplitCutoverWrites(t *testing.T) {
	nodes := joinNodesWith(t, 3, func(cc *cluster.Config) {
		cc.Replicas = 0
		cc.InitialShards = 1
		cc.ShardMaxMemory = 256 << 10
		cc.ScaleWindow = 200 * time.Millisecond
		cc.Cooldown = time.Hour
		cc.MergeWindow = time.Hour
		cc.SplitMethod = cluster.SplitCopy
		starvationProof(cc)
	}, nil)
	waitFor(t, 20*time.Second, "the first map on every node", func() bool {
		for _, tn := range nodes {
			if m := tn.Cluster().Map(); m == nil || m.SlotsAssigned() != keyslot.Count {
				return false
			}
		}
		return true
	})
	ctx := context.Background()
	acks, newClient := newAckLog()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{nodes[0].addr, nodes[1].addr, nodes[2].addr},
		MaxRedirects: 16, MinRetryBackoff: 5 * time.Millisecond, MaxRetryBackoff: 100 * time.Millisecond,
		NewClient: newClient})
	defer cc.Close()
	const writers = 6
	var lives []*liveWrites
	for w := 0; w < writers; w++ {
		lives = append(lives, startLiveWrites(ctx, cc, fmt.Sprintf("w%d", w), 50000, nil))
	}
	val := strings.Repeat("v", 200)
	for i := 0; ; i++ {
		m := nodes[0].Cluster().Map()
		if m != nil && len(m.Shards()) == 2 {
			break
		}
		if i == 5000 {
			t.Fatal("no split after 5000 keys")
		}
		if err := setPatiently(ctx, cc, fmt.Sprintf("key:%d", i), val); err != nil {
			t.Fatalf("load: %v", err)
		}
	}
	waitFor(t, 60*time.Second, "the split to finish", func() bool {
		m := nodes[0].Cluster().Map()
		return m != nil && len(m.Shards()) == 2 && len(m.Migrations()) == 0
	})
	// Writes go on through the flip and the drop of the moved keys.
	time.Sleep(500 * time.Millisecond)
	acked := map[string]bool{}
	var mu sync.Mutex
	for _, l := range lives {
		for k := range l.Stop() {
			mu.Lock()
			acked[k] = true
			mu.Unlock()
		}
	}
	if len(acked) == 0 {
		t.Fatal("no write acknowledged")
	}
	lost := 0
	for k := range acked {
		v, err := getThroughChange(ctx, cc, k, 30*time.Second)
		_, i, _ := strings.Cut(k, ":")
		if err != nil || v != i {
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged write %s reads %q, %v: %s", k, v, err, whereIs(nodes, k, acks))
			}
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged writes lost%s", lost, len(acked), lossCause(nodes))
	}
	t.Logf("%d acknowledged writes read back", len(acked))
}


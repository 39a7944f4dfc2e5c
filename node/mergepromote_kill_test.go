package node

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/testutil"
)

// TestMergeByPromotionSurvivesKill splits a shard by promotion, empties
// it so that the two halves merge back by promotion, and, while a client
// writes with WAIT 1, holds the merged shard's first full sync (from its
// primary to the other half's old primary, whose copy grows by the slots
// it led) half done and closes the primary. The replica keeps its copy
// whole during the sync, and every write WAIT 1 acknowledged is readable
// from the nodes left with its value (or a later one written since).
func TestMergeByPromotionSurvivesKill(t *testing.T) {
	nodes, cc := promoteCluster(t, 1, func(c *cluster.Config) {
		c.Cooldown, c.MergeWindow, c.MinShards = time.Second, time.Second, 1 // split, then merge back
	})
	waitReplicasMatch(t, nodes)
	byID := nodesByID(nodes)
	first := nodes[0].Cluster().Map().Shards()[0]
	var observer *testNode // holds no part of either half; its map is followed
	for _, tn := range nodes {
		if id := tn.Cluster().Self(); id != first.Primary && id != first.Replicas[0] {
			observer = tn
		}
	}
	ctx := context.Background()
	// retry runs op until it succeeds or fails otherwise than by a shard
	// change's MOVED, TRYAGAIN or CLUSTERDOWN (op is idempotent), for up to
	// a minute: a loaded machine can make gossip flap for seconds.
	retry := func(op func() error) error {
		var err error
		testutil.Until(60*time.Second, func() error {
			err = op()
			if err != nil && (strings.HasPrefix(err.Error(), "MOVED") || strings.HasPrefix(err.Error(), "CLUSTERDOWN") ||
				strings.HasPrefix(err.Error(), "TRYAGAIN")) {
				return err
			}
			return nil
		})
		return err
	}

	// Load past 50% of the memory budget: the shard splits by promotion.
	const loaded = 8000
	val := strings.Repeat("v", 300) // 8000 keys: past half of a 4 MiB budget
	for i := 0; i < loaded; i++ {
		k := fmt.Sprintf("key:%d", i)
		if err := retry(func() error { return cc.Set(ctx, k, val, 0).Err() }); err != nil {
			t.Fatalf("load: %v", err)
		}
	}
	var split *cluster.Map
	waitFor(t, 30*time.Second, "the shard to split", func() bool {
		split = observer.Cluster().Map()
		return split != nil && len(split.Shards()) == 2 && len(split.Migrations()) == 0
	})
	for _, s := range split.Shards() {
		if s.ID != first.ID && s.Primary != first.Replicas[0] {
			t.Fatalf("the new shard %+v is not led by the old replica %s (a split by copy?)", s, first.Replicas[0])
		}
	}
	// The old primary's first full sync from the promoted node is done.
	waitReplicasMatch(t, nodes)

	// A full sync either half's primary sends once it has the merged map
	// (the merged shard's) stops after its second stripe until the node
	// goes; one before (a link reset on a loaded machine) goes through.
	held := make(chan cluster.NodeID, 2)
	for _, id := range []cluster.NodeID{first.Primary, first.Replicas[0]} {
		tn := byID[id]
		hook := syncHook(func(ctx context.Context, stripe int) {
			if m := tn.Cluster().Map(); stripe < 1 || m == nil || len(m.Shards()) != 1 {
				return
			}
			select {
			case held <- id:
			default:
			}
			<-ctx.Done()
		})
		tn.repl.afterStripe.Store(&hook)
	}

	// A writer: SET then WAIT 1 on the primary the observer's map names,
	// over 1,000 keys (so the shards stay cold).
	writes := startAckedWrites(t, ctx, nodes, observer, 1000)
	waitFor(t, 20*time.Second, "writes acknowledged before the merge", func() bool { return writes.Acked() >= 50 })

	// Empty the loaded keys: both halves go cold and merge by promotion.
	for i := 0; i < loaded; i += 200 {
		if err := retry(func() error {
			cmds, _ := cc.Pipelined(ctx, func(p redis.Pipeliner) error {
				for j := i; j < min(i+200, loaded); j++ {
					p.Del(ctx, fmt.Sprintf("key:%d", j))
				}
				return nil
			})
			for _, c := range cmds {
				if c.Err() != nil {
					return c.Err()
				}
			}
			return nil
		}); err != nil {
			t.Fatalf("delete: %v", err)
		}
	}
	var merged cluster.Shard
	waitFor(t, 60*time.Second, "the halves to merge", func() bool {
		m := observer.Cluster().Map()
		if m == nil || len(m.Shards()) != 1 || len(m.Migrations()) > 0 {
			return false
		}
		merged = m.Shards()[0]
		return true
	})
	if len(merged.Replicas) == 0 || !slices.Contains([]cluster.NodeID{first.Primary, first.Replicas[0]}, merged.Primary) {
		t.Fatalf("the merged shard %+v is not led by either half's primary with the other as replica (a merge by copy?)", merged)
	}
	primary, replica := byID[merged.Primary], byID[merged.Replicas[0]]
	var evs string
	waitFor(t, 10*time.Second, "the merge by promotion in CLUSTER EVENTS", func() bool {
		evs = observer.client2(t).Do(ctx, "CLUSTER", "EVENTS", "200").String()
		return strings.Contains(evs, "method promote: shard")
	})
	select {
	case id := <-held:
		if id != merged.Primary {
			t.Fatalf("a full sync from %s was held, not the merged shard's from its primary %s", id, merged.Primary)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the merged shard's replica began no full sync within 30s")
	}
	// The replica has read the sync's start (a copy not handed over is
	// emptied then) before the primary goes.
	waitFor(t, 10*time.Second, "the replica to begin the full sync", func() bool {
		replica.repl.mu.Lock()
		defer replica.repl.mu.Unlock()
		for _, l := range replica.repl.links {
			if l.shard == merged.ID && l.up.Load() && l.syncing.Load() {
				return true
			}
		}
		return false
	})
	// Mid-sync, the replica still holds (nearly) every key acknowledged so
	// far: its copy was not emptied first. (The count is retried: a
	// stripe's keys give way to its snapshot. An emptied copy held 4-40%
	// of them when measured; a kept one all but the last one or two, as
	// the writer goes on while it is counted.)
	atHold := writes.Keys()
	kept := 0
	testutil.Until(5*time.Second, func() error {
		kept = 0
		for s := 0; s < keyslot.Count; s++ {
			kept += replica.ks.CountKeysInSlot(s)
		}
		if kept < atHold*9/10 {
			return fmt.Errorf("%d keys", kept)
		}
		return nil
	})
	if kept < atHold*9/10 {
		t.Fatalf("the merged shard's replica holds %d keys mid-sync, under 90%% of the %d acknowledged: its copy was emptied", kept, atHold)
	}
	acked, lost := closeAndReadAcked(t, ctx, nodes, observer, primary, writes, "the merged shard to fail over to its replica")
	t.Logf("merged shard's primary closed mid-sync after a merge by promotion: %d keys acknowledged by WAIT 1 (%d writes), replica held %d keys mid-sync, %d lost",
		len(acked), writes.Acked(), kept, len(lost))
	if len(lost) > 0 {
		t.Fatalf("%d of %d acknowledged keys lost, e.g. %v", len(lost), len(acked), lost[:min(5, len(lost))])
	}
}

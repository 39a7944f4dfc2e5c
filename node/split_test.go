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

// TestSplitAtHalfBudgetMovesKeys starts one shard on three nodes (two are
// warm spares), writes past 50% of its memory budget while writing more,
// and checks that the shard splits, half its slots move to a spare with
// their keys, and every acknowledged write is readable afterwards.
func TestSplitAtHalfBudgetMovesKeys(t *testing.T) {
	for _, replicas := range []int{0, 1} {
		t.Run(fmt.Sprintf("replicas=%d", replicas), func(t *testing.T) { testSplit(t, replicas) })
	}
}

func testSplit(t *testing.T, replicas int) {
	nodes := joinNodes(t, 3, func(cc *cluster.Config) {
		cc.Replicas = replicas
		cc.InitialShards = 1
		cc.ShardMaxMemory = 4 << 20
		cc.ScaleWindow = 300 * time.Millisecond
		cc.Cooldown = time.Hour // one split is enough here
		cc.MergeWindow = time.Hour
	})
	waitFor(t, 20*time.Second, "the first map", func() bool {
		m := nodes[0].Cluster().Map()
		return m != nil && m.SlotsAssigned() == keyslot.Count
	})
	ctx := context.Background()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{nodes[0].addr, nodes[1].addr, nodes[2].addr},
		MaxRedirects: 16, MinRetryBackoff: 5 * time.Millisecond, MaxRetryBackoff: 100 * time.Millisecond})
	defer cc.Close()
	// An FT index made only on the shard's one primary, as the proxy makes
	// it (spares own nothing and get no FT.CREATE): the node that receives
	// half the slots must get its definition with the data.
	for _, tn := range nodes {
		if m := tn.Cluster().Map(); m != nil {
			if p, _ := m.ShardsOf(tn.Cluster().Self()); len(p) > 0 {
				if got := tn.raw(t).do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA",
					"v", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", "4", "DISTANCE_METRIC", "L2"); got != "OK" {
					t.Fatalf("FT.CREATE: %s", got)
				}
				if got := tn.raw(t).do("FT.SYNUPDATE", "idx", "g1", "cat", "feline"); got != "OK" {
					t.Fatalf("FT.SYNUPDATE: %s", got)
				}
			}
		}
	}
	const docs = 300
	for i := 0; i < docs; i++ {
		f := float32(i)
		if err := cc.HSet(ctx, fmt.Sprintf("doc:%d", i), "v", vecBlob(f, 1, 1, 1)).Err(); err != nil {
			t.Fatalf("HSET doc: %v", err)
		}
	}
	// Vector sets of each stored form, over several slots: the moving
	// ones travel in their snapshot form.
	vsets := vsetFingerprints(t, cc)
	home, _ := nodes[0].Cluster().Map().Owner(0)
	vsetHome := home.Primary
	// Suggestion dictionaries are keys: they move with their slots.
	sugs := sugFingerprints(t, cc)
	val := strings.Repeat("v", 300) // 8000 keys: past half of a 4 MiB budget
	// ~2.6 MB accounted: past 50% of the 4 MB budget. (One command at a
	// time: go-redis's cluster pipeline races with itself when a map
	// change redirects part of a pipeline.)
	for i := 0; i < 8000; i++ {
		if err := setThroughSplit(ctx, cc, fmt.Sprintf("key:%d", i), val); err != nil {
			t.Fatalf("load: %v", err)
		}
	}
	// Keep writing while the split happens; remember what was acknowledged.
	live := startLiveWrites(ctx, cc, "live", 20002, nil)
	waitFor(t, 30*time.Second, "the shard to split and its slots to move", func() bool {
		m := nodes[0].Cluster().Map()
		if m == nil || len(m.Shards()) < 2 || len(m.Migrations()) > 0 {
			return false
		}
		owners := 0
		for _, tn := range nodes {
			if tn.ks.Len() > 0 {
				owners++
			}
		}
		return owners >= 2
	})
	acked := live.Stop()
	// get reads k, waiting out a transient CLUSTERDOWN (a slow member under
	// -race may briefly think it is in a minority); a missing key is nil.
	get := func(k string) (string, error) { return getThroughChange(ctx, cc, k, 10*time.Second) }
	for i := 0; i < 8000; i++ {
		k := fmt.Sprintf("key:%d", i)
		if v, err := get(k); err != nil || v != val {
			t.Fatalf("after the split %s: %q, %v", k, v, err)
		}
	}
	for k := range acked {
		if _, err := get(k); err != nil {
			t.Fatalf("acknowledged write %s lost: %v", k, err)
		}
	}
	total := 0
	found := int64(0)
	for _, tn := range nodes {
		total += tn.ks.Len()
		res, err := tn.client2(t).Do(ctx, "FT.SEARCH", "idx", "*", "LIMIT", "0", "0").Slice()
		if err != nil {
			if tn.ks.Len() > 0 {
				t.Fatalf("FT.SEARCH on %s, which holds %d keys: %v", tn.addr, tn.ks.Len(), err)
			}
			continue
		}
		found += res[0].(int64)
	}
	if found != docs {
		t.Fatalf("after the split the nodes' indexes count %d documents, want %d", found, docs)
	}
	moved := 0
	after := nodes[0].Cluster().Map()
	for key, fp := range vsets {
		if got := vsetFingerprint(t, cc, key); got != fp {
			t.Fatalf("vector set %s after the split:\n%s\nbefore:\n%s", key, got, fp)
		}
		if s, _ := after.Owner(keyslot.OfString(key)); s.Primary != vsetHome {
			moved++
		}
	}
	if moved == 0 {
		t.Fatalf("none of the %d vector sets moved in the split", len(vsets))
	}
	t.Logf("%d of %d vector sets moved, with their codes", moved, len(vsets))
	movedSugs := 0
	for key, fp := range sugs {
		if got := sugFingerprint(t, cc, key); got != fp {
			t.Fatalf("suggestion dictionary %s after the split: %s, before: %s", key, got, fp)
		}
		if s, _ := after.Owner(keyslot.OfString(key)); s.Primary != vsetHome {
			movedSugs++
		}
	}
	if movedSugs == 0 {
		t.Fatalf("none of the %d suggestion dictionaries moved in the split", len(sugs))
	}
	checkSynonymsOnOwners(t, nodes)
	if want := 8000 + docs + len(vsets) + len(sugs) + len(acked); total < want {
		t.Fatalf("nodes hold %d keys, want at least %d", total, want)
	}
	if replicas > 0 {
		waitReplicasMatch(t, nodes)
	}
	t.Logf("split done: %d shards, %d live writes acknowledged during it", len(nodes[0].Cluster().Map().Shards()), len(acked))
}

// TestMergeUnderWritesKeepsKeys starts three shards (one replica each)
// that use far less than their budget, so they merge back while a client
// keeps writing; every acknowledged write must be readable afterwards, and
// the replicas must follow the merged shards.
func TestMergeUnderWritesKeepsKeys(t *testing.T) {
	nodes := joinNodes(t, 3, func(cc *cluster.Config) {
		cc.Replicas = 1
		cc.ShardMaxMemory = 64 << 20
		cc.MergeWindow = 1500 * time.Millisecond
		cc.Cooldown = 200 * time.Millisecond
		cc.MinShards = 1
	})
	waitFor(t, 20*time.Second, "three shards", func() bool {
		m := nodes[0].Cluster().Map()
		return m != nil && m.SlotsAssigned() == keyslot.Count && len(m.Shards()) == 3
	})
	ctx := context.Background()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{nodes[0].addr, nodes[1].addr, nodes[2].addr},
		MaxRedirects: 16, MinRetryBackoff: 5 * time.Millisecond, MaxRetryBackoff: 100 * time.Millisecond})
	defer cc.Close()
	live := startLiveWrites(ctx, cc, "m", 50000, nil)
	waitFor(t, 60*time.Second, "the shards to merge into one", func() bool {
		m := nodes[0].Cluster().Map()
		return m != nil && len(m.Shards()) == 1 && len(m.Migrations()) == 0
	})
	acked := live.Stop()
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged during the merges")
	}
	for k := range acked {
		if _, err := getThroughChange(ctx, cc, k, 4*time.Second); err != nil {
			t.Fatalf("acknowledged write %s lost in the merges: %v", k, err)
		}
	}
	// The merged shard's replica copies it whole.
	waitReplicasMatch(t, nodes)
	t.Logf("%d writes acknowledged while 3 shards merged into 1", len(acked))
}

// setThroughSplit SETs k for a test's load phase, which may start the
// split it waits for (or, on a starved machine, a moment in which the node
// sees too few peers to serve): a write refused while its slot moves
// (TRYAGAIN) or while the node serves nothing (CLUSTERDOWN) is sent again,
// for up to 20 s, as a client that tolerates a split's pause would.
func setThroughSplit(ctx context.Context, cc redis.Cmdable, k, v string) error {
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := cc.Set(ctx, k, v, 0).Err()
		if err == nil || time.Now().After(deadline) ||
			!(strings.HasPrefix(err.Error(), "TRYAGAIN") || strings.HasPrefix(err.Error(), "CLUSTERDOWN")) {
			return err
		}
		time.Sleep(20 * time.Millisecond) // the split's pause, not a wait for a condition
	}
}

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

// TestFailoverSkipsAReplicaInFullSync: the primary of a shard dies while
// the shard's only replica is in the middle of its full sync of a large
// dataset. The cluster must not hand the shard to that half-filled copy:
// its slots stay unserved (CLUSTERDOWN, never half the keys), CLUSTER
// EVENTS says why, and no write was acknowledged by WAIT meanwhile. Only
// after PartialCopyWait, with the primary still gone, is the partial copy
// promoted, with an event saying data was lost.
func TestFailoverSkipsAReplicaInFullSync(t *testing.T) {
	const wait = 4 * time.Second
	nodes := joinNodes(t, 4, func(c *cluster.Config) { c.Replicas = 1; c.PartialCopyWait = wait })
	waitReplicated(t, nodes)
	ctx := context.Background()
	byID := map[cluster.NodeID]*testNode{}
	for _, tn := range nodes {
		byID[tn.Cluster().Self()] = tn
	}
	m := nodes[0].Cluster().Map()
	target, _ := m.Owner(keyslot.OfString("k:0"))
	primary, oldReplica := byID[target.Primary], byID[target.Replicas[0]]

	// A large dataset, about a third of it in the target shard.
	addrs := []string{nodes[0].addr, nodes[1].addr, nodes[2].addr, nodes[3].addr}
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, MaxRedirects: 16,
		MinRetryBackoff: 5 * time.Millisecond, MaxRetryBackoff: 200 * time.Millisecond})
	defer cc.Close()
	const keys, batch = 6000, 300
	val := strings.Repeat("v", 1000)
	inShard, probe := 0, ""
	for i := 0; i < keys; i += batch {
		var err error
		// A busy machine can make gossip suspect a member for a moment
		// (CLUSTERDOWN); SET is idempotent, so a batch is retried.
		for try := 0; try < 20; try++ {
			pipe := cc.Pipeline()
			for j := i; j < i+batch; j++ {
				pipe.Set(ctx, fmt.Sprintf("k:%d", j), val, 0)
			}
			if _, err = pipe.Exec(ctx); err == nil {
				break
			}
		}
		if err != nil {
			t.Fatalf("SET pipeline at %d: %v", i, err)
		}
	}
	for j := 1; j < keys; j++ {
		k := fmt.Sprintf("k:%d", j)
		if s, _ := m.Owner(keyslot.OfString(k)); s.ID == target.ID {
			inShard++
			if probe == "" {
				probe = k
			}
		}
	}

	// The primary's next full sync stops after its first stripe until the
	// primary goes away.
	held := make(chan struct{}, 1)
	hook := syncHook(func(ctx context.Context, stripe int) {
		select {
		case held <- struct{}{}:
		default:
		}
		<-ctx.Done()
	})
	primary.repl.afterStripe.Store(&hook)

	// The replica goes; the coordinator gives the shard a new one, which
	// starts its full sync and is held in it.
	oldReplica.stop()
	select {
	case <-held:
	case <-time.After(60 * time.Second):
		t.Fatal("no new replica began a full sync of the shard within 60s")
	}
	var heir *testNode
	waitFor(t, 10*time.Second, "the new replica in the map", func() bool {
		s, ok := primary.Cluster().Map().Shard(target.ID)
		if !ok || len(s.Replicas) == 0 || s.Replicas[0] == oldReplica.Cluster().Self() {
			return false
		}
		heir = byID[s.Replicas[0]]
		return true
	})
	// Nothing written now is acknowledged by the replica.
	rc := primary.raw(t)
	if got := rc.do("SET", "k:0", "during-sync"); got != "OK" {
		t.Fatalf("SET on the primary: %s", got)
	}
	if got := rc.do("WAIT", "1", "300"); got != "(integer) 0" {
		t.Fatalf("WAIT 1 during the replica's full sync = %s, want 0", got)
	}
	half := 0
	for _, slot := range cluster.SlotsIn(target.Slots) {
		half += heir.ks.CountKeysInSlot(slot)
	}
	if half == 0 || half >= inShard {
		t.Fatalf("replica holds %d keys mid-sync, want some of the shard's %d", half, inShard)
	}

	// The primary dies mid-sync.
	primary.stop()
	var rest []*testNode
	for _, tn := range nodes {
		if tn != primary && tn != oldReplica {
			rest = append(rest, tn)
		}
	}
	eventOn := func(words ...string) *testNode {
		for _, tn := range rest {
			evs := tn.raw(t).do("CLUSTER", "EVENTS", "200")
			all := true
			for _, w := range words {
				all = all && strings.Contains(evs, w)
			}
			if all {
				return tn
			}
		}
		return nil
	}
	var coord *testNode
	waitFor(t, 30*time.Second, "an event saying the shard waits for its primary", func() bool {
		coord = eventOn("stay unserved", string(heir.Cluster().Self())+" in full sync")
		return coord != nil
	})
	if s, _ := coord.Cluster().Map().Shard(target.ID); s.Primary != primary.Cluster().Self() {
		t.Fatalf("shard %s given to %s while its only replica was mid-sync", target.ID, s.Primary)
	}
	for _, tn := range rest {
		r := tn.raw(t)
		r.do("READONLY")
		if got := r.do("GET", probe); !strings.HasPrefix(got, "(error) CLUSTERDOWN") && !strings.HasPrefix(got, "(error) MOVED") {
			t.Fatalf("GET %s (a key of the orphaned shard) on %s = %.40s, want an error", probe, tn.addr, got)
		}
		if got := r.do("GET", "k:0"); !strings.HasPrefix(got, "(error) ") {
			t.Fatalf("GET k:0 on %s = %s, want an error", tn.addr, got)
		}
	}

	// No other copy exists: after the wait the partial one is promoted,
	// and the event says so.
	waitFor(t, wait+20*time.Second, "the partial copy promoted after PartialCopyWait", func() bool {
		return eventOn("promoted replica "+string(heir.Cluster().Self()), "partial", "lost") != nil
	})
	waitFor(t, 10*time.Second, "the heir serving the shard", func() bool {
		s, _ := heir.Cluster().Map().Shard(target.ID)
		return s.Primary == heir.Cluster().Self()
	})
}

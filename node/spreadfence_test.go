package node

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/cluster"
)

// TestSpreadDropKeepsAckedWrites splits a shard by promotion on three
// nodes with the replica spread on, while a client writes with SET + WAIT
// 1, and every stream to the third node (where the replicas move) runs
// 300 ms late: the old replica acknowledges writes the new one does not
// hold yet. Right after a primary's own map drops its old replica, the
// primary is closed (its stream to the third node ends with the late
// writes unsent): every write WAIT 1 acknowledged is readable from the
// nodes left, with its value.
func TestSpreadDropKeepsAckedWrites(t *testing.T) {
	nodes, cc := promoteCluster(t, 1, func(c *cluster.Config) { c.SpreadReplicas = true })
	waitReplicasMatch(t, nodes)
	byID := nodesByID(nodes)
	before := nodes[0].Cluster().Map().Shards()[0]
	pair := []*testNode{byID[before.Primary], byID[before.Replicas[0]]}
	var third *testNode
	for _, tn := range nodes {
		if !slices.Contains(pair, tn) {
			third = tn
		}
	}
	thirdID := third.Cluster().Self()
	late := sendHook(func(ctx context.Context, l *replicaLink) {
		if cluster.NodeID(l.node) != thirdID {
			return
		}
		lag := time.NewTimer(300 * time.Millisecond) // the slow link under test, not a wait for a condition
		defer lag.Stop()
		select {
		case <-lag.C:
		case <-ctx.Done():
		}
	})
	for _, tn := range pair {
		tn.repl.beforeSend.Store(&late)
	}
	ctx := context.Background()
	writes := startAckedWrites(t, ctx, nodes, third, 50000)
	val := strings.Repeat("v", 300) // 8000 keys: past half of a 4 MiB budget
	for i := 0; i < 8000; i++ {
		if err := setThroughSplit(ctx, cc, fmt.Sprintf("key:%d", i), val); err != nil {
			t.Fatalf("load: %v", err)
		}
	}
	// The first shard whose primary's own map has the third node as its
	// only replica: the old one was just dropped.
	var dead *testNode
	var moving int64 = -1 // acknowledged writes when the third node first replicated the shard
	waitFor(t, 90*time.Second, "a primary's map to drop its shard's old replica for the third node", func() bool {
		for _, tn := range pair {
			m := tn.Cluster().Map()
			if m == nil || len(m.Shards()) != 2 {
				continue
			}
			primary, _ := m.ShardsOf(tn.Cluster().Self())
			for _, s := range primary {
				if moving < 0 && slices.Contains(s.Replicas, thirdID) {
					moving = writes.Acked()
				}
				if slices.Equal(s.Replicas, []cluster.NodeID{thirdID}) {
					dead = tn
					return true
				}
			}
		}
		return false
	})
	atDrop := writes.Acked()
	acked, lost := closeAndReadAcked(t, ctx, nodes, third, dead, writes, "the closed primary's shard to fail over to the third node")
	evs := third.client2(t).Do(ctx, "CLUSTER", "EVENTS", "200").String()
	t.Logf("%s closed right after the spread dropped its shard's old replica: %d writes acknowledged by WAIT 1 (%d while the third node replicated the shard before the drop), %d keys checked, %d lost",
		dead.Cluster().Self(), writes.Acked(), atDrop-moving, len(acked), len(lost))
	if !strings.Contains(evs, "every write") {
		t.Errorf("CLUSTER EVENTS has no drop after a release: %s", evs)
	}
	if len(lost) > 0 {
		t.Fatalf("%d of %d acknowledged writes lost, e.g. %v", len(lost), len(acked), lost[:min(5, len(lost))])
	}
}

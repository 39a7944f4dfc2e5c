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
	"github.com/vcache/vcache/internal/testutil"
)

// The split and merge tests share this harness: a client that keeps
// writing through the shard changes, and reads that wait out a change's
// pause.

// liveWrites SETs prefix:0, prefix:1, ... through a cluster client in the
// background while shards split or merge, remembering which writes were
// acknowledged.
type liveWrites struct {
	stop chan struct{}
	done chan struct{}
	// acked is the writer's until Stop returns.
	acked map[string]bool
}

// startLiveWrites writes prefix:i for i below n until Stop; each, when
// set, runs after every write with its i (a read alongside, say).
func startLiveWrites(ctx context.Context, cc redis.Cmdable, prefix string, n int, each func(i int)) *liveWrites {
	w := &liveWrites{stop: make(chan struct{}), done: make(chan struct{}), acked: map[string]bool{}}
	go func() {
		defer close(w.done)
		for i := 0; i < n; i++ {
			select {
			case <-w.stop:
				return
			default:
			}
			k := fmt.Sprintf("%s:%d", prefix, i)
			if cc.Set(ctx, k, i, 0).Err() == nil {
				w.acked[k] = true
			}
			if each != nil {
				each(i)
			}
		}
	}()
	return w
}

// Stop ends the writes and returns the keys whose SET was acknowledged.
func (w *liveWrites) Stop() map[string]bool {
	close(w.stop)
	<-w.done
	return w.acked
}

// getThroughChange reads k, waiting up to patience while the cluster is
// down or k's slot moves (gossip on a loaded machine may declare members
// suspect for a while): those are not losses. A missing key is nil.
func getThroughChange(ctx context.Context, cc redis.Cmdable, k string, patience time.Duration) (v string, err error) {
	testutil.Until(patience, func() error {
		v, err = cc.Get(ctx, k).Result()
		if err == nil || err == redis.Nil ||
			!(strings.HasPrefix(err.Error(), "CLUSTERDOWN") || strings.HasPrefix(err.Error(), "TRYAGAIN")) {
			return nil
		}
		return err
	})
	return v, err
}

// promoteCluster joins three nodes holding one 4 MB shard with replicas
// replicas that splits by promotion when half full (one split: the
// cooldown and merge window are an hour unless tune changes them), waits
// until every node has the first map and returns the nodes with a
// cluster client over them (closed when the test ends).
func promoteCluster(t *testing.T, replicas int, tune func(cc *cluster.Config)) ([]*testNode, *redis.ClusterClient) {
	t.Helper()
	nodes := joinNodes(t, 3, func(cc *cluster.Config) {
		cc.Replicas = replicas
		cc.InitialShards = 1
		cc.ShardMaxMemory = 4 << 20
		cc.ScaleWindow = 500 * time.Millisecond
		cc.Cooldown = time.Hour
		cc.MergeWindow = time.Hour
		cc.SplitMethod = cluster.SplitAuto
		// The split tests check the pair the flip leaves (each node the
		// other's replica); TestSplitSpreadsReplicas turns the spread on.
		cc.SpreadReplicas = false
		if tune != nil {
			tune(cc)
		}
	})
	waitFor(t, 20*time.Second, "the first map on every node", func() bool {
		for _, tn := range nodes {
			if m := tn.Cluster().Map(); m == nil || m.SlotsAssigned() != keyslot.Count {
				return false
			}
		}
		return true
	})
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{nodes[0].addr, nodes[1].addr, nodes[2].addr},
		MaxRedirects: 16, MinRetryBackoff: 5 * time.Millisecond, MaxRetryBackoff: 100 * time.Millisecond})
	t.Cleanup(func() { cc.Close() })
	return nodes, cc
}

// nodesByID maps each node's cluster ID to it.
func nodesByID(nodes []*testNode) map[cluster.NodeID]*testNode {
	byID := map[cluster.NodeID]*testNode{}
	for _, tn := range nodes {
		byID[tn.Cluster().Self()] = tn
	}
	return byID
}

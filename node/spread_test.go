package node

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/testutil"
)

// TestSplitSpreadsReplicas splits a shard by promotion on three nodes:
// the flip leaves the two nodes each other's replica, then the
// coordinator moves each shard's replica, one at a time, to the third
// node, so CLUSTER SHARDS ends with each new primary on its own node and
// both replicas on the third. Then, under SET + WAIT 1 writes, one of the
// new primaries is closed: every write WAIT 1 acknowledged is readable
// from the nodes left.
func TestSplitSpreadsReplicas(t *testing.T) {
	for _, victim := range []string{"old-primary", "promoted"} {
		t.Run(victim, func(t *testing.T) { testSplitSpread(t, victim) })
	}
}

// shardsByAddr returns, from CLUSTER SHARDS on c, each shard's master
// address and its replicas' addresses, keyed by the master's.
func shardsByAddr(ctx context.Context, c *redis.Client) (map[string][]string, error) {
	shards, err := c.ClusterShards(ctx).Result()
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, s := range shards {
		var master string
		var replicas []string
		for _, n := range s.Nodes {
			addr := net.JoinHostPort(n.IP, strconv.FormatInt(n.Port, 10))
			if n.Role == "master" {
				master = addr
			} else {
				replicas = append(replicas, addr)
			}
		}
		out[master] = replicas
	}
	return out, nil
}

func testSplitSpread(t *testing.T, victim string) {
	nodes, cc := promoteCluster(t, 1, func(c *cluster.Config) { c.SpreadReplicas = true })
	waitReplicasMatch(t, nodes)
	byID := nodesByID(nodes)
	before := nodes[0].Cluster().Map().Shards()[0]
	oldPrimary, promoted := byID[before.Primary], byID[before.Replicas[0]]
	var third *testNode
	for _, tn := range nodes {
		if tn != oldPrimary && tn != promoted {
			third = tn
		}
	}
	ctx := context.Background()
	val := strings.Repeat("v", 300) // 8000 keys: past half of a 4 MiB budget
	for i := 0; i < 8000; i++ {
		if err := setThroughSplit(ctx, cc, fmt.Sprintf("key:%d", i), val); err != nil {
			t.Fatalf("load: %v", err)
		}
	}
	// Each new primary on its own node, both replicas on the third, as
	// CLUSTER SHARDS on every node says.
	var last map[string][]string
	waitFor(t, 60*time.Second, "each shard's replica on the third node in CLUSTER SHARDS", func() bool {
		for _, tn := range nodes {
			got, err := shardsByAddr(ctx, tn.client2(t))
			if err != nil {
				return false
			}
			last = got
			if len(got) != 2 || len(got[oldPrimary.addr]) != 1 || len(got[promoted.addr]) != 1 ||
				got[oldPrimary.addr][0] != third.addr || got[promoted.addr][0] != third.addr {
				return false
			}
		}
		return true
	})
	t.Logf("CLUSTER SHARDS after the split (master: replicas): %v; third node %s", last, third.addr)
	// The third node holds a whole copy of both shards, and the pair no
	// longer holds each other's keys: every key is on two nodes.
	waitReplicasMatch(t, nodes)
	waitFor(t, 20*time.Second, "every key on its primary and one replica only", func() bool {
		total := 0
		for _, tn := range nodes {
			total += tn.ks.Len()
		}
		return total == 2*8000
	})
	evs := nodes[0].client2(t).Do(ctx, "CLUSTER", "EVENTS", "200").String()
	if strings.Count(evs, "spread: ") < 4 {
		t.Fatalf("CLUSTER EVENTS lists fewer than 4 spread steps (2 replicas added, 2 dropped): %s", evs)
	}

	dead, observer := oldPrimary, promoted
	if victim == "promoted" {
		dead, observer = promoted, oldPrimary
	}
	clients := map[*testNode]*redis.Client{}
	for _, tn := range nodes {
		clients[tn] = redis.NewClient(&redis.Options{Addr: tn.addr, MaxRetries: -1, PoolSize: 1,
			DialTimeout: time.Second, ReadTimeout: 2 * time.Second})
		defer clients[tn].Close()
	}
	var mu sync.Mutex
	acked := map[string]string{}
	var ackCount atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 50000; i++ {
			select {
			case <-stop:
				return
			default:
			}
			k, v := fmt.Sprintf("w:%d", i), fmt.Sprintf("v%d", i)
			owner, ok := observer.Cluster().Map().Owner(keyslot.OfString(k))
			tn := byID[owner.Primary]
			if !ok || tn == nil {
				continue
			}
			var set *redis.StatusCmd
			var wait *redis.Cmd
			clients[tn].Pipelined(ctx, func(p redis.Pipeliner) error {
				set = p.Set(ctx, k, v, 0)
				wait = p.Do(ctx, "WAIT", "1", "200")
				return nil
			})
			if n, err := wait.Int64(); set.Err() == nil && err == nil && n >= 1 {
				mu.Lock()
				acked[k] = v
				mu.Unlock()
				ackCount.Add(1)
			}
		}
	}()
	defer func() {
		select {
		case <-stop:
		default:
			close(stop)
		}
		wg.Wait()
	}()
	waitFor(t, 20*time.Second, "writes acknowledged by WAIT 1", func() bool { return ackCount.Load() >= 200 })
	dead.stop()
	waitFor(t, 30*time.Second, "the dead node's shard to fail over", func() bool {
		m := observer.Cluster().Map()
		if m == nil || len(m.Migrations()) > 0 || m.SlotsAssigned() != keyslot.Count {
			return false
		}
		for _, s := range m.Shards() {
			if s.Primary == dead.Cluster().Self() {
				return false
			}
		}
		return true
	})
	close(stop)
	wg.Wait()
	rc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{observer.addr, third.addr}, MaxRedirects: 16,
		MinRetryBackoff: 5 * time.Millisecond, MaxRetryBackoff: 100 * time.Millisecond})
	defer rc.Close()
	mu.Lock()
	defer mu.Unlock()
	var lost []string
	for k, want := range acked {
		var got string
		var err error
		testutil.Until(10*time.Second, func() error {
			got, err = rc.Get(ctx, k).Result()
			if err != nil && (strings.HasPrefix(err.Error(), "CLUSTERDOWN") || strings.HasPrefix(err.Error(), "TRYAGAIN")) {
				return err
			}
			return nil
		})
		if err != nil || got != want {
			lost = append(lost, fmt.Sprintf("%s=%q (%v)", k, got, err))
		}
	}
	t.Logf("%s closed after the replicas spread: %d writes acknowledged by WAIT 1, %d lost", victim, len(acked), len(lost))
	if len(lost) > 0 {
		t.Fatalf("%d of %d acknowledged writes lost, e.g. %v", len(lost), len(acked), lost[:min(5, len(lost))])
	}
}

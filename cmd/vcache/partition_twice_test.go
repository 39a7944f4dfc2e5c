package main

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// TestPartitionSecondCutFailsOver cuts off one node of three, heals it
// (it comes back owning nothing: its shards failed over and got new
// replicas), then cuts off a primary of the other two. The two nodes
// still in touch are a majority of three and must promote the cut-off
// primary's replica while the cut lasts, as Redis Cluster's majority
// does; the cut-off node, reached from inside its namespace, must refuse
// writes (CLUSTERDOWN). Before the returning node counted towards the
// majority, both sides lost theirs and every slot stayed down until the
// partition healed.
func TestPartitionSecondCutFailsOver(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs processes in network namespaces")
	}
	requireTool(t, "redis-cli")
	lab := newNetLab(t, 3)
	bin := buildVcache(t)
	const port = "6379"
	ctx := context.Background()
	clients := make([]*redis.Client, 3)
	ids := make([]string, 3)
	for i := 0; i < 3; i++ {
		p := launchProc(t, lab.addr(i)+":"+port, fmt.Sprintf("n%d", i), exec.Command("ip", "netns", "exec", lab.nss[i], bin, "server", "--bind", lab.addr(i), "--port", port,
			"--gossip", lab.addr(i)+":7946", "--join", lab.addr(0)+":7946", "--node-name", fmt.Sprintf("n%d", i),
			"--replicas", "1", "--loglevel", "warn"))
		clients[i] = redis.NewClient(&redis.Options{Addr: p.addr, MaxRetries: -1, DialTimeout: time.Second,
			ReadTimeout: time.Second, WriteTimeout: time.Second})
		defer clients[i].Close()
	}
	for i, c := range clients {
		testutil.WaitFor(t, 30*time.Second, func() bool {
			id, err := c.ClusterMyID(ctx).Result()
			ids[i] = id
			return err == nil
		}, "CLUSTER MYID")
	}
	// primaries returns, as node i sees it, which nodes lead a shard, and
	// whether every slot has a primary with an online replica.
	primaries := func(i int) (map[string]bool, bool) {
		shards, err := clients[i].ClusterShards(ctx).Result()
		if err != nil {
			return nil, false
		}
		lead, covered, whole := map[string]bool{}, 0, true
		for _, s := range shards {
			replica := false
			for _, n := range s.Nodes {
				if n.Role == "master" {
					lead[n.ID] = true
				} else if n.Health == "online" {
					replica = true
				}
			}
			whole = whole && replica
			for _, r := range s.Slots {
				covered += int(r.End - r.Start + 1)
			}
		}
		return lead, whole && covered == 16384
	}
	healthy := func(on ...int) bool {
		for _, i := range on {
			if _, ok := primaries(i); !ok {
				return false
			}
			if info, err := clients[i].ClusterInfo(ctx).Result(); err != nil || !strings.Contains(info, "cluster_state:ok") {
				return false
			}
		}
		return true
	}
	testutil.WaitFor(t, 60*time.Second, func() bool { return healthy(0, 1, 2) }, "every shard a primary and a replica")
	// epoch is node i's shard map epoch (cluster_current_epoch).
	epoch := func(i int) int {
		info, err := clients[i].ClusterInfo(ctx).Result()
		if err != nil {
			return -1
		}
		_, v, _ := strings.Cut(info, "cluster_current_epoch:")
		n := 0
		fmt.Sscan(v, &n)
		return n
	}

	// keyOf returns a key of a slot node i leads, written there and
	// acknowledged by its replica: a replica acknowledges only once its
	// full sync is complete, so the coordinator may promote it at once
	// (a partial copy waits for the primary's return: cluster/heir.go).
	keyOf := func(i int) string {
		t.Helper()
		for k := 0; k < 10000; k++ {
			key := fmt.Sprintf("key:%d", k)
			if clients[i].Set(ctx, key, "before", 0).Err() != nil {
				continue
			}
			testutil.WaitFor(t, 30*time.Second, func() bool {
				n, err := clients[i].Wait(ctx, 1, time.Second).Result()
				return err == nil && n == 1
			}, "WAIT 1 on the node to be cut")
			return key
		}
		t.Fatalf("no key of n%d's slots found", i)
		return ""
	}

	// First cut: n2 fails over and comes back owning nothing.
	keyOf(2)
	last := ""
	defer func() {
		if t.Failed() {
			t.Logf("last seen: %s", last)
		}
	}()
	lab.cut(2)
	testutil.WaitFor(t, 30*time.Second, func() bool {
		lead, ok := primaries(0)
		if !ok || lead[ids[2]] || !healthy(0, 1) {
			shards, _ := clients[0].Do(ctx, "CLUSTER", "SHARDS").Result()
			info, _ := clients[0].ClusterInfo(ctx).Result()
			last = fmt.Sprintf("n0: %v %q", shards, info)
			return false
		}
		return true
	}, "n0 and n1 to take over n2's shards")
	failoverEpoch := epoch(0)
	lab.heal(2)
	// The coordinator puts n2 back in the map (a spare that votes): a
	// new epoch on every node.
	testutil.WaitFor(t, 30*time.Second, func() bool {
		return healthy(0, 1, 2) && epoch(0) > failoverEpoch && epoch(1) == epoch(0) && epoch(2) == epoch(0)
	}, "n2 back in every node's map after the first heal")

	// Second cut: a primary among n0 and n1, with a key it leads.
	lead, _ := primaries(2)
	victim, other := 0, 1
	if !lead[ids[0]] {
		victim, other = 1, 0
	}
	key := keyOf(victim)
	lab.cut(victim)
	cutAt := time.Now()
	var tookOver time.Duration
	testutil.WaitFor(t, 30*time.Second, func() bool {
		for _, c := range []*redis.Client{clients[other], clients[2]} {
			err := c.Set(ctx, key, "majority", 0).Err()
			if err == nil {
				tookOver = time.Since(cutAt)
				return true
			}
			evs, _ := clients[2].Do(ctx, "CLUSTER", "EVENTS", "20").Result()
			nodes, _ := clients[2].ClusterNodes(ctx).Result()
			last = fmt.Sprintf("SET %s: %v; n2's CLUSTER NODES:\n%s\nCLUSTER EVENTS: %v", key, err, nodes, evs)
		}
		return false
	}, "the majority (n2 and the other node) to take over the cut-off primary's slot")
	refusal := ""
	testutil.WaitFor(t, 10*time.Second, func() bool {
		refusal = lab.inNS(victim, "redis-cli", "-h", lab.addr(victim), "-p", port, "SET", key, "minority")
		return strings.HasPrefix(refusal, "CLUSTERDOWN")
	}, "the cut-off primary to refuse writes")
	t.Logf("n%d cut off: the majority took its slot over %.1fs after the cut; it answers writes with %q", victim, tookOver.Seconds(), refusal)

	lab.heal(victim)
	// From the heal on, the node that was cut off never serves its old
	// copy of the key nor takes a write for it (watchHealed); the others
	// serve the majority's write.
	gets := watchHealed(t, clients[victim], key, "before", "majority")
	t.Logf("n%d followed the majority's map after %d GETs, none of them stale", victim, gets)
	testutil.WaitFor(t, 30*time.Second, func() bool { return healthy(0, 1, 2) }, "a healthy cluster after the second heal")
	for i, c := range clients {
		if v, err := c.Get(ctx, key).Result(); (err == nil && v != "majority") || (err != nil && !strings.HasPrefix(err.Error(), "MOVED ")) {
			t.Fatalf("after healing n%d answers GET %s with %q, %v; want the majority's write or MOVED", i, key, v, err)
		}
	}
}

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

// clusterConfig returns a member config with gossip timers shrunk for
// tests on 127.0.0.1.
func clusterConfig(name string, seeds []string) *cluster.Config {
	c := cluster.DefaultConfig()
	c.Name = name
	c.BindAddr = "127.0.0.1"
	c.BindPort = 0
	c.Seeds = seeds
	c.ProbeInterval = 200 * time.Millisecond
	c.ProbeTimeout = 100 * time.Millisecond
	c.GossipInterval = 20 * time.Millisecond
	c.SuspicionMult = 2
	c.PushPullInterval = 500 * time.Millisecond
	c.TCPTimeout = 5 * time.Second
	c.LoadInterval = 100 * time.Millisecond
	c.BootstrapExpect = 3
	c.Replicas = 0
	c.ShardMaxMemory, c.ShardMaxOps, c.ShardMaxCPU, c.ShardMaxNetwork, c.ShardMaxConns, c.ShardMaxVectors = 0, 0, 0, 0, 0, 0
	return &c
}

// joinNodes starts n clustered nodes, the first as the others' gossip
// seed, with mutate (when set) applied to each member config, and waits
// until each has joined gossip.
func joinNodes(t *testing.T, n int, mutate func(*cluster.Config)) []*testNode {
	t.Helper()
	return joinNodesWith(t, n, mutate, nil)
}

// joinNodesWith is joinNodes with a change to each node's own config too.
func joinNodesWith(t *testing.T, n int, mutate func(*cluster.Config), mutateNode func(*Config)) []*testNode {
	t.Helper()
	var nodes []*testNode
	var seeds []string
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("node-%d", i+1)
		tn := startNode(t, func(c *Config) {
			cc := clusterConfig(name, seeds)
			if mutate != nil {
				mutate(cc)
			}
			c.Cluster = cc
			if mutateNode != nil {
				mutateNode(c)
			}
		})
		waitFor(t, 10*time.Second, name+" to join gossip", func() bool { return tn.Cluster() != nil })
		if i == 0 {
			seeds = []string{tn.Cluster().GossipAddr()}
		}
		nodes = append(nodes, tn)
	}
	return nodes
}

// startClusterNodes starts n clustered nodes and waits until their map
// covers every slot.
func startClusterNodes(t *testing.T, n int) []*testNode {
	t.Helper()
	nodes := joinNodes(t, n, nil)
	waitFor(t, 20*time.Second, "a shard map covering 16384 slots on every node", func() bool {
		for _, tn := range nodes {
			m := tn.Cluster().Map()
			if m == nil || m.SlotsAssigned() != keyslot.Count {
				return false
			}
		}
		return true
	})
	return nodes
}

// msgCrossSlot is a cluster's reply, as rawConn shows it, to a command
// whose keys are in different slots.
const msgCrossSlot = "(error) CROSSSLOT Keys in request don't hash to the same slot"

// slotOwner sends args, a write of one key, to every node and returns a
// connection to the one that answers want: the owner of the key's slot.
func slotOwner(t *testing.T, nodes []*testNode, want string, args ...string) *rawConn {
	t.Helper()
	var owner *rawConn
	for _, tn := range nodes {
		c := tn.raw(t)
		if got := c.do(args...); got == want {
			owner = c
		}
	}
	if owner == nil {
		t.Fatalf("no node answered %v with %s", args, want)
	}
	return owner
}

// wantCrossSlot checks that rc answers CROSSSLOT to every line.
func wantCrossSlot(t *testing.T, rc *rawConn, lines [][]string) {
	t.Helper()
	for _, args := range lines {
		if got := rc.do(args...); got != msgCrossSlot {
			t.Errorf("%v: %s, want CROSSSLOT", args, got)
		}
	}
}

func TestClusteredNodesServeTheirSlots(t *testing.T) {
	nodes := startClusterNodes(t, 3)
	ctx := context.Background()
	addrs := []string{nodes[0].addr, nodes[1].addr, nodes[2].addr}
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	defer cc.Close()
	for i := 0; i < 300; i++ {
		if err := cc.Set(ctx, fmt.Sprintf("k%d", i), i, 0).Err(); err != nil {
			t.Fatalf("ClusterClient SET: %v", err)
		}
	}
	for i := 0; i < 300; i++ {
		if v, err := cc.Get(ctx, fmt.Sprintf("k%d", i)).Int(); err != nil || v != i {
			t.Fatalf("ClusterClient GET k%d = %d, %v", i, v, err)
		}
	}
	// Keys are spread: every node holds some, and a node asked for a key it
	// does not own answers MOVED with the owner's address.
	var moved string
	for _, tn := range nodes {
		if tn.ks.Len() == 0 {
			t.Errorf("%s holds no keys", tn.addr)
		}
		got := tn.raw(t).do("GET", "k1")
		if strings.HasPrefix(got, "(error) MOVED ") {
			moved = got
		}
	}
	if want := fmt.Sprintf("(error) MOVED %d ", keyslot.OfString("k1")); !strings.HasPrefix(moved, want) {
		t.Fatalf("no MOVED for k1 from the nodes that do not own it: %q", moved)
	}
	if got := nodes[0].raw(t).do("MSET", "a", "1", "b", "2"); got != msgCrossSlot {
		t.Fatalf("cross-slot MSET: %s", got)
	}
	info := nodes[0].raw(t).do("CLUSTER", "INFO")
	if !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, "cluster_slots_assigned:16384") {
		t.Fatalf("CLUSTER INFO: %s", info)
	}
	out := redisCLI(t, nodes[0].addr, nil, "-c", "SET", "{user1}.name", "ann")
	if strings.TrimSpace(out) != "OK" {
		t.Fatalf("redis-cli -c SET: %q", out)
	}
	out = redisCLI(t, nodes[1].addr, nil, "-c", "GET", "{user1}.name")
	if strings.TrimSpace(out) != "ann" {
		t.Fatalf("redis-cli -c GET: %q", out)
	}
}

// TestLoadReportsEveryResource: after traffic, the load a node reports
// for its shards has ops, CPU and network figures, and INFO counts the
// bytes.
func TestLoadReportsEveryResource(t *testing.T) {
	nodes := startClusterNodes(t, 3)
	ctx := context.Background()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{nodes[0].addr, nodes[1].addr, nodes[2].addr}})
	defer cc.Close()
	val := strings.Repeat("v", 1000)
	testutil.WaitNil(t, 20*time.Second, func() error {
		for i := 0; i < 500; i++ {
			if err := cc.Set(ctx, fmt.Sprintf("k%d", i), val, 0).Err(); err != nil {
				t.Fatal(err)
			}
		}
		var ops, cpu, network float64
		for _, tn := range nodes {
			for _, s := range tn.Load().Shards {
				ops += s.Ops
				cpu += s.CPU
				network += s.Network
			}
		}
		if ops > 0 && cpu > 0 && network > 500*1000 {
			t.Logf("reported: %.0f ops/s, %.3f cores, %.0f bytes/s", ops, cpu, network)
			return nil
		}
		return fmt.Errorf("load reports stayed at %.0f ops/s, %.3f cores, %.0f bytes/s", ops, cpu, network)
	})
	info := nodes[0].raw(t).do("INFO", "stats")
	if !strings.Contains(info, "total_net_input_bytes:") || strings.Contains(info, "total_net_input_bytes:0\r") {
		t.Fatalf("INFO stats: %s", info)
	}
}

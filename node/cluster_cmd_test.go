package node

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
)

// exact sends one command and returns the reply's bytes.
func (rc *rawConn) exact(args ...string) string {
	rc.t.Helper()
	rc.send(args...)
	b, err := rc.ReadRaw()
	if err != nil {
		rc.t.Fatalf("%v: %v", args, err)
	}
	return b
}

// startOneNodeCluster starts a cluster of one node owning every slot.
func startOneNodeCluster(t *testing.T) *testNode {
	t.Helper()
	tn := joinNodes(t, 1, func(c *cluster.Config) { c.BootstrapExpect = 1 })[0]
	waitFor(t, 20*time.Second, "the node to own every slot", func() bool {
		m := tn.Cluster().Map()
		return m != nil && m.SlotsAssigned() == keyslot.Count
	})
	return tn
}

func bulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }

func TestClusterCommand(t *testing.T) {
	tn := startOneNodeCluster(t)
	rc := tn.raw(t)
	for _, k := range []string{"foo", "{foo}bar", "{foo}baz"} {
		if got := rc.exact("SET", k, "v"); got != "+OK\r\n" {
			t.Fatalf("SET %s = %q", k, got)
		}
	}
	cl := tn.Cluster()
	for _, tc := range []struct {
		line string
		want string
	}{
		{"CLUSTER KEYSLOT foo", ":12182\r\n"},
		{"cluster keyslot {user1000}.following", ":3443\r\n"},
		{"CLUSTER COUNTKEYSINSLOT 12182", ":3\r\n"},
		{"CLUSTER COUNTKEYSINSLOT 0", ":0\r\n"},
		{"CLUSTER GETKEYSINSLOT 12182 0", "*0\r\n"},
		{"CLUSTER GETKEYSINSLOT 0 10", "*0\r\n"},
		{"CLUSTER MYID", bulk(cl.Self().RedisID())},
		{"CLUSTER MYSHARDID", bulk(cl.Map().Shards()[0].ID.RedisID())},
		{"CLUSTER EVENTS 0", "*0\r\n"},
	} {
		if got := rc.exact(strings.Fields(tc.line)...); got != tc.want {
			t.Errorf("%s = %q; want %q", tc.line, got, tc.want)
		}
	}
	c := tn.client(t)
	ctx := context.Background()
	keys, err := c.ClusterGetKeysInSlot(ctx, 12182, 10).Result()
	slices.Sort(keys)
	if err != nil || !slices.Equal(keys, []string{"foo", "{foo}bar", "{foo}baz"}) {
		t.Errorf("CLUSTER GETKEYSINSLOT 12182 10 = %q, %v", keys, err)
	}
	if keys, err := c.ClusterGetKeysInSlot(ctx, 12182, 2).Result(); err != nil || len(keys) != 2 {
		t.Errorf("CLUSTER GETKEYSINSLOT 12182 2 = %q, %v", keys, err)
	}
	info := rc.exact("CLUSTER", "INFO")
	if !strings.Contains(info, "\r\ncluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_slots_ok:16384\r\n") {
		t.Errorf("CLUSTER INFO = %q", info)
	}
	nodes := rc.exact("CLUSTER", "NODES")
	if want := cl.Self().RedisID() + " " + tn.addr + "@"; !strings.Contains(nodes, want) || !strings.Contains(nodes, " myself,master - 0 0 ") ||
		!strings.HasSuffix(nodes, " connected 0-16383\n\r\n") {
		t.Errorf("CLUSTER NODES = %q", nodes)
	}
	for _, line := range []string{"CLUSTER SLOTS", "CLUSTER SHARDS", "CLUSTER HELP", "CLUSTER AUTOSCALE PLAN",
		"CLUSTER AUTOSCALE status", "CLUSTER EVENTS", "CLUSTER EVENTS 5"} {
		if got := rc.exact(strings.Fields(line)...); !strings.HasPrefix(got, "*") && !strings.HasPrefix(got, "$") {
			t.Errorf("%s = %q", line, got)
		}
	}
	if got := rc.exact("CLUSTER", "HELP"); !strings.HasPrefix(got, "*27\r\n+CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+COUNTKEYSINSLOT <slot>\r\n") ||
		!strings.HasSuffix(got, "+HELP\r\n+    Print this help.\r\n") {
		t.Errorf("CLUSTER HELP = %q", got)
	}
}

func TestClusterCommandErrors(t *testing.T) {
	rc := startOneNodeCluster(t).raw(t)
	for _, tc := range []struct{ line, want string }{
		{"CLUSTER", "ERR wrong number of arguments for 'cluster' command"},
		{"CLUSTER FOO", "ERR unknown subcommand 'FOO'. Try CLUSTER HELP."},
		{"CLUSTER foo", "ERR unknown subcommand 'foo'. Try CLUSTER HELP."},
		{"CLUSTER KEYSLOT", "ERR wrong number of arguments for 'cluster|keyslot' command"},
		{"CLUSTER INFO extra", "ERR wrong number of arguments for 'cluster|info' command"},
		{"CLUSTER GETKEYSINSLOT 1", "ERR wrong number of arguments for 'cluster|getkeysinslot' command"},
		{"CLUSTER COUNTKEYSINSLOT x", "ERR value is not an integer or out of range"},
		{"CLUSTER COUNTKEYSINSLOT 16384", "ERR Invalid slot"},
		{"CLUSTER GETKEYSINSLOT -1 10", "ERR Invalid slot or number of keys"},
		{"CLUSTER GETKEYSINSLOT 1 -10", "ERR Invalid slot or number of keys"},
		{"CLUSTER GETKEYSINSLOT 1 x", "ERR value is not an integer or out of range"},
		{"CLUSTER AUTOSCALE", "ERR wrong number of arguments for 'cluster|autoscale' command"},
		{"CLUSTER AUTOSCALE NOW", "ERR unknown subcommand 'AUTOSCALE NOW'. Try CLUSTER HELP."},
		{"CLUSTER EVENTS -1", "ERR value is not an integer or out of range"},
		{"CLUSTER EVENTS 1 2", "ERR wrong number of arguments for 'cluster|events' command"},
		{"CLUSTER ADDSLOTS 1", "ERR CLUSTER ADDSLOTS is not supported: vcache places slots itself"},
		{"cluster setslot 1 node x", "ERR CLUSTER SETSLOT is not supported: vcache places slots itself"},
	} {
		if got := rc.exact(strings.Fields(tc.line)...); got != "-"+tc.want+"\r\n" {
			t.Errorf("%s = %q; want -%s", tc.line, got, tc.want)
		}
	}
	// A standalone node has no cluster.
	if got := startNode(t, nil).raw(t).exact("CLUSTER", "INFO"); got != "-ERR This instance has cluster support disabled\r\n" {
		t.Errorf("standalone CLUSTER INFO = %q", got)
	}
}

// TestClusterShardsReportReplicationOffsets: after writes, CLUSTER SHARDS
// on every node shows each primary's offset above zero, equal to its
// master_repl_offset, and each replica at its primary's offset once it has
// caught up. go-redis parses CLUSTER SLOTS and SHARDS.
func TestClusterShardsReportReplicationOffsets(t *testing.T) {
	nodes := startReplicatedNodes(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{nodes[0].addr, nodes[1].addr, nodes[2].addr}})
	defer cc.Close()
	for i := range 300 {
		if err := cc.Set(ctx, fmt.Sprintf("k%d", i), i, 0).Err(); err != nil {
			t.Fatalf("SET k%d: %v", i, err)
		}
	}
	byID := map[string]*testNode{}
	for _, tn := range nodes {
		byID[tn.Cluster().Self().RedisID()] = tn
	}
	clients := map[*testNode]*redis.Client{}
	for _, tn := range nodes {
		clients[tn] = tn.client(t)
	}
	var last []redis.ClusterShard
	check := func(tn *testNode) bool {
		shards, err := clients[tn].ClusterShards(ctx).Result()
		if err != nil {
			t.Fatalf("CLUSTER SHARDS: %v", err)
		}
		last = shards
		if len(shards) != 3 {
			return false
		}
		for _, s := range shards {
			if len(s.Nodes) != 2 || s.Nodes[0].Role != "master" || s.Nodes[1].Role != "replica" {
				return false
			}
			p, r := s.Nodes[0], s.Nodes[1]
			if p.ReplicationOffset <= 0 || r.ReplicationOffset != p.ReplicationOffset {
				return false
			}
			if o := masterReplOffset(ctx, clients[byID[p.ID]]); o != p.ReplicationOffset {
				return false
			}
		}
		return true
	}
	for _, tn := range nodes {
		waitFor(t, 20*time.Second, "offsets in CLUSTER SHARDS of "+tn.addr, func() bool { return check(tn) })
	}
	t.Logf("CLUSTER SHARDS: %+v", last)
	slots, err := nodes[0].client(t).ClusterSlots(ctx).Result()
	m := nodes[0].Cluster().Map()
	if err != nil || len(slots) != 3 || len(slots[0].Nodes) != 2 || slots[0].Nodes[0].ID != m.Shards()[0].Primary.RedisID() {
		t.Fatalf("CLUSTER SLOTS through go-redis: %+v, %v", slots, err)
	}
}

// masterReplOffset returns the node's master_repl_offset from INFO.
func masterReplOffset(ctx context.Context, c *redis.Client) int64 {
	info := c.Info(ctx, "replication").Val()
	for _, l := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(l, "master_repl_offset:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return -1
}

// TestRouteErrorTexts: the cluster's routing errors reach clients in Redis
// Cluster's words, which cluster clients parse.
func TestRouteErrorTexts(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&cluster.Redirect{Err: cluster.ErrMoved, Slot: 12182, Addr: "10.0.0.3:6379"}, "MOVED 12182 10.0.0.3:6379"},
		{fmt.Errorf("routing: %w", &cluster.Redirect{Err: cluster.ErrAsk, Slot: 150, Addr: "10.0.0.2:6379"}), "ASK 150 10.0.0.2:6379"},
		{cluster.ErrDown, "CLUSTERDOWN The cluster is down"},
		{cluster.ErrNotServed, "CLUSTERDOWN Hash slot not served"},
		{cluster.ErrTryAgain, "TRYAGAIN Multiple keys request during rehashing of slot"},
		{cluster.ErrRestarted, "TRYAGAIN Node restarted, waiting for the shard map to move its shards"},
	} {
		if got := routeErrorText(tc.err); got != tc.want {
			t.Errorf("routeErrorText(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

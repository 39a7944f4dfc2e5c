package cluster

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/tidwall/redcon"

	"github.com/vcache/vcache/internal/keyslot"
)

// respNode is a tiny data node for client tests: GET/SET on a map, routed
// with Map.Route, and CLUSTER answered by Cluster.Command.
type respNode struct {
	c    *Cluster
	ln   net.Listener
	mu   sync.Mutex // guards data
	data map[string]string
}

func (n *respNode) CountKeysInSlot(slot int) int { return len(n.KeysInSlot(slot, 1<<30)) }

func (n *respNode) KeysInSlot(slot, count int) []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []string
	for k := range n.data {
		if keyslot.OfString(k) == slot && len(out) < count {
			out = append(out, k)
		}
	}
	return out
}

func (n *respNode) serve(conn redcon.Conn, cmd redcon.Command) {
	name := strings.ToUpper(string(cmd.Args[0]))
	switch name {
	case "CLUSTER":
		if err := n.c.Command(cmd.Args, n, conn); err != nil {
			conn.WriteError("ERR " + err.Error())
		}
	case "PING":
		conn.WriteString("PONG")
	case "COMMAND":
		conn.WriteArray(0) // no key positions: go-redis then routes by the first key
	case "ASKING", "READONLY", "READWRITE":
		conn.WriteString("OK")
	case "GET", "SET":
		if len(cmd.Args) < 2 {
			conn.WriteError("ERR wrong number of arguments")
			return
		}
		key := string(cmd.Args[1])
		if ok, redirect := n.c.Map().Route(keyslot.OfString(key), n.c.Self()); !ok {
			conn.WriteError(redirect)
			return
		}
		n.mu.Lock()
		defer n.mu.Unlock()
		if name == "SET" {
			n.data[key] = string(cmd.Args[2])
			conn.WriteString("OK")
		} else if v, ok := n.data[key]; ok {
			conn.WriteBulkString(v)
		} else {
			conn.WriteNull()
		}
	default:
		conn.WriteError("ERR unknown command '" + string(cmd.Args[0]) + "'")
	}
}

// startRESPCluster starts three members, each with a RESP listener whose
// address is its Config.Addr.
func startRESPCluster(t *testing.T) []*respNode {
	t.Helper()
	var nodes []*respNode
	for i := range 3 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		cfg := testConfig(fmt.Sprintf("n%d", i+1), ln.Addr().(*net.TCPAddr).Port)
		n := &respNode{c: startMember(t, cfg), ln: ln, data: map[string]string{}}
		if i > 0 {
			join(t, n.c, nodes[0].c)
		}
		done := make(chan struct{})
		go func() { defer close(done); redcon.Serve(ln, n.serve, nil, nil) }()
		t.Cleanup(func() { ln.Close(); <-done })
		nodes = append(nodes, n)
	}
	cs := []*Cluster{nodes[0].c, nodes[1].c, nodes[2].c}
	waitFor(t, 10*time.Second, "one map", func() bool { return converged(cs) })
	return nodes
}

// quietRedis drops go-redis's own log lines.
type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

func TestGoRedisClusterClientUsesTheNodes(t *testing.T) {
	redis.SetLogger(quietRedis{})
	nodes := startRESPCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	client := redis.NewClusterClient(&redis.ClusterOptions{
		Addrs: []string{nodes[1].ln.Addr().String()}, Protocol: 2, DisableIdentity: true, MaxRedirects: 3,
	})
	defer client.Close()
	const keys = 300
	for i := range keys {
		if err := client.Set(ctx, fmt.Sprintf("key:%d", i), fmt.Sprint(i), 0).Err(); err != nil {
			t.Fatalf("SET key:%d: %v", i, err)
		}
	}
	for i := range keys {
		if v, err := client.Get(ctx, fmt.Sprintf("key:%d", i)).Result(); err != nil || v != fmt.Sprint(i) {
			t.Fatalf("GET key:%d = %q, %v", i, v, err)
		}
	}
	// Every key went straight to the primary of its slot, and each node
	// holds some.
	m := nodes[0].c.Map()
	for _, n := range nodes {
		n.mu.Lock()
		held := len(n.data)
		for k := range n.data {
			if s, _ := m.Owner(keyslot.OfString(k)); s.Primary != n.c.Self() {
				t.Errorf("%s holds %s of slot %d owned by %s", n.c.Self(), k, keyslot.OfString(k), s.Primary)
			}
		}
		n.mu.Unlock()
		if held == 0 || held == keys {
			t.Errorf("%s holds %d of %d keys", n.c.Self(), held, keys)
		}
	}
	slots, err := client.ClusterSlots(ctx).Result()
	if err != nil || len(slots) != 3 || len(slots[0].Nodes) != 2 || slots[0].Nodes[0].ID != m.Shards()[0].Primary.RedisID() {
		t.Fatalf("CLUSTER SLOTS through go-redis: %+v, %v", slots, err)
	}
	shards, err := client.ClusterShards(ctx).Result()
	if err != nil || len(shards) != 3 || len(shards[0].Nodes) != 2 || shards[0].Nodes[0].Role != "master" || shards[0].Slots[0].End != 5461 {
		t.Fatalf("CLUSTER SHARDS through go-redis: %+v, %v", shards, err)
	}
}

func TestRedisCLIFollowsMoved(t *testing.T) {
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redis-cli not installed")
	}
	nodes := startRESPCluster(t)
	m := nodes[0].c.Map()
	// "foo" is in slot 12182; ask a node that does not own it.
	owner, _ := m.Owner(keyslot.OfString("foo"))
	var other *respNode
	for _, n := range nodes {
		if n.c.Self() != owner.Primary {
			other = n
		}
	}
	_, port, _ := net.SplitHostPort(other.ln.Addr().String())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	redisCLI := func(args ...string) string {
		out, err := exec.CommandContext(ctx, cli, append([]string{"-c", "-p", port}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("redis-cli %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if out := redisCLI("SET", "foo", "bar"); out != "OK" {
		t.Fatalf("redis-cli -c SET foo bar = %q", out)
	}
	if out := redisCLI("GET", "foo"); out != "bar" {
		t.Fatalf("redis-cli -c GET foo = %q", out)
	}
	if out := redisCLI("CLUSTER", "KEYSLOT", "foo"); out != "12182" {
		t.Fatalf("CLUSTER KEYSLOT foo = %q", out)
	}
	if out := redisCLI("CLUSTER", "INFO"); !strings.Contains(out, "cluster_state:ok") {
		t.Fatalf("CLUSTER INFO = %q", out)
	}
}

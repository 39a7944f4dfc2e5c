package proxy

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/testutil"
)

// startClusterRedis starts a redis-server with --cluster-enabled yes that
// is a cluster of its own, owning every slot.
func startClusterRedis(t *testing.T) *redisServer {
	t.Helper()
	r := startRedis(t, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
		"--cluster-announce-ip", "127.0.0.1")
	if got := rawDo(r.addr, "CLUSTER", "ADDSLOTSRANGE", "0", "16383"); got != "+OK\r\n" {
		t.Fatalf("CLUSTER ADDSLOTSRANGE 0 16383 = %q", got)
	}
	eventually(t, 10*time.Second, "cluster_state:ok on "+r.addr, func() bool {
		return strings.Contains(rawDo(r.addr, "CLUSTER", "INFO"), "cluster_state:ok")
	})
	return r
}

// cport matches the bus port of a CLUSTER NODES line.
var cport = regexp.MustCompile(`@[0-9]+ `)

// clusterView renders a raw reply as redis-cli would, with the node id
// and port of the server that gave it replaced by placeholders.
func clusterView(t *testing.T, raw, id, port string) string {
	t.Helper()
	v, _, err := resp.Parse([]byte(raw))
	if err != nil {
		t.Fatalf("bad reply %q: %v", raw, err)
	}
	s := strings.ReplaceAll(v.String(), id, "<id>")
	s = strings.ReplaceAll(s, ":"+port, ":<port>")
	s = strings.ReplaceAll(s, "(integer) "+port, "(integer) <port>")
	return cport.ReplaceAllString(s, "@<cport> ")
}

// TestClusterRepliesMatchRedisCluster sends testdata/cluster.txt to a
// one-node Redis Cluster and to the proxy over two cluster-mode
// redis-servers: the proxy answers as that one node does, COUNTKEYSINSLOT
// and GETKEYSINSLOT come from the node holding the slot, and every error
// is Redis's.
func TestClusterRepliesMatchRedisCluster(t *testing.T) {
	lines := readGolden(t, "testdata/cluster.txt")
	direct := startClusterRedis(t)
	p := startProxy(t, Config{}, startClusterRedis(t).addr, startClusterRedis(t).addr)
	d, c := dialRaw(t, direct.addr), dialRaw(t, p.addr)
	did := strings.TrimSpace(strings.Split(d.do("CLUSTER", "MYID"), "\r\n")[1])
	pid := strings.TrimSpace(strings.Split(c.do("CLUSTER", "MYID"), "\r\n")[1])
	if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(pid) {
		t.Fatalf("proxy's CLUSTER MYID = %q, want 40 hex digits", pid)
	}
	_, dport, _ := strings.Cut(direct.addr, ":")
	_, pport, _ := strings.Cut(p.addr, ":")
	for _, args := range lines {
		dargs, pargs := append([]string(nil), args...), append([]string(nil), args...)
		for i, a := range args {
			if a == "$MYID" {
				dargs[i], pargs[i] = did, pid
			}
		}
		want := clusterView(t, d.do(dargs...), did, dport)
		got := clusterView(t, c.do(pargs...), pid, pport)
		if got != want {
			t.Errorf("%s:\n proxy:  %s\n direct: %s", strings.Join(args, " "), got, want)
		}
	}
	// The proxy's one node owns every slot, whatever serves them behind.
	if got := c.do("CLUSTER", "SLOTS"); !strings.Contains(got, "$9\r\n127.0.0.1\r\n:"+pport+"\r\n$40\r\n"+pid) {
		t.Errorf("CLUSTER SLOTS = %q, want the proxy's address and id", got)
	}
	if got := c.do("CLUSTER", "ADDSLOTS", "1"); !strings.HasPrefix(got, "-ERR CLUSTER ADDSLOTS is not available through the proxy") {
		t.Errorf("CLUSTER ADDSLOTS = %q", got)
	}
	// The id is the proxy's for good, on every connection.
	if again := strings.Split(dialRaw(t, p.addr).do("CLUSTER", "MYID"), "\r\n")[1]; again != pid {
		t.Errorf("CLUSTER MYID on a second connection = %q, first %q", again, pid)
	}
}

// holeRouter is a static router under which no node serves the first
// holes slots, as during a cluster's start.
type holeRouter struct {
	*StaticRouter
	holes int
}

func (r holeRouter) Lookup(slot int) (string, bool) {
	if slot < r.holes {
		return "", false
	}
	return r.StaticRouter.Lookup(slot)
}

// TestClusterInfoCountsUnservedSlots: while no node serves some slots,
// CLUSTER INFO through the proxy counts them as failed and the state is
// fail; the one node still owns every slot.
func TestClusterInfoCountsUnservedSlots(t *testing.T) {
	sr, err := NewStaticRouter([]string{startRedis(t).addr})
	if err != nil {
		t.Fatal(err)
	}
	addr := serveRouted(t, holeRouter{sr, 100})
	c := client(t, addr)
	got := c.ClusterInfo(context.Background()).Val()
	for _, want := range []string{"cluster_state:fail\r\n", "cluster_slots_assigned:16384\r\n", "cluster_slots_ok:16284\r\n",
		"cluster_slots_fail:100\r\n", "cluster_known_nodes:1\r\n", "cluster_size:1\r\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("CLUSTER INFO with 100 slots unserved lacks %q:\n%s", want, got)
		}
	}
	if slots := c.ClusterSlots(context.Background()).Val(); len(slots) != 1 || slots[0].Start != 0 || slots[0].End != 16383 {
		t.Errorf("CLUSTER SLOTS = %+v, want 0-16383", slots)
	}
}

// clusterKeys returns n keys spread over many slots.
func clusterKeys(n int) []string {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("ck:%d", i)
	}
	return keys
}

// TestGoRedisClusterClientThroughProxy: go-redis's ClusterClient, given
// only the proxy's address, sees one node owning every slot and sends it
// everything: SET, GET and MGET across slots work, and CLUSTER SLOTS and
// NODES name the proxy.
func TestGoRedisClusterClientThroughProxy(t *testing.T) {
	p := startProxy(t, Config{}, addrs(startRedises(t, 3)...)...)
	ctx := context.Background()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{p.addr}, MaxRedirects: -1})
	t.Cleanup(func() { cc.Close() })
	keys := clusterKeys(200)
	for i, k := range keys {
		if err := cc.Set(ctx, k, i, 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", k, err)
		}
	}
	for i, k := range keys {
		if v, err := cc.Get(ctx, k).Result(); err != nil || v != strconv.Itoa(i) {
			t.Fatalf("GET %s = %q, %v", k, v, err)
		}
	}
	vals, err := cc.MGet(ctx, keys...).Result()
	if err != nil || len(vals) != len(keys) {
		t.Fatalf("MGET of %d keys across slots: %d values, %v", len(keys), len(vals), err)
	}
	for i, v := range vals {
		if v != strconv.Itoa(i) {
			t.Fatalf("MGET value %d = %v", i, v)
		}
	}
	slots, err := cc.ClusterSlots(ctx).Result()
	if err != nil || len(slots) != 1 || slots[0].Start != 0 || slots[0].End != 16383 ||
		len(slots[0].Nodes) != 1 || slots[0].Nodes[0].Addr != p.addr {
		t.Fatalf("CLUSTER SLOTS = %+v, %v; want one range 0-16383 on %s", slots, err, p.addr)
	}
	var shards []string
	err = cc.ForEachShard(ctx, func(ctx context.Context, c *redis.Client) error {
		shards = append(shards, c.Options().Addr)
		return nil
	})
	if err != nil || len(shards) != 1 || shards[0] != p.addr {
		t.Fatalf("ClusterClient's shards = %v, %v; want only %s", shards, err, p.addr)
	}
	sh, err := cc.ClusterShards(ctx).Result()
	_, port, _ := strings.Cut(p.addr, ":")
	if err != nil || len(sh) != 1 || len(sh[0].Slots) != 1 || sh[0].Slots[0].End != 16383 || len(sh[0].Nodes) != 1 ||
		strconv.Itoa(int(sh[0].Nodes[0].Port)) != port || sh[0].Nodes[0].ID != cc.ClusterMyID(ctx).Val() {
		t.Fatalf("CLUSTER SHARDS = %+v, %v; want one shard of one node, the proxy", sh, err)
	}
	nodes := cc.ClusterNodes(ctx).Val()
	if want := cc.ClusterMyID(ctx).Val() + " " + p.addr + "@0 myself,master - 0 0 0 connected 0-16383\n"; nodes != want {
		t.Fatalf("CLUSTER NODES = %q, want %q", nodes, want)
	}
}

// TestRedisCliClusterModeThroughProxy: redis-cli -c against the proxy.
func TestRedisCliClusterModeThroughProxy(t *testing.T) {
	if _, err := exec.LookPath("redis-cli"); err != nil {
		t.Skip("redis-cli is not on PATH")
	}
	p := startProxy(t, Config{}, addrs(startRedises(t, 3)...)...)
	_, port, _ := strings.Cut(p.addr, ":")
	var in, want strings.Builder
	keys := clusterKeys(20)
	for i, k := range keys {
		fmt.Fprintf(&in, "SET %s v%d\n", k, i)
		want.WriteString("OK\n")
	}
	for i, k := range keys {
		fmt.Fprintf(&in, "GET %s\n", k)
		fmt.Fprintf(&want, "v%d\n", i)
	}
	fmt.Fprintf(&in, "MGET %s\n", strings.Join(keys[:5], " "))
	for i := range 5 {
		fmt.Fprintf(&want, "v%d\n", i)
	}
	in.WriteString("CLUSTER KEYSLOT foo\nCLUSTER INFO\n")
	want.WriteString("12182\n")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "redis-cli", "-c", "-h", "127.0.0.1", "-p", port)
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("redis-cli -c: %v\n%s", err, out)
	}
	got := string(out)
	if !strings.HasPrefix(got, want.String()) || !strings.Contains(got, "cluster_known_nodes:1") {
		t.Fatalf("redis-cli -c output:\n%s\nwant it to begin:\n%s", got, want.String())
	}
}

// redisClusterScript uses redis-py's RedisCluster as its users do, given
// the proxy's address: it finds one node owning every slot.
const redisClusterScript = `
import sys
from redis.cluster import RedisCluster
port = int(sys.argv[1])
rc = RedisCluster(host="127.0.0.1", port=port, decode_responses=True)
nodes = rc.get_nodes()
assert [(n.host, n.port) for n in nodes] == [("127.0.0.1", port)], [(n.host, n.port) for n in nodes]
keys = ["py:%d" % i for i in range(100)]
for i, k in enumerate(keys):
    assert rc.set(k, i)
for i, k in enumerate(keys):
    assert rc.get(k) == str(i), (k, rc.get(k))
assert rc.mget_nonatomic(keys) == [str(i) for i in range(100)]
assert rc.delete(*keys[:10]) == 10
assert rc.exists(*keys) == 90
assert rc.keyslot("foo") == 12182
slot = rc.keyslot("py:42")
assert rc.cluster_countkeysinslot(slot) >= 1
assert "py:42" in rc.cluster_get_keys_in_slot(slot, 100)
info = rc.cluster_info()
assert info["cluster_state"] == "ok" and int(info["cluster_known_nodes"]) == 1, info
print("ok")
`

// TestRedisPyRedisClusterThroughProxy runs redis-py's RedisCluster
// against the proxy over cluster-mode redis-servers.
func TestRedisPyRedisClusterThroughProxy(t *testing.T) {
	py := testutil.PythonWith(t, "redis")
	p := startProxy(t, Config{}, startClusterRedis(t).addr, startClusterRedis(t).addr)
	_, port, _ := strings.Cut(p.addr, ":")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, "-c", redisClusterScript, port).CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Fatalf("redis-py RedisCluster through the proxy: %v\n%s", err, out)
	}
}

// twiceRouter lists every node twice, as a router breaking Addrs's
// "each once" would.
type twiceRouter struct{ *StaticRouter }

func (r twiceRouter) Addrs() []string {
	a := r.StaticRouter.Addrs()
	return append(append([]string(nil), a...), a...)
}

// TestFanoutAsksEachNodeOnce: a command that goes to every node asks each
// node once even if the router names it twice, so no node's keys or
// documents count twice.
func TestFanoutAsksEachNodeOnce(t *testing.T) {
	sr, err := NewStaticRouter([]string{startRedis(t).addr, startRedis(t).addr})
	if err != nil {
		t.Fatal(err)
	}
	addr := serveRouted(t, twiceRouter{sr})
	ctx := context.Background()
	c := client(t, addr)
	keys := clusterKeys(40)
	for _, k := range keys {
		if err := c.Set(ctx, k, "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := c.DBSize(ctx).Result(); err != nil || n != int64(len(keys)) {
		t.Errorf("DBSIZE = %d, %v; want %d", n, err, len(keys))
	}
	if got, err := c.Keys(ctx, "*").Result(); err != nil || len(got) != len(keys) {
		t.Errorf("KEYS * gave %d keys, %v; want %d", len(got), err, len(keys))
	}
}

// serveRouted starts a proxy with the default configuration over router
// and returns its address; it shuts down when the test ends.
func serveRouted(t *testing.T, router Router) string {
	t.Helper()
	p, err := New(DefaultConfig(), router, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- p.Serve(context.Background(), ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		p.Shutdown(ctx)
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

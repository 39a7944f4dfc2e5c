package node

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/testutil"
)

// TestRESP3Golden replays testdata/resp3/replies.txt, which holds exact
// RESP3 bytes as redis-server 7.0.15 sends them (with VCACHE_GOLDEN_ADDR
// set, against that server instead, to check the file).
func TestRESP3Golden(t *testing.T) {
	addr := os.Getenv("VCACHE_GOLDEN_ADDR")
	if addr == "" {
		addr = startNode(t, nil).addr
	}
	testutil.RESP3Golden(t, addr, "testdata/resp3/replies.txt")
}

// TestRESP3ShapesAgreeWithSpecs checks that what the node writes to a
// RESP3 client is what the proxy makes of its RESP2 reply with the
// command's declared shape (command.Spec.Reply3 and resp.To3).
func TestRESP3ShapesAgreeWithSpecs(t *testing.T) {
	tn := startNode(t, nil)
	c2, c3 := testutil.Dial(t, tn.addr), testutil.Dial(t, tn.addr)
	if got := c3.Do3("HELLO", "3"); !strings.HasPrefix(got, "%7\r\n") {
		t.Fatalf("HELLO 3 = %q", got)
	}
	c2.Do("HSET", "h", "a", "1") // one field: a hash's order is not fixed
	c2.Do("HSET", "h1", "f", "v")
	c2.Do("SET", "k", "v")
	for _, line := range [][]string{
		{"HGETALL", "h"}, {"HGETALL", "nokey"}, {"HRANDFIELD", "h1", "-3", "WITHVALUES"}, {"HRANDFIELD", "h1", "-2"},
		{"HRANDFIELD", "nokey"}, {"GET", "nokey"}, {"GET", "k"}, {"MGET", "k", "nokey"}, {"HMGET", "h", "a", "x"},
		{"CONFIG", "GET", "maxmemory*"}, {"MEMORY", "USAGE", "nokey"}, {"HGETALL", "k"}, {"CLIENT", "GETNAME"},
		{"COMMAND", "INFO", "nosuch"}, {"ACL", "GETUSER", "nosuch"}, {"ACL", "GETUSER", "default"},
		{"COMMAND", "DOCS", "get"}, {"ACL", "LOG"}, {"FT.SYNDUMP", "ix"}, {"FT.SYNDUMP", "noindex"},
	} {
		if line[0] == "ACL" && line[1] == "LOG" {
			// an entry (a failed AUTH) whose age the two calls see apart
			c2.Do("ACL", "SETUSER", "lg", "on", ">p")
			c2.Do("AUTH", "lg", "wrong")
		}
		if line[0] == "FT.SYNDUMP" && line[1] == "ix" {
			c2.Do("FT.CREATE", "ix", "SCHEMA", "t", "TEXT")
			c2.Do("FT.SYNUPDATE", "ix", "g1", "hello", "hi")
		}
		spec := tn.cmds.Lookup([]byte(line[0]))
		want := ageFree(string(resp.To3(nil, []byte(c2.Do(line...)), spec.Shape3(toBytes(line)))))
		if got := ageFree(c3.Do3(line...)); got != want {
			t.Errorf("%q: RESP3 reply %q; the RESP2 reply converted by the spec's shape is %q", line, got, want)
		}
	}
}

// ageFree drops the digits of ACL LOG's age-seconds, which differ from
// one call to the next.
func ageFree(reply string) string {
	return ageSeconds.ReplaceAllString(reply, "${1}N")
}

var ageSeconds = regexp.MustCompile(`(age-seconds\r\n(?:,|\$\d+\r\n))[0-9.]+`)

// TestGoRedisBothProtocols runs the same commands through go-redis
// speaking RESP3 and RESP2: each must decode the replies to the same
// values.
func TestGoRedisBothProtocols(t *testing.T) {
	tn := startNode(t, nil)
	for _, proto := range []int{3, 2} {
		t.Run("RESP"+strconv.Itoa(proto), func(t *testing.T) {
			testutil.CheckGoRedis(t, tn.addr, proto, "gr")
		})
	}
}

// TestRueidis: a RESP3-only client connects and works.
func TestRueidis(t *testing.T) {
	testutil.CheckRueidis(t, startNode(t, nil).addr, "ru")
}

// TestRedisCLIResp3 drives the node with redis-cli -3.
func TestRedisCLIResp3(t *testing.T) {
	tn := startNode(t, nil)
	in := "HSET h a 1\nHGETALL h\nGET nokey\nCONFIG GET maxmemory-policy\nHELLO\n"
	out := redisCLI(t, tn.addr, strings.NewReader(in), "-3", "--no-raw")
	for _, want := range []string{"1# \"a\" => \"1\"", "(nil)", "1# \"maxmemory-policy\" => \"noeviction\"", "\"proto\" => (integer) 3"} {
		if !strings.Contains(out, want) {
			t.Errorf("redis-cli -3 output lacks %q:\n%s", want, out)
		}
	}
}

// TestRESP3ClusterText: CLUSTER INFO and CLUSTER NODES are verbatim
// strings in RESP3, as in Redis 7 (bulk strings in RESP2).
func TestRESP3ClusterText(t *testing.T) {
	tn := startOneNodeCluster(t)
	c := testutil.Dial(t, tn.addr)
	c.Do3("HELLO", "3")
	if got := c.Do3("CLUSTER", "INFO"); !strings.HasPrefix(got, "=") || !strings.Contains(got, "\r\ntxt:cluster_state:ok\r\n") {
		t.Errorf("CLUSTER INFO = %q, want a verbatim string", got)
	}
	if got := c.Do3("CLUSTER", "NODES"); !strings.HasPrefix(got, "=") || !strings.Contains(got, "\r\ntxt:"+tn.Cluster().Self().RedisID()+" ") {
		t.Errorf("CLUSTER NODES = %q, want a verbatim string", got)
	}
}

// TestFTRESP3Maps: FT.SEARCH, FT.AGGREGATE and FT.CURSOR answer RESP3
// clients with RediSearch's result maps.
func TestFTRESP3Maps(t *testing.T) {
	testutil.CheckFTResp3(t, startNode(t, nil).addr, "r3")
}

// TestHelloSaysModeAndRole: HELLO's mode is "cluster" on a node of a
// gossip cluster and "standalone" on a node of its own; its role is
// "replica" on a node that only replicates a shard, as INFO's role says.
func TestHelloSaysModeAndRole(t *testing.T) {
	hello := func(addr string) (mode, role string) {
		c := testutil.Dial(t, addr)
		got := c.Do("HELLO", "2")
		fields := strings.Split(got, "\r\n")
		for i := 0; i+2 < len(fields); i++ {
			switch fields[i] {
			case "mode":
				mode = fields[i+2]
			case "role":
				role = fields[i+2]
			}
		}
		return mode, role
	}
	tn := startNode(t, nil)
	if mode, role := hello(tn.addr); mode != "standalone" || role != "master" {
		t.Fatalf("standalone node: HELLO mode %q role %q", mode, role)
	}
	nodes := joinNodes(t, 3, func(c *cluster.Config) { c.Replicas = 1; c.InitialShards = 1 })
	waitReplicated(t, nodes)
	roles := map[string]int{}
	for _, n := range nodes {
		mode, role := hello(n.addr)
		if mode != "cluster" {
			t.Fatalf("cluster node %s: HELLO mode %q", n.addr, mode)
		}
		info := n.client2(t).Info(context.Background(), "replication").Val()
		want := "master"
		if strings.Contains(info, "role:slave") {
			want = "replica"
		}
		if role != want {
			t.Fatalf("node %s: HELLO role %q, INFO says %q", n.addr, role, want)
		}
		roles[role]++
	}
	if roles["replica"] != 1 {
		t.Fatalf("roles over one shard with one replica: %v", roles)
	}
}

// TestRESP3StreamsGolden replays testdata/resp3/streams.txt (XREAD,
// XREADGROUP and XINFO as redis-server 7.0.15 sends them in RESP3).
func TestRESP3StreamsGolden(t *testing.T) {
	addr := os.Getenv("VCACHE_GOLDEN_ADDR")
	if addr == "" {
		addr = startNode(t, nil).addr
	}
	testutil.RESP3Golden(t, addr, "testdata/resp3/streams.txt")
}

// TestRESP3NestedMaps checks the replies whose RESP3 maps nest (streams,
// VSIM, FT.INFO, FT.SPELLCHECK) with rueidis and go-redis.
func TestRESP3NestedMaps(t *testing.T) {
	testutil.CheckRESP3Maps(t, startNode(t, nil).addr, "nm")
}

// TestRESP3ACLLogAndSynDump: ACL LOG answers a RESP3 client an array of
// maps whose age-seconds is a double (as Redis 7), FT.SYNDUMP a map of
// term to its groups (as RediSearch 2.8); both stay flat arrays in RESP2.
func TestRESP3ACLLogAndSynDump(t *testing.T) {
	tn := startNode(t, nil)
	c2, c3 := testutil.Dial(t, tn.addr), testutil.Dial(t, tn.addr)
	c3.Do3("HELLO", "3")
	c2.Do("ACL", "SETUSER", "lg", "on", ">p")
	c2.Do("AUTH", "lg", "wrong")
	log3 := c3.Do3("ACL", "LOG")
	if !regexp.MustCompile(`^\*1\r\n%\d+\r\n\$5\r\ncount\r\n:1\r\n`).MatchString(log3) ||
		!regexp.MustCompile(`\$11\r\nage-seconds\r\n,[0-9.]+\r\n`).MatchString(log3) {
		t.Errorf("ACL LOG in RESP3 = %q, want an array of maps with a double age", log3)
	}
	if log2 := c2.Do("ACL", "LOG"); !regexp.MustCompile(`^\*1\r\n\*\d+\r\n\$5\r\ncount\r\n:1\r\n`).MatchString(log2) ||
		!regexp.MustCompile(`\$11\r\nage-seconds\r\n\$\d+\r\n[0-9.]+\r\n`).MatchString(log2) {
		t.Errorf("ACL LOG in RESP2 = %q, want an array of flat arrays", log2)
	}
	c2.Do("FT.CREATE", "ix", "SCHEMA", "t", "TEXT")
	c2.Do("FT.SYNUPDATE", "ix", "g1", "hello")
	if got, want := c3.Do3("FT.SYNDUMP", "ix"), "%1\r\n$5\r\nhello\r\n*1\r\n$2\r\ng1\r\n"; got != want {
		t.Errorf("FT.SYNDUMP in RESP3 = %q, want %q", got, want)
	}
	if got, want := c2.Do("FT.SYNDUMP", "ix"), "*2\r\n$5\r\nhello\r\n*1\r\n$2\r\ng1\r\n"; got != want {
		t.Errorf("FT.SYNDUMP in RESP2 = %q, want %q", got, want)
	}
}

// TestFTReplyShapes: FT.TAGVALS, FT._LIST and FT.DICTDUMP answer sets,
// FT.CONFIG GET and HELP maps, FT.INFO RediSearch 2.8's value types (its
// doubles bulk strings in RESP2 and doubles in RESP3, attributes maps with
// their flags), raw and through go-redis.
func TestFTReplyShapes(t *testing.T) {
	testutil.CheckFTReplyShapes(t, startNode(t, nil).addr, "rs")
}

package node

import (
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/testutil"
)

// TestSingleDBCommandsAsRedis sends ROLE, MOVE, SWAPDB and LOLWUT, good
// and bad, to a standalone node and to redis-server with one database,
// and wants the same raw replies (LOLWUT's version line names each one's
// version).
func TestSingleDBCommandsAsRedis(t *testing.T) {
	tn := startNode(t, nil)
	ref := startRedisServer(t, "--databases", "1")
	ours, theirs := testutil.Dial(t, tn.addr), testutil.Dial(t, ref.Options().Addr)
	for _, c := range []*testutil.Conn{ours, theirs} {
		c.Do("SET", "k", "v")
	}
	for _, cmd := range [][]string{
		{"ROLE"}, {"ROLE", "x"}, {"role"},
		{"MOVE", "k", "0"}, {"MOVE", "missing", "0"}, {"MOVE", "k", "1"}, {"MOVE", "k", "-1"},
		{"MOVE", "k", "x"}, {"MOVE", "k", "4294967296"}, {"MOVE", "k", "-4294967296"}, {"MOVE", "k", "99999999999999999999"}, {"COPY", "k", "k2", "DB", "4294967296"}, {"COPY", "k", "k2", "DB", "x"}, {"SWAPDB", "4294967296", "0"}, {"MOVE", "k"}, {"MOVE", "k", "0", "1"},
		{"SWAPDB", "0", "0"}, {"SWAPDB", "0", "1"}, {"SWAPDB", "1", "0"}, {"SWAPDB", "1", "1"},
		{"SWAPDB", "x", "0"}, {"SWAPDB", "0", "x"}, {"SWAPDB", "x", "y"}, {"SWAPDB", "0", "-1"},
		{"SWAPDB", "0"}, {"SWAPDB", "0", "0", "0"},
		{"LOLWUT"}, {"lolwut", "version", "7"}, {"LOLWUT", "VERSION", "x"}, {"LOLWUT", "VERSION", "4"},
		{"LOLWUT", "VERSION", "-1"}, {"LOLWUT", "foo"}, {"LOLWUT", "VERSION"},
		{"LOLWUT", "VERSION", "5", "x"}, {"LOLWUT", "VERSION", "5", "10", "2", "x"}, {"LOLWUT", "VERSION", "6", "10", "x"},
		{"GET", "k"},
	} {
		got, want := ours.Do(cmd...), theirs.Do(cmd...)
		if strings.Contains(want, "Redis ver. ") {
			want = lolwutAs(want, front.RedisVersion)
		}
		if got != want {
			t.Errorf("%q: vcache %q, redis-server %q", cmd, got, want)
		}
	}
	// VERSION 5 and 6 draw a picture of the size asked, then the version
	// line as Redis words it.
	for _, cmd := range [][]string{
		{"LOLWUT", "VERSION", "5"}, {"LOLWUT", "VERSION", "5", "30", "4", "3"}, {"LOLWUT", "VERSION", "5", "0", "0", "0"},
		{"LOLWUT", "VERSION", "6"}, {"LOLWUT", "VERSION", "6", "40", "7"}, {"LOLWUT", "VERSION", "6", "5000", "1"},
	} {
		c := tn.raw(t)
		c.send(cmd...)
		v, err := c.ReadValue()
		if err != nil {
			t.Fatal(err)
		}
		text := string(v.Str)
		lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
		if len(lines) < 3 || !strings.HasSuffix(lines[len(lines)-1], ". Redis ver. "+front.RedisVersion) || lines[len(lines)-2] != "" {
			t.Fatalf("%q: %q", cmd, text)
		}
		cols, rows := 66, 12
		if cmd[2] == "6" {
			cols, rows = 80, 20
		}
		if len(cmd) > 3 {
			cols, _ = strconv.Atoi(cmd[3])
			rows, _ = strconv.Atoi(cmd[len(cmd)-1])
			cols, rows = max(1, min(cols, 1000)), max(1, rows)
		}
		art := lines[:len(lines)-2]
		if len(art) != rows {
			t.Errorf("%q: %d rows, want %d", cmd, len(art), rows)
		}
		for _, l := range art {
			if len(l) != cols {
				t.Fatalf("%q: a row of %d columns, want %d: %q", cmd, len(l), cols, l)
			}
		}
	}
}

// lolwutAs rewrites a LOLWUT reply's version line to name version.
func lolwutAs(reply, version string) string {
	i := strings.Index(reply, "Redis ver. ")
	j := strings.IndexByte(reply[i:], '\n')
	text := reply[strings.Index(reply, "\r\n")+2:i] + "Redis ver. " + version + reply[i+j:len(reply)-2]
	return "$" + strconv.Itoa(len(text)) + "\r\n" + text + "\r\n"
}

// TestRoleFollowsReplication checks ROLE on the nodes of a cluster of one
// shard with one replica: the primary is a master listing its replica's
// address and acknowledged offset, the replica a slave of the primary's
// address, connected, at an offset; a node that leads nothing and
// replicates nothing is a master with no replicas, as INFO says.
func TestRoleFollowsReplication(t *testing.T) {
	nodes := joinNodes(t, 3, func(c *cluster.Config) { c.Replicas = 1; c.InitialShards = 1 })
	waitReplicated(t, nodes)
	m := nodes[0].Cluster().Map()
	s := m.Shards()[0]
	byID := map[cluster.NodeID]*testNode{}
	for _, tn := range nodes {
		byID[tn.Cluster().Self()] = tn
	}
	primary, replica := byID[s.Primary], byID[s.Replicas[0]]
	// The map settles a moment after replication is up: CLUSTERDOWN until
	// then.
	waitFor(t, 10e9, "a write on the primary", func() bool { return primary.raw(t).do("SET", "{x}k", "v") == "OK" })
	if got := primary.raw(t).do("WAIT", "1", "5000"); got != "(integer) 1" {
		t.Fatalf("WAIT: %s", got)
	}
	host, port, _ := net.SplitHostPort(replica.addr)
	waitFor(t, 10e9, "the replica's acknowledgement in ROLE", func() bool {
		off := primary.repl.log.end.Load()
		want := "1) \"master\"\n2) (integer) " + strconv.FormatUint(off, 10) + "\n3) 1) 1) \"" + host + "\"\n      2) \"" + port +
			"\"\n      3) \"" + strconv.FormatUint(off, 10) + "\""
		got := primary.raw(t).do("ROLE")
		if got != want {
			t.Logf("primary ROLE:\n%s\nwant\n%s", got, want)
		}
		return got == want && off > 0
	})
	phost, pport, _ := net.SplitHostPort(primary.addr)
	waitFor(t, 10e9, "the replica's offset in ROLE", func() bool {
		want := "1) \"slave\"\n2) \"" + phost + "\"\n3) (integer) " + pport + "\n4) \"connected\"\n5) (integer) " +
			strconv.FormatUint(primary.repl.log.end.Load(), 10)
		got := replica.raw(t).do("ROLE")
		if got != want {
			t.Logf("replica ROLE:\n%s\nwant\n%s", got, want)
		}
		return got == want
	})
	for _, tn := range nodes {
		if tn == primary || tn == replica {
			continue
		}
		if got := tn.raw(t).do("ROLE"); !strings.HasPrefix(got, "1) \"master\"\n") || !strings.HasSuffix(got, "3) (empty array)") {
			t.Fatalf("a node of no shard: ROLE %q", got)
		}
	}
}

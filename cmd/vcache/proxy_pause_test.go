package main

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/testutil"
	"github.com/vcache/vcache/proxy"
)

// pauseExpiryTranscript sets keys with a 50 ms TTL at addr, pauses writes
// with CLIENT PAUSE, waits until every key has passed its TTL and
// records what clients see: reads find nothing, DBSIZE still counts the
// keys, nothing is counted in expired_keys or heard by a subscriber to
// expired events. during runs then, before CLIENT UNPAUSE. After it the
// keys are removed (DBSIZE falls to 0 by itself), counted and notified.
// The server's keys are flushed first.
func pauseExpiryTranscript(t *testing.T, addr string, keys []string, during func()) []string {
	t.Helper()
	var out []string
	note := func(s string) { out = append(out, s) }
	ctl, sub := testutil.Dial(t, addr), testutil.Dial(t, addr)
	do := func(args ...string) string {
		t.Helper()
		v, _, err := resp.Parse([]byte(ctl.Do(args...)))
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return testutil.CLI(v)
	}
	expired := func() int {
		m := regexp.MustCompile(`expired_keys:(\d+)`).FindStringSubmatch(ctl.Do("INFO", "stats"))
		if m == nil {
			t.Fatal("no expired_keys in INFO stats")
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	dbsize := func() int {
		n, _ := strconv.Atoi(strings.TrimPrefix(do("DBSIZE"), "(integer) "))
		return n
	}
	scanned := func() int {
		n, cursor := 0, "0"
		for i := 0; i == 0 || cursor != "0"; i++ {
			v, _, err := resp.Parse([]byte(ctl.Do("SCAN", cursor, "COUNT", "1000")))
			if err != nil || len(v.Elems) != 2 || i > 100 {
				t.Fatalf("SCAN: %v", err)
			}
			cursor = string(v.Elems[0].Str)
			n += len(v.Elems[1].Elems)
		}
		return n
	}
	note(do("FLUSHALL"))
	note(do("CONFIG", "SET", "notify-keyspace-events", "Ex"))
	note(sub.Do("SUBSCRIBE", "__keyevent@0__:expired"))
	before := expired()
	for _, k := range keys {
		note(do("SET", k, "v", "PX", "50"))
	}
	note(do("CLIENT", "PAUSE", "100000", "WRITE"))
	testutil.WaitFor(t, 5*time.Second, func() bool {
		for _, k := range keys {
			if do("GET", k) != "(nil)" {
				return false
			}
		}
		return true
	}, "every key past its TTL")
	// Past their TTL, held: gone to reads, still counted.
	note("DBSIZE while paused: " + strconv.Itoa(dbsize()))
	note("EXISTS: " + do(append([]string{"EXISTS"}, keys...)...))
	note("KEYS *: " + do("KEYS", "*"))
	note("SCAN finds " + strconv.Itoa(scanned()))
	note("TTL: " + do("TTL", keys[0]))
	note(fmt.Sprint("expired while paused: ", expired()-before))
	if during != nil {
		during()
	}
	// A subscriber heard nothing: its next reply is PING's.
	note("subscriber: " + sub.Do("PING"))
	note(do("CLIENT", "UNPAUSE"))
	testutil.WaitFor(t, 5*time.Second, func() bool { return dbsize() == 0 }, "the keys removed after UNPAUSE")
	note("DBSIZE after: " + strconv.Itoa(dbsize()))
	note(fmt.Sprint("expired after: ", expired()-before))
	var heard []string
	for range keys {
		v, _, err := resp.Parse([]byte(sub.Recv()))
		if err != nil || len(v.Elems) != 3 {
			t.Fatalf("expired event: %v %v", v, err)
		}
		heard = append(heard, string(v.Elems[2].Str))
	}
	slices.Sort(heard)
	note("expired events: " + strings.Join(heard, " "))
	note(do("CONFIG", "SET", "notify-keyspace-events", ""))
	return out
}

// onEveryNode returns n keys that the proxy's static router over nodes
// places on each node, in order.
func onEveryNode(t *testing.T, nodes []string, n int) []string {
	var keys []string
	for i := range nodes {
		for j := range n {
			keys = append(keys, onNode(t, nodes, i, fmt.Sprintf("ttl%d", j)))
		}
	}
	slices.Sort(keys)
	return keys
}

// dbsizes returns each node's DBSIZE, asked of the node itself.
func dbsizes(t *testing.T, nodes []string) []string {
	var out []string
	for _, n := range nodes {
		out = append(out, strings.TrimSpace(cliDo(t, testutil.Dial(t, n), "DBSIZE")))
	}
	return out
}

// TestClientPauseHoldsNodesExpiryThroughProxy checks that CLIENT PAUSE
// through a proxy over three vcache nodes keeps the dataset still as
// redis-server 7.0 does under CLIENT PAUSE: keys on every node that pass
// their TTL during the pause look missing, are counted by DBSIZE, not
// expired or notified, each node still holds its own (the nodes do not
// expire them), and they go once the pause ends. The CLIENT PAUSE
// scenarios of the node (testutil.PauseTranscript) also read the same
// through the proxy as on redis-server: expiry; EVALSHA and FCALL held or
// not by their script's flags, which the proxy asks the nodes; CLIENT
// PAUSE inside MULTI, starting as EXEC ends, with the transaction's keys
// on all three nodes.
func TestClientPauseHoldsNodesExpiryThroughProxy(t *testing.T) {
	ref := startRedisRef(t)
	nodes := []string{startNode(t), startNode(t), startNode(t)}
	addr := serveProxyOver(t, nodes...)
	keys := onEveryNode(t, nodes, 3)

	txKeys := []string{onNode(t, nodes, 0, "tx"), onNode(t, nodes, 1, "tx"), onNode(t, nodes, 2, "tx")}
	parts := testutil.PauseParts{Expiry: true, Scripts: true, Keys: txKeys}
	want := testutil.PauseTranscript(t, ref, parts)
	testutil.SameTranscript(t, "proxy", testutil.PauseTranscript(t, addr, parts), want)

	want = pauseExpiryTranscript(t, ref, keys, nil)
	got := pauseExpiryTranscript(t, addr, keys, func() {
		if got := dbsizes(t, nodes); !slices.Equal(got, []string{"(integer) 3", "(integer) 3", "(integer) 3"}) {
			t.Errorf("the nodes' DBSIZE during the proxy's pause: %v, want 3 each", got)
		}
	})
	testutil.SameTranscript(t, "proxy", got, want)
	t.Logf("redis-server: %q", want)
}

// TestProxiesHoldNodesExpiryIndependently pauses two proxies over the
// same nodes, one a `vcache proxy` process: the nodes hold expiry while
// either pause lasts, so the first proxy's UNPAUSE leaves the keys in
// place, and killing the second proxy during its pause leaves the nodes
// expiring them again within its lease (5 s), not never.
func TestProxiesHoldNodesExpiryIndependently(t *testing.T) {
	bin := buildVcache(t)
	nodes := []string{startNode(t), startNode(t), startNode(t)}
	one := testutil.Dial(t, serveProxyOver(t, nodes...))
	pp, _ := startProxyProc(t, bin, "--backend", strings.Join(nodes, ","))
	two := testutil.Dial(t, pp.addr)
	keys := onEveryNode(t, nodes, 2)
	for _, k := range keys {
		one.Do("SET", k, "v", "PX", "100")
	}
	for _, c := range []*testutil.Conn{one, two} {
		if got := c.Do("CLIENT", "PAUSE", "600000", "WRITE"); got != "+OK\r\n" {
			t.Fatalf("CLIENT PAUSE: %q", got)
		}
	}
	testutil.WaitFor(t, 5*time.Second, func() bool {
		return one.Do(append([]string{"EXISTS"}, keys...)...) == ":0\r\n"
	}, "every key past its TTL")
	if got := one.Do("CLIENT", "UNPAUSE"); got != "+OK\r\n" {
		t.Fatalf("CLIENT UNPAUSE: %q", got)
	}
	// The second proxy still holds the nodes' expiry.
	time.Sleep(300 * time.Millisecond) // a few active expiry cycles, which must remove nothing
	if got := one.Do("DBSIZE"); got != ":6\r\n" {
		t.Fatalf("DBSIZE after one proxy's UNPAUSE while the other's pause lasts: %q, want 6", got)
	}
	if got := dbsizes(t, nodes); !slices.Equal(got, []string{"(integer) 2", "(integer) 2", "(integer) 2"}) {
		t.Errorf("the nodes' DBSIZE: %v, want 2 each", got)
	}
	if err := pp.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-pp.exited
	killed := time.Now()
	testutil.WaitFor(t, proxy.DefaultConfig().PauseLease+3*time.Second, func() bool {
		return one.Do("DBSIZE") == ":0\r\n"
	}, "the nodes expiring again after the paused proxy was killed")
	t.Logf("the nodes expired the keys %v after the kill", time.Since(killed).Round(10*time.Millisecond))
}

// TestProxyPauseHoldsNodeThatJoins adds a node to the proxy's router
// during a pause: the proxy holds its expiry too, at once (a key set on it
// just after passes its TTL and stays until the pause ends).
func TestProxyPauseHoldsNodeThatJoins(t *testing.T) {
	nodes := []string{startNode(t), startNode(t)}
	joining := startNode(t)
	router, err := proxy.NewStaticRouter(nodes)
	if err != nil {
		t.Fatal(err)
	}
	c := testutil.Dial(t, serveProxyRouted(t, proxy.DefaultConfig(), router))
	direct := testutil.Dial(t, joining)
	if got := c.Do("CLIENT", "PAUSE", "600000", "WRITE"); got != "+OK\r\n" {
		t.Fatalf("CLIENT PAUSE: %q", got)
	}
	if err := router.SetAddrs(append(nodes, joining)); err != nil {
		t.Fatal(err)
	}
	direct.Do("SET", "j", "v", "PX", "200")
	testutil.WaitFor(t, 5*time.Second, func() bool { return direct.Do("GET", "j") == "$-1\r\n" }, "j past its TTL")
	time.Sleep(300 * time.Millisecond) // a few active expiry cycles, which must remove nothing
	if got := direct.Do("DBSIZE"); got != ":1\r\n" {
		t.Errorf("DBSIZE of the node that joined during the pause: %q, want 1", got)
	}
	c.Do("CLIENT", "UNPAUSE")
	testutil.WaitFor(t, 5*time.Second, func() bool { return direct.Do("DBSIZE") == ":0\r\n" }, "j removed after UNPAUSE")
}

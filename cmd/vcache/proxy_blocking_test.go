package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/testutil"
)

// TestProxyBlockingOverVcacheNodes: through the proxy over three vcache
// nodes, 300 clients blocked in BLPOP on one list each get one element of
// 300 pushes, in the order they blocked; a client that leaves while
// blocked is forgotten by its node, so the next push stays in the list;
// ZUNION and ZINTERSTORE over keys on three nodes answer what one node
// holding every key answers.
func TestProxyBlockingOverVcacheNodes(t *testing.T) {
	nodes := []string{startNode(t), startNode(t), startNode(t)}
	paddr := serveProxyOver(t, nodes...)
	k := onNode(t, nodes, 1, "jobs")
	node := nodes[1]
	const n = 300
	waiters := make([]*testutil.Conn, n)
	for i := range waiters {
		waiters[i] = testutil.Dial(t, paddr)
		waiters[i].Send("BLPOP", k, "0")
		waiters[i].Flush()
		testutil.WaitFor(t, 10*time.Second, func() bool { return blockedClients(node) == i+1 }, fmt.Sprintf("%d blocked", i+1))
	}
	prod := testutil.Dial(t, paddr)
	for i := range n {
		prod.Send("RPUSH", k, fmt.Sprint("e", i))
	}
	for range n {
		prod.Recv()
	}
	for i, w := range waiters {
		want := fmt.Sprintf("*2\r\n$%d\r\n%s\r\n$%d\r\ne%d\r\n", len(k), k, len(fmt.Sprint("e", i)), i)
		if got := w.Recv(); got != want {
			t.Fatalf("waiter %d: %q, want %q", i, got, want)
		}
	}

	gone := testutil.Dial(t, paddr)
	gone.Send("BRPOP", k, "0")
	gone.Flush()
	testutil.WaitFor(t, 10*time.Second, func() bool { return blockedClients(node) == 1 }, "blocked")
	gone.Conn.Close()
	testutil.WaitFor(t, 10*time.Second, func() bool { return blockedClients(node) == 0 }, "the node forgot the client")
	if got := prod.Do("RPUSH", k, "kept"); got != ":1\r\n" {
		t.Fatalf("RPUSH: %q", got)
	}
	if got := prod.Do("LRANGE", k, "0", "-1"); got != "*1\r\n$4\r\nkept\r\n" {
		t.Errorf("the list after its blocked client left: %q", got)
	}

	// The blocking sorted-set pops go the same way.
	zk := onNode(t, nodes, 2, "zq")
	zw := testutil.Dial(t, paddr)
	zw.Send("BZPOPMIN", zk, "0")
	zw.Flush()
	testutil.WaitFor(t, 10*time.Second, func() bool { return blockedClients(nodes[2]) == 1 }, "BZPOPMIN blocked")
	if got := prod.Do("ZADD", zk, "2", "b", "1", "a"); got != ":2\r\n" {
		t.Fatalf("ZADD: %q", got)
	}
	if got, want := zw.Recv(), fmt.Sprintf("*3\r\n$%d\r\n%s\r\n$1\r\na\r\n$1\r\n1\r\n", len(zk), zk); got != want {
		t.Errorf("BZPOPMIN through the proxy: %q, want %q", got, want)
	}
	if got := prod.Do("BZPOPMAX", zk, "0.05"); got != fmt.Sprintf("*3\r\n$%d\r\n%s\r\n$1\r\nb\r\n$1\r\n2\r\n", len(zk), zk) {
		t.Errorf("BZPOPMAX of a non-empty set through the proxy: %q", got)
	}
	if got := prod.Do("BZPOPMAX", zk, "0.05"); got != "*-1\r\n" {
		t.Errorf("BZPOPMAX timing out through the proxy: %q", got)
	}

	direct := testutil.Dial(t, startNode(t))
	a, b, d := onNode(t, nodes, 0, "za"), onNode(t, nodes, 1, "zb"), onNode(t, nodes, 2, "zd")
	for _, cmd := range [][]string{
		{"ZADD", a, "1", "x", "2.5", "y", "0.1", "t"}, {"ZADD", b, "3", "y", "4", "z", "0.2", "t"}, {"SADD", d, "y", "t"},
		{"ZUNION", "3", a, b, d, "WITHSCORES"}, {"ZINTER", "3", a, b, d, "WEIGHTS", "2", "1", "5", "AGGREGATE", "MAX", "WITHSCORES"},
		{"ZDIFF", "2", a, b, "WITHSCORES"}, {"ZINTERCARD", "2", a, b},
		{"ZINTERSTORE", d + "out", "2", a, b}, {"ZRANGE", d + "out", "0", "-1", "WITHSCORES"},
		{"ZUNION", "2", a, b, "WEIGHTS", "1", "x"}, {"ZUNION", "0", a}, {"ZINTER", "3", a, b}, {"ZUNION", "2", a, b, "FOO"},
		{"ZINTERCARD", "2", a, b, "LIMIT", "-1"}, {"SUNIONSTORE", d + "s", a, b},
	} {
		if got, want := prod.Do(cmd...), direct.Do(cmd...); got != want {
			t.Errorf("%v:\n proxy:  %q\n direct: %q", cmd, got, want)
		}
	}
}

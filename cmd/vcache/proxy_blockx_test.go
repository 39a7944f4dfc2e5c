package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/testutil"
)

// Blocking commands whose keys are on several vcache nodes, through the
// proxy (proxy/block_across.go), against redis-server 7.0.15 holding the
// same keys.

// blockedClients reads INFO blocked_clients of a server or proxy (-1 if
// unreadable).
func blockedClients(addr string) int {
	info, err := testutil.Do(addr, "INFO", "clients")
	if err != nil {
		return -1
	}
	m := regexp.MustCompile(`blocked_clients:(\d+)`).FindStringSubmatch(info)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// blockThenPush sends block to the proxy at addr (on via) and to
// redis-server at ref (on want), waits until both clients wait (and the
// proxy's on node), runs push on each through new connections, and
// reports where what the two blocked clients then receive differs.
func blockThenPush(t *testing.T, proto int, via, want *testutil.Conn, addr, ref, node string, block, push []string) {
	t.Helper()
	recv := protoRecv(proto)
	for _, conn := range []*testutil.Conn{via, want} {
		conn.Send(block...)
		conn.Flush()
	}
	testutil.WaitFor(t, 10*time.Second, func() bool { return blockedClients(ref) == 1 }, "redis-server: 1 blocked")
	testutil.WaitFor(t, 10*time.Second, func() bool {
		return blockedClients(addr) == 1 && blockedClients(node) >= 1
	}, "the proxy's client blocked")
	pusher, refPusher := testutil.Dial(t, addr), testutil.Dial(t, ref)
	if g, w := pusher.Do(push...), refPusher.Do(push...); g != w {
		t.Fatalf("%v: proxy %q, redis-server %q", push, g, w)
	}
	if g, w := recv(via), recv(want); g != w {
		t.Errorf("RESP%d %v, then %v:\n proxy        %q\n redis-server %q", proto, block, push, g, w)
	}
}

// blockxKeys are the test's keys, each on the node its letter says.
type blockxKeys struct {
	lA, lB, zA, zB, xA, xB, str string
}

func newBlockxKeys(t *testing.T, nodes []string) *blockxKeys {
	return &blockxKeys{
		lA: onNode(t, nodes, 0, "bl"), lB: onNode(t, nodes, 1, "bl"),
		zA: onNode(t, nodes, 0, "bz"), zB: onNode(t, nodes, 1, "bz"),
		xA: onNode(t, nodes, 0, "bx"), xB: onNode(t, nodes, 2, "bx"),
		str: onNode(t, nodes, 2, "bs"),
	}
}

// TestProxyBlockingAcrossNodes: BLPOP, BRPOP, BZPOPMIN, BZPOPMAX, BLMPOP,
// BZMPOP and XREAD BLOCK whose keys are on different nodes answer through
// the proxy byte for byte as redis-server does, RESP2 and RESP3: at once
// when something is there (or an argument or a key's type is wrong), a
// null after their timeout, and the element of a push made while they
// wait.
func TestProxyBlockingAcrossNodes(t *testing.T) {
	nodes, addr := txCluster(t)
	ref := startRedisRef(t)
	k := newBlockxKeys(t, nodes)
	for _, proto := range []int{2, 3} {
		via, want := dialProto(t, addr, proto), dialProto(t, ref, proto)
		do := protoDo(proto)
		both := func(args ...string) {
			t.Helper()
			if g, w := do(via, args...), do(want, args...); g != w {
				t.Errorf("RESP%d %v:\n proxy        %q\n redis-server %q", proto, args, g, w)
			}
		}
		for _, st := range [][]string{
			{"FLUSHALL"},
			{"RPUSH", k.lB, "b1", "b2", "b3"},
			{"ZADD", k.zB, "1", "m1", "2.5", "m2", "3", "m3"},
			{"XADD", k.xA, "1-1", "f", "a1"},
			{"SET", k.str, "plain"},
			// At once: something is there.
			{"BLPOP", k.lA, k.lB, "0"},
			{"BRPOP", k.lA, k.lB, "0"},
			{"BLMPOP", "0", "2", k.lA, k.lB, "LEFT", "COUNT", "5"},
			{"BZPOPMIN", k.zA, k.zB, "0"},
			{"BZPOPMAX", k.zA, k.zB, "0"},
			{"BZMPOP", "0", "2", k.zA, k.zB, "MIN", "COUNT", "5"},
			{"XREAD", "BLOCK", "0", "STREAMS", k.xA, k.xB, "0", "0"},
			{"XREAD", "COUNT", "1", "BLOCK", "10", "STREAMS", k.xB, k.xA, "0", "0-0"},
			// Wrong type, bad arguments.
			{"BLPOP", k.lA, k.str, "0"},
			{"BZMPOP", "0", "2", k.str, k.zA, "MAX"},
			{"XREAD", "BLOCK", "0", "STREAMS", k.xA, k.str, "0", "0"},
			{"BLPOP", k.lA, k.lB, "soon"},
			{"BRPOP", k.lA, k.lB, "-1"},
			{"BLMPOP", "soon", "2", k.lA, k.lB, "LEFT"},
			{"BLMPOP", "-1", "2", k.lA, k.lB, "UP"},
			{"BLMPOP", "0", "2", k.lA, k.lB, "LEFT", "COUNT", "0"},
			{"BZMPOP", "0", "2", k.zA, k.zB, "MIN", "COUNT"},
			{"XREAD", "BLOCK", "-1", "STREAMS", k.xA, k.xB, "0", "0"},
			{"XREAD", "BLOCK", "x", "STREAMS", k.xA, k.xB, "0", "0"},
			{"XREAD", "BLOCK", "0", "STREAMS", k.xA, k.xB, "0", "bad"},
			// Nothing comes: the null reply after the timeout.
			{"BLPOP", k.lA, k.lB, "0.05"},
			{"BRPOP", k.lA, k.lB, "0.01"},
			{"BLMPOP", "0.02", "2", k.lA, k.lB, "RIGHT"},
			{"BZPOPMIN", k.zA, k.zB, "0.01"},
			{"BZMPOP", "0.01", "2", k.zA, k.zB, "MAX"},
			{"XREAD", "BLOCK", "30", "STREAMS", k.xA, k.xB, "$", "$"},
			{"XREAD", "BLOCK", "10", "STREAMS", k.xA, k.xB, "1-1", "0"},
		} {
			both(st...)
		}

		// A push while they wait.
		for _, c := range []struct{ block, push []string }{
			{[]string{"BLPOP", k.lA, k.lB, "0"}, []string{"RPUSH", k.lB, "x", "y"}},
			{[]string{"BRPOP", k.lA, k.lB, "5"}, []string{"RPUSH", k.lA, "x", "y"}},
			{[]string{"BLMPOP", "0", "2", k.lA, k.lB, "RIGHT", "COUNT", "3"}, []string{"LPUSH", k.lB, "p", "q"}},
			{[]string{"BZPOPMAX", k.zA, k.zB, "0"}, []string{"ZADD", k.zA, "5", "five", "1.5", "one"}},
			{[]string{"BZPOPMIN", k.zA, k.zB, "0"}, []string{"ZADD", k.zB, "7", "seven"}},
			{[]string{"BZMPOP", "0", "2", k.zA, k.zB, "MIN", "COUNT", "2"}, []string{"ZADD", k.zB, "2", "two", "3", "three"}},
			{[]string{"XREAD", "BLOCK", "0", "STREAMS", k.xA, k.xB, "$", "$"}, []string{"XADD", k.xB, "9-1", "f", "v"}},
			{[]string{"XREAD", "COUNT", "1", "BLOCK", "5000", "STREAMS", k.xB, k.xA, "$", "1-1"}, []string{"XADD", k.xA, "9-2", "g", "w"}},
		} {
			both("DEL", k.lA, k.lB, k.zA, k.zB)
			blockThenPush(t, proto, via, want, addr, ref, nodes[0], c.block, c.push)
			both("LRANGE", k.lA, "0", "-1")
			both("LRANGE", k.lB, "0", "-1")
			both("ZRANGE", k.zA, "0", "-1", "WITHSCORES")
			both("ZRANGE", k.zB, "0", "-1", "WITHSCORES")
		}
	}
	spread(t, nodes, k.xA, k.xB, k.zA, k.zB)
}

// TestProxyBlockingAcrossNodesOrder: clients blocked in BLPOP on lists of
// two nodes are served in the order they blocked, one element each; a
// client that leaves while blocked takes nothing (the element stays);
// CLIENT UNBLOCK through the proxy ends the wait with a null (TIMEOUT) or
// an error (ERROR); a key that becomes another type while clients wait
// does not end their wait.
func TestProxyBlockingAcrossNodesOrder(t *testing.T) {
	nodes, addr := txCluster(t)
	k := newBlockxKeys(t, nodes)
	prod := testutil.Dial(t, addr)
	const n = 5
	waiters := make([]*testutil.Conn, n)
	for i := range waiters {
		waiters[i] = testutil.Dial(t, addr)
		waiters[i].Send("BLPOP", k.lA, k.lB, "0")
		waiters[i].Flush()
		testutil.WaitFor(t, 10*time.Second, func() bool { return blockedClients(addr) == i+1 }, strconv.Itoa(i+1)+" blocked")
	}
	// Every waiter's wake-up is set on both nodes before it waits.
	testutil.WaitFor(t, 10*time.Second, func() bool {
		return blockedClients(nodes[0]) == n && blockedClients(nodes[1]) == n
	}, "wake-ups set on both nodes")
	if got := prod.Do("SET", k.str, "x"); got != "+OK\r\n" {
		t.Fatalf("SET: %q", got)
	}
	for i, w := range waiters {
		key := k.lB
		if i%2 == 1 {
			key = k.lA
		}
		el := "e" + strconv.Itoa(i)
		if got := prod.Do("RPUSH", key, el); got != ":1\r\n" {
			t.Fatalf("RPUSH: %q", got)
		}
		want := "*2\r\n$" + strconv.Itoa(len(key)) + "\r\n" + key + "\r\n$" + strconv.Itoa(len(el)) + "\r\n" + el + "\r\n"
		if got := w.Recv(); got != want {
			t.Fatalf("waiter %d: %q, want %q", i, got, want)
		}
	}
	if got := blockedClients(addr); got != 0 {
		t.Errorf("proxy blocked_clients after serving every waiter: %d", got)
	}

	// A key that becomes another type does not end the wait; a push to
	// the other does.
	w := testutil.Dial(t, addr)
	w.Send("BRPOP", k.lB, k.lA, "0")
	w.Flush()
	testutil.WaitFor(t, 10*time.Second, func() bool { return blockedClients(addr) == 1 }, "BRPOP blocked")
	if got := prod.Do("SET", k.lA, "now a string"); got != "+OK\r\n" {
		t.Fatalf("SET: %q", got)
	}
	if got := prod.Do("RPUSH", k.lB, "late"); got != ":1\r\n" {
		t.Fatalf("RPUSH: %q", got)
	}
	if got, want := w.Recv(), "*2\r\n$"+strconv.Itoa(len(k.lB))+"\r\n"+k.lB+"\r\n$4\r\nlate\r\n"; got != want {
		t.Fatalf("BRPOP after a push: %q, want %q", got, want)
	}
	prod.Do("DEL", k.lA)

	// A client that leaves takes nothing.
	gone := testutil.Dial(t, addr)
	gone.Send("BLPOP", k.lA, k.lB, "0")
	gone.Flush()
	testutil.WaitFor(t, 10*time.Second, func() bool {
		return blockedClients(addr) == 1 && blockedClients(nodes[0]) == 1 && blockedClients(nodes[1]) == 1
	}, "blocked")
	gone.Conn.Close()
	testutil.WaitFor(t, 10*time.Second, func() bool {
		return blockedClients(addr) == 0 && blockedClients(nodes[0]) == 0 && blockedClients(nodes[1]) == 0
	}, "the proxy and the nodes forgot the client")
	if got := prod.Do("RPUSH", k.lB, "kept"); got != ":1\r\n" {
		t.Fatalf("RPUSH: %q", got)
	}
	if got := prod.Do("LRANGE", k.lB, "0", "-1"); got != "*1\r\n$4\r\nkept\r\n" {
		t.Errorf("the list after its blocked client left: %q", got)
	}
	prod.Do("DEL", k.lB)

	// CLIENT UNBLOCK through the proxy.
	for _, c := range []struct{ reason, want string }{
		{"TIMEOUT", "*-1\r\n"},
		{"ERROR", "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"},
	} {
		u := testutil.Dial(t, addr)
		id := strings.TrimSuffix(strings.TrimPrefix(u.Do("CLIENT", "ID"), ":"), "\r\n")
		u.Send("BZMPOP", "0", "2", k.zA, k.zB, "MIN")
		u.Flush()
		testutil.WaitFor(t, 10*time.Second, func() bool { return blockedClients(addr) == 1 }, "BZMPOP blocked")
		if got := prod.Do("CLIENT", "UNBLOCK", id, c.reason); got != ":1\r\n" {
			t.Fatalf("CLIENT UNBLOCK %s: %q", c.reason, got)
		}
		if got := u.Recv(); got != c.want {
			t.Errorf("BZMPOP after CLIENT UNBLOCK %s: %q, want %q", c.reason, got, c.want)
		}
		if got := prod.Do("CLIENT", "UNBLOCK", id); got != ":0\r\n" {
			t.Errorf("CLIENT UNBLOCK of a client no longer blocked: %q", got)
		}
		if got := u.Do("PING"); got != "+PONG\r\n" {
			t.Errorf("PING after the unblocked command: %q", got)
		}
	}
}

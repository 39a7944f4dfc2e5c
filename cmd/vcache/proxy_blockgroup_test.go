package main

import (
	"testing"
	"time"

	"github.com/vcache/vcache/internal/testutil"
)

// XREADGROUP ... BLOCK over streams on different vcache nodes, through the
// proxy (proxy/block_across_group.go), against redis-server 7.0.15 holding
// the same keys.

// TestProxyBlockGroupAcrossNodes: XREADGROUP with BLOCK over streams of
// two nodes answers through the proxy byte for byte as redis-server does,
// RESP2 and RESP3: at once when new entries are there or an ID other than
// ">" reads the consumer's pending ones, the errors of its words, types,
// groups and IDs, a null after the timeout, and the entry of an XADD
// made while it waits; each entry is delivered once and pending for the
// consumer that got it (XPENDING), clients of one group are served in the
// order they blocked and clients of two groups both get the entry; a
// stream deleted while a client waits answers -UNBLOCKED.
func TestProxyBlockGroupAcrossNodes(t *testing.T) {
	nodes, addr := txCluster(t)
	ref := startRedisRef(t)
	k := newBlockxKeys(t, nodes)
	for _, proto := range []int{2, 3} {
		via, want := dialProto(t, addr, proto), dialProto(t, ref, proto)
		do, recv := protoDo(proto), protoRecv(proto)
		other, refOther := testutil.Dial(t, addr), testutil.Dial(t, ref)
		both := func(args ...string) {
			t.Helper()
			if g, w := do(via, args...), do(want, args...); g != w {
				t.Errorf("RESP%d %v:\n proxy        %q\n redis-server %q", proto, args, g, w)
			}
		}
		side := func(args ...string) {
			t.Helper()
			if g, w := other.Do(args...), refOther.Do(args...); g != w {
				t.Fatalf("%v: proxy %q, redis-server %q", args, g, w)
			}
		}
		pending := func() {
			t.Helper()
			both("XPENDING", k.xA, "g")
			both("XPENDING", k.xB, "g")
		}
		for _, st := range [][]string{
			{"FLUSHALL"},
			{"XADD", k.xA, "1-1", "f", "a1"},
			{"XADD", k.xA, "1-2", "f", "a2"},
			{"XADD", k.xB, "2-1", "f", "b1"},
			{"XGROUP", "CREATE", k.xA, "g", "0"},
			{"XGROUP", "CREATE", k.xB, "g", "0"},
			{"XGROUP", "CREATE", k.xA, "h", "$"},
			{"SET", k.str, "plain"},
			// At once: new entries, then the consumer's pending ones.
			{"XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "BLOCK", "0", "STREAMS", k.xA, k.xB, ">", ">"},
			{"XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", k.xB, k.xA, ">", ">"},
			{"XREADGROUP", "GROUP", "g", "c1", "BLOCK", "10", "STREAMS", k.xA, k.xB, "0", "0"},
			{"XREADGROUP", "GROUP", "g", "c2", "BLOCK", "10", "STREAMS", k.xA, k.xB, ">", "0-0"},
			{"XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "BLOCK", "10", "STREAMS", k.xA, k.xB, "1-1", ">"},
			{"XPENDING", k.xA, "g"},
			{"XPENDING", k.xB, "g"},
			// Without BLOCK, and inside MULTI.
			{"XREADGROUP", "GROUP", "g", "c1", "STREAMS", k.xA, k.xB, "0", "0"},
			{"XREADGROUP", "GROUP", "g", "c9", "STREAMS", k.xA, k.xB, ">", ">"},
			{"XREADGROUP", "GROUP", "h", "c9", "STREAMS", k.xA, k.xB, ">", ">"},
			{"MULTI"},
			{"XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "BLOCK", "0", "STREAMS", k.xA, k.xB, "0", "0"},
			{"XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", k.xA, k.xB, ">", ">"},
			{"EXEC"},
			// Errors: words, types, groups, IDs, in Redis's order.
			{"XREADGROUP", "GROUP", "h", "c", "BLOCK", "0", "STREAMS", k.xA, k.xB, ">", ">"},
			{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", k.xA, k.str, ">", ">"},
			{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", k.lA, k.xB, ">", ">"},
			{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", k.xA, k.xB, "$", ">"},
			{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", k.xA, k.xB, ">", "bad"},
			{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", k.xA, k.xB, "1-x", ">"},
			{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", k.xA, k.xB, "-", ">"},
			{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", k.xA, k.str, "bad", ">"},
			{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "-1", "STREAMS", k.xA, k.xB, ">", ">"},
			{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "x", "STREAMS", k.xA, k.xB, ">", ">"},
			{"XREADGROUP", "GROUP", "g", "c", "COUNT", "x", "BLOCK", "0", "STREAMS", k.xA, k.xB, ">", ">"},
			{"XREADGROUP", "BLOCK", "0", "STREAMS", k.xA, k.xB, ">", ">"},
			{"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "FOO", "STREAMS", k.xA, k.xB, ">", ">"},
			// Nothing comes: a null after the timeout.
			{"XREADGROUP", "GROUP", "g", "c3", "BLOCK", "20", "STREAMS", k.xA, k.xB, ">", ">"},
			{"XREADGROUP", "GROUP", "g", "c3", "COUNT", "5", "NOACK", "BLOCK", "10", "STREAMS", k.xB, k.xA, ">", ">"},
			{"XGROUP", "CREATE", k.xB, "h", "$"},
		} {
			both(st...)
		}
		pending()

		// An XADD while they wait.
		for _, c := range []struct{ block, add []string }{
			{[]string{"XREADGROUP", "GROUP", "g", "c4", "BLOCK", "0", "STREAMS", k.xA, k.xB, ">", ">"}, []string{"XADD", k.xB, "*", "f", "v"}},
			{[]string{"XREADGROUP", "GROUP", "g", "c5", "COUNT", "2", "BLOCK", "5000", "STREAMS", k.xB, k.xA, ">", ">"}, []string{"XADD", k.xA, "*", "g", "w"}},
			{[]string{"XREADGROUP", "GROUP", "g", "c6", "NOACK", "BLOCK", "0", "STREAMS", k.xA, k.xB, ">", ">"}, []string{"XADD", k.xA, "*", "h", "x"}},
		} {
			for _, conn := range []*testutil.Conn{via, want} {
				conn.Send(c.block...)
				conn.Flush()
			}
			testutil.WaitFor(t, 10*time.Second, func() bool {
				return blockedClients(ref) == 1 && blockedClients(addr) == 1
			}, "both blocked")
			id := c.add[2]
			if id == "*" { // the same ID on both
				id = "9-" + c.block[3][1:]
			}
			add := append([]string{c.add[0], c.add[1], id}, c.add[3:]...)
			side(add...)
			if g, w := recv(via), recv(want); g != w {
				t.Errorf("RESP%d %v, then %v:\n proxy        %q\n redis-server %q", proto, c.block, add, g, w)
			}
			pending()
		}

		// Two clients of one group: the first that blocked gets the
		// first entry; a client of another group gets it too.
		side("XGROUP", "SETID", k.xA, "h", "$")
		side("XGROUP", "SETID", k.xB, "h", "$")
		w2, refW2 := testutil.Dial(t, addr), testutil.Dial(t, ref)
		w3, refW3 := testutil.Dial(t, addr), testutil.Dial(t, ref)
		for i, pair := range [][2]*testutil.Conn{{via, want}, {w2, refW2}, {w3, refW3}} {
			group, consumer := "g", "first"
			switch i {
			case 1:
				consumer = "second"
			case 2:
				group, consumer = "h", "other"
			}
			for _, conn := range pair {
				conn.Send("XREADGROUP", "GROUP", group, consumer, "BLOCK", "0", "STREAMS", k.xA, k.xB, ">", ">")
				conn.Flush()
			}
			testutil.WaitFor(t, 10*time.Second, func() bool {
				return blockedClients(ref) == i+1 && blockedClients(addr) == i+1
			}, "blocked in turn")
		}
		side("XADD", k.xA, "10-1", "n", "1")
		for _, pair := range [][2]*testutil.Conn{{via, want}, {w3, refW3}} {
			if g, w := recv(pair[0]), recv(pair[1]); g != w {
				t.Errorf("RESP%d the first entry:\n proxy        %q\n redis-server %q", proto, g, w)
			}
		}
		testutil.WaitFor(t, 10*time.Second, func() bool { return blockedClients(addr) == 1 }, "the second still blocked")
		side("XADD", k.xB, "10-2", "n", "2")
		if g, w := w2.Recv(), refW2.Recv(); g != w {
			t.Errorf("RESP%d the second entry:\n proxy        %q\n redis-server %q", proto, g, w)
		}
		pending()

		spread(t, nodes, k.xA, k.xB)
		// The stream goes while a client waits.
		for _, conn := range []*testutil.Conn{via, want} {
			conn.Send("XREADGROUP", "GROUP", "g", "c7", "BLOCK", "0", "STREAMS", k.xA, k.xB, ">", ">")
			conn.Flush()
		}
		testutil.WaitFor(t, 10*time.Second, func() bool {
			return blockedClients(ref) == 1 && blockedClients(addr) == 1
		}, "both blocked")
		side("DEL", k.xB)
		if g, w := recv(via), recv(want); g != w {
			t.Errorf("RESP%d after DEL:\n proxy        %q\n redis-server %q", proto, g, w)
		}
	}
}

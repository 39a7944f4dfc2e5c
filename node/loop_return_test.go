//go:build linux

package node

import (
	"strings"
	"testing"
)

// The ordering of commands from two clients once one of them has left
// its event loop for a command that runs off the loops (a subscription,
// a script, a blocking read) and been answered: it is back on a loop
// (loop_return_linux.go), so a command it sent before another client's
// runs first, as in Redis. Left on its goroutine, its command waited for
// Go's poller to wake that goroutine while the loop ran the later one.
// The kernel may still, rarely, deliver two clients' bytes out of order,
// so a few rounds out of order are allowed.

// TestPublishAfterUnsubscribeFromAnotherClient: a subscriber sends
// UNSUBSCRIBE without reading its reply, then another client publishes
// to the channel it left: no one receives the message (PUBLISH replies
// 0) and the subscriber reads its unsubscribe confirmation with no
// message before it.
func TestPublishAfterUnsubscribeFromAnotherClient(t *testing.T) {
	tn := startNode(t, nil)
	pub := tn.raw(t)
	sub := tn.raw(t)
	const rounds = 200
	late := 0
	for i := 0; i < rounds; i++ {
		if got := sub.Do("SUBSCRIBE", "ch"); !strings.Contains(got, "subscribe") {
			t.Fatalf("round %d: SUBSCRIBE: %q", i, got)
		}
		sub.Send("UNSUBSCRIBE")
		sub.Flush()
		got := pub.Do("PUBLISH", "ch", "m")
		switch got {
		case ":0\r\n":
		case ":1\r\n":
			late++
			if msg := sub.Recv(); !strings.Contains(msg, "message") {
				t.Fatalf("round %d: PUBLISH reached 1 subscriber, who read %q", i, msg)
			}
		default:
			t.Fatalf("round %d: PUBLISH: %q", i, got)
		}
		if conf := sub.Recv(); !strings.Contains(conf, "unsubscribe") || !strings.HasSuffix(conf, ":0\r\n") {
			t.Fatalf("round %d: UNSUBSCRIBE: %q", i, conf)
		}
	}
	t.Logf("%d of %d rounds published before the earlier UNSUBSCRIBE", late, rounds)
	if late > rounds/20 {
		t.Fatalf("%d of %d rounds ran PUBLISH before another client's earlier UNSUBSCRIBE", late, rounds)
	}
}

// TestBlockedReadBeforeWriteOfScriptedClient: a client that ran a
// script (EVAL is served off the loops; the client goes back to a loop
// after its next command that is not a script) deletes a stream after a
// new connection's blocking XREADGROUP on it: the reader gets Redis's "no
// longer exists" error, not the NOGROUP of a DEL that ran first.
func TestBlockedReadBeforeWriteOfScriptedClient(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.raw(t)
	if got := c.Do("EVAL", "return 1", "0"); got != ":1\r\n" {
		t.Fatalf("EVAL: %q", got)
	}
	const rounds = 100
	late := readerRounds(t, tn, c, rounds, "DEL", "mystream")
	t.Logf("%d of %d rounds ran DEL first", late, rounds)
	if late > rounds/10 {
		t.Fatalf("%d of %d rounds ran DEL before the new connection's XREADGROUP", late, rounds)
	}
}

// TestBlockedClientBackOnLoopKeepsOrder: a client whose blocking pop was
// served (by another client's push) sends SET, and a second client then
// GETs the key: it sees the value, every round.
func TestBlockedClientBackOnLoopKeepsOrder(t *testing.T) {
	tn := startNode(t, nil)
	a, b := tn.raw(t), tn.raw(t)
	const rounds = 200
	late := 0
	for i := 0; i < rounds; i++ {
		a.Send("BLPOP", "q", "0")
		a.Flush()
		// RPUSH reaches 1 list; BLPOP may not be waiting yet, then it
		// pops at once: either way it returns the element.
		b.Do("RPUSH", "q", "x")
		if got := a.Recv(); !strings.Contains(got, "x") {
			t.Fatalf("round %d: BLPOP: %q", i, got)
		}
		a.Send("SET", "k", "v"+string(rune('a'+i%26)))
		a.Flush()
		want := "$2\r\nv" + string(rune('a'+i%26)) + "\r\n"
		if got := b.Do("GET", "k"); got != want {
			late++
		}
		if got := a.Recv(); got != "+OK\r\n" {
			t.Fatalf("round %d: SET: %q", i, got)
		}
	}
	t.Logf("%d of %d rounds ran GET before the earlier SET", late, rounds)
	if late > rounds/20 {
		t.Fatalf("%d of %d rounds ran GET before another client's earlier SET", late, rounds)
	}
}

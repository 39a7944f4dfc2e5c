package node

import (
	"strings"
	"testing"
	"time"
)

// TestTrackingRedirBrokenAfterQuit: a RESP3 client whose invalidations
// go to another client (subscribed to __redis__:invalidate) that has
// QUIT (its OK read) gets the
// tracking-redir-broken push at the next change of a key it read, without
// sending anything itself, and CLIENT TRACKINGINFO then says
// broken_redirect.
func TestTrackingRedirBrokenAfterQuit(t *testing.T) {
	tn := startNode(t, nil)
	for i := 0; i < 20; i++ {
		redir := tn.raw(t)
		id := redir.do("CLIENT", "ID")
		id = strings.TrimPrefix(id, "(integer) ")
		// A RESP2 redirect target subscribes to the invalidation channel
		// (its connection then has a goroutine and an outbox).
		redir.do("SUBSCRIBE", "__redis__:invalidate")
		r := tn.raw(t)
		r.Do3("HELLO", "3")
		if got := r.Do3("CLIENT", "TRACKING", "on", "REDIRECT", id); got != "+OK\r\n" {
			t.Fatalf("CLIENT TRACKING on REDIRECT %s: %s", id, got)
		}
		w := tn.raw(t)
		w.do("SET", "key1", "1")
		r.Do3("GET", "key1")
		if got := redir.Do("QUIT"); got != "+OK\r\n" {
			t.Fatalf("QUIT: %s", got)
		}
		w.do("SET", "key1", "2")
		if got := r.Recv3(); got != ">2\r\n$21\r\ntracking-redir-broken\r\n:"+id+"\r\n" {
			t.Fatalf("round %d: push after the redirect client quit: %q", i, got)
		}
		if info := r.Do3("CLIENT", "TRACKINGINFO"); !strings.Contains(info, "broken_redirect") {
			t.Fatalf("CLIENT TRACKINGINFO: %s", info)
		}
		r.Close()
		w.Close()
	}
}

// TestTrackingPushToIdleRESP3Redirect: a RESP3 client that another
// client redirects its invalidations to gets the invalidate push while it
// sends nothing (it is served by an event loop, with no outbox), also
// after CLIENT REPLY OFF, as in Redis.
func TestTrackingPushToIdleRESP3Redirect(t *testing.T) {
	tn := startNode(t, nil)
	x := tn.raw(t)
	x.Do3("HELLO", "3")
	id := strings.TrimSpace(strings.TrimPrefix(x.Do3("CLIENT", "ID"), ":"))
	tr := tn.raw(t)
	if got := tr.Do("CLIENT", "TRACKING", "on", "REDIRECT", id); got != "+OK\r\n" {
		t.Fatalf("CLIENT TRACKING on REDIRECT %s: %q", id, got)
	}
	w := tn.raw(t)
	for i, replyOff := range []bool{false, true} {
		w.Do("SET", "foo", "bar")
		tr.Do("GET", "foo")
		if replyOff {
			x.Send("CLIENT", "REPLY", "OFF")
			x.Send("CLIENT", "LIST", "ID", id) // no reply: REPLY OFF is in effect
			x.Flush()
			waitFor(t, 5*time.Second, "CLIENT REPLY OFF to run", func() bool {
				return strings.Contains(w.Do("CLIENT", "LIST", "ID", id), "cmd=client|list")
			})
		}
		w.Do("SET", "foo", "bar2")
		if got := x.Recv3(); got != ">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nfoo\r\n" {
			t.Fatalf("round %d (reply off %v): push to the idle redirect client: %q", i, replyOff, got)
		}
	}
	x.Send("CLIENT", "REPLY", "ON")
	if got := x.Recv3(); got != "+OK\r\n" {
		t.Fatalf("CLIENT REPLY ON: %q", got)
	}
}

package node

import (
	"strings"
	"testing"
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

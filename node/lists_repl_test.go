package node

import (
	"context"
	"testing"
	"time"
)

// TestServedWaitersReachTheReplica: what a push hands to blocked clients
// (a BLPOP and a BLMOVE) is popped on the replica too, so primary and
// replica hold the same lists.
func TestServedWaitersReachTheReplica(t *testing.T) {
	nodes, cluster := startServedRepl(t)
	ctx := context.Background()
	cc := cluster()
	popped := make(chan []string, 1)
	go func() {
		v, _ := cluster().BLPop(ctx, 0, "{q}a").Result()
		popped <- v
	}()
	moved := make(chan string, 1)
	go func() {
		v, _ := cluster().BLMove(ctx, "{q}b", "{q}dst", "LEFT", "RIGHT", 0).Result()
		moved <- v
	}()
	waitBlockedIn(t, nodes, 2)
	if err := cc.RPush(ctx, "{q}a", "a1", "a2").Err(); err != nil {
		t.Fatal(err)
	}
	if err := cc.RPush(ctx, "{q}b", "b1", "b2").Err(); err != nil {
		t.Fatal(err)
	}
	select {
	case v := <-popped:
		if len(v) != 2 || v[1] != "a1" {
			t.Fatalf("BLPOP got %v", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("BLPOP not served")
	}
	select {
	case v := <-moved:
		if v != "b1" {
			t.Fatalf("BLMOVE got %q", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("BLMOVE not served")
	}
	want := map[string][]string{"{q}a": {"a2"}, "{q}b": {"b2"}, "{q}dst": {"b1"}}
	waitEveryReplica(t, nodes)
	holders := 0
	for _, tn := range nodes {
		rc := tn.raw(t)
		rc.do("READONLY")
		if got := rc.do("LLEN", "{q}a"); got != "(integer) 1" {
			continue // not a holder of the slot (MOVED)
		}
		holders++
		for k, vals := range want {
			if got := rc.do("LRANGE", k, "0", "-1"); got != "1) \""+vals[0]+"\"" {
				t.Fatalf("node %s: %s = %s, want %v", tn.addr, k, got, vals)
			}
		}
	}
	if holders != 2 {
		t.Fatalf("%d nodes hold the lists, want the primary and its replica", holders)
	}
}

package main

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// TestProxyScratchKeysUnseen: the scratch keys a cross-node PFCOUNT
// copies another node's HyperLogLog into are never seen by KEYS, SCAN,
// RANDOMKEY, DBSIZE or keyspace notifications, on the node that holds
// them for the moment of the count, while counts run back to back.
func TestProxyScratchKeysUnseen(t *testing.T) {
	nodes, addr := txCluster(t)
	hA, hB := onNode(t, nodes, 0, "hA"), onNode(t, nodes, 1, "hB")
	via := testutil.Dial(t, addr)
	for _, st := range [][]string{{"PFADD", hA, "a", "b"}, {"PFADD", hB, "c"}} {
		if got := via.Do(st...); got != ":1\r\n" {
			t.Fatalf("%v: %q", st, got)
		}
	}
	node := testutil.Dial(t, nodes[0])
	if got := node.Do("CONFIG", "SET", "notify-keyspace-events", "KEA"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET: %q", got)
	}
	sub := testutil.Dial(t, nodes[0])
	if got := sub.Do("PSUBSCRIBE", "__key*__:*"); !strings.Contains(got, "psubscribe") {
		t.Fatalf("PSUBSCRIBE: %q", got)
	}
	// Counts back to back on a client of their own; the test's reads run
	// meanwhile, until the counts end.
	const counts = 200
	var done, stop atomic.Bool
	errs := make(chan string, 1)
	go func() {
		defer done.Store(true)
		c := redis.NewClient(&redis.Options{Addr: addr})
		defer c.Close()
		for i := 0; i < counts && !stop.Load(); i++ {
			if n, err := c.PFCount(context.Background(), hA, hB).Result(); err != nil || n != 3 {
				errs <- fmt.Sprintf("PFCOUNT: %d %v", n, err)
				return
			}
		}
		errs <- ""
	}()
	defer func() {
		stop.Store(true)
		testutil.WaitFor(t, 30*time.Second, done.Load, "the counts to end")
	}()
	seen := 0
	deadline := time.Now().Add(60 * time.Second)
	for !done.Load() && time.Now().Before(deadline) {
		for _, st := range [][]string{{"KEYS", "*"}, {"SCAN", "0", "COUNT", "1000"}, {"RANDOMKEY"}, {"DBSIZE"}} {
			got := node.Do(st...)
			seen++
			if strings.Contains(got, "vcache-scratch") || (st[0] == "DBSIZE" && got != ":1\r\n") {
				t.Fatalf("%v during cross-node PFCOUNTs: %q", st, got)
			}
		}
	}
	if msg := <-errs; msg != "" {
		t.Fatal(msg)
	}
	// A marker event after the counts: every event before it came from them.
	if got := node.Do("SET", "marker", "x"); got != "+OK\r\n" {
		t.Fatalf("SET marker: %q", got)
	}
	for {
		msg := sub.Recv()
		if strings.Contains(msg, "vcache-scratch") {
			t.Fatalf("a keyspace notification names a scratch key: %q", msg)
		}
		if strings.Contains(msg, "marker") {
			break
		}
	}
	t.Logf("%d KEYS/SCAN/RANDOMKEY/DBSIZE during %d cross-node PFCOUNTs", seen, counts)
}

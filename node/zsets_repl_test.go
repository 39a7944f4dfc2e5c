package node

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestServedZPopsReachTheReplica: what a ZADD hands to a blocked BZPOPMIN
// is popped on the replica too (replicated as ZPOPMIN), so primary and
// replica hold the same sorted set.
func TestServedZPopsReachTheReplica(t *testing.T) {
	nodes, cluster := startServedRepl(t)
	ctx := context.Background()
	cc := cluster()
	popped := make(chan *redis.ZWithKey, 1)
	go func() {
		v, _ := cluster().BZPopMin(ctx, 0, "{q}z").Result()
		popped <- v
	}()
	waitBlockedIn(t, nodes, 1)
	if err := cc.ZAdd(ctx, "{q}z", redis.Z{Score: 1, Member: "a"}, redis.Z{Score: 2, Member: "b"}).Err(); err != nil {
		t.Fatal(err)
	}
	select {
	case v := <-popped:
		if v == nil || v.Member != "a" {
			t.Fatalf("BZPOPMIN got %v", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("BZPOPMIN not served")
	}
	waitEveryReplica(t, nodes)
	holders := 0
	for _, tn := range nodes {
		rc := tn.raw(t)
		rc.do("READONLY")
		switch got := rc.do("ZRANGE", "{q}z", "0", "-1"); {
		case got == "1) \"b\"":
			holders++
		case !strings.HasPrefix(got, "(error) MOVED"):
			t.Fatalf("node %s: ZRANGE {q}z = %s, want b (or MOVED)", tn.addr, got)
		}
	}
	if holders != 2 {
		t.Fatalf("%d nodes hold the sorted set, want the primary and its replica", holders)
	}
}

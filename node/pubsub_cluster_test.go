package node

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/keyslot"
)

// TestPubSubAcrossCluster publishes on one node of a cluster and
// receives on the others, each message once and in order; SPUBLISH stays
// on the shard channel's slot owner.
func TestPubSubAcrossCluster(t *testing.T) {
	nodes := startClusterNodes(t, 3)
	ctx := context.Background()
	var subs []*redis.PubSub
	for _, tn := range nodes[1:] {
		c := tn.client(t)
		ps := c.Subscribe(ctx, "news")
		t.Cleanup(func() { ps.Close() })
		if _, err := ps.Receive(ctx); err != nil {
			t.Fatal(err)
		}
		subs = append(subs, ps)
	}
	pub := nodes[0].client(t)
	for _, m := range []string{"a", "b", "end"} {
		// As in Redis Cluster, the count is of this node's receivers.
		if n, err := pub.Publish(ctx, "news", m).Result(); err != nil || n != 0 {
			t.Fatalf("PUBLISH on a node without subscribers = %d, %v", n, err)
		}
	}
	for i, ps := range subs {
		var got []string
		for len(got) < 3 {
			rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			m, err := ps.ReceiveMessage(rctx)
			cancel()
			if err != nil {
				t.Fatalf("subscriber on node %d: %v (got %v)", i+2, err, got)
			}
			got = append(got, m.Payload)
		}
		if strings.Join(got, ",") != "a,b,end" {
			t.Fatalf("subscriber on node %d received %v", i+2, got)
		}
	}

	// SPUBLISH: the owner of the slot serves it, the others redirect.
	slot := keyslot.OfString("sch")
	moved := 0
	for _, tn := range nodes {
		got := tn.raw(t).do("SPUBLISH", "sch", "m")
		switch {
		case got == "(integer) 0":
		case strings.HasPrefix(got, "(error) MOVED "+strconv.Itoa(slot)+" "):
			moved++
		default:
			t.Fatalf("SPUBLISH on %s: %s", tn.addr, got)
		}
	}
	if moved != 2 {
		t.Fatalf("%d nodes redirected SPUBLISH, want 2", moved)
	}
}

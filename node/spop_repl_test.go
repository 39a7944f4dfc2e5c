package node

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/keyslot"
)

// TestSPopReplicatesTheMembersItPopped: SPOP picks its members at random,
// so a replica must receive the members the primary popped (an SREM, as
// Redis propagates it), not the SPOP to run again: after SPOPs with and
// without a count, the replica holds exactly the primary's members.
func TestSPopReplicatesTheMembersItPopped(t *testing.T) {
	nodes := startReplicatedNodes(t, 3)
	ctx := context.Background()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{nodes[0].addr, nodes[1].addr, nodes[2].addr}})
	defer cc.Close()
	const key = "spop:set"
	for i := range 300 {
		if err := cc.SAdd(ctx, key, fmt.Sprintf("m%d", i)).Err(); err != nil {
			t.Fatal(err)
		}
	}
	for range 40 {
		if err := cc.SPop(ctx, key).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if err := cc.SPopN(ctx, key, 60).Err(); err != nil {
		t.Fatal(err)
	}
	if err := cc.SPop(ctx, "spop:missing").Err(); err != redis.Nil {
		t.Fatalf("SPOP of a missing key: %v", err)
	}
	sh, _ := nodes[0].Cluster().Map().Owner(keyslot.Of([]byte(key)))
	var primary, replica *testNode
	for _, tn := range nodes {
		switch self := tn.Cluster().Self(); {
		case self == sh.Primary:
			primary = tn
		case slices.Contains(sh.Replicas, self):
			replica = tn
		}
	}
	if primary == nil || replica == nil {
		t.Fatalf("no primary and replica for %s among the nodes", key)
	}
	want, err := primary.ks.SMembers([]byte(key))
	if err != nil || len(want) != 200 {
		t.Fatalf("the primary holds %d members (%v), want 200", len(want), err)
	}
	waitFor(t, 10*time.Second, "the replica holds the primary's members", func() bool {
		got, err := replica.ks.SMembers([]byte(key))
		if err != nil || len(got) != len(want) {
			return false
		}
		in := map[string]bool{}
		for _, m := range got {
			in[string(m)] = true
		}
		for _, m := range want {
			if !in[string(m)] {
				return false
			}
		}
		return true
	})
}

package node

import (
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startServedRepl starts three nodes with a replica per shard for the
// tests of what blocked clients are served reaching the replica, and
// returns them and newClient, which makes a cluster client of them
// (closed when the test ends): one for each blocked client.
func startServedRepl(t *testing.T) (nodes []*testNode, newClient func() *redis.ClusterClient) {
	t.Helper()
	nodes = startReplicatedNodes(t, 3)
	addrs := []string{nodes[0].addr, nodes[1].addr, nodes[2].addr}
	return nodes, func() *redis.ClusterClient {
		cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
		t.Cleanup(func() { cc.Close() })
		return cc
	}
}

// waitBlockedIn waits until n clients are blocked across nodes.
func waitBlockedIn(t *testing.T, nodes []*testNode, n int) {
	t.Helper()
	what := "a blocked client"
	if n != 1 {
		what = fmt.Sprintf("%d blocked clients", n)
	}
	waitFor(t, 5*time.Second, what, func() bool {
		sum := 0
		for _, tn := range nodes {
			sum += int(tn.blockedCount())
		}
		return sum == n
	})
}

// waitEveryReplica fails unless WAIT 1 on each node answers 1: every
// primary's writes have reached its replica.
func waitEveryReplica(t *testing.T, nodes []*testNode) {
	t.Helper()
	for _, tn := range nodes {
		if got := tn.raw(t).do("WAIT", "1", "5000"); got != "(integer) 1" {
			t.Fatalf("WAIT 1 on %s: %s", tn.addr, got)
		}
	}
}

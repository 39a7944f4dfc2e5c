package node

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
)

// TestSearchAliasesAndConfigReachReplica: a node that joins after
// FT.ALIASADD and FT.CONFIG SET (which the proxy sends to every node
// there is) gets the aliases and the changed options in its full sync.
func TestSearchAliasesAndConfigReachReplica(t *testing.T) {
	one := func(c *cluster.Config) { c.Replicas = 1; c.BootstrapExpect = 1 }
	first := startNode(t, func(c *Config) { cc := clusterConfig("node-1", nil); one(cc); c.Cluster = cc })
	waitFor(t, 10*time.Second, "node-1 to join gossip", func() bool { return first.Cluster() != nil })
	waitFor(t, 20*time.Second, "the first node to own every slot", func() bool {
		m := first.Cluster().Map()
		return m != nil && m.SlotsAssigned() == keyslot.Count
	})
	ctx := context.Background()
	c := first.client2(t)
	for _, cmd := range [][]any{
		{"FT.CREATE", "Idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "title", "TEXT"},
		{"HSET", "doc:1", "title", "a cat"},
		{"FT.ALIASADD", "al", "Idx"},
		{"FT.CONFIG", "SET", "MINPREFIX", "3"},
		{"FT.CONFIG", "SET", "MAXSEARCHRESULTS", "9223372036854775807"},
	} {
		if err := c.Do(ctx, cmd...).Err(); err != nil {
			t.Fatalf("%v: %v", cmd, err)
		}
	}
	second := startNode(t, func(c *Config) {
		cc := clusterConfig("node-2", []string{first.Cluster().GossipAddr()})
		one(cc)
		c.Cluster = cc
	})
	waitFor(t, 10*time.Second, "node-2 to join gossip", func() bool { return second.Cluster() != nil })
	nodes := []*testNode{first, second}
	waitReplicated(t, nodes)
	waitReplicasMatch(t, nodes)
	owner, _ := first.Cluster().Map().Owner(keyslot.OfString("doc:1"))
	byID := map[cluster.NodeID]*testNode{first.Cluster().Self(): first, second.Cluster().Self(): second}
	replica := byID[owner.Replicas[0]]
	if replica == nil || replica == byID[owner.Primary] {
		t.Fatalf("shard %s: no replica on another node", owner.ID)
	}
	rc := redis.NewClient(&redis.Options{Addr: replica.addr, Protocol: 2, OnConnect: func(ctx context.Context, cn *redis.Conn) error {
		return cn.ReadOnly(ctx).Err()
	}})
	defer rc.Close()
	info, _ := rc.Do(ctx, "FT.INFO", "al").Val().([]any)
	got := fmt.Sprint(
		info[:min(2, len(info))],
		rc.Do(ctx, "FT.CONFIG", "GET", "MINPREFIX").Val(),
		rc.Do(ctx, "FT.CONFIG", "GET", "MAXSEARCHRESULTS").Val(),
		rc.Do(ctx, "FT.CONFIG", "GET", "TIMEOUT").Val())
	if want := "[index_name Idx] [[MINPREFIX 3]] [[MAXSEARCHRESULTS unlimited]] [[TIMEOUT 500]]"; got != want {
		t.Fatalf("on the replica after its full sync: %s, want %s", got, want)
	}
}

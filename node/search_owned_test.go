package node

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/keyslot"
)

// TestFTSearchAnswersOnlyForServedSlots: a clustered node that holds a
// document of a slot it does not serve (a copy an import made before the
// map flips, or a promoted replica's before its drop) leaves it out of
// FT.SEARCH, so the nodes' answers together list each document once.
func TestFTSearchAnswersOnlyForServedSlots(t *testing.T) {
	nodes := startClusterNodes(t, 3)
	ctx := context.Background()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{nodes[0].addr, nodes[1].addr, nodes[2].addr}})
	defer cc.Close()
	// As the proxy does: the schema goes to every node.
	for _, tn := range nodes {
		if err := tn.client2(t).Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA",
			"v", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", "4", "DISTANCE_METRIC", "L2").Err(); err != nil {
			t.Fatalf("FT.CREATE on %s: %v", tn.addr, err)
		}
	}
	const key = "doc:1"
	if err := cc.HSet(ctx, key, "v", vecBlob(1, 1, 1, 1)).Err(); err != nil {
		t.Fatalf("HSET: %v", err)
	}
	m := nodes[0].Cluster().Map()
	owner := -1
	for i, tn := range nodes {
		if serve, _ := m.Route(keyslot.OfString(key), tn.Cluster().Self()); serve {
			owner = i
		}
	}
	if owner < 0 {
		t.Fatalf("no node serves %s's slot", key)
	}
	stray := nodes[(owner+1)%len(nodes)]
	if _, err := stray.ks.HSet([]byte(key), [][]byte{[]byte("v"), []byte(vecBlob(1, 1, 1, 1))}, false); err != nil {
		t.Fatalf("the stray copy: %v", err)
	}
	if stray.ks.Len() == 0 {
		t.Fatal("the stray copy is not on the node")
	}

	listed := 0
	for i, tn := range nodes {
		res, err := tn.client2(t).Do(ctx, "FT.SEARCH", "idx", "*=>[KNN 10 @v $B AS score]",
			"PARAMS", "2", "B", vecBlob(1, 1, 1, 2), "RETURN", "1", "score", "DIALECT", "2").Slice()
		if err != nil {
			t.Fatalf("FT.SEARCH on node %d: %v", i, err)
		}
		want := int64(0)
		if i == owner {
			want = 1
		}
		if res[0].(int64) != want || len(res) != 1+2*int(want) {
			t.Errorf("node %d (owner: %v) answered %v; want %d result(s)", i, i == owner, res, want)
		}
		listed += (len(res) - 1) / 2
		// A text query too.
		res, err = tn.client2(t).Do(ctx, "FT.SEARCH", "idx", "*", "NOCONTENT").Slice()
		if err != nil || res[0].(int64) != want {
			t.Errorf("FT.SEARCH * on node %d (owner: %v): %v, %v; want total %d", i, i == owner, res, err, want)
		}
	}
	if listed != 1 {
		t.Errorf("the nodes together listed %s %d times, want once", key, listed)
	}
}

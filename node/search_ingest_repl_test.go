package node

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/vector"
)

// TestReplicaIndexesAPipelinedLoad: documents pipelined into a primary's
// HNSW index (its workers and its replica's behind the writers) are all
// on the replica once WAIT says so, found there by their own vectors
// (asked for the shard's slots, as a proxy asks), with updates and deletes of the same pipelines applied, and
// the replica's FT.INFO ends at every document with indexing 0.
func TestReplicaIndexesAPipelinedLoad(t *testing.T) {
	nodes := startReplicatedNodes(t, 3)
	ctx := context.Background()
	for _, tn := range nodes {
		if got := tn.raw(t).do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA",
			"emb", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", fmt.Sprint(searchDim), "DISTANCE_METRIC", "L2"); got != "OK" {
			t.Fatalf("FT.CREATE on %s: %s", tn.addr, got)
		}
	}
	m := nodes[0].Cluster().Map()
	owner, _ := m.Owner(keyslot.OfString("{d}"))
	byID := map[cluster.NodeID]*testNode{}
	for _, tn := range nodes {
		byID[tn.Cluster().Self()] = tn
	}
	p, r := byID[owner.Primary], byID[owner.Replicas[0]]
	pc := redis.NewClient(&redis.Options{Addr: p.addr, Protocol: 2, ReadTimeout: time.Minute})
	defer pc.Close()
	const n, batch = 3000, 500
	far := vector.EncodeFloat32([]float32{50, 50, 50, 50, 50, 50, 50, 50})
	key := func(i int) string { return fmt.Sprintf("doc:{d}%d", i) }
	for lo := 0; lo < n; lo += batch {
		// A batch is sent again whole while the primary's lease is out
		// (CLUSTERDOWN on a machine too busy for the gossip's timers):
		// the same writes again leave the same documents.
		for deadline := time.Now().Add(30 * time.Second); ; {
			pipe := pc.Pipeline()
			for i := lo; i < lo+batch; i++ {
				pipe.HSet(ctx, key(i), "emb", vector.EncodeFloat32(docVec(i)))
			}
			pipe.HSet(ctx, key(lo), "emb", far) // moved away
			pipe.Del(ctx, key(lo+1))
			_, err := pipe.Exec(ctx)
			if err == nil {
				break
			}
			if !strings.HasPrefix(err.Error(), "CLUSTERDOWN") || time.Now().After(deadline) {
				t.Fatal(err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if got := p.raw(t).do("WAIT", "1", "10000"); got != "(integer) 1" {
		t.Fatalf("WAIT 1: %s", got)
	}
	rc := r.client2(t)
	slot := fmt.Sprint(keyslot.OfString("{d}"))
	nearest := func(v []float32) string {
		t.Helper()
		// (The slots argument a proxy gives: a node answers for its own
		// slots only otherwise, a replica's are not.)
		_, keys := ftKeys(t, rc, "*=>[KNN 1 @emb $B]", "PARAMS", "2", "B", vector.EncodeFloat32(v), "NOCONTENT", "DIALECT", "2", ftargs.SlotsArg, slot)
		if len(keys) == 0 {
			return ""
		}
		return keys[0]
	}
	check := func(when string) {
		t.Helper()
		for i := 2; i < n; i += 29 {
			if i%batch < 2 {
				continue
			}
			if got := nearest(docVec(i)); got != key(i) {
				t.Fatalf("%s: KNN 1 on the replica of %s's vector = %q", when, key(i), got)
			}
		}
		for lo := 0; lo < n; lo += batch {
			if got := nearest(docVec(lo)); got == key(lo) {
				t.Fatalf("%s: %s found on the replica by its replaced vector", when, key(lo))
			}
			if got := nearest(docVec(lo + 1)); got == key(lo+1) {
				t.Fatalf("%s: deleted %s found on the replica", when, key(lo+1))
			}
		}
	}
	check("after WAIT")
	ftWaitIndexed(t, rc, "idx")
	check("indexed")
	res, err := rc.Do(ctx, "FT.SEARCH", "idx", "*", "LIMIT", "0", "0", ftargs.SlotsArg, slot).Slice()
	if err != nil || len(res) == 0 || res[0] != int64(n-n/batch) {
		t.Fatalf("replica's count of the shard's documents = %v, %v; want %d", res, err, n-n/batch)
	}
}

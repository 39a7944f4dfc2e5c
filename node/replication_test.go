package node

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/testcert"
)

// startReplicatedNodes starts n clustered nodes whose shards each have one
// replica, and waits until every replica streams from its primary.
func startReplicatedNodes(t *testing.T, n int) []*testNode {
	t.Helper()
	nodes := joinNodes(t, n, func(c *cluster.Config) { c.Replicas = 1 })
	waitReplicated(t, nodes)
	return nodes
}

// waitReplicated waits until the nodes' map covers every slot, every shard
// has a replica, and every replica's link is up.
func waitReplicated(t *testing.T, nodes []*testNode) {
	t.Helper()
	waitFor(t, 30*time.Second, "every shard replicated and every link up", func() bool {
		for _, tn := range nodes {
			m := tn.Cluster().Map()
			if m == nil || m.SlotsAssigned() != keyslot.Count || len(m.Migrations()) > 0 {
				return false
			}
			for _, s := range m.Shards() {
				if len(s.Replicas) == 0 {
					return false
				}
			}
			_, replica := m.ShardsOf(tn.Cluster().Self())
			tn.repl.mu.Lock()
			up := 0
			for _, l := range tn.repl.links {
				if l.up.Load() && l.synced.Load() {
					up++
				}
			}
			tn.repl.mu.Unlock()
			if up != len(replica) {
				return false
			}
		}
		return true
	})
}

func vecBlob(v ...float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return string(b)
}

// TestReplicaTakesOverWithTheData writes strings, counters, hashes with
// TTLs and indexed vectors to a 3-node cluster with one replica per shard,
// waits for the replicas with WAIT, stops the primary of one shard, and
// checks that its replica serves every key, value and document after the
// failover.
func TestReplicaTakesOverWithTheData(t *testing.T) {
	nodes := startReplicatedNodes(t, 3)
	ctx := context.Background()
	for _, tn := range nodes {
		if got := tn.raw(t).do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA",
			"tag", "TAG", "v", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", "4", "DISTANCE_METRIC", "L2"); got != "OK" {
			t.Fatalf("FT.CREATE on %s: %s", tn.addr, got)
		}
	}
	addrs := []string{nodes[0].addr, nodes[1].addr, nodes[2].addr}
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	defer cc.Close()
	const keys, docs, incrs = 1500, 300, 40
	for i := 0; i < keys; i++ {
		if err := cc.Set(ctx, fmt.Sprintf("k:%d", i), fmt.Sprintf("v%d", i), 0).Err(); err != nil {
			t.Fatalf("SET: %v", err)
		}
	}
	for i := 0; i < docs; i++ {
		f := float32(i)
		if err := cc.HSet(ctx, fmt.Sprintf("doc:%d", i), "tag", "t", "v", vecBlob(f, f, f, f)).Err(); err != nil {
			t.Fatalf("HSET: %v", err)
		}
	}
	for i := 0; i < incrs; i++ {
		if err := cc.Incr(ctx, "counter").Err(); err != nil {
			t.Fatalf("INCR: %v", err)
		}
	}
	if err := cc.HSet(ctx, "ttl:h", "a", "1").Err(); err != nil {
		t.Fatal(err)
	}
	if err := cc.Expire(ctx, "ttl:h", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if err := cc.Del(ctx, "k:0").Err(); err != nil {
		t.Fatal(err)
	}
	// Every primary's replica has everything it was sent.
	for _, tn := range nodes {
		if got := tn.raw(t).do("WAIT", "1", "5000"); got != "(integer) 1" {
			t.Fatalf("WAIT 1 on %s: %s", tn.addr, got)
		}
		info := tn.raw(t).do("INFO", "replication")
		if !strings.Contains(info, "connected_slaves:1") || !strings.Contains(info, "master_link_status:up") {
			t.Fatalf("INFO replication on %s:\n%s", tn.addr, info)
		}
	}
	// The nodes' DBSIZEs add up to the keys written once: a replica's
	// copies are not counted (the proxy sums DBSIZE over the nodes).
	sum := int64(0)
	for _, tn := range nodes {
		n, err := tn.client(t).DBSize(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		sum += n
	}
	if want := int64(keys - 1 + docs + 2); sum != want {
		t.Fatalf("DBSIZE over the nodes = %d, want %d", sum, want)
	}
	// So do FT.INFO's num_docs (the proxy sums them too).
	sum = 0
	for _, tn := range nodes {
		n := infoNum(ftInfoFields(t, tn.client(t), "idx")["num_docs"])
		sum += n
	}
	if sum != docs {
		t.Fatalf("FT.INFO num_docs over the nodes = %d, want %d", sum, docs)
	}
	// The replica of each shard holds what its primary holds.
	m := nodes[0].Cluster().Map()
	byID := map[cluster.NodeID]*testNode{}
	for _, tn := range nodes {
		byID[tn.Cluster().Self()] = tn
	}
	for _, s := range m.Shards() {
		p, r := byID[s.Primary], byID[s.Replicas[0]]
		for _, slot := range cluster.SlotsIn(s.Slots) {
			if a, b := p.ks.CountKeysInSlot(slot), r.ks.CountKeysInSlot(slot); a != b {
				t.Fatalf("shard %s slot %d: primary holds %d keys, replica %d", s.ID, slot, a, b)
			}
		}
	}

	// READONLY: a replica serves reads of its shard, never writes.
	{
		owner, _ := m.Owner(keyslot.OfString("k:7"))
		rc := byID[owner.Replicas[0]].raw(t)
		if got := rc.do("GET", "k:7"); !strings.HasPrefix(got, "(error) MOVED ") {
			t.Fatalf("GET on a replica before READONLY: %s", got)
		}
		rc.do("READONLY")
		if got := rc.do("GET", "k:7"); got != `"v7"` {
			t.Fatalf("GET on a replica after READONLY: %s", got)
		}
		if got := rc.do("SET", "k:7", "x"); !strings.HasPrefix(got, "(error) MOVED ") {
			t.Fatalf("SET on a replica after READONLY: %s", got)
		}
		ro := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, ReadOnly: true})
		for i := 1; i < 200; i++ {
			if v, err := ro.Get(ctx, fmt.Sprintf("k:%d", i)).Result(); err != nil || v != fmt.Sprintf("v%d", i) {
				t.Fatalf("ReadOnly ClusterClient GET k:%d = %q, %v", i, v, err)
			}
		}
		ro.Close()
	}

	// Stop the primary of the counter's shard.
	owner, _ := m.Owner(keyslot.OfString("counter"))
	victim := byID[owner.Primary]
	heir := owner.Replicas[0]
	victim.stop()
	var rest []*testNode
	for _, tn := range nodes {
		if tn != victim {
			rest = append(rest, tn)
		}
	}
	waitFor(t, 20*time.Second, "the replica to be promoted", func() bool {
		for _, tn := range rest {
			m := tn.Cluster().Map()
			if m == nil {
				return false
			}
			s, ok := m.Owner(keyslot.OfString("counter"))
			if !ok || s.Primary != heir || m.Down() {
				return false
			}
		}
		return true
	})
	cc2 := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{rest[0].addr, rest[1].addr},
		MaxRedirects: 16, MinRetryBackoff: 5 * time.Millisecond, MaxRetryBackoff: 100 * time.Millisecond})
	defer cc2.Close()
	if v, err := cc2.Get(ctx, "counter").Int(); err != nil || v != incrs {
		t.Fatalf("counter after failover = %d, %v; want %d", v, err, incrs)
	}
	for i := 1; i < keys; i++ {
		k := fmt.Sprintf("k:%d", i)
		if v, err := cc2.Get(ctx, k).Result(); err != nil || v != fmt.Sprintf("v%d", i) {
			t.Fatalf("after failover %s = %q, %v", k, v, err)
		}
	}
	if n, err := cc2.Exists(ctx, "k:0").Result(); err != nil || n != 0 {
		t.Fatalf("deleted k:0 came back after failover: %d, %v", n, err)
	}
	if ttl, err := cc2.TTL(ctx, "ttl:h").Result(); err != nil || ttl < 59*time.Minute || ttl > time.Hour {
		t.Fatalf("TTL of ttl:h after failover = %v, %v", ttl, err)
	}
	// Every document is found by exactly one survivor.
	total := int64(0)
	for _, tn := range rest {
		res, err := tn.client2(t).Do(ctx, "FT.SEARCH", "idx", "*", "LIMIT", "0", "0").Slice()
		if err != nil {
			t.Fatalf("FT.SEARCH on %s: %v", tn.addr, err)
		}
		total += res[0].(int64)
	}
	if total != docs {
		t.Fatalf("survivors count %d documents, want %d", total, docs)
	}
	// The survivors place new replicas for the shards that lost theirs and
	// stream to them.
	waitReplicated(t, rest)
}

// TestEvictionsReachTheReplica fills a primary past its maxmemory while
// its replica has no limit: the keys the primary evicts must go from the
// replica too, or a failover would bring them back.
func TestEvictionsReachTheReplica(t *testing.T) {
	nodes := startReplicatedNodes(t, 3)
	ctx := context.Background()
	m := nodes[0].Cluster().Map()
	slot := keyslot.OfString("{t}")
	owner, _ := m.Owner(slot)
	byID := map[cluster.NodeID]*testNode{}
	for _, tn := range nodes {
		byID[tn.Cluster().Self()] = tn
	}
	p, r := byID[owner.Primary], byID[owner.Replicas[0]]
	pc := p.client(t)
	if err := pc.ConfigSet(ctx, "maxmemory-policy", "allkeys-lru").Err(); err != nil {
		t.Fatal(err)
	}
	limit := p.ks.UsedMemory() + 2<<20
	if err := pc.ConfigSet(ctx, "maxmemory", fmt.Sprint(limit)).Err(); err != nil {
		t.Fatal(err)
	}
	val := strings.Repeat("x", 500)
	for i := 0; i < 10000; i++ {
		if err := setThroughSplit(ctx, pc, fmt.Sprintf("{t}:%d", i), val); err != nil {
			t.Fatalf("SET: %v", err)
		}
	}
	if got := p.raw(t).do("WAIT", "1", "5000"); got != "(integer) 1" {
		t.Fatalf("WAIT: %s", got)
	}
	if ev := p.ks.Stats().EvictedKeys; ev == 0 {
		t.Fatal("the primary evicted nothing")
	}
	if a, b := p.ks.CountKeysInSlot(slot), r.ks.CountKeysInSlot(slot); a != b || a >= 10000 {
		t.Fatalf("after evictions the primary holds %d keys of the slot, its replica %d", a, b)
	}
}

// waitReplicasMatch waits until, for every shard, its replicas hold as
// many keys of the shard's slots as its primary.
func waitReplicasMatch(t *testing.T, nodes []*testNode) {
	t.Helper()
	byID := map[cluster.NodeID]*testNode{}
	for _, tn := range nodes {
		byID[tn.Cluster().Self()] = tn
	}
	count := func(tn *testNode, s cluster.Shard) int {
		n := 0
		for _, slot := range cluster.SlotsIn(s.Slots) {
			n += tn.ks.CountKeysInSlot(slot)
		}
		return n
	}
	waitFor(t, 20*time.Second, "every replica to hold its primary's keys", func() bool {
		m := nodes[0].Cluster().Map()
		if m == nil || len(m.Migrations()) > 0 {
			return false
		}
		for _, s := range m.Shards() {
			p := byID[s.Primary]
			if p == nil {
				return false
			}
			want := count(p, s)
			for _, r := range s.Replicas {
				if rn := byID[r]; rn == nil || count(rn, s) != want {
					return false
				}
			}
		}
		return true
	})
}

// TestReplicationOverTLS: nodes whose RESP ports speak TLS replicate to
// each other over TLS, and a ClusterClient with TLS reads through them.
func TestReplicationOverTLS(t *testing.T) {
	certs, err := testcert.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	nodes := joinNodesWith(t, 3, func(c *cluster.Config) { c.Replicas = 1 }, func(c *Config) {
		c.TLS, c.PeerTLS = certs.Server, certs.Client
	})
	waitReplicated(t, nodes)
	ctx := context.Background()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{nodes[0].addr, nodes[1].addr, nodes[2].addr},
		TLSConfig: certs.Client})
	defer cc.Close()
	for i := 0; i < 300; i++ {
		if err := cc.Set(ctx, fmt.Sprintf("t:%d", i), i, 0).Err(); err != nil {
			t.Fatalf("SET over TLS: %v", err)
		}
	}
	waitReplicasMatch(t, nodes)
}

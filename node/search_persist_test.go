package node

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
)

// searchStateWrites makes suggestion dictionaries (one with a TTL),
// custom dictionaries and synonym groups through c, on an index idx over
// doc: hashes made here.
func searchStateWrites(t *testing.T, c *redis.Client) {
	t.Helper()
	ctx := context.Background()
	for _, cmd := range [][]any{
		{"FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "title", "TEXT"},
		{"HSET", "doc:1", "title", "a cat sat"},
		{"FT.SUGADD", "sug", "hello world", "2"},
		{"FT.SUGADD", "sug", "Help", "3", "PAYLOAD", "p1"},
		{"FT.SUGADD", "sug", "hello world", "2", "INCR"},
		{"FT.SUGADD", "sug", "empty payload", "1", "PAYLOAD", ""},
		{"FT.SUGADD", "sug:ttl", "brief", "1"},
		{"EXPIRE", "sug:ttl", "3600"},
		{"FT.DICTADD", "dict1", "foo", "Bar"},
		{"FT.DICTADD", "dict2", "kitten"},
		{"FT.SYNUPDATE", "idx", "g1", "cat", "kitty"},
		{"FT.SYNUPDATE", "idx", "g2", "SKIPINITIALSCAN", "cat", "feline"},
	} {
		if err := c.Do(ctx, cmd...).Err(); err != nil {
			t.Fatalf("%v: %v", cmd, err)
		}
	}
}

// synonymHit checks that a query for a synonym finds the document that
// holds its group's other word.
func synonymHit(t *testing.T, what string, c *redis.Client) {
	t.Helper()
	got, err := c.Do(context.Background(), "FT.SEARCH", "idx", "feline", "NOCONTENT").Result()
	if want := []any{int64(1), "doc:1"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: FT.SEARCH idx feline = %v, %v; want %v", what, got, err, want)
	}
}

// searchStateReply is what a client reads of searchStateWrites' state.
func searchStateReply(t *testing.T, c *redis.Client) map[string]any {
	t.Helper()
	ctx := context.Background()
	out := map[string]any{}
	for name, cmd := range map[string][]any{
		"sugget":  {"FT.SUGGET", "sug", "", "WITHSCORES", "WITHPAYLOADS", "MAX", "10"},
		"suglen":  {"FT.SUGLEN", "sug"},
		"type":    {"TYPE", "sug"},
		"ttlsug":  {"FT.SUGGET", "sug:ttl", "br"},
		"dict1":   {"FT.DICTDUMP", "dict1"},
		"dict2":   {"FT.DICTDUMP", "dict2"},
		"syndump": {"FT.SYNDUMP", "idx"},
	} {
		v, err := c.Do(ctx, cmd...).Result()
		if err != nil {
			v = "error: " + err.Error()
		}
		out[name] = v
	}
	ttl, err := c.TTL(ctx, "sug:ttl").Result()
	out["ttl set"] = err == nil && ttl > 59*time.Minute && ttl <= time.Hour
	return out
}

// wantSearchState is searchStateReply's answer right after
// searchStateWrites.
var wantSearchState = map[string]any{
	"sugget":  []any{"hello world", "4", nil, "Help", "3", "p1", "empty payload", "1", ""},
	"suglen":  int64(3),
	"type":    "trietype",
	"ttlsug":  []any{"brief"},
	"dict1":   []any{"Bar", "foo"},
	"dict2":   []any{"kitten"},
	"syndump": []any{"cat", []any{"g1", "g2"}, "feline", []any{"g2"}, "kitty", []any{"g1"}},
	"ttl set": true,
}

func checkSearchState(t *testing.T, what string, c *redis.Client) {
	t.Helper()
	if got := searchStateReply(t, c); !reflect.DeepEqual(got, wantSearchState) {
		t.Fatalf("%s:\n got %v\nwant %v", what, got, wantSearchState)
	}
}

// TestSearchStateSurvivesRestart: suggestion dictionaries (keys, with
// their TTL), custom dictionaries and synonym groups are in the snapshot
// SAVE writes, and a node started from it answers as before.
func TestSearchStateSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	withDir := func(c *Config) { c.Dir = dir }
	tn := startNode(t, withDir)
	c := tn.client2(t)
	ctx := context.Background()
	searchStateWrites(t, c)
	checkSearchState(t, "before the restart", c)
	synonymHit(t, "before the restart", c)
	if err := c.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	tn.stop()

	tn2 := startNode(t, withDir)
	c2 := tn2.client2(t)
	checkSearchState(t, "after the restart", c2)
	synonymHit(t, "after the restart", c2)
	// The suggestion dictionary is a key like any other.
	if n := c2.Exists(ctx, "sug", "sug:ttl").Val(); n != 2 {
		t.Fatalf("EXISTS of the suggestion keys after the restart = %d", n)
	}
	if keys := c2.Keys(ctx, "sug*").Val(); len(keys) != 2 {
		t.Fatalf("KEYS sug* after the restart = %v", keys)
	}
}

// TestSearchStateReachesReplica: a replica placed after the writes gets
// them all in its full sync, and the writes after it in the stream (a
// DEL of a suggestion key too).
func TestSearchStateReachesReplica(t *testing.T) {
	one := func(c *cluster.Config) { c.Replicas = 1; c.BootstrapExpect = 1 }
	first := startNode(t, func(c *Config) { cc := clusterConfig("node-1", nil); one(cc); c.Cluster = cc })
	waitFor(t, 10*time.Second, "node-1 to join gossip", func() bool { return first.Cluster() != nil })
	waitFor(t, 20*time.Second, "the first node to own every slot", func() bool {
		m := first.Cluster().Map()
		return m != nil && m.SlotsAssigned() == keyslot.Count
	})
	c := first.client2(t)
	ctx := context.Background()
	searchStateWrites(t, c)

	second := startNode(t, func(c *Config) {
		cc := clusterConfig("node-2", []string{first.Cluster().GossipAddr()})
		one(cc)
		c.Cluster = cc
	})
	waitFor(t, 10*time.Second, "node-2 to join gossip", func() bool { return second.Cluster() != nil })
	nodes := []*testNode{first, second}
	waitReplicated(t, nodes)
	waitReplicasMatch(t, nodes)
	m := first.Cluster().Map()
	owner, _ := m.Owner(keyslot.OfString("sug"))
	byID := map[cluster.NodeID]*testNode{first.Cluster().Self(): first, second.Cluster().Self(): second}
	replica := byID[owner.Replicas[0]]
	if replica == nil || replica == byID[owner.Primary] {
		t.Fatalf("shard %s: no replica on another node", owner.ID)
	}
	primary := byID[owner.Primary]
	rc := redis.NewClient(&redis.Options{Addr: replica.addr, Protocol: 2, OnConnect: func(ctx context.Context, cn *redis.Conn) error {
		return cn.ReadOnly(ctx).Err()
	}})
	defer rc.Close()
	checkSearchState(t, "on the replica after its full sync", rc)

	// The stream: more writes on the primary reach the replica.
	pc := primary.client2(t)
	for _, cmd := range [][]any{
		{"FT.SUGADD", "sug", "helium", "9"},
		{"FT.DICTADD", "dict3", "zebra"},
		{"FT.SYNUPDATE", "idx", "g3", "sat", "perched"},
		{"DEL", "sug:ttl"},
	} {
		if err := pc.Do(ctx, cmd...).Err(); err != nil {
			t.Fatalf("%v: %v", cmd, err)
		}
	}
	if got := pc.Do(ctx, "WAIT", "1", "5000").Val(); got != int64(1) {
		t.Fatalf("WAIT 1 = %v", got)
	}
	for name, c := range map[string]*redis.Client{"primary": pc, "replica": rc} {
		got := fmt.Sprint(
			c.Do(ctx, "FT.SUGGET", "sug", "he", "MAX", "10").Val(),
			c.Do(ctx, "FT.DICTDUMP", "dict3").Val(),
			c.Do(ctx, "FT.SYNDUMP", "idx").Val(),
			c.Exists(ctx, "sug:ttl").Val())
		want := "[helium hello world Help] [zebra] [cat [g1 g2] feline [g2] kitty [g1] perched [g3] sat [g3]] 0"
		if got != want {
			t.Fatalf("%s after the streamed writes: %s, want %s", name, got, want)
		}
	}
}

// sugFingerprints makes suggestion dictionaries over several slots and
// returns what a client reads of each.
func sugFingerprints(t *testing.T, c redis.UniversalClient) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	for k := 0; k < 16; k++ {
		key := fmt.Sprintf("sug:%d", k)
		for i := 0; i < 5; i++ {
			args := []any{"FT.SUGADD", key, fmt.Sprintf("term %d of %d", i, k), i + 1}
			if i%2 == 0 {
				args = append(args, "PAYLOAD", fmt.Sprintf("p%d", i))
			}
			if err := c.Do(ctx, args...).Err(); err != nil {
				t.Fatalf("%v: %v", args, err)
			}
		}
		out[key] = sugFingerprint(t, c, key)
	}
	return out
}

func sugFingerprint(t *testing.T, c redis.UniversalClient, key string) string {
	t.Helper()
	ctx := context.Background()
	got, err := c.Do(ctx, "FT.SUGGET", key, "term", "WITHSCORES", "WITHPAYLOADS", "MAX", "10").Slice()
	if err != nil {
		t.Fatalf("FT.SUGGET %s: %v", key, err)
	}
	return fmt.Sprint(c.Type(ctx, key).Val(), " ", got)
}

// checkSynonymsOnOwners checks that every node holding keys knows index
// idx's synonym group g1 (it reached the nodes that received slots).
func checkSynonymsOnOwners(t *testing.T, nodes []*testNode) {
	t.Helper()
	for _, tn := range nodes {
		if tn.ks.Len() == 0 {
			continue
		}
		got := fmt.Sprint(tn.client2(t).Do(context.Background(), "FT.SYNDUMP", "idx").Val())
		if want := "[cat [g1] feline [g1]]"; got != want {
			t.Fatalf("FT.SYNDUMP idx on %s, which holds %d keys: %s, want %s", tn.addr, tn.ks.Len(), got, want)
		}
	}
}

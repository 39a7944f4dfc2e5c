package node

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
)

// restartNode starts node name again with config cfg, serving on addr
// (the address of its previous run), and stops it when the test ends.
func restartNode(t *testing.T, cfg Config, addr string) *testNode {
	t.Helper()
	w := &testWriter{t: t}
	t.Cleanup(func() { w.done.Store(true) })
	n, err := New(cfg, slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	var ln net.Listener
	waitFor(t, 10*time.Second, "the previous run's address "+addr+" to be free", func() bool {
		ln, err = net.Listen("tcp", addr)
		return err == nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	tn := &testNode{Node: n, addr: addr, cancel: cancel, served: make(chan error, 1)}
	go func() { tn.served <- n.Serve(ctx, ln) }()
	t.Cleanup(tn.stop)
	return tn
}

// TestRestartedPrimaryDoesNotOverwriteItsReplica: the primary of a shard
// saves a snapshot, takes more writes (and a DEL) that WAIT 1 confirms on
// its replica, stops without saving again (as after kill -9 with an older
// snapshot) and comes back at the same address with the same data
// directory. Its snapshot lacks those writes; the replica has them. The
// returned node must not hand the replica its older copy (VCACHE.SYNC is
// refused while its map names its earlier run), and the replica, promoted
// by the coordinator, must serve every acknowledged write and not the
// deleted key.
func TestRestartedPrimaryDoesNotOverwriteItsReplica(t *testing.T) {
	dirs := map[string]string{}
	// Load reports every second: a node missing for less than
	// stepDownWait (8 s) is not failed over as dead, so the restart
	// below is seen as a restart.
	slow := func(c *cluster.Config) { c.Replicas = 1; c.LoadInterval = time.Second }
	nodes := joinNodesWith(t, 3, slow, func(c *Config) {
		d := t.TempDir()
		dirs[c.Cluster.Name] = d
		c.Dir = d
	})
	waitReplicated(t, nodes)
	ctx := context.Background()

	m := nodes[0].Cluster().Map()
	byID := map[cluster.NodeID]*testNode{}
	for _, tn := range nodes {
		byID[tn.Cluster().Self()] = tn
	}
	shard := m.Shards()[0]
	p, r := byID[shard.Primary], byID[shard.Replicas[0]]
	var third *testNode
	for _, tn := range nodes {
		if tn != p && tn != r {
			third = tn
		}
	}
	var keys []string
	for i := 0; len(keys) < 400; i++ {
		k := fmt.Sprintf("k:%d", i)
		if s, ok := m.Owner(keyslot.OfString(k)); ok && s.ID == shard.ID {
			keys = append(keys, k)
		}
	}
	pc := p.client(t)
	for _, k := range keys[:200] {
		if err := pc.Set(ctx, k, "old-"+k, 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", k, err)
		}
	}
	if err := pc.Save(ctx).Err(); err != nil {
		t.Fatalf("SAVE: %v", err)
	}
	// Acknowledged after the snapshot: new keys, overwrites, a DEL.
	for _, k := range keys[100:] {
		if err := pc.Set(ctx, k, "new-"+k, 0).Err(); err != nil {
			t.Fatalf("SET %s: %v", k, err)
		}
	}
	deleted := keys[0]
	if err := pc.Del(ctx, deleted).Err(); err != nil {
		t.Fatal(err)
	}
	if got := p.raw(t).do("WAIT", "1", "5000"); got != "(integer) 1" {
		t.Fatalf("WAIT 1: %s", got)
	}

	name := string(p.Cluster().Self())
	p.SkipSaveOnShutdown()
	p.stop()
	cfg := DefaultConfig()
	cfg.Dir = dirs[name]
	cc := clusterConfig(name, []string{third.Cluster().GossipAddr()})
	slow(cc)
	// The restarted node reports its load late, so the coordinator takes
	// a few seconds to fail it over: time enough for the replica's link
	// to come back to the same address.
	cc.LoadInterval = 4 * time.Second
	cfg.Cluster = cc
	back := restartNode(t, cfg, p.addr)
	if got := back.raw(t).do("VCACHE.SYNC", "?", "-1", formatRanges(shard.Slots), shard.ID.String()); !strings.HasPrefix(got, "(error) TRYAGAIN ") {
		t.Errorf("VCACHE.SYNC on the restarted node before the map moved its shard: %s", got)
	}

	rest := []*testNode{r, third, back}
	waitFor(t, 30*time.Second, "the replica promoted on every node", func() bool {
		for _, tn := range rest {
			cl := tn.Cluster()
			if cl == nil {
				return false
			}
			m := cl.Map()
			s, ok := m.Shard(shard.ID)
			if !ok || s.Primary != r.Cluster().Self() || m.Down() {
				return false
			}
		}
		return true
	})
	waitReplicated(t, rest)
	waitReplicasMatch(t, rest)

	cl := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{r.addr, third.addr},
		MaxRedirects: 16, MinRetryBackoff: 5 * time.Millisecond, MaxRetryBackoff: 100 * time.Millisecond})
	defer cl.Close()
	lost := 0
	for i, k := range keys {
		want := "new-" + k
		if i < 100 {
			want = "old-" + k
		}
		if k == deleted {
			continue
		}
		if v, err := cl.Get(ctx, k).Result(); err != nil || v != want {
			if lost++; lost <= 5 {
				t.Errorf("GET %s after the restart = %q, %v; want %q", k, v, err, want)
			}
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged writes lost", lost, len(keys)-1)
	}
	if n, err := cl.Exists(ctx, deleted).Result(); err != nil || n != 0 {
		t.Fatalf("the deleted key %s came back: EXISTS = %d, %v", deleted, n, err)
	}
}

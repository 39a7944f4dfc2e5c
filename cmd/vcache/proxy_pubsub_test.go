package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sort"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/proxy"
)

// pubsubCluster starts three vcache nodes gossiping in one cluster (as
// vcache dev does) and two proxies over it, each a gossip member of its
// own; everything stops when the test ends.
func pubsubCluster(t *testing.T) (nodes, proxies []string) {
	t.Helper()
	var f devFlags
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	f.register(fs)
	if err := fs.Parse([]string{"--dir", "", "--autoscale=false", "--loglevel", "error"}); err != nil {
		t.Fatal(err)
	}
	if err := f.check(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d := &devCluster{f: &f, ctx: ctx, log: log, group: serving.NewGroup(serving.Auto, true),
		node: serverFlags{io: f.io, maxmemory: f.maxmemory, policy: f.policy, maxBulk: "512mb", maxClients: 10000, dbfilename: "dump.vcache"},
		errc: make(chan error, 8)}
	t.Cleanup(func() { cancel(); d.wg.Wait() })
	for i := range f.nodes {
		if err := d.startNode(i); err != nil {
			t.Fatal(err)
		}
	}
	first, err := d.joinProxy()
	if err != nil {
		t.Fatal(err)
	}
	members := []*cluster.Cluster{first}
	pc := devClusterConfig("proxy-2", d.seeds, f.nodes)
	pc.Role = cluster.RoleProxy
	second, err := cluster.New(pc, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Start(ctx); err != nil {
		t.Fatal(err)
	}
	members = append(members, second)
	for _, m := range members {
		t.Cleanup(func() { m.Shutdown(context.Background()) })
		p, err := proxy.New(proxy.DefaultConfig(), m.Router(), log)
		if err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		d.wg.Add(1)
		go func() { defer d.wg.Done(); p.Serve(ctx, ln) }()
		proxies = append(proxies, ln.Addr().String())
	}
	for _, a := range d.addrs {
		_, addr, _ := cutSpace(a)
		nodes = append(nodes, addr)
	}
	return nodes, proxies
}

func cutSpace(s string) (string, string, bool) {
	for i := range s {
		if s[i] == ' ' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

// TestPubSubThroughProxyOverCluster: go-redis subscribers (RESP2 and
// RESP3) through one proxy over a three-node vcache cluster receive a
// PUBLISH sent to each node and one sent through another proxy, pattern
// and shard-channel messages; it also measures PUBLISH-to-message
// latency through the proxies against a subscriber on a node (logged).
func TestPubSubThroughProxyOverCluster(t *testing.T) {
	nodes, proxies := pubsubCluster(t)
	ctx := context.Background()
	pub := redis.NewClient(&redis.Options{Addr: proxies[1]})
	defer pub.Close()
	for _, proto := range []int{2, 3} {
		c := redis.NewClient(&redis.Options{Addr: proxies[0], Protocol: proto})
		defer c.Close()
		ps := c.Subscribe(ctx, "news")
		defer ps.Close()
		if _, err := ps.Receive(ctx); err != nil {
			t.Fatal(err)
		}
		if err := ps.PSubscribe(ctx, "sp.*"); err != nil {
			t.Fatal(err)
		}
		if err := ps.SSubscribe(ctx, "{s}x"); err != nil {
			t.Fatal(err)
		}
		recv := func(want string) *redis.Message {
			t.Helper()
			rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			m, err := ps.ReceiveMessage(rctx)
			if err != nil || m.Payload != want {
				t.Fatalf("RESP%d: waiting for %q: %+v, %v", proto, want, m, err)
			}
			return m
		}
		for i, n := range nodes {
			nc := redis.NewClient(&redis.Options{Addr: n})
			if err := nc.Publish(ctx, "news", fmt.Sprint("node", i)).Err(); err != nil {
				t.Fatal(err)
			}
			nc.Close()
			recv(fmt.Sprint("node", i))
		}
		if err := pub.Publish(ctx, "news", "proxy").Err(); err != nil {
			t.Fatal(err)
		}
		recv("proxy")
		pub.Publish(ctx, "sp.a", "pat")
		if m := recv("pat"); m.Pattern != "sp.*" || m.Channel != "sp.a" {
			t.Fatalf("pattern message %+v", m)
		}
		if n, err := pub.SPublish(ctx, "{s}x", "shard").Result(); err != nil || n != 1 {
			t.Fatalf("SPUBLISH through the other proxy = %d, %v; want 1 (the first proxy)", n, err)
		}
		recv("shard")
	}

	// Latency, PUBLISH to message: through two proxies, and with the
	// publisher and the subscriber on one node.
	lat := func(pubAddr, subAddr string) (p50, p99 time.Duration) {
		pc := redis.NewClient(&redis.Options{Addr: pubAddr})
		defer pc.Close()
		sc := redis.NewClient(&redis.Options{Addr: subAddr})
		defer sc.Close()
		ps := sc.Subscribe(ctx, "lat")
		defer ps.Close()
		if _, err := ps.Receive(ctx); err != nil {
			t.Fatal(err)
		}
		var ds []time.Duration
		deadline := time.Now().Add(10 * time.Second)
		for i := 0; i < 1000 && time.Now().Before(deadline); i++ {
			start := time.Now()
			if err := pc.Publish(ctx, "lat", "x").Err(); err != nil {
				t.Fatal(err)
			}
			rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			_, err := ps.ReceiveMessage(rctx)
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			ds = append(ds, time.Since(start))
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[len(ds)/2], ds[len(ds)*99/100]
	}
	d50, d99 := lat(nodes[0], nodes[0])
	p50, p99 := lat(proxies[1], proxies[0])
	t.Logf("PUBLISH to message, 1000 rounds: direct to a node p50 %v p99 %v; through two proxies p50 %v p99 %v", d50, d99, p50, p99)
}

package node

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/testutil"
)

// TestMigrateAsRedis runs the same MIGRATE session from a vcache node and
// from redis-server 7.0.15, each to targets of its own (a redis-server,
// then a vcache node): the replies, and what is left on both sides, must
// be the same.
func TestMigrateAsRedis(t *testing.T) {
	closed := testutil.FreePort(t) // nothing listens there
	session := func(src, dst, dstNode *redis.Client) []string {
		ctx := context.Background()
		var out []string
		do := func(c *redis.Client, args ...any) {
			v, err := c.Do(ctx, args...).Result()
			if err != nil {
				out = append(out, fmt.Sprintf("%v -> err %v", args, err))
			} else {
				out = append(out, fmt.Sprintf("%v -> %v", args, v))
			}
		}
		host, port, _ := net.SplitHostPort(dst.Options().Addr)
		mig := func(rest ...any) { do(src, append([]any{"MIGRATE", host, port}, rest...)...) }
		do(src, "SET", "k", "v", "PX", 100000)
		mig("k", 0, 5000)
		do(src, "EXISTS", "k")
		do(dst, "GET", "k")
		if ttl := dst.PTTL(ctx, "k").Val(); ttl <= 0 || ttl.Milliseconds() > 100000 {
			out = append(out, "target's TTL "+ttl.String())
		}
		mig("nokey", 0, 5000)
		do(src, "RPUSH", "l", "a", "b")
		do(dst, "SET", "l", "x")
		mig("l", 0, 5000, "COPY")
		mig("l", 0, 5000, "COPY", "REPLACE")
		do(src, "LRANGE", "l", 0, -1)
		do(dst, "LRANGE", "l", 0, -1)
		do(src, "MSET", "a", "1", "b", "2")
		do(src, "HSET", "h", "f", "v")
		mig("k2", 0, 5000, "KEYS", "a", "b")
		mig("", 0, 5000, "KEYS", "a", "h", "missing")
		do(src, "EXISTS", "a", "b", "h")
		do(dst, "MGET", "a", "b")
		do(dst, "HGETALL", "h")
		mig("b", 0, "abc")
		mig("b", "x", 5000)
		mig("b", 0, 5000, "FOO")
		mig("b", 0, 5000, "AUTH")
		mig("b", 0, 5000, "AUTH2", "u")
		mig("b", 0, 5000, "AUTH", "pw")
		mig("b", 0, 5000, "AUTH2", "default", "pw")
		do(src, "EXISTS", "b")
		do(src, "MIGRATE", "127.0.0.1", closed, "b", 0, 300)
		do(src, "EXISTS", "b")
		// to a vcache node: one database
		nh, np, _ := net.SplitHostPort(dstNode.Options().Addr)
		do(src, "MIGRATE", nh, np, "b", 9, 5000)
		do(src, "MIGRATE", nh, np, "b", 0, 5000)
		do(src, "EXISTS", "b")
		do(dstNode, "GET", "b")
		for i := range out {
			out[i] = strings.NewReplacer(port, "<target>", np, "<node>", strconv.Itoa(closed), "<closed>").Replace(out[i])
		}
		return out
	}
	vc := startNode(t, nil)
	want := session(startRedisServer(t), startRedisServer(t), startNode(t, nil).client(t))
	got := session(vc.client(t), startRedisServer(t), startNode(t, nil).client(t))
	if len(got) != len(want) {
		t.Fatalf("vcache: %d replies, redis-server %d:\n%s\n---\n%s", len(got), len(want), strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("step %d: vcache %s; redis-server %s", i, got[i], want[i])
		}
	}
}

// TestMigrateReachesReplicasAsDel: the keys MIGRATE moved are deleted on
// the primary's replica too (replicated as DEL), and a key it copied, or
// failed to move, stays there.
func TestMigrateReachesReplicasAsDel(t *testing.T) {
	nodes := joinNodes(t, 3, func(c *cluster.Config) { c.Replicas = 1; c.InitialShards = 1 })
	waitReplicated(t, nodes)
	dst := startRedisServer(t)
	host, port, _ := net.SplitHostPort(dst.Options().Addr)
	var primary *testNode
	for _, tn := range nodes {
		if tn.raw(t).do("SET", "{m}moved", "1") == "OK" {
			primary = tn
			break
		}
	}
	if primary == nil {
		t.Fatal("no node took SET {m}moved")
	}
	c := primary.raw(t)
	for _, cmd := range [][]string{
		{"SET", "{m}copied", "2"}, {"SET", "{m}busy", "3"},
	} {
		if got := c.do(cmd...); got != "OK" {
			t.Fatalf("%v: %s", cmd, got)
		}
	}
	dst.Set(context.Background(), "{m}busy", "x", 0)
	for cmd, want := range map[string][]string{
		"OK":   {"MIGRATE", host, port, "{m}moved", "0", "5000"},
		"OK ":  {"MIGRATE", host, port, "{m}copied", "0", "5000", "COPY"},
		"busy": {"MIGRATE", host, port, "{m}busy", "0", "5000"},
	} {
		got := c.do(want...)
		if strings.TrimSpace(cmd) == "OK" && got != "OK" || cmd == "busy" && !strings.Contains(got, "BUSYKEY") {
			t.Fatalf("%v: %s", want, got)
		}
	}
	if got := c.do("WAIT", "1", "5000"); got != "(integer) 1" {
		t.Fatalf("WAIT 1: %s", got)
	}
	replicas := 0
	for _, tn := range nodes {
		if _, rep := tn.Cluster().Map().ShardsOf(tn.Cluster().Self()); tn == primary || len(rep) == 0 {
			continue
		}
		replicas++
		if tn.ks.Exists([]byte("{m}moved")) != 0 || tn.ks.Exists([]byte("{m}copied")) != 1 || tn.ks.Exists([]byte("{m}busy")) != 1 {
			t.Fatalf("replica %s: moved %d copied %d busy %d (want 0 1 1)", tn.addr,
				tn.ks.Exists([]byte("{m}moved")), tn.ks.Exists([]byte("{m}copied")), tn.ks.Exists([]byte("{m}busy")))
		}
	}
	if replicas != 1 {
		t.Fatalf("%d replicas checked, want 1", replicas)
	}
	if got := dst.Get(context.Background(), "{m}moved").Val(); got != "1" {
		t.Fatalf("target's {m}moved = %q", got)
	}
}

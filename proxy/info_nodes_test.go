package proxy

import (
	"context"
	"strconv"
	"strings"
	"testing"
)

// infoField returns field's value in an INFO text, or "".
func infoField(info, field string) string {
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return v
		}
	}
	return ""
}

// TestInfoAddsUpNodes: INFO through the proxy over three nodes adds up
// their maxmemory and keyspace hits and misses, and describes one
// primary with no replicas in a cluster, as redis-py's RedisCluster
// expects.
func TestInfoAddsUpNodes(t *testing.T) {
	rs := startRedises(t, 3)
	p := startProxy(t, Config{}, addrs(rs...)...)
	ctx := context.Background()
	c := client(t, p.addr)
	for _, r := range rs {
		if got := rawDo(r.addr, "CONFIG", "SET", "maxmemory", "100mb"); got != "+OK\r\n" {
			t.Fatalf("CONFIG SET maxmemory = %q", got)
		}
	}
	keys := clusterKeys(30)
	for _, k := range keys {
		c.Set(ctx, k, "v", 0)
	}
	for _, k := range keys {
		c.Get(ctx, k)         // a hit on some node
		c.Get(ctx, k+":none") // a miss
	}
	info := c.Info(ctx).Val()
	want := map[string]string{
		"maxmemory":        strconv.Itoa(3 * 100 << 20),
		"maxmemory_human":  "300.00M",
		"maxmemory_policy": "noeviction",
		"keyspace_hits":    "30",
		"keyspace_misses":  "30",
		"role":             "master",
		"connected_slaves": "0",
		"cluster_enabled":  "1",
		"redis_mode":       "cluster",
	}
	for k, v := range want {
		if got := infoField(info, k); got != v {
			t.Errorf("INFO %s = %q, want %q", k, got, v)
		}
	}
	var used int64
	for _, r := range rs {
		n, _ := strconv.ParseInt(infoField(rawDo(r.addr, "INFO", "memory"), "used_memory"), 10, 64)
		used += n
	}
	// Each node's used_memory moves a little between two INFOs.
	if got, _ := strconv.ParseInt(infoField(info, "used_memory"), 10, 64); got < used/2 || got > 2*used {
		t.Errorf("INFO used_memory = %d, the nodes' sum is about %d", got, used)
	}
	for _, sec := range []string{"# Memory\r\n", "# Stats\r\n", "# Replication\r\n", "# Cluster\r\n", "# Keyspace\r\ndb0:keys=30,"} {
		if !strings.Contains(info, sec) {
			t.Errorf("INFO lacks %q:\n%s", sec, info)
		}
	}
	if got := c.Info(ctx, "replication").Val(); !strings.HasPrefix(got, "# Replication\r\nrole:master\r\nconnected_slaves:0\r\n") {
		t.Errorf("INFO replication = %q", got)
	}
}

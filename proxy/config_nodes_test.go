package proxy

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestConfigNodeParams: the service's parameters (keyspace events, the
// eviction policy, encodings...) set through the proxy reach every node,
// read back through the proxy as a node has them, and are set again on a
// node that restarts; a node's refusal is the reply and changes nothing
// the proxy owns; a node's private parameters stay out of reach.
func TestConfigNodeParams(t *testing.T) {
	nodes := startRedises(t, 2)
	for _, n := range nodes {
		if got := rawDo(n.addr, "CONFIG", "SET", "requirepass", "node-secret"); got != "+OK\r\n" {
			t.Fatalf("CONFIG SET requirepass on a node: %q", got)
		}
	}
	cfg := DefaultConfig()
	cfg.BackendPassword = "node-secret"
	cfg.MaxClients = 77
	p := startProxy(t, cfg, addrs(nodes...)...)
	c := redis.NewClient(&redis.Options{Addr: p.addr, MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	ctx := context.Background()
	nodeGet := func(n *redisServer, name string) string { return nodeConfigGet(n.addr, "node-secret", name) }

	if err := c.ConfigSet(ctx, "notify-keyspace-events", "KEA").Err(); err != nil {
		t.Fatalf("CONFIG SET notify-keyspace-events through the proxy: %v", err)
	}
	if err := c.Do(ctx, "CONFIG", "SET", "maxmemory-policy", "allkeys-lfu", "maxclients", "78").Err(); err != nil {
		t.Fatalf("CONFIG SET of a node and a proxy parameter together: %v", err)
	}
	for i, n := range nodes {
		if got := nodeGet(n, "notify-keyspace-events"); got != "AKE" {
			t.Errorf("node %d notify-keyspace-events = %q, want AKE", i, got)
		}
		if got := nodeGet(n, "maxmemory-policy"); got != "allkeys-lfu" {
			t.Errorf("node %d maxmemory-policy = %q", i, got)
		}
	}
	got, err := c.ConfigGet(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"notify-keyspace-events": "AKE", "maxmemory-policy": "allkeys-lfu",
		"maxclients": "78", "maxmemory": "0", "list-max-listpack-size": "-2"} {
		if got[k] != want {
			t.Errorf("CONFIG GET * through the proxy: %s = %q, want %q", k, got[k], want)
		}
	}
	for _, k := range []string{"dir", "dbfilename", "masterauth", "unixsocket", "logfile"} {
		if _, ok := got[k]; ok {
			t.Errorf("CONFIG GET * through the proxy shows a node's %s", k)
		}
	}
	for k, v := range got {
		if strings.Contains(v, "node-secret") {
			t.Errorf("CONFIG GET * through the proxy shows the nodes' password in %s", k)
		}
	}

	// A node's refusal is the reply, and the proxy's part is not applied.
	err = c.Do(ctx, "CONFIG", "SET", "maxclients", "5", "maxmemory-policy", "no-such-policy").Err()
	if err == nil || !strings.Contains(err.Error(), "maxmemory-policy") {
		t.Errorf("CONFIG SET of a bad policy through the proxy: %v", err)
	}
	if v := c.ConfigGet(ctx, "maxclients").Val()["maxclients"]; v != "78" {
		t.Errorf("a refused CONFIG SET changed the proxy's maxclients to %s", v)
	}
	if v := c.ConfigGet(ctx, "maxmemory-policy").Val()["maxmemory-policy"]; v != "allkeys-lfu" {
		t.Errorf("a refused CONFIG SET changed the policy to %s", v)
	}

	// A restarted node (its configuration gone) gets the parameters again
	// on the proxy's next connection to it.
	nodes[1].stop()
	if err := nodes[1].start(); err != nil {
		t.Fatal(err)
	}
	if got := rawDo(nodes[1].addr, "CONFIG", "SET", "requirepass", "node-secret"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET requirepass on the restarted node: %q", got)
	}
	if got := nodeGet(nodes[1], "notify-keyspace-events"); got != "" {
		t.Fatalf("the restarted node kept its events: %q", got)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.Do(ctx, "DBSIZE") // reaches every node, reconnecting as needed
		if nodeGet(nodes[1], "notify-keyspace-events") == "AKE" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the restarted node's notify-keyspace-events after 10s: %q", nodeGet(nodes[1], "notify-keyspace-events"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// nodeConfigGet reads one parameter of a node that has password pass.
func nodeConfigGet(addr, pass, name string) string {
	c := redis.NewClient(&redis.Options{Addr: addr, Password: pass, MaxRetries: -1})
	defer c.Close()
	m, err := c.ConfigGet(context.Background(), name).Result()
	if err != nil {
		return "error: " + err.Error()
	}
	return m[name]
}

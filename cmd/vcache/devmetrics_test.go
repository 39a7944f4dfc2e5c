package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// readmeMetrics returns the metric names the README's Observability
// section names.
func readmeMetrics(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "## Observability")
	if start < 0 {
		t.Fatal("README has no Observability section")
	}
	text = text[start+3:]
	if end := strings.Index(text, "\n## "); end >= 0 {
		text = text[:end]
	}
	seen := map[string]bool{}
	var names []string
	for _, m := range regexp.MustCompile("`(vcache_[a-z_]+)").FindAllStringSubmatch(text, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			names = append(names, m[1])
		}
	}
	if len(names) < 10 {
		t.Fatalf("found only %v in the README's Observability section", names)
	}
	return names
}

// TestDevMetricsCoverNodes scrapes vcache dev's /metrics: every metric
// the README names is there, the nodes' series carry a node label (one
// per data node), their keys add up to what was written through the
// proxy, and the banner prints each node's RESP address, which answers.
// The status page's budgets include CPU, network, connections and
// vectors besides memory and ops.
func TestDevMetricsCoverNodes(t *testing.T) {
	admin := "127.0.0.1:" + freePort(t)
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"dev", "--port", "0", "--loglevel", "error", "--admin-addr", admin}, out, testStderr)
	}()
	defer func() { cancel(); <-done }()
	var addr string
	var nodeAddrs []string
	testutil.WaitNil(t, 30*time.Second, func() error {
		select {
		case err := <-done:
			t.Fatalf("vcache dev exited: %v\n%s", err, out.String())
		default:
		}
		lines := strings.Split(out.String(), "\n")
		if len(lines) < 3 {
			return fmt.Errorf("banner so far: %q", out.String())
		}
		addr = regexp.MustCompile(`ready on (\S+)`).FindStringSubmatch(lines[0])[1]
		nodeAddrs = regexp.MustCompile(`node-\d+ (127\.0\.0\.1:\d+)`).FindAllString(lines[1], -1)
		return nil
	})
	if len(nodeAddrs) != 3 {
		t.Fatalf("banner lists %d nodes, want 3:\n%s", len(nodeAddrs), out.String())
	}
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	for i := 0; i < 30; i++ {
		if err := c.Set(ctx, fmt.Sprint("m", i), i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	// Each node answers on the address the banner gives.
	for _, na := range nodeAddrs {
		_, a, _ := strings.Cut(na, " ")
		nc := redis.NewClient(&redis.Options{Addr: a})
		if err := nc.Ping(ctx).Err(); err != nil {
			t.Errorf("node %s from the banner: PING: %v", na, err)
		}
		nc.Close()
	}

	var text string
	var samples map[string]float64
	testutil.WaitNil(t, 15*time.Second, func() error {
		text = httpGet(t, "http://"+admin+"/metrics")
		samples = parseProm(t, text)
		// Primaries and replicas both hold the keys: 30 primary copies and
		// 30 replica copies once replication has caught up.
		keys := 0.0
		for i := 1; i <= 3; i++ {
			keys += samples[fmt.Sprintf(`vcache_keys{node="node-%d"}`, i)]
		}
		if keys != 60 {
			return fmt.Errorf("vcache_keys over the nodes = %v, want 60 (30 keys, one replica each)", keys)
		}
		return nil
	})
	for i := 1; i <= 3; i++ {
		if _, ok := samples[fmt.Sprintf(`vcache_memory_used_bytes{node="node-%d"}`, i)]; !ok {
			t.Errorf("no vcache_memory_used_bytes for node-%d", i)
		}
	}
	for _, name := range readmeMetrics(t) {
		found := strings.Contains(text, "\n# TYPE "+name+" ")
		for k := range samples {
			if k == name || strings.HasPrefix(k, name+"{") {
				found = true
			}
		}
		if !found {
			t.Errorf("the README names %s, /metrics of vcache dev has no such metric", name)
		}
	}
	// Every family is declared once, as Prometheus requires.
	types := map[string]int{}
	for _, line := range strings.Split(text, "\n") {
		if f := strings.Fields(line); len(f) == 4 && f[0] == "#" && f[1] == "TYPE" {
			types[f[2]]++
		}
	}
	for name, n := range types {
		if n > 1 {
			t.Errorf("# TYPE %s appears %d times", name, n)
		}
	}

	var st struct {
		Cluster struct {
			Budget map[string]float64 `json:"budget"`
		} `json:"cluster"`
	}
	if err := json.Unmarshal([]byte(httpGet(t, "http://"+admin+"/status.json")), &st); err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"memory", "ops", "cpu", "network", "conns", "vectors"} {
		if st.Cluster.Budget[r] <= 0 {
			t.Errorf("status.json budget of %s = %v; the status page shows only budgets above 0", r, st.Cluster.Budget[r])
		}
	}
}

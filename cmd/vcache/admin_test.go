package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

func httpGet(t *testing.T, url string) string {
	t.Helper()
	var body string
	testutil.WaitNil(t, 10*time.Second, func() error {
		resp, err := http.Get(url)
		if err != nil {
			return fmt.Errorf("GET %s: %v", url, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %s\n%s", url, resp.Status, b)
		}
		body = string(b)
		return nil
	})
	return body
}

// promLine is one sample line of the text exposition format.
var promLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*)?\})? (-?[0-9.eE+-]+|\+Inf|NaN)$`)

// parseProm checks every line of an exposition and returns the samples by
// their name and labels as written.
func parseProm(t *testing.T, text string) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	typed := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		if strings.HasPrefix(line, "# TYPE ") {
			f := strings.Fields(line)
			if len(f) != 4 {
				t.Fatalf("bad TYPE line %q", line)
			}
			typed[f[2]] = f[3]
			continue
		}
		if strings.HasPrefix(line, "#") {
			continue
		}
		m := promLine.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("not a Prometheus sample line: %q", line)
		}
		v, err := strconv.ParseFloat(m[4], 64)
		if err != nil && m[4] != "+Inf" {
			t.Fatalf("bad value in %q", line)
		}
		out[m[1]+m[2]] = v
	}
	return out
}

// TestServerAdminEndpoint runs `vcache server --admin-addr` and checks
// /metrics after real commands, /status.json and the status page.
func TestServerAdminEndpoint(t *testing.T) {
	admin := "127.0.0.1:" + freePort(t)
	addr, cancel, done := startCmd(t, "server", "--port", "0", "--loglevel", "error", "--admin-addr", admin)
	defer func() { cancel(); <-done }()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	ctx := context.Background()
	for i := 0; i < 25; i++ {
		if err := c.Set(ctx, fmt.Sprint("k", i), i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.Incr(ctx, "k1")            // fine
	_ = c.HGet(ctx, "k2", "f").Err() // WRONGTYPE: a failed call
	samples := parseProm(t, httpGet(t, "http://"+admin+"/metrics"))
	if got := samples[`vcache_commands_total{cmd="set"}`]; got != 25 {
		t.Errorf("vcache_commands_total{cmd=\"set\"} = %v, want 25", got)
	}
	if got := samples[`vcache_command_errors_total{cmd="hget",kind="failed"}`]; got != 1 {
		t.Errorf("failed HGET count = %v, want 1", got)
	}
	if got := samples[`vcache_command_duration_seconds_count{cmd="set"}`]; got != 25 {
		t.Errorf("SET histogram count = %v, want 25", got)
	}
	if samples["vcache_keys"] != 25 || samples["vcache_memory_used_bytes"] <= 0 {
		t.Errorf("keys %v, memory %v", samples["vcache_keys"], samples["vcache_memory_used_bytes"])
	}
	var st struct {
		Role string `json:"role"`
		Keys int64  `json:"keys"`
	}
	if err := json.Unmarshal([]byte(httpGet(t, "http://"+admin+"/status.json")), &st); err != nil || st.Role != "node" || st.Keys != 25 {
		t.Fatalf("status.json: %+v, %v", st, err)
	}
	if page := httpGet(t, "http://"+admin+"/"); !strings.Contains(page, "status.json") || !strings.Contains(page, "<table id=\"shards\"") {
		t.Fatal("the status page is not the status page")
	}
}

// TestDevSpares runs `vcache dev --nodes 2 --spares 1`: the status page
// shows three data nodes, two shards covering every slot, and one node
// that leads no shard (the replica spread may make it a replica).
func TestDevSpares(t *testing.T) {
	admin := "127.0.0.1:" + freePort(t)
	_, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error", "--admin-addr", admin, "--nodes", "2", "--spares", "1")
	defer func() { cancel(); <-done }()
	var st struct {
		Cluster struct {
			Nodes []struct {
				Name, Role string
			}
			Shards []struct {
				SlotCount int      `json:"slot_count"`
				Primary   string   `json:"primary"`
				Replicas  []string `json:"replicas"`
			}
		} `json:"cluster"`
	}
	testutil.WaitNil(t, 15*time.Second, func() error {
		if err := json.Unmarshal([]byte(httpGet(t, "http://"+admin+"/status.json")), &st); err != nil {
			t.Fatal(err)
		}
		leads := map[string]bool{}
		slots := 0
		for _, s := range st.Cluster.Shards {
			slots += s.SlotCount
			leads[s.Primary] = true
		}
		var data, spare []string
		for _, n := range st.Cluster.Nodes {
			if n.Role == "node" {
				data = append(data, n.Name)
				if !leads[n.Name] {
					spare = append(spare, n.Name)
				}
			}
		}
		if len(data) == 3 && len(spare) == 1 && len(st.Cluster.Shards) == 2 && slots == 16384 {
			return nil
		}
		return fmt.Errorf("status: %d data nodes %v, spare %v, %d shards over %d slots; want 3, 1 spare, 2 shards, 16384",
			len(data), data, spare, len(st.Cluster.Shards), slots)
	})
}

// TestDevStatusPage runs `vcache dev` with an admin address: its
// status.json shows the three nodes and shards covering every slot, and
// /metrics counts the proxy's commands.
func TestDevStatusPage(t *testing.T) {
	admin := "127.0.0.1:" + freePort(t)
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error", "--admin-addr", admin)
	defer func() { cancel(); <-done }()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	for i := 0; i < 10; i++ {
		if err := c.Set(context.Background(), fmt.Sprint("k", i), i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	var st struct {
		Role    string `json:"role"`
		Cluster struct {
			Epoch  uint64 `json:"epoch"`
			Nodes  []struct{ Role string }
			Shards []struct {
				SlotCount int                `json:"slot_count"`
				Replicas  []string           `json:"replicas"`
				Usage     map[string]float64 `json:"usage"`
			}
		} `json:"cluster"`
	}
	testutil.WaitNil(t, 15*time.Second, func() error {
		if err := json.Unmarshal([]byte(httpGet(t, "http://"+admin+"/status.json")), &st); err != nil {
			t.Fatal(err)
		}
		slots, withReplica := 0, 0
		for _, s := range st.Cluster.Shards {
			slots += s.SlotCount
			if len(s.Replicas) > 0 {
				withReplica++
			}
		}
		data := 0
		for _, n := range st.Cluster.Nodes {
			if n.Role == "node" {
				data++
			}
		}
		if st.Role == "proxy" && slots == 16384 && data == 3 && withReplica == len(st.Cluster.Shards) {
			return nil
		}
		return fmt.Errorf("status.json never showed 3 nodes and replicated shards over 16384 slots: %+v", st)
	})
	samples := parseProm(t, httpGet(t, "http://"+admin+"/metrics"))
	if samples["vcache_proxy_commands_total"] < 10 {
		t.Fatalf("vcache_proxy_commands_total = %v, want at least 10", samples["vcache_proxy_commands_total"])
	}
	t.Run("chromium", func(t *testing.T) { checkStatusPageInChromium(t, "http://"+admin+"/", len(st.Cluster.Shards)) })
}

// checkStatusPageInChromium renders the status page in headless Chromium
// (Debian chromium): after its script has run, the DOM has a row per
// shard, and a screenshot is a PNG of the window's size.
// VCACHE_UPDATE_DOCS=1 keeps the screenshot as docs/status.png.
func checkStatusPageInChromium(t *testing.T, url string, shards int) {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is required in CI (apt-get install chromium)")
		}
		t.Skip("chromium not installed (apt-get install chromium): the page is not rendered")
	}
	flags := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir(), "--window-size=1200,900", "--virtual-time-budget=3000"}
	chrome := func(args ...string) []byte {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, bin, append(append([]string{}, flags...), args...)...).Output()
		if err != nil {
			t.Fatalf("chromium %v: %v", args, err)
		}
		return out
	}
	dom := string(chrome("--dump-dom", url))
	if got := strings.Count(dom, `<tr class="shard">`); got != shards {
		t.Fatalf("the rendered page has %d shard rows, want %d:\n%.2000s", got, shards, dom)
	}
	if !strings.Contains(dom, "map epoch") || !strings.Contains(dom, `class="line"`) {
		t.Fatalf("the rendered page lacks the summary or the 50%% lines:\n%.2000s", dom)
	}
	png := filepath.Join(t.TempDir(), "status.png")
	chrome("--screenshot="+png, url)
	b, err := os.ReadFile(png)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 24 || string(b[1:4]) != "PNG" || binary.BigEndian.Uint32(b[16:]) != 1200 || binary.BigEndian.Uint32(b[20:]) != 900 {
		t.Fatalf("the screenshot is not a 1200x900 PNG (%d bytes)", len(b))
	}
	if os.Getenv("VCACHE_UPDATE_DOCS") != "" {
		if err := os.WriteFile(filepath.Join("..", "..", "docs", "status.png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

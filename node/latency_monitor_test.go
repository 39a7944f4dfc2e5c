package node

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// TestLatencyMonitorMatchesRedis sends the same LATENCY and CONFIG lines
// to a node and to redis-server and compares the replies whose content
// does not depend on timing: errors, HELP, an empty monitor's replies,
// RESET counts and the shape of LATENCY HISTOGRAM.
func TestLatencyMonitorMatchesRedis(t *testing.T) {
	ctx := context.Background()
	v := startNode(t, nil).client(t)
	r := startRedisServer(t)
	show := func(c *redis.Client, args ...any) string {
		val, err := c.Do(ctx, args...).Result()
		if err != nil {
			return "error: " + err.Error()
		}
		return fmt.Sprint(val)
	}
	for _, args := range [][]any{
		{"config", "get", "latency-monitor-threshold"},
		{"latency", "doctor"},
		{"config", "set", "latency-monitor-threshold", "-1"},
		{"config", "set", "latency-monitor-threshold", "abc"},
		{"config", "set", "latency-monitor-threshold", "200"},
		{"config", "get", "latency-monitor-threshold"},
		{"latency", "latest"},
		{"latency", "history", "command"},
		{"latency", "history", "nosuchevent"},
		{"latency", "graph", "command"},
		{"latency", "reset"},
		{"latency", "reset", "a", "b"},
		{"latency", "help"},
		{"latency", "help", "xxx"},
		{"latency", "history"},
		{"latency", "latest", "x"},
		{"latency", "nosuch"},
		{"config", "resetstat"},
		{"latency", "histogram", "nosuchcommand"},
		{"set", "a", "b"},
		{"set", "c", "d"},
		{"latency", "histogram", "client"},
	} {
		got, want := show(v, args...), show(r, args...)
		if got != want {
			t.Errorf("%v:\n vcache: %s\n  redis: %s", args, got, want)
		}
	}
	for _, c := range []*redis.Client{v, r} {
		c.Do(ctx, "client", "id")
	}
	// The histograms' buckets depend on timing: compare their keys and
	// calls, and check the last cumulative count is the calls.
	hist := func(c *redis.Client, args ...any) map[string]int64 {
		t.Helper()
		val, err := c.Do(ctx, append([]any{"latency", "histogram"}, args...)...).Result()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{}
		for name, f := range val.(map[any]any) {
			fields := f.(map[any]any)
			calls := fields["calls"].(int64)
			var top, last int64
			for b, n := range fields["histogram_usec"].(map[any]any) {
				if b.(int64) > top {
					top, last = b.(int64), n.(int64)
				}
			}
			if last != calls {
				t.Fatalf("%v: the last cumulative count is not the calls: %v", name, fields)
			}
			out[name.(string)] = calls
		}
		return out
	}
	for _, args := range [][]any{{"set", "client"}, {"client|id", "get", "nosuch", "set"}, {}} {
		got, want := fmt.Sprint(hist(v, args...)), fmt.Sprint(hist(r, args...))
		if got != want {
			t.Errorf("LATENCY HISTOGRAM %v:\n vcache: %s\n  redis: %s", args, got, want)
		}
	}
}

// TestLatencyMonitorRecordsSlowCommands checks a command slower than
// latency-monitor-threshold becomes a "command" event in LATEST and
// HISTORY, that GRAPH and DOCTOR then describe it, and RESET clears it.
func TestLatencyMonitorRecordsSlowCommands(t *testing.T) {
	ctx := context.Background()
	c := startNode(t, nil).client(t)
	slow := func() {
		t.Helper()
		if err := c.Eval(ctx, "local i = 0 while i < 500000 do i = i + 1 end return i", nil).Err(); err != nil {
			t.Fatal(err)
		}
	}
	slow()
	if got := c.Do(ctx, "latency", "latest").Val(); fmt.Sprint(got) != "[]" {
		t.Fatalf("LATENCY LATEST with the monitor off: %v", got)
	}
	c.ConfigSet(ctx, "latency-monitor-threshold", "1")
	slow()
	latest, err := c.Do(ctx, "latency", "latest").Slice()
	if err != nil || len(latest) != 1 {
		t.Fatalf("LATENCY LATEST: %v %v", latest, err)
	}
	ev := latest[0].([]any)
	if ev[0] != "command" || ev[2].(int64) < 1 || ev[3].(int64) < ev[2].(int64) {
		t.Fatalf("LATENCY LATEST event: %v", ev)
	}
	hist, err := c.Do(ctx, "latency", "history", "command").Slice()
	if err != nil || len(hist) != 1 || fmt.Sprint(hist[0]) != fmt.Sprint(ev[1:3]) {
		t.Fatalf("LATENCY HISTORY command: %v %v (latest %v)", hist, err, ev)
	}
	graph, err := c.Do(ctx, "latency", "graph", "command").Text()
	if err != nil || !strings.HasPrefix(graph, fmt.Sprintf("command - high %d ms, low %d ms (all time high %d ms)\n", ev[2], ev[2], ev[3])) {
		t.Fatalf("LATENCY GRAPH command: %q %v", graph, err)
	}
	if doc := c.Do(ctx, "latency", "doctor").Val(); !strings.Contains(fmt.Sprint(doc), "1. command: 1 latency spikes") {
		t.Fatalf("LATENCY DOCTOR: %v", doc)
	}
	if n, err := c.Do(ctx, "latency", "reset").Int(); err != nil || n != 1 {
		t.Fatalf("LATENCY RESET: %d %v", n, err)
	}
	if got := c.Do(ctx, "latency", "latest").Val(); fmt.Sprint(got) != "[]" {
		t.Fatalf("LATENCY LATEST after RESET: %v", got)
	}
}

// TestExpireCycleLatency checks, against redis-server, that an active
// expiry cycle that works longer than latency-monitor-threshold is an
// "expire-cycle" event: 200,000 keys expiring at once keep the cycle
// busy for its whole time budget. LATEST, HISTORY, GRAPH and DOCTOR show
// it on both servers.
func TestExpireCycleLatency(t *testing.T) {
	ctx := context.Background()
	const keys, batch = 200_000, 10_000
	for _, c := range []*redis.Client{startRedisServer(t), startNode(t, nil).client(t)} {
		addr := c.Options().Addr
		if err := c.ConfigSet(ctx, "latency-monitor-threshold", "1").Err(); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < keys; i += batch {
			p := c.Pipeline()
			for j := i; j < i+batch; j++ {
				p.Set(ctx, fmt.Sprintf("exp:%d", j), "v", 300*time.Millisecond)
			}
			if _, err := p.Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		testutil.WaitFor(t, 20*time.Second, func() bool { return c.DBSize(ctx).Val() == 0 }, addr+": every key expired")
		var ev []any
		latest, err := c.Do(ctx, "latency", "latest").Slice()
		for _, e := range latest {
			if e.([]any)[0] == "expire-cycle" {
				ev = e.([]any)
			}
		}
		if err != nil || ev == nil || ev[2].(int64) < 1 || ev[3].(int64) < ev[2].(int64) {
			t.Fatalf("%s: LATENCY LATEST has no expire-cycle event of at least 1 ms: %v %v", addr, latest, err)
		}
		hist, err := c.Do(ctx, "latency", "history", "expire-cycle").Slice()
		if err != nil || len(hist) == 0 || fmt.Sprint(hist[len(hist)-1]) != fmt.Sprint(ev[1:3]) {
			t.Fatalf("%s: LATENCY HISTORY expire-cycle: %v %v (latest %v)", addr, hist, err, ev)
		}
		graph, err := c.Do(ctx, "latency", "graph", "expire-cycle").Text()
		if err != nil || !strings.HasPrefix(graph, "expire-cycle - high ") {
			t.Fatalf("%s: LATENCY GRAPH expire-cycle: %q %v", addr, graph, err)
		}
		if doc := fmt.Sprint(c.Do(ctx, "latency", "doctor").Val()); !strings.Contains(doc, "expire-cycle: ") {
			t.Fatalf("%s: LATENCY DOCTOR does not name expire-cycle: %s", addr, doc)
		}
	}
}

package proxy

import (
	"context"
	"fmt"
	"testing"
)

// TestLatencyThroughProxy: LATENCY is sent to any one node, as SLOWLOG
// is, so its replies are that node's: HELP's lines, a RESET count, a
// HISTOGRAM of the commands that node ran, and its errors.
func TestLatencyThroughProxy(t *testing.T) {
	rs := startRedises(t, 2)
	p := startProxy(t, Config{}, addrs(rs...)...)
	ctx := context.Background()
	c := client(t, p.addr)
	help, err := c.Do(ctx, "LATENCY", "HELP").StringSlice()
	if err != nil || len(help) == 0 || help[0] != "LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:" {
		t.Fatalf("LATENCY HELP: %q %v", help, err)
	}
	if n, err := c.Do(ctx, "LATENCY", "RESET").Int(); err != nil || n != 0 {
		t.Fatalf("LATENCY RESET: %d %v", n, err)
	}
	if v, err := c.Do(ctx, "LATENCY", "HISTOGRAM", "nosuchcommand").Result(); err != nil || fmt.Sprint(v) != "map[]" {
		t.Fatalf("LATENCY HISTOGRAM nosuchcommand: %v %v", v, err)
	}
	if err := c.Do(ctx, "LATENCY", "GRAPH", "command").Err(); err == nil || err.Error() != "ERR No samples available for event 'command'" {
		t.Fatalf("LATENCY GRAPH command: %v", err)
	}
	if err := c.Do(ctx, "LATENCY", "HELP", "x").Err(); err == nil || err.Error() != "ERR wrong number of arguments for 'latency|help' command" {
		t.Fatalf("LATENCY HELP x: %v", err)
	}
}

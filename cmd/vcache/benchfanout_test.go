package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

// TestBenchFanoutCountsDeliveries runs `vcache bench fanout` through a
// proxy of a three-node cluster, the publisher on a second proxy: 50
// subscribers and 200 messages make exactly 10,000 deliveries, each
// counted once, none lost, on a channel and on a pattern.
func TestBenchFanoutCountsDeliveries(t *testing.T) {
	_, proxies := pubsubCluster(t)
	for _, mode := range []string{"channel", "pattern"} {
		t.Run(mode, func(t *testing.T) {
			args := []string{"bench", "fanout", "--addr", proxies[0], "--pub-addr", proxies[1], "--subs", "50",
				"--rates", "1000", "--duration", "200ms", "--json"}
			if mode == "pattern" {
				args = append(args, "--pattern")
			}
			var out, errb bytes.Buffer
			if err := run(context.Background(), args, &out, &errb); err != nil {
				t.Fatalf("vcache bench fanout: %v\n%s", err, errb.String())
			}
			var rs []struct {
				Messages     int
				Subscribers  int
				Delivered    int64
				Lost         int64
				Disordered   int64
				Disconnected int
				Receivers    int64
				PerSec       float64 `json:"deliveries_per_sec"`
				P50          int64   `json:"p50_ns"`
				P99          int64   `json:"p99_ns"`
			}
			if err := json.Unmarshal(out.Bytes(), &rs); err != nil {
				t.Fatalf("JSON: %v\n%s", err, out.String())
			}
			if len(rs) != 1 {
				t.Fatalf("%d results, want 1: %s", len(rs), out.String())
			}
			r := rs[0]
			if r.Messages != 200 || r.Subscribers != 50 || r.Delivered != 10000 || r.Lost != 0 || r.Disordered != 0 || r.Disconnected != 0 {
				t.Fatalf("want 200 messages to 50 subscribers, 10000 delivered once each; got %+v", r)
			}
			// Each PUBLISH reached the one subscription the subscribers'
			// proxy holds on the home node.
			if r.Receivers != 200 {
				t.Errorf("PUBLISH replies sum to %d, want 200", r.Receivers)
			}
			if r.PerSec <= 0 || r.P50 <= 0 || r.P99 < r.P50 {
				t.Errorf("rates and latencies: %+v", r)
			}
		})
	}
}

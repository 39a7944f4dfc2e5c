package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/bench/chaos"
)

// TestChaosShort is the CI version of `vcache bench chaos`: three node
// processes with replicas and a proxy under the mixed workload for about
// a minute while a primary is killed with SIGKILL, a replica is stopped
// with SIGSTOP past the failure timeout, and a node is restarted; the
// checker must pass (no acknowledged write lost, no DEL undone, FT
// num_docs equal to the documents, recall@10 above the floor, one owner
// per slot).
func TestChaosShort(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a cluster of processes for a minute")
	}
	cfg := chaos.DefaultConfig()
	cfg.Bin = buildVcache(t)
	cfg.Dir = t.TempDir()
	cfg.Duration = 60 * time.Second
	cfg.Faults = []string{chaos.KillPrimary, chaos.StopReplica, chaos.Restart}
	cfg.Writers, cfg.OpsPerWriter = 4, 100
	cfg.Gap = 5 * time.Second
	cfg.HealTimeout = 60 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var log strings.Builder
	res, err := chaos.Run(ctx, cfg, &log)
	if err != nil {
		t.Fatalf("chaos run: %v\n%s", err, log.String())
	}
	var sum strings.Builder
	res.WriteSummary(&sum, cfg.RecallFloor)
	if res.Acked < 1000 {
		t.Errorf("only %d writes acknowledged in a minute", res.Acked)
	}
	kinds := map[string]bool{}
	for _, f := range res.Faults {
		kinds[f.Kind] = true
	}
	for _, k := range cfg.Faults {
		if !kinds[k] {
			t.Errorf("fault %s was not injected", k)
		}
	}
	if len(res.Failures) > 0 {
		t.Errorf("the checker failed:\n%s\n%s", log.String(), sum.String())
		return
	}
	t.Logf("\n%s", sum.String())
}

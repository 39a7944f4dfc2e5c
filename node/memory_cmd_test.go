package node

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestMemorySubcommandsAsRedis: MEMORY HELP, DOCTOR on an empty server,
// PURGE, an unknown subcommand and wrong arities answer as redis-server
// 7.0.15 does; MALLOC-STATS reports the runtime's heap; DOCTOR past its
// floor finds no issue in a freshly loaded node.
func TestMemorySubcommandsAsRedis(t *testing.T) {
	ctx := context.Background()
	rs := startRedisServer(t)
	vc := startNode(t, nil).client(t)
	for _, args := range [][]any{
		{"MEMORY", "HELP"}, {"MEMORY", "DOCTOR"}, {"MEMORY", "PURGE"}, {"MEMORY", "FOO"},
		{"MEMORY", "USAGE"}, {"MEMORY", "PURGE", "x"}, {"MEMORY", "DOCTOR", "x"}, {"MEMORY", "STATS", "x"},
		{"MEMORY", "HELP", "x"}, {"MEMORY", "MALLOC-STATS", "x"},
	} {
		want, werr := rs.Do(ctx, args...).Result()
		got, gerr := vc.Do(ctx, args...).Result()
		if fmt.Sprint(want) != fmt.Sprint(got) || fmt.Sprint(werr) != fmt.Sprint(gerr) {
			t.Errorf("%v: vcache %q, %v; redis-server %q, %v", args, got, gerr, want, werr)
		}
	}
	stats, err := vc.Do(ctx, "MEMORY", "MALLOC-STATS").Text()
	if err != nil || !strings.Contains(stats, "heap_alloc: ") || !strings.Contains(stats, "num_gc: ") {
		t.Fatalf("MEMORY MALLOC-STATS: %q, %v", stats, err)
	}
	pipe := vc.Pipeline()
	val := strings.Repeat("x", 1000)
	for i := 0; i < 8000; i++ {
		pipe.Set(ctx, fmt.Sprint("k", i), val, 0)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := vc.Do(ctx, "MEMORY", "DOCTOR").Text(); err != nil || !strings.HasPrefix(got, "Hi Sam, I can't find any memory issue") && !strings.Contains(got, "High total RSS") {
		t.Fatalf("MEMORY DOCTOR with 8 MB of values: %q, %v", got, err)
	}
}

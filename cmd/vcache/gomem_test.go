package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestGoMemoryLimitFollowsMaxmemory: --maxmemory sets the runtime's soft
// limit (maxmemory + 20% + the floor); GOMEMLIMIT in the environment, or
// no maxmemory, leaves it alone.
func TestGoMemoryLimitFollowsMaxmemory(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOMEMLIMIT", "")
	setGoMemoryLimit(0)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("no maxmemory: limit %d", got)
	}
	setGoMemoryLimit(100 << 20)
	if got, want := debug.SetMemoryLimit(-1), int64(120<<20+goMemFloor); got != want {
		t.Fatalf("maxmemory 100 MB: limit %d, want %d", got, want)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOMEMLIMIT", "1GiB")
	setGoMemoryLimit(100 << 20)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("GOMEMLIMIT set: limit moved to %d", got)
	}
}

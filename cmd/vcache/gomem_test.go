package main

import (
	"math"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/testutil"
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

// TestConfigSetMaxmemoryMovesGoMemoryLimit: a server started without
// --maxmemory has no Go memory limit (INFO go_memory_limit 0); CONFIG SET
// maxmemory 40mb sets it to maxmemory + 20% + the floor, as --maxmemory
// does, so that RSS stays bounded whichever way maxmemory was set, and
// CONFIG SET maxmemory 0 takes it away again.
func TestConfigSetMaxmemoryMovesGoMemoryLimit(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOMEMLIMIT", "")
	addr, cancel, done := startCmd(t, "server", "--port", "0", "--loglevel", "error")
	defer func() { cancel(); <-done }()
	c := testutil.Dial(t, addr)
	limit := func() int64 {
		t.Helper()
		for _, line := range strings.Split(c.Do("INFO", "memory"), "\r\n") {
			if v, ok := strings.CutPrefix(line, "go_memory_limit:"); ok {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
		}
		t.Fatal("INFO memory has no go_memory_limit")
		return 0
	}
	if got := limit(); got != 0 {
		t.Fatalf("without maxmemory: go_memory_limit %d, want 0", got)
	}
	if r := c.Do("CONFIG", "SET", "maxmemory", "40mb"); r != "+OK\r\n" {
		t.Fatalf("CONFIG SET maxmemory: %q", r)
	}
	if got, want := limit(), int64(40<<20+8<<20+goMemFloor); got != want {
		t.Fatalf("after CONFIG SET maxmemory 40mb: go_memory_limit %d, want %d", got, want)
	}
	if r := c.Do("CONFIG", "SET", "maxmemory", "0"); r != "+OK\r\n" {
		t.Fatalf("CONFIG SET maxmemory 0: %q", r)
	}
	if got := limit(); got != 0 {
		t.Fatalf("after CONFIG SET maxmemory 0: go_memory_limit %d, want 0", got)
	}
}

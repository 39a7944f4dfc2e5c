package main

import (
	"context"
	"fmt"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// TestGoMemLimit: the limit is maxmemory plus the live heap the nodes do
// not account, the runtime's overhead and room for garbage; an estimate
// above the live heap takes nothing off.
func TestGoMemLimit(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		name                 string
		max, used, live, ovh int64
		want                 int64
	}{
		{"empty node", 40 * mb, 0, 3 * mb, 5 * mb, 40*mb + 3*mb + 5*mb + 40*mb/16 + goMemFloor},
		{"at the limit", 40 * mb, 40 * mb, 45 * mb, 8 * mb, 40*mb + 5*mb + 8*mb + 40*mb/16 + goMemFloor},
		{"estimate above the heap", 100 * mb, 100 * mb, 90 * mb, 10 * mb, 100*mb + 10*mb + 100*mb/16 + goMemFloor},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := goMemLimit(c.max, goMemExtra(c.used, runtimeMem{live: c.live, overhead: c.ovh})); got != c.want {
				t.Fatalf("goMemLimit = %d, want %d", got, c.want)
			}
		})
	}
}

// TestEvictSlack: eviction counts the heap's unused room beyond the
// allowance (maxmemory/32 + 1 MB), rising by at most maxmemory/32 a
// reading, never beyond a quarter of maxmemory, falling at once.
func TestEvictSlack(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		name              string
		max, unused, last int64
		want              int64
	}{
		{"within the allowance", 64 * mb, 3 * mb, 0, 0},
		{"beyond it", 64 * mb, 4 * mb, 1 * mb, 1 * mb},
		{"rising by a step", 64 * mb, 20 * mb, 0, 2 * mb},
		{"rising from the last", 64 * mb, 20 * mb, 5 * mb, 7 * mb},
		{"at most a quarter", 64 * mb, 40 * mb, 15 * mb, 16 * mb},
		{"falling at once", 64 * mb, 5 * mb, 10 * mb, 2 * mb},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := evictSlack(c.max, c.unused, c.last); got != c.want {
				t.Fatalf("evictSlack(%d, %d, %d) = %d, want %d", c.max, c.unused, c.last, got, c.want)
			}
		})
	}
}

// TestGoMemoryLimitFollowsMaxmemory: --maxmemory sets the runtime's soft
// limit above maxmemory by at most what the runtime holds beside it plus
// the garbage room; GOMEMLIMIT in the environment, or no maxmemory,
// leaves it alone.
func TestGoMemoryLimitFollowsMaxmemory(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })
	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOMEMLIMIT", "")
	var tu goMemTuner
	tu.set(0)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("no maxmemory: limit %d", got)
	}
	tu.set(100 << 20)
	checkGoMemLimit(t, debug.SetMemoryLimit(-1), 100<<20)
	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOMEMLIMIT", "1GiB")
	tu.set(100 << 20)
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Fatalf("GOMEMLIMIT set: limit moved to %d", got)
	}
}

// checkGoMemLimit fails unless got lies between maxmemory plus the
// garbage room and that plus all the runtime holds.
func checkGoMemLimit(t *testing.T, got, maxmemory int64) {
	t.Helper()
	var s = []metrics.Sample{{Name: "/memory/classes/total:bytes"}}
	metrics.Read(s)
	lo := maxmemory + maxmemory/16 + goMemFloor
	if hi := lo + int64(s[0].Value.Uint64()); got < lo || got > hi {
		t.Fatalf("maxmemory %d: limit %d, want %d..%d", maxmemory, got, lo, hi)
	}
}

// TestConfigSetMaxmemoryMovesGoMemoryLimit: a server started without
// --maxmemory has no Go memory limit (INFO go_memory_limit 0); CONFIG SET
// maxmemory 40mb sets it above maxmemory by what the runtime holds beside
// it and room for garbage, as --maxmemory does, so that RSS stays bounded whichever way maxmemory was set, and
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
	checkGoMemLimit(t, limit(), 40<<20)
	if r := c.Do("CONFIG", "SET", "maxmemory", "0"); r != "+OK\r\n" {
		t.Fatalf("CONFIG SET maxmemory 0: %q", r)
	}
	if got := limit(); got != 0 {
		t.Fatalf("after CONFIG SET maxmemory 0: go_memory_limit %d, want 0", got)
	}
}

// TestIdleServerReturnsFreedMemory: a server that held 100k values of
// 1 KB and was flushed gives the freed heap back to the system once
// writes pause (MEMORY MALLOC-STATS heap_released rises by most of it
// within seconds), without a client asking (MEMORY PURGE).
func TestIdleServerReturnsFreedMemory(t *testing.T) {
	addr, cancel, done := startCmd(t, "server", "--port", "0", "--loglevel", "error")
	defer func() { cancel(); <-done }()
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	released := func() int64 {
		t.Helper()
		s, err := c.Do(ctx, "MEMORY", "MALLOC-STATS").Text()
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(s, "\n") {
			if v, ok := strings.CutPrefix(line, "heap_released: "); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				return n
			}
		}
		t.Fatalf("MEMORY MALLOC-STATS has no heap_released:\n%s", s)
		return 0
	}
	val := strings.Repeat("v", 1000)
	for i := 0; i < 100_000; i += 1000 {
		pipe := c.Pipeline()
		for j := i; j < i+1000; j++ {
			pipe.Set(ctx, "k"+strconv.Itoa(j), val, 0)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	before := released()
	if err := c.FlushAll(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	const want = 50 << 20 // of about 100 MB of values
	testutil.WaitNil(t, 15*time.Second, func() error {
		if got := released() - before; got < want {
			return fmt.Errorf("heap released since the flush: %d bytes, want at least %d", got, want)
		}
		return nil
	})
}

// TestIdlePurgeDue: a pause purges once, after idleTicks quiet ticks,
// when the reclaimable bytes are worth a collection of the live heap: the
// 3 MB a 1M-element list's load leaves beside its 16 MB heap are, 8 MB
// beside a 1 GB heap are not.
func TestIdlePurgeDue(t *testing.T) {
	for _, tc := range []struct {
		name       string
		free, live int64
		want       bool
	}{
		{"small heap, 3 MB free", 3 << 20, 16 << 20, true},
		{"small heap, 512 KB free", 512 << 10, 16 << 20, false},
		{"1 GB heap, 8 MB free", 8 << 20, 1 << 30, false},
		{"1 GB heap, 100 MB free", 100 << 20, 1 << 30, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p idlePurge
			var got []bool
			for range 4 {
				got = append(got, p.due(7, tc.free, tc.live))
			}
			want := []bool{false, false, tc.want, false} // the first tick sees the changes move
			if !slices.Equal(got, want) {
				t.Fatalf("due over 4 quiet ticks: %v, want %v", got, want)
			}
		})
	}
}

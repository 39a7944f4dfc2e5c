package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// TestMixPeakRSSUnderLFU: a `vcache server --maxmemory 50mb` process under
// allkeys-lfu, loaded with bench/memlimit's mix of every kind of key
// (160,000 writes, about three times what fits), keeps its peak RSS
// (VmHWM) within 1.3x maxmemory plus the empty process's RSS. LFU keeps
// the collections written to often and evicts the strings and documents
// written once, so the spans of those sizes stay sparse; before eviction
// counted that room (the eviction slack), RSS peaked at 89-90 MiB against
// a bound of about 84.5.
func TestMixPeakRSSUnderLFU(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 160,000 writes into a server process")
	}
	const maxmem, writes = 50 << 20, 160000
	bin := buildVcache(t)
	var p *proc
	for attempt := 0; ; attempt++ {
		var ok bool
		if p, ok = startProc(t, bin, freePort(t), "--maxmemory", "50mb", "--maxmemory-policy", "allkeys-lfu", "--loglevel", "warn"); ok {
			break
		}
		if attempt == 4 {
			t.Fatalf("the server did not start:\n%s", p.logs.String())
		}
	}
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: p.addr, Protocol: 2})
	defer c.Close()
	empty := infoField(t, c, "used_memory_rss")
	kinds := testutil.MixKinds()
	for _, k := range kinds {
		for _, args := range k.Setup {
			if err := c.Do(ctx, args...).Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
	pattern := testutil.MixPattern(kinds)
	count := make([]int, len(kinds))
	deadline := time.Now().Add(4 * time.Minute)
	for done := 0; done < writes; done += 1000 {
		if time.Now().After(deadline) {
			t.Fatalf("%d writes in 4 minutes", done)
		}
		pipe := c.Pipeline()
		for i := done; i < done+1000; i++ {
			k := pattern[i%len(pattern)]
			pipe.Do(ctx, kinds[k].Write(count[k])...)
			count[k]++
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatalf("after %d writes: %v", done, err)
		}
	}
	hwm := procStatusKB(t, p.cmd.Process.Pid, "VmHWM") << 10
	bound := maxmem*13/10 + empty
	t.Logf("peak RSS %.1f MiB, empty process %.1f MiB, bound %.1f MiB; evicted %d, used_memory %.1f MiB, go_heap_unused %.1f MiB, go_heap_unused_for_evict %.1f MiB",
		mib(hwm), mib(empty), mib(bound), infoField(t, c, "evicted_keys"), mib(infoField(t, c, "used_memory")),
		mib(infoField(t, c, "go_heap_unused")), mib(infoField(t, c, "go_heap_unused_for_evict")))
	if hwm > bound {
		t.Fatalf("peak RSS %.1f MiB, beyond 1.3x maxmemory plus the empty process's %.1f MiB: %.1f MiB", mib(hwm), mib(empty), mib(bound))
	}
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// infoField reads an integer field of INFO (any section).
func infoField(t *testing.T, c *redis.Client, name string) int64 {
	t.Helper()
	s, err := c.Info(context.Background(), "everything").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(s, "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("INFO has no %s", name)
	return 0
}

// procStatusKB reads a kB figure of /proc/pid/status (VmHWM, VmRSS).
func procStatusKB(t *testing.T, pid int, name string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb
		}
	}
	t.Fatalf("/proc/%d/status has no %s", pid, name)
	return 0
}

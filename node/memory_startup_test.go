package node

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
	"github.com/vcache/vcache/script"
)

// TestUnlinkGivesMemoryBack runs what Redis's lazyfree tests do, against
// redis-server and a node: an empty server's used_memory (its startup
// memory), a 100,000-member set that adds more than 1 MB to it, then
// UNLINK (and FLUSHDB ASYNC) of it: used_memory falls back under twice
// the empty server's. On the node it is back to the empty node's within
// a few kB, and INFO memory's parts add up as Redis defines them:
// used_memory = used_memory_overhead + used_memory_dataset, the startup
// memory inside the overhead, not counted for eviction.
func TestUnlinkGivesMemoryBack(t *testing.T) {
	ctx := context.Background()
	tn := startNode(t, nil)
	for _, c := range []*redis.Client{startRedisServer(t), tn.client(t)} {
		addr := c.Options().Addr
		for _, free := range []func() error{
			func() error { return c.Unlink(ctx, "myset").Err() },
			func() error { return c.FlushDBAsync(ctx).Err() },
		} {
			empty := memInfo(t, c)
			orig := empty["used_memory"]
			members := make([]any, 100_000)
			for i := range members {
				members[i] = i
			}
			if err := c.SAdd(ctx, "myset", members...).Err(); err != nil {
				t.Fatal(err)
			}
			peak := memInfo(t, c)["used_memory"]
			if peak <= orig+1_000_000 {
				t.Fatalf("%s: used_memory %d with the set, %d empty: want 1 MB more", addr, peak, orig)
			}
			if err := free(); err != nil {
				t.Fatal(err)
			}
			var now map[string]int64
			testutil.WaitFor(t, 5*time.Second, func() bool {
				now = memInfo(t, c)
				return now["used_memory"] < peak && now["used_memory"] < 2*orig
			}, fmt.Sprintf("%s: used_memory under twice the empty server's %d (was %d with the set)", addr, orig, peak))
			if addr != tn.addr {
				continue
			}
			if d := now["used_memory"] - orig; d > 8<<10 || d < -8<<10 {
				t.Fatalf("%s: used_memory %d after freeing the set, %d before it", addr, now["used_memory"], orig)
			}
			if now["used_memory_startup"] <= 0 || now["used_memory_startup"] != empty["used_memory_startup"] ||
				now["used_memory"] != now["used_memory_overhead"]+now["used_memory_dataset"] ||
				now["used_memory_overhead"] < now["used_memory_startup"] ||
				now["mem_not_counted_for_evict"] != now["used_memory_startup"]+now["mem_clients_slaves"] {
				t.Fatalf("%s: INFO memory parts do not add up: %v", addr, now)
			}
		}
	}
}

// TestStartupMemoryIsTheHeap checks used_memory_startup against what a
// new node really takes on the heap (a collection before and after
// New): within 10%. It fails when a node gains a large fixed structure
// that startupMemory does not size.
func TestStartupMemoryIsTheHeap(t *testing.T) {
	before := liveHeap()
	n, err := New(DefaultConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	heap := liveHeap() - before
	runtime.KeepAlive(n)
	t.Logf("used_memory_startup %d B, a new node's heap %d B", n.startupMem, heap)
	if r := float64(n.startupMem) / float64(heap); r < 0.9 || r > 1.1 {
		t.Fatalf("used_memory_startup %d B is %.2f of the %d B a new node takes", n.startupMem, r, heap)
	}
}

// TestLuaStateHeap checks luaStateHeap against the heap a Lua state
// takes (script.New, as a node makes two): within 10%.
func TestLuaStateHeap(t *testing.T) {
	const states = 8
	before := liveHeap()
	var es []*script.Engine
	for range states {
		es = append(es, script.New())
	}
	per := (liveHeap() - before) / states
	runtime.KeepAlive(es)
	if r := float64(luaStateHeap) / float64(per); r < 0.9 || r > 1.1 {
		t.Fatalf("luaStateHeap %d is %.2f of the %d B a Lua state takes", luaStateHeap, r, per)
	}
}

package main

import (
	"context"
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// goMemFloor is the least garbage the collector may let pile up between
// collections beside goMemLimit's share of maxmemory.
const goMemFloor = 2 << 20

// goMemTuner keeps the Go runtime's soft memory limit at maxmemory (the
// sum of the process's nodes' limits) plus what the process holds beyond
// the nodes' accounted memory, plus a little room for garbage: with GOGC's
// default alone the heap grows to twice what is live before a collection,
// so RSS would reach about twice maxmemory. What lies beyond the accounted
// memory is measured, not guessed (goMemLimit; the least of the last few
// readings, steadyExtra, so that a passing peak does not raise it), so the
// limit is as tight as the process allows. GOMEMLIMIT in the
// environment wins; no maxmemory (0) means no limit. The limit is set at
// start, by CONFIG SET maxmemory (node.Config.MaxMemoryChanged) and again
// every second while the tuner runs.
//
// It also sets the node's eviction slack (cache.Keyspace.SetEvictSlack)
// from the heap's fragmentation (evictSlack), and the limit follows
// maxmemory less that slack: the keys eviction keeps fit in that much
// less, and the room they leave is the fragmentation's.
type goMemTuner struct {
	used      func() int64  // the nodes' used_memory, or nil
	changes   func() uint64 // the nodes' key changes so far, or nil (idlePurge)
	slack     slackSetter   // the node's eviction slack, or nil
	maxmemory atomic.Int64
	mu        sync.Mutex // serialises apply's read of the runtime and its SetMemoryLimit, guards steady and counted
	steady    steadyExtra
	unused    steadyExtra // the heap's unused room in spans, the least of the last readings
	counted   int64       // the eviction slack set last
}

// slackSetter is the keyspace's eviction slack: SetEvictSlack, and
// EvictSlack, what of it counts (none under noeviction).
type slackSetter interface {
	SetEvictSlack(n int64)
	EvictSlack() int64
}

// set records a new maxmemory and applies it.
func (t *goMemTuner) set(maxmemory int64) {
	t.maxmemory.Store(maxmemory)
	t.apply()
}

// apply sets the runtime's limit from maxmemory and the runtime's figures,
// and the eviction slack.
func (t *goMemTuner) apply() {
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.maxmemory.Load()
	rt := readRuntimeMem()
	var slack int64
	if t.slack != nil {
		last := t.counted
		t.counted = 0
		if m > 0 {
			t.counted = evictSlack(m, t.unused.add(rt.unused), last)
		}
		t.slack.SetEvictSlack(t.counted)
		slack = t.slack.EvictSlack()
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	if m <= 0 {
		debug.SetMemoryLimit(math.MaxInt64)
		return
	}
	var used int64
	if t.used != nil {
		used = t.used()
	}
	debug.SetMemoryLimit(goMemLimit(m-slack, t.steady.add(goMemExtra(used, rt))))
}

// run re-applies the limit every second until ctx ends, following the
// memory the accounting misses as it changes, and returns free heap to
// the system once writes pause (idlePurge).
func (t *goMemTuner) run(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var p idlePurge
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if t.maxmemory.Load() > 0 {
				t.apply()
			}
			if t.changes == nil {
				continue
			}
			if free, live := readReclaimable(); p.due(t.changes(), free, live) {
				debug.FreeOSMemory()
			}
		}
	}
}

// idlePurge decides when free heap pages go back to the system. Go keeps
// the pages a load freed (the collector's headroom) in the process: after
// loading 1M keys of 100 B, 8 MB of 160 MB resident; after a 1M-element
// list of 12 MB, 3 MB. Redis's allocator purges such pages in the
// background; here a collection that returns them (MEMORY PURGE's) runs
// when no key has changed for idleTicks ticks and the free pages are worth
// it: a collection costs the CPU of marking the live heap, so never while
// writes come, at most once per pause, and only when it gives back at
// least a purgeShare of the live heap (and purgeAtLeast).
type idlePurge struct {
	lastChanges uint64
	quiet       int // ticks without a key change
}

const (
	idleTicks    = 2
	purgeAtLeast = 1 << 20 // reclaimable bytes worth a collection of a small heap
	purgeShare   = 16      // a collection of a larger heap reclaims at least live/purgeShare
)

// due is called every tick with the key changes so far, the bytes a
// purge would reclaim and the live heap; it reports whether to purge now.
func (p *idlePurge) due(changes uint64, free, live int64) bool {
	if changes != p.lastChanges {
		p.lastChanges, p.quiet = changes, 0
		return false
	}
	p.quiet++
	return p.quiet == idleTicks && free >= max(purgeAtLeast, live/purgeShare)
}

// readReclaimable is what a collection and a purge would give back: the
// heap's free pages the process still holds, and the objects allocated
// since the last collection beyond what it found live (an upper bound of
// the garbage: after a load, 6 to 8 MB at 1M keys); and the live heap.
func readReclaimable() (free, live int64) {
	v := readMetrics("/memory/classes/heap/free:bytes", "/memory/classes/heap/objects:bytes", "/gc/heap/live:bytes")
	return v[0] + max(v[1]-v[2], 0), v[2]
}

// readMetrics reads the runtime/metrics byte counts named (0 for one the
// runtime does not have).
func readMetrics(names ...string) []int64 {
	s := make([]metrics.Sample, len(names))
	for i, name := range names {
		s[i].Name = name
	}
	metrics.Read(s)
	out := make([]int64, len(s))
	for i := range s {
		if s[i].Value.Kind() == metrics.KindUint64 {
			out[i] = int64(s[i].Value.Uint64())
		}
	}
	return out
}

// runtimeMem is what the Go runtime holds, from runtime/metrics.
type runtimeMem struct {
	live     int64 // heap objects marked live by the last collection
	overhead int64 // held but not heap objects or free pages: runtime metadata, stacks, span fragmentation
	unused   int64 // of overhead, the room in spans that hold objects (span fragmentation)
}

func readRuntimeMem() runtimeMem {
	v := readMetrics("/gc/heap/live:bytes", "/memory/classes/total:bytes", "/memory/classes/heap/released:bytes",
		"/memory/classes/heap/objects:bytes", "/memory/classes/heap/free:bytes", "/memory/classes/heap/unused:bytes")
	return runtimeMem{live: v[0], overhead: max(v[1]-v[2]-v[3]-v[4], 0), unused: v[5]}
}

// Fragmentation. Go's allocator keeps objects of a size class in spans of
// their own and never moves them: a span goes back only when its last
// object is freed. When eviction keeps the keys of some sizes and drops
// those of others (allkeys-lfu keeps the collections written to often and
// evicts the strings and documents written once), the spans of the sizes
// dropped stay, a few live objects each, while the kept sizes take new
// spans: the heap's unused room grew to 12 MB at 50mb of maxmemory (5 MB
// under allkeys-lru) and RSS to 1.8x maxmemory. used_memory counts the
// objects, not that room. So eviction counts the room beyond an allowance
// (slackAllowance) beside used memory: keys are evicted until both fit
// maxmemory, and the sizes written next fill the room the evicted keys
// and the sparse spans leave instead of taking new spans. The room is
// read as the least of the last few readings (the slots a collection has
// just freed are unused too until the next writes fill them: 4 to 7 MB
// at 64mb of SETs of one size); the slack rises by at most slackStep a
// reading (a jump would evict many keys in one write) and never passes
// slackMost (a fragmentation that eviction cannot undo must not take the
// whole dataset); it falls at once.

// slackAllowance is the room in spans the allocator may keep uncounted at
// maxmemory: a thirty-second of it, plus about what an empty process has
// (1 MB). A larger allowance took RSS to the bound (1.3x maxmemory plus
// the empty process) at 50mb under allkeys-lfu: a sixteenth, 83.9 MiB of
// 84.4.
func slackAllowance(maxmemory int64) int64 { return maxmemory/32 + 1<<20 }

// slackStep is the most the slack rises a reading (a second).
func slackStep(maxmemory int64) int64 { return maxmemory / 32 }

// slackMost is the most the slack takes of maxmemory.
func slackMost(maxmemory int64) int64 { return maxmemory / 4 }

// evictSlack is the eviction slack at maxmemory when the heap's spans
// hold unused bytes unused, the slack having been last.
func evictSlack(maxmemory, unused, last int64) int64 {
	want := min(max(unused-slackAllowance(maxmemory), 0), slackMost(maxmemory))
	return min(want, last+slackStep(maxmemory))
}

// goMemLimit is the soft limit for maxmemory when the process holds extra
// bytes beyond the nodes' used memory (goMemExtra): maxmemory, plus extra,
// plus a sixteenth of maxmemory and goMemFloor for garbage. The live heap
// can reach maxmemory plus what is not accounted, so the garbage room never
// shrinks below that last term and the collector cannot be driven to run
// back to back.
func goMemLimit(maxmemory, extra int64) int64 {
	return maxmemory + extra + maxmemory/16 + goMemFloor
}

// goMemExtra is what the process holds beyond the nodes' used bytes when
// the runtime holds rt: the live heap they do not account (the process's
// own tables, connection buffers, the estimates' error) and the runtime's
// overhead.
func goMemExtra(used int64, rt runtimeMem) int64 {
	return max(rt.live-used, 0) + rt.overhead
}

package node

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/vcache/vcache/internal/command"
)

// memoryHelp is MEMORY HELP's reply, as Redis 7 words it.
var memoryHelp = []string{
	"MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"DOCTOR",
	"    Return memory problems reports.",
	"MALLOC-STATS",
	"    Return internal statistics report from the memory allocator.",
	"PURGE",
	"    Attempt to purge dirty pages for reclamation by the allocator.",
	"STATS",
	"    Return information about the memory usage of the server.",
	"USAGE <key> [SAMPLES <count>]",
	"    Return memory in bytes used by <key> and its value. Nested values are",
	"    sampled up to <count> times (default: 5, 0 means sample all).",
	"HELP",
	"    Prints this help.",
}

// doctorFloor is the used memory under which MEMORY DOCTOR, as Redis's,
// has nothing to say.
const doctorFloor = 5 << 20

func cmdMemory(cx *Ctx) {
	sub := strings.ToLower(string(cx.Args[1]))
	arity := map[string]bool{"doctor": len(cx.Args) == 2, "malloc-stats": len(cx.Args) == 2,
		"purge": len(cx.Args) == 2, "stats": len(cx.Args) == 2, "help": len(cx.Args) == 2, "usage": len(cx.Args) >= 3}
	ok, known := arity[sub]
	switch {
	case !known:
		cx.Error("ERR unknown subcommand '" + string(cx.Args[1]) + "'. Try MEMORY HELP.")
		return
	case !ok:
		cx.Error(command.ArityError("memory|" + sub))
		return
	}
	switch sub {
	case "usage":
		if n := cx.Node.ks.MemoryUsage(cx.Args[2]); n >= 0 {
			cx.Int(n)
		} else {
			cx.Null()
		}
	case "stats":
		st := cx.Node.ks.Stats()
		m := cx.Node.memory(st)
		cx.Node.notePeak(m.used)
		cx.Map(7)
		cx.BulkString("peak.allocated")
		cx.Int(cx.Node.stats.memPeak.Load())
		cx.BulkString("total.allocated")
		cx.Int(m.used)
		cx.BulkString("startup.allocated")
		cx.Int(m.startup)
		cx.BulkString("overhead.total")
		cx.Int(m.overhead)
		cx.BulkString("keys.count")
		cx.Int(st.Keys)
		cx.BulkString("dataset.bytes")
		cx.Int(m.dataset)
		cx.BulkString("dataset.percentage")
		cx.Double(100 * float64(m.dataset) / float64(max(m.used-m.startup, 1)))
	case "purge":
		// Go's counterpart of jemalloc's purge: collect, then give every
		// free page back to the operating system (RSS falls to what the
		// heap holds: after a big load or a FLUSHALL, tens of MB).
		debug.FreeOSMemory()
		cx.OK()
	case "malloc-stats":
		cx.BulkString(mallocStats())
	case "doctor":
		cx.BulkString(memoryDoctor(cx.Node.usedMemory(), rssBytes()))
	case "help":
		replyHelp(cx, memoryHelp)
	}
}

// mallocStats reports the Go runtime's heap, which stands where Redis has
// its allocator's statistics.
func mallocStats() string {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	var b strings.Builder
	fmt.Fprintf(&b, "___ Begin Go runtime memory statistics ___\n")
	fmt.Fprintf(&b, "heap_alloc: %d\nheap_inuse: %d\nheap_idle: %d\nheap_released: %d\nheap_sys: %d\nheap_objects: %d\n",
		m.HeapAlloc, m.HeapInuse, m.HeapIdle, m.HeapReleased, m.HeapSys, m.HeapObjects)
	fmt.Fprintf(&b, "stack_sys: %d\nmspan_sys: %d\ngc_sys: %d\nother_sys: %d\nsys: %d\n",
		m.StackSys, m.MSpanSys, m.GCSys, m.OtherSys, m.Sys)
	fmt.Fprintf(&b, "num_gc: %d\nnext_gc: %d\ngc_cpu_fraction: %.6f\n", m.NumGC, m.NextGC, m.GCCPUFraction)
	fmt.Fprintf(&b, "memory_limit: %d\n", debug.SetMemoryLimit(-1))
	b.WriteString("___ End Go runtime memory statistics ___\n")
	return b.String()
}

// memoryDoctor is MEMORY DOCTOR's report for used memory and the
// process's RSS (0: unknown): Redis's wording where it has nothing to
// report, and its RSS overhead finding when the process holds much more
// than its data.
func memoryDoctor(used, rss int64) string {
	if used < doctorFloor {
		return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n"
	}
	if rss > 0 && float64(rss)/float64(used) > 1.4 && rss-used > 10<<20 {
		return fmt.Sprintf("Sam, I detected a few issues in this vcache instance memory implants:\n\n"+
			" * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the vcache process is much larger than the sum of the logical allocations vcache performed: %d bytes used, %d bytes resident). MEMORY PURGE returns the runtime's free pages to the system.\n\n"+
			"I'm here to keep you safe, Sam. I want to help you.\n", used, rss)
	}
	return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n"
}

package node

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vcache/vcache/internal/front"
)

// infoSections are INFO's sections in Redis's order.
var infoSections = []string{"server", "clients", "memory", "persistence", "stats", "replication", "cpu", "errorstats", "commandstats", "latencystats", "keyspace"}

// extraSections are left out of a plain INFO.
var extraSections = map[string]bool{"commandstats": true, "latencystats": true}

func cmdInfo(cx *Ctx) {
	want := map[string]bool{}
	for _, a := range cx.Args[1:] {
		want[strings.ToLower(string(a))] = true
	}
	all := len(want) == 0 || want["all"] || want["everything"] || want["default"]
	// commandstats and latencystats are in "all" and "everything", not in
	// the default set, as in Redis.
	every := want["all"] || want["everything"]
	var b strings.Builder
	for _, s := range infoSections {
		if extraSections[s] && !every && !want[s] {
			continue
		}
		if !all && !want[s] {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		cx.Node.writeInfoSection(&b, s)
	}
	cx.Verbatim(b.String())
}

func (n *Node) writeInfoSection(b *strings.Builder, section string) {
	kv := func(k string, v any) { fmt.Fprintf(b, "%s:%v\r\n", k, v) }
	b.WriteString("# " + strings.ToUpper(section[:1]) + section[1:] + "\r\n")
	cfg := n.config()
	st := n.ks.Stats()
	switch section {
	case "server":
		kv("redis_version", front.RedisVersion)
		kv("vcache_version", cfg.Version)
		kv("redis_mode", "standalone")
		kv("os", runtime.GOOS+" "+runtime.GOARCH)
		kv("arch_bits", strconv.IntSize)
		kv("go_version", runtime.Version())
		kv("process_id", os.Getpid())
		kv("tcp_port", n.port())
		up := time.Since(n.start)
		kv("uptime_in_seconds", int64(up.Seconds()))
		kv("uptime_in_days", int64(up.Hours()/24))
	case "clients":
		kv("connected_clients", n.clients.count.Load())
		kv("maxclients", cfg.MaxClients)
		kv("blocked_clients", n.blockedCount()+n.pause.Held())
		_, _, _, tc := n.trackStats()
		kv("tracking_clients", tc)
	case "memory":
		// used_memory = startup (the node's fixed structures) + dataset
		// (keys, vector sets included) + vector (FT indexes: engines,
		// documents' filter values, tag postings) + client buffers + the
		// replication backlog + script caches + replica links' buffers;
		// overhead is all but the dataset. The startup memory and the
		// replica links' buffers are not in what maxmemory compares
		// (memory_startup.go, memory_replicas.go).
		m := n.memory(st)
		kv("used_memory", m.used)
		kv("used_memory_human", humanBytes(m.used))
		rss := rssBytes()
		kv("used_memory_rss", rss)
		kv("used_memory_rss_human", humanBytes(rss))
		vec := n.search.MemoryBytes()
		kv("used_memory_overhead", m.overhead)
		kv("used_memory_startup", m.startup)
		kv("used_memory_dataset", m.dataset)
		kv("used_memory_dataset_perc", fmt.Sprintf("%.2f%%", 100*float64(m.dataset)/float64(max(m.used-m.startup, 1))))
		kv("lazyfree_pending_objects", 0) // values are freed at once (by the GC)
		kv("lazyfreed_objects", n.stats.lazyfreed.Load())
		kv("mem_not_counted_for_evict", m.evictOff)
		kv("used_memory_vector", vec)
		kv("used_memory_vector_human", humanBytes(vec))
		kv("mem_clients_normal", n.clientOut.Load()+n.clientIn.Load())
		kv("mem_clients_slaves", n.replicaBuffers())
		kv("mem_replication_backlog", n.repl.log.held.Load())
		n.scripts.mem.infoMemory(kv)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		kv("go_heap_alloc", ms.HeapAlloc)
		kv("go_heap_sys", ms.HeapSys)
		// What the heap holds that no object uses: room in spans that
		// hold objects of their size class (the allocator's fragmentation:
		// it grows when the keys kept are of other sizes than those evicted)
		// and free pages not yet given back to the system.
		unused, free := goHeapSlack()
		kv("go_heap_unused", unused)
		kv("go_heap_free", free)
		// The part of go_heap_unused that eviction counts beside
		// used_memory (the process sets it from the room beyond an
		// allowance; 0 under noeviction): the keys kept fit maxmemory
		// less it (cache.Keyspace.SetEvictSlack).
		kv("go_heap_unused_for_evict", n.ks.EvictSlack())
		// The Go runtime's soft memory limit (0: none): with maxmemory the
		// process sets it to maxmemory plus what it holds beyond used_memory
		// and a little room for garbage, so that the heap's garbage does not
		// take RSS to twice maxmemory.
		if lim := debug.SetMemoryLimit(-1); lim != math.MaxInt64 {
			kv("go_memory_limit", lim)
		} else {
			kv("go_memory_limit", 0)
		}
		kv("maxmemory", st.MaxMemory)
		kv("maxmemory_human", humanBytes(st.MaxMemory))
		kv("maxmemory_policy", n.ks.Policy().String())
	case "persistence":
		kv("loading", 0)
		kv("rdb_changes_since_last_save", n.unsavedChanges())
		bg := n.persist.bgRunning.Load()
		kv("rdb_bgsave_in_progress", b2i(bg))
		kv("rdb_last_save_time", n.persist.lastSave.Load())
		status := "ok"
		if n.persist.lastErr.Load() {
			status = "err"
		}
		kv("rdb_last_bgsave_status", status)
		kv("rdb_last_bgsave_time_sec", n.persist.bgLastTook.Load())
		current := int64(-1)
		if bg {
			current = int64(time.Since(time.Unix(0, n.persist.bgStart.Load())).Seconds())
		}
		kv("rdb_current_bgsave_time_sec", current)
		kv("rdb_saves", n.persist.saves.Load())
		kv("aof_enabled", 0)
	case "stats":
		kv("total_connections_received", n.clients.total.Load())
		kv("total_commands_processed", n.totalCommands())
		kv("instantaneous_ops_per_sec", n.stats.opsPerS.Load())
		kv("rejected_connections", n.clients.refuse.Load())
		kv("expired_keys", st.ExpiredKeys)
		kv("evicted_keys", st.EvictedKeys)
		kv("total_net_input_bytes", n.stats.netIn.Load())
		kv("total_net_output_bytes", n.stats.netOut.Load())
		kv("keyspace_hits", st.Hits)
		kv("keyspace_misses", st.Misses)
		ch, pat, shard := n.pubsub.counts()
		kv("pubsub_channels", ch)
		kv("pubsub_patterns", pat)
		kv("pubsubshard_channels", shard)
		tk, ti, tp, _ := n.trackStats()
		kv("tracking_total_keys", tk)
		kv("tracking_total_items", ti)
		kv("tracking_total_prefixes", tp)
		kv("migrate_cached_sockets", 0) // MIGRATE keeps no connections here
		kv("client_output_buffer_limit_disconnections", n.pubsub.cut.Load())
		kv("total_error_replies", n.errs.total.Load())
		loops, serving, wait := n.loopCounts()
		kv("event_loops", loops)
		kv("event_loops_serving", serving)
		// Script calls run on an event loop (quick ones,
		// scripting_loop.go) and off the loops.
		kv("script_calls_on_loops", n.scripts.onLoop.Load())
		kv("script_calls_off_loops", n.scripts.offLoop.Load())
		if wait >= 0 {
			// Threads of the process waiting for a processor, on average,
			// in the loop scaler's last window (loopscale_linux.go).
			kv("event_loops_cpu_wait", strconv.FormatFloat(wait, 'f', 2, 64))
		}
	case "errorstats":
		n.errs.write(func(k string, v any) { kv(k, v) })
	case "replication":
		n.writeReplicationInfo(func(k string, v any) { kv(k, v) })
	case "commandstats":
		n.writeCommandStats(func(k string, v any) { kv(k, v) })
	case "latencystats":
		n.writeLatencyStats(func(k string, v any) { kv(k, v) })
	case "cpu":
		var ru syscall.Rusage
		if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
			kv("used_cpu_sys", fmt.Sprintf("%.6f", tvSeconds(ru.Stime)))
			kv("used_cpu_user", fmt.Sprintf("%.6f", tvSeconds(ru.Utime)))
		}
	case "keyspace":
		if st.Keys > 0 {
			// In a cluster, keys counts the served slots only; expires is
			// scaled to them (the keyspace counts TTLs per node).
			keys := n.dbSize()
			expires := st.Expires
			if st.Keys > 0 && keys != st.Keys {
				expires = int64(float64(st.Expires) * float64(keys) / float64(st.Keys))
			}
			kv("db0", fmt.Sprintf("keys=%d,expires=%d,avg_ttl=0", keys, expires))
		}
	}
	n.infoMore(section, st, kv)
}

func tvSeconds(tv syscall.Timeval) float64 {
	return float64(tv.Sec) + float64(tv.Usec)/1e6
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// humanBytes formats n like Redis's *_human fields ("1.50M").
func humanBytes(n int64) string {
	f := float64(n)
	switch {
	case f >= 1<<40:
		return fmt.Sprintf("%.2fT", f/(1<<40))
	case f >= 1<<30:
		return fmt.Sprintf("%.2fG", f/(1<<30))
	case f >= 1<<20:
		return fmt.Sprintf("%.2fM", f/(1<<20))
	case f >= 1<<10:
		return fmt.Sprintf("%.2fK", f/(1<<10))
	}
	return fmt.Sprintf("%dB", n)
}

// rssBytes reads the process's resident set size (Linux), or 0.
func rssBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// goHeapSlack reads the runtime's unused heap bytes (in spans holding
// objects) and free heap pages (held, not released).
func goHeapSlack() (unused, free uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/unused:bytes"}, {Name: "/memory/classes/heap/free:bytes"}}
	metrics.Read(s)
	for i := range s {
		if s[i].Value.Kind() != metrics.KindUint64 {
			return 0, 0
		}
	}
	return s[0].Value.Uint64(), s[1].Value.Uint64()
}

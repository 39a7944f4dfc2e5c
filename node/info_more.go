package node

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vcache/vcache/cache"
)

// The fields of Redis 7.0's INFO that monitoring agents and client
// libraries read (Datadog's and Prometheus's exporters, run_id for a
// restart, the fragmentation ratio, the network rates) and that the
// sections of info.go leave out, with what they mean here. Redis's fields
// about its allocator, AOF, forks and I/O threads have no counterpart and
// are left out rather than made up (a client that reads mem_allocator to
// detect jemalloc must not find it).

// infoHz is the node's housekeeping frequency as INFO reports it: Redis's
// default hz; the node's periodic work (expiry, sampling) runs at least
// this often.
const infoHz = 10

// newRunID returns a random 40-character hexadecimal run id, as Redis's.
func newRunID() string {
	var b [20]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// notePeak raises used_memory_peak to used if it is higher.
func (n *Node) notePeak(used int64) {
	for {
		p := n.stats.memPeak.Load()
		if used <= p || n.stats.memPeak.CompareAndSwap(p, used) {
			return
		}
	}
}

// infoMore writes section's fields beyond those of writeInfoSection.
func (n *Node) infoMore(section string, st cache.Stats, kv func(string, any)) {
	switch section {
	case "server":
		kv("redis_git_sha1", "00000000")
		kv("redis_git_dirty", 0)
		kv("redis_build_id", buildID())
		if runtime.GOOS == "linux" {
			kv("multiplexing_api", "epoll")
		}
		kv("process_supervised", "no")
		kv("run_id", n.runID)
		kv("server_time_usec", time.Now().UnixMicro())
		kv("hz", infoHz)
		kv("configured_hz", infoHz)
		kv("lru_clock", time.Now().Unix()&(1<<24-1))
		exe, _ := os.Executable()
		kv("executable", exe)
		kv("config_file", "")
		kv("io_threads_active", 0)
	case "clients":
		kv("cluster_connections", 0)
	case "memory":
		used := n.memory(st).used
		n.notePeak(used)
		peak := n.stats.memPeak.Load()
		kv("used_memory_peak", peak)
		kv("used_memory_peak_human", humanBytes(peak))
		kv("used_memory_peak_perc", fmt.Sprintf("%.2f%%", 100*float64(used)/float64(max(peak, 1))))
		if total := systemMemory(); total > 0 {
			kv("total_system_memory", total)
			kv("total_system_memory_human", humanBytes(total))
		}
		if rss := rssBytes(); rss > 0 {
			kv("mem_fragmentation_ratio", fmt.Sprintf("%.2f", float64(rss)/float64(max(used, 1))))
			kv("mem_fragmentation_bytes", rss-used)
		}
	case "stats":
		kv("instantaneous_input_kbps", fmt.Sprintf("%.2f", float64(n.stats.netInPerS.Load())/1024))
		kv("instantaneous_output_kbps", fmt.Sprintf("%.2f", float64(n.stats.netOutPerS.Load())/1024))
		kv("expired_stale_perc", "0.00")
		kv("expired_time_cap_reached_count", 0)
		kv("evicted_clients", 0)
	case "cpu":
		var ru syscall.Rusage
		if syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru) == nil {
			kv("used_cpu_sys_children", fmt.Sprintf("%.6f", tvSeconds(ru.Stime)))
			kv("used_cpu_user_children", fmt.Sprintf("%.6f", tvSeconds(ru.Utime)))
		}
	}
}

// buildID is the build's VCS revision where the binary records one, else
// "0".
var buildID = sync.OnceValue(func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && s.Value != "" {
				return s.Value[:min(len(s.Value), 16)]
			}
		}
	}
	return "0"
})

// systemMemory returns the machine's memory in bytes (Linux's MemTotal),
// 0 when unknown.
var systemMemory = sync.OnceValue(func() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
})

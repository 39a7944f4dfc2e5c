package node

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/command"
	"github.com/vcache/vcache/internal/latency"
	"github.com/vcache/vcache/internal/monitor"
)

// Command statistics, the slow log and the Prometheus exposition. Every
// command run is timed; its entry in the node's command table counts
// calls, microseconds, failures (the handler answered an error) and
// rejections (refused before running: arity, auth, routing, OOM) and keeps
// a latency histogram. They are the node's own, so several nodes in one
// process keep apart.

// statShards spreads a command's counters over cache lines, by
// connection: two cores running the same command would otherwise fight
// over one line at every call (measured: -10 to -18% at -P 16).
const statShards = 8

// cmdStats are one command's counters.
type cmdStats struct {
	shards   [statShards]statShard
	rejected atomic.Int64
}

// statShard is one connection group's share of a command's counters.
type statShard struct {
	calls, usec, failed atomic.Int64
	hist                [latency.Buckets]atomic.Int64
	_                   [40]byte // 27 words + padding: whole cache lines
}

// record counts one run by connection id that took us microseconds.
func (s *cmdStats) record(id int64, us int64, failed bool) {
	sh := &s.shards[id&(statShards-1)]
	sh.calls.Add(1)
	sh.usec.Add(us)
	if failed {
		sh.failed.Add(1)
	}
	sh.hist[latency.Bucket(us)].Add(1)
}

// sum returns the totals: calls, microseconds, failed.
func (s *cmdStats) sum() (calls, usec, failed int64) {
	for i := range s.shards {
		sh := &s.shards[i]
		calls += sh.calls.Load()
		usec += sh.usec.Load()
		failed += sh.failed.Load()
	}
	return calls, usec, failed
}

// histogram returns the latency histogram's counts.
func (s *cmdStats) histogram() (h latency.Hist) {
	for i := range s.shards {
		for b := range h {
			h[b] += s.shards[i].hist[b].Load()
		}
	}
	return h
}

// slowEntry is one SLOWLOG entry.
type slowEntry struct {
	id         int64
	at         int64 // unix seconds
	us         int64
	args       []string
	addr, name string
}

// slowLog keeps the most recent commands slower than a threshold.
type slowLog struct {
	// threshold is slowlog-log-slower-than in microseconds (<0: off);
	// maxLen is slowlog-max-len.
	threshold atomic.Int64
	maxLen    atomic.Int64
	// mu guards entries (newest last) and nextID.
	mu      sync.Mutex
	entries []slowEntry
	nextID  int64
}

// Redis keeps at most 32 arguments of 128 bytes in an entry.
const (
	slowMaxArgs = 32
	slowMaxArg  = 128
)

func (l *slowLog) add(c *client, args [][]byte, us int64) {
	e := slowEntry{at: time.Now().Unix(), us: us, addr: c.addr, name: c.getName()}
	secret := monitor.SecretArgs(args)
	for i, a := range args {
		if i == slowMaxArgs-1 && len(args) > slowMaxArgs {
			e.args = append(e.args, fmt.Sprintf("... (%d more arguments)", len(args)-slowMaxArgs+1))
			break
		}
		if secret(i) {
			e.args = append(e.args, monitor.Redacted)
		} else if len(a) > slowMaxArg {
			e.args = append(e.args, fmt.Sprintf("%s... (%d more bytes)", a[:slowMaxArg], len(a)-slowMaxArg))
		} else {
			e.args = append(e.args, string(a))
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	e.id = l.nextID
	l.nextID++
	l.entries = append(l.entries, e)
	if max := int(l.maxLen.Load()); len(l.entries) > max {
		l.entries = append(l.entries[:0], l.entries[len(l.entries)-max:]...)
	}
}

// observe records one command run by c that started at start (time since
// the node started: one monotonic clock read, where time.Now reads two
// clocks).
func (n *Node) observe(c *client, e *cmdEntry, args [][]byte, took time.Duration, failed bool) {
	us := took.Microseconds()
	e.stats.record(c.id, us, failed)
	// EXEC is not logged, as in Redis: its queued commands are, each.
	if t := n.slow.threshold.Load(); t >= 0 && us >= t && n.slow.maxLen.Load() > 0 && !e.spec.Has(command.Exec) {
		if w := c.block; w != nil && args != nil {
			n.blocked.logWhenAnswered(w, &n.slow, args, us)
		} else {
			n.slow.add(c, args, us)
		}
	}
	n.observeLatency(c, e, args, us, failed)
}

func cmdSlowlog(cx *Ctx) {
	l := &cx.Node.slow
	switch sub := strings.ToLower(string(cx.Args[1])); {
	case sub == "get" && len(cx.Args) <= 3:
		count := 10
		if len(cx.Args) == 3 {
			v, err := strconv.Atoi(string(cx.Args[2]))
			if err != nil || v < -1 {
				cx.Error("ERR count should be greater than or equal to -1")
				return
			}
			count = v
		}
		l.mu.Lock()
		entries := append([]slowEntry(nil), l.entries...)
		l.mu.Unlock()
		if count < 0 || count > len(entries) {
			count = len(entries)
		}
		cx.Array(count)
		for i := 0; i < count; i++ {
			e := entries[len(entries)-1-i]
			cx.Array(6)
			cx.Int(e.id)
			cx.Int(e.at)
			cx.Int(e.us)
			cx.Array(len(e.args))
			for _, a := range e.args {
				cx.BulkString(a)
			}
			cx.BulkString(e.addr)
			cx.BulkString(e.name)
		}
	case sub == "len" && len(cx.Args) == 2:
		l.mu.Lock()
		n := len(l.entries)
		l.mu.Unlock()
		cx.Int(int64(n))
	case sub == "reset" && len(cx.Args) == 2:
		l.mu.Lock()
		l.entries = nil
		l.mu.Unlock()
		cx.OK()
	case sub == "help" && len(cx.Args) == 2:
		lines := []string{
			"SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
			"GET [<count>]",
			"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
			"    Entries are made of:",
			"    id, timestamp, time in microseconds, arguments array, client IP and port,",
			"    client name",
			"LEN",
			"    Return the length of the slowlog.",
			"RESET",
			"    Reset the slowlog.",
			"HELP",
			"    Print this help.",
		}
		replyHelp(cx, lines)
	default:
		cx.Error("ERR unknown subcommand or wrong number of arguments for '" + string(cx.Args[1]) + "'. Try SLOWLOG HELP.")
	}
}

// sortedStats returns the commands that have run, by name.
func (n *Node) sortedStats() []*cmdEntry {
	var out []*cmdEntry
	for _, e := range n.cmdList {
		if calls, _, _ := e.stats.sum(); calls > 0 || e.stats.rejected.Load() > 0 {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].spec.Name < out[j].spec.Name })
	return out
}

// writeCommandStats writes INFO commandstats in Redis's format: a
// Container command's subcommands each on a line of their own
// ("cmdstat_config|get"), as Redis 7 counts them.
func (n *Node) writeCommandStats(kv func(string, any)) {
	for _, r := range n.statRows() {
		s := r.s
		calls, us, failed := s.sum()
		per := 0.0
		if calls > 0 {
			per = float64(us) / float64(calls)
		}
		kv("cmdstat_"+r.name, fmt.Sprintf("calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=%d,failed_calls=%d",
			calls, us, per, s.rejected.Load(), failed))
	}
}

// statRow is one line of INFO commandstats or latencystats.
type statRow struct {
	name string
	s    *cmdStats
}

// statRows returns the commands and subcommands that have run or been
// refused, by name: a Container command stands for its subcommands,
// unless its subcommands are not listed (then it has a line too).
func (n *Node) statRows() []statRow {
	var out []statRow
	for _, e := range n.sortedStats() {
		if e.spec.Has(command.Container) && e.spec.Subcommands() != nil {
			continue
		}
		out = append(out, statRow{strings.ReplaceAll(e.spec.Name, ".", "|"), &e.stats})
	}
	m := &n.latency
	m.subMu.Lock()
	for name, s := range m.subs {
		container, _, _ := strings.Cut(name, "|")
		if e := n.lookup([]byte(container)); e == nil || e.spec.Subcommands() == nil {
			continue // counted on its container's line
		}
		if calls, _, _ := s.sum(); calls > 0 || s.rejected.Load() > 0 {
			out = append(out, statRow{name, s})
		}
	}
	m.subMu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// writeLatencyStats writes INFO latencystats in Redis 7's format (the
// percentiles are the upper bounds of power-of-two buckets).
func (n *Node) writeLatencyStats(kv func(string, any)) {
	for _, r := range n.statRows() {
		if calls, _, _ := r.s.sum(); calls == 0 {
			continue
		}
		h := r.s.histogram()
		kv("latency_percentiles_usec_"+r.name, h.Percentiles())
	}
}

// WritePrometheus writes the node's metrics in Prometheus's text format.
func (n *Node) WritePrometheus(w io.Writer) error {
	var b strings.Builder
	family := func(name, typ, help string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}
	st := n.ks.Stats()
	family("vcache_commands_total", "counter", "Commands run, by command.")
	stats := n.sortedStats()
	for _, e := range stats {
		calls, _, _ := e.stats.sum()
		fmt.Fprintf(&b, "vcache_commands_total{cmd=%q} %d\n", e.spec.Name, calls)
	}
	family("vcache_command_errors_total", "counter", "Commands answered with an error: failed while running, or rejected before (arity, auth, routing, OOM).")
	for _, e := range stats {
		_, _, failed := e.stats.sum()
		fmt.Fprintf(&b, "vcache_command_errors_total{cmd=%q,kind=\"failed\"} %d\n", e.spec.Name, failed)
		fmt.Fprintf(&b, "vcache_command_errors_total{cmd=%q,kind=\"rejected\"} %d\n", e.spec.Name, e.stats.rejected.Load())
	}
	family("vcache_command_duration_seconds", "histogram", "Time to run a command, by command.")
	for _, e := range stats {
		h := e.stats.histogram()
		_, usec, _ := e.stats.sum()
		_ = h.WritePrometheus(&b, "vcache_command_duration_seconds", e.spec.Name, usec)
	}
	gauge := func(name, help string, v any) {
		family(name, "gauge", help)
		fmt.Fprintf(&b, "%s %v\n", name, v)
	}
	counter := func(name, help string, v any) {
		family(name, "counter", help)
		fmt.Fprintf(&b, "%s %v\n", name, v)
	}
	gauge("vcache_connected_clients", "Client connections.", n.clients.count.Load())
	gauge("vcache_memory_used_bytes", "Accounted memory that maxmemory compares: keys, FT indexes, client buffers, replication backlog, script caches (INFO used_memory less mem_not_counted_for_evict).", st.UsedMemory)
	gauge("vcache_memory_max_bytes", "maxmemory (0: none).", n.ks.MaxMemory())
	gauge("vcache_keys", "Keys held, replica copies included.", st.Keys)
	counter("vcache_expired_keys_total", "Keys removed by expiry.", st.ExpiredKeys)
	counter("vcache_evicted_keys_total", "Keys evicted under maxmemory.", st.EvictedKeys)
	counter("vcache_net_input_bytes_total", "Bytes read from clients.", n.stats.netIn.Load())
	counter("vcache_net_output_bytes_total", "Bytes written to clients.", n.stats.netOut.Load())
	gauge("vcache_ops_per_second", "Commands per second, sampled.", n.stats.opsPerS.Load())
	gauge("vcache_rdb_changes_since_last_save", "Key changes no snapshot holds yet (INFO rdb_changes_since_last_save).", n.unsavedChanges())
	gauge("vcache_rdb_last_save_timestamp_seconds", "When the last successful snapshot was written (INFO rdb_last_save_time).", n.persist.lastSave.Load())
	gauge("vcache_rdb_last_save_failed", "1 when the last snapshot failed (INFO rdb_last_bgsave_status:err).", b2i(n.persist.lastErr.Load()))
	ftBytes, ftDocs := n.search.Usage()
	gauge("vcache_vector_index_bytes", "Memory of the FT indexes.", ftBytes)
	gauge("vcache_vector_documents", "Documents in the FT indexes.", ftDocs)
	// Replication: this node's stream and its replicas' lag.
	end := n.repl.log.end.Load()
	gauge("vcache_replication_offset", "master_repl_offset: bytes of writes in this node's replication stream.", end)
	replicas := n.repl.replicaList()
	family("vcache_replica_lag_bytes", "gauge", "How far each replica streaming from this node is behind.")
	for _, r := range replicas {
		fmt.Fprintf(&b, "vcache_replica_lag_bytes{replica=%q,shard=%q} %d\n", r.addr, r.shard, end-min(end, r.ack.Load()))
	}
	// The shards this node leads: usage against the budgets (split at 50%).
	if cl := n.Cluster(); cl != nil {
		l := n.Load()
		budget := cl.Status().Budget
		family("vcache_shard_usage_ratio", "gauge", "Usage of each per-shard budget by the shards this node leads; a shard splits when one stays at or above 0.5.")
		for _, s := range l.Shards {
			for _, r := range []struct {
				name        string
				used, limit float64
			}{
				{"memory", float64(s.Memory), float64(budget.Memory)},
				{"ops", s.Ops, budget.Ops},
				{"cpu", s.CPU, budget.CPU},
				{"network", s.Network, budget.Network},
				{"conns", float64(s.Conns), float64(budget.Conns)},
				{"vectors", float64(s.Vectors), float64(budget.Vectors)},
			} {
				if r.limit > 0 {
					fmt.Fprintf(&b, "vcache_shard_usage_ratio{shard=%q,resource=%q} %g\n", s.Shard.String(), r.name, r.used/r.limit)
				}
			}
		}
		if m := cl.Map(); m != nil {
			gauge("vcache_cluster_epoch", "Epoch of the shard map this node follows.", m.Epoch())
			gauge("vcache_cluster_shards", "Shards in the map.", len(m.Shards()))
		}
		events := cl.Events(1 << 20)
		kinds := map[string]int{}
		for _, e := range events {
			kinds[string(e.Kind)]++
		}
		family("vcache_cluster_events", "gauge", "Cluster events (splits, merges, failovers, ...) in this node's event log, by kind.")
		names := make([]string, 0, len(kinds))
		for k := range kinds {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			fmt.Fprintf(&b, "vcache_cluster_events{kind=%q} %d\n", k, kinds[k])
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Status is what a node's admin endpoint shows at /status.json.
type Status struct {
	Role       string        `json:"role"`
	Addr       string        `json:"addr"`
	Keys       int64         `json:"keys"`
	UsedMemory int64         `json:"used_memory"`
	MaxMemory  int64         `json:"maxmemory"`
	OpsPerSec  int64         `json:"ops_per_sec"`
	Cluster    *cluster.View `json:"cluster,omitempty"`
	// Copies are the bulk copies this node is making now (splits and
	// merges by copy, replicas' full syncs) with their paced rate.
	Copies []CopyProgress `json:"copies,omitempty"`
}

// Status returns the node's state for the status page, with the last 20
// cluster events.
func (n *Node) Status() Status {
	st := n.ks.Stats()
	s := Status{Role: "node", Keys: n.dbSize(), UsedMemory: st.UsedMemory, MaxMemory: n.ks.MaxMemory(),
		OpsPerSec: n.stats.opsPerS.Load(), Copies: n.copiesInProgress()}
	if a := n.Addr(); a != nil {
		s.Addr = a.String()
	}
	if cl := n.Cluster(); cl != nil {
		v := cl.View(20)
		s.Cluster = &v
	}
	return s
}

package proxy

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/vcache/vcache/internal/front"
	"github.com/vcache/vcache/internal/resp"
)

// INFO is answered as a node of a one-node cluster answers it: from the
// proxy's own counters, except the keyspace section and the data fields of
// memory and stats, which add up every node's (info_nodes.go), and the
// replication and cluster sections, which describe the one node.

var (
	infoDefault = []string{"server", "clients", "memory", "stats", "replication", "proxy", "cluster", "keyspace"}
	infoAll     = []string{"server", "clients", "memory", "stats", "replication", "proxy", "commandstats", "latencystats", "cluster", "keyspace"}
)

// infoMerge writes the proxy's sections and, when asked, the keyspace
// section made from every node's INFO keyspace.
type infoMerge struct {
	sections []string
	calls    []*call
}

func proxyInfo(s *session, cmd resp.Command) (merger, string) {
	want := map[string]bool{}
	for _, a := range cmd.Args[1:] {
		want[strings.ToLower(string(a))] = true
	}
	sections := infoDefault
	switch {
	case want["all"] || want["everything"]:
		sections = infoAll
	case len(want) > 0 && !want["default"]:
		sections = nil
		for _, sec := range infoAll {
			if want[sec] {
				sections = append(sections, sec)
			}
		}
	}
	m := &infoMerge{sections: sections}
	if ask := nodeSections(sections); len(ask) > 0 {
		m.calls = s.fanout(resp.AppendCommand(nil, append([]string{"INFO"}, ask...)...))
	}
	return m, ""
}

func (m *infoMerge) merge(s *session, dst []byte) []byte {
	var b strings.Builder
	for _, sec := range m.sections {
		if b.Len() > 0 {
			b.WriteString("\r\n")
		}
		b.WriteString("# " + strings.ToUpper(sec[:1]) + sec[1:] + "\r\n")
		switch sec {
		case "keyspace":
			s.writeKeyspace(&b, m.calls)
			continue
		case "memory", "stats":
			s.writeNodeSums(&b, sec, m.calls)
		case "replication", "cluster":
			s.p.writeOneNodeSection(&b, sec)
			continue
		}
		s.p.writeInfoSection(&b, sec)
	}
	return resp.AppendBulk(dst, b.String())
}

// writeKeyspace adds up the nodes' "dbN:keys=..,expires=.." lines.
func (s *session) writeKeyspace(b *strings.Builder, calls []*call) {
	type db struct{ keys, expires int64 }
	dbs := map[string]*db{}
	var names []string
	for _, c := range calls {
		s.settle(c)
		v, _, err := resp.Parse(c.reply)
		if err != nil || v.Kind != resp.BulkString {
			continue
		}
		for _, line := range strings.Split(string(v.Str), "\n") {
			name, fields, ok := strings.Cut(strings.TrimSpace(line), ":")
			if !ok || !strings.HasPrefix(name, "db") {
				continue
			}
			d := dbs[name]
			if d == nil {
				d = &db{}
				dbs[name] = d
				names = append(names, name)
			}
			for _, f := range strings.Split(fields, ",") {
				k, val, _ := strings.Cut(f, "=")
				n, _ := strconv.ParseInt(val, 10, 64)
				switch k {
				case "keys":
					d.keys += n
				case "expires":
					d.expires += n
				}
			}
		}
	}
	for _, name := range names {
		if d := dbs[name]; d.keys > 0 {
			fmt.Fprintf(b, "%s:keys=%d,expires=%d,avg_ttl=0\r\n", name, d.keys, d.expires)
		}
	}
}

func (p *Proxy) writeInfoSection(b *strings.Builder, section string) {
	kv := func(k string, v any) { fmt.Fprintf(b, "%s:%v\r\n", k, v) }
	switch section {
	case "server":
		kv("redis_version", front.RedisVersion)
		kv("vcache_version", p.cfg.Version)
		kv("vcache_role", "proxy")
		kv("redis_mode", "cluster")
		kv("os", runtime.GOOS+" "+runtime.GOARCH)
		kv("arch_bits", strconv.IntSize)
		kv("go_version", runtime.Version())
		kv("process_id", os.Getpid())
		if a := p.Addr(); a != nil {
			_, port, _ := strings.Cut(a.String(), "]:")
			if port == "" {
				_, port, _ = strings.Cut(a.String(), ":")
			}
			kv("tcp_port", port)
		}
		up := time.Since(p.start)
		kv("uptime_in_seconds", int64(up.Seconds()))
		kv("uptime_in_days", int64(up.Hours()/24))
	case "clients":
		p.mu.Lock()
		n, maxClients := len(p.sessions), p.cfg.MaxClients
		p.mu.Unlock()
		kv("connected_clients", n)
		kv("maxclients", maxClients)
		kv("blocked_clients", p.stats.blocked.Load()+p.pause.Held())
	case "memory":
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		kv("proxy_used_memory", ms.HeapAlloc)
		kv("go_heap_sys", ms.HeapSys)
		kv("go_goroutines", runtime.NumGoroutine())
	case "stats":
		kv("total_connections_received", p.stats.connections.Load())
		kv("total_commands_processed", p.stats.commands.Load())
		kv("rejected_connections", p.stats.rejected.Load())
		kv("client_output_buffer_limit_disconnections", p.stats.pubsubCut.Load())
		kv("proxy_retries", p.stats.retries.Load())
		kv("proxy_redirects", p.stats.redirects.Load())
		kv("proxy_map_refreshes", p.stats.refreshes.Load())
	case "proxy":
		m := p.Metrics()
		rt := p.routes.Load()
		kv("nodes", len(rt.nodes))
		kv("conns_per_backend", p.cfg.ConnsPerBackend)
		kv("event_loops", len(p.loops))
		kv("loop_clients", p.stats.loopClients.Load())
		kv("blocking_conns", p.blockingConns())
		for i, bm := range m.Backends {
			avg := 0.0
			if bm.Batches > 0 {
				avg = float64(bm.Requests) / float64(bm.Batches)
			}
			kv(fmt.Sprintf("backend%d", i), fmt.Sprintf("addr=%s,inflight=%d,writes=%d,requests=%d,avg_batch=%.2f,max_batch=%d,dials=%d,dial_errors=%d,conn_errors=%d",
				bm.Addr, bm.Inflight, bm.Batches, bm.Requests, avg, bm.MaxBatch, bm.Dials, bm.DialErrors, bm.ConnErrors))
			var h []string
			for j, n := range bm.BatchHist {
				if n > 0 {
					h = append(h, fmt.Sprintf("%d=%d", 1<<j, n))
				}
			}
			kv(fmt.Sprintf("backend%d_batch_hist", i), strings.Join(h, ","))
		}
	case "commandstats":
		for _, e := range p.cmds.order {
			n := e.stats.calls.Load()
			if n == 0 {
				continue
			}
			us := e.stats.usec.Load()
			kv("cmdstat_"+e.spec.Name, fmt.Sprintf("calls=%d,usec=%d,usec_per_call=%.2f,rejected_calls=0,failed_calls=%d",
				n, us, float64(us)/float64(n), e.stats.failed.Load()))
		}
	case "latencystats":
		for _, e := range p.cmds.order {
			if e.stats.calls.Load() == 0 {
				continue
			}
			h := e.stats.histogram()
			kv("latency_percentiles_usec_"+e.spec.Name, h.Percentiles())
		}
	}
}

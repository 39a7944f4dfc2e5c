package proxy

import (
	"fmt"
	"io"
	"sort"
	"sync/atomic"
	"time"
)

// latencyBuckets is the number of latency histogram buckets; bucket b
// counts durations of [2^b, 2^(b+1)) microseconds (bucket 0 also holds
// less than 1 µs), the last one everything longer.
const latencyBuckets = 24

// cmdStats are one command's counters, kept by the proxy instance.
type cmdStats struct {
	calls  atomic.Int64
	failed atomic.Int64 // replies that were errors
	usec   atomic.Int64
	hist   [latencyBuckets]atomic.Int64
}

// record counts n commands, failed of them with an error reply, that each
// took d from when the proxy had read them to when their replies were
// ready.
func (s *cmdStats) record(n, failed int64, d time.Duration) {
	us := d.Microseconds()
	s.calls.Add(n)
	if failed > 0 {
		s.failed.Add(failed)
	}
	s.usec.Add(us * n)
	s.hist[latencyBucket(us)].Add(n)
}

// latencyBucket is the histogram bucket of a duration of us microseconds.
func latencyBucket(us int64) int { return min(log2(uint64(us)), latencyBuckets-1) }

// add counts what an event loop gathered in a round (see lstat).
func (s *cmdStats) add(st *lstat) {
	s.calls.Add(st.n)
	if st.failed > 0 {
		s.failed.Add(st.failed)
	}
	s.usec.Add(st.usec)
	for b, n := range st.hist {
		if n > 0 {
			s.hist[b].Add(n)
		}
	}
}

// lstat is one command's figures gathered by an event loop over a round,
// added to its cmdStats once per round.
type lstat struct {
	n, failed, usec int64
	hist            [latencyBuckets]int64
}

// percentile returns the upper bound, in microseconds, of the bucket
// holding quantile q of the recorded latencies.
func (s *cmdStats) percentile(q float64) float64 {
	var counts [latencyBuckets]int64
	var total int64
	for i := range counts {
		counts[i] = s.hist[i].Load()
		total += counts[i]
	}
	if total == 0 {
		return 0
	}
	rank := int64(q*float64(total) + 0.5)
	var seen int64
	for i, n := range counts {
		seen += n
		if seen >= rank && n > 0 {
			return float64(uint64(1) << (i + 1))
		}
	}
	return float64(uint64(1) << latencyBuckets)
}

// Metrics is a snapshot of the proxy's counters for monitoring.
type Metrics struct {
	Clients     int
	Connections int64 // client connections accepted, ever
	Rejected    int64 // refused at MaxClients
	Commands    int64
	Retries     int64
	Redirects   int64
	Commandwise []CommandMetrics
	Backends    []BackendMetrics
}

// CommandMetrics are one command's counters.
type CommandMetrics struct {
	Name   string
	Calls  int64
	Failed int64
	Usec   int64
	// LatencyHist[b] counts commands that took [2^b, 2^(b+1)) µs.
	LatencyHist [latencyBuckets]int64
}

// BackendMetrics are one node's connection counters.
type BackendMetrics struct {
	Addr     string
	Inflight int64 // requests owed a reply now (the queue depth)
	Batches  int64 // writes to the node
	Requests int64 // requests written
	MaxBatch int64 // most requests in one write
	// BatchHist[b] counts writes of [2^b, 2^(b+1)) requests.
	BatchHist  [16]int64
	Dials      int64
	DialErrors int64
	ConnErrors int64
}

// Metrics returns a snapshot of the proxy's counters.
func (p *Proxy) Metrics() Metrics {
	m := Metrics{
		Connections: p.stats.connections.Load(),
		Rejected:    p.stats.rejected.Load(),
		Commands:    p.stats.commands.Load(),
		Retries:     p.stats.retries.Load(),
		Redirects:   p.stats.redirects.Load(),
	}
	for _, e := range p.cmds.order {
		if n := e.stats.calls.Load(); n > 0 {
			cm := CommandMetrics{Name: e.spec.Name, Calls: n, Failed: e.stats.failed.Load(), Usec: e.stats.usec.Load()}
			for i := range cm.LatencyHist {
				cm.LatencyHist[i] = e.stats.hist[i].Load()
			}
			m.Commandwise = append(m.Commandwise, cm)
		}
	}
	p.mu.Lock()
	m.Clients = len(p.sessions)
	bs := make([]*backend, 0, len(p.backends))
	for _, b := range p.backends {
		bs = append(bs, b)
	}
	p.mu.Unlock()
	sort.Slice(bs, func(i, j int) bool { return bs[i].addr < bs[j].addr })
	for _, b := range bs {
		st := &b.stats
		bm := BackendMetrics{
			Addr: b.addr, Inflight: b.inflight(), Batches: st.batches.Load(), Requests: st.calls.Load(),
			MaxBatch: st.maxBatch.Load(), Dials: st.dials.Load(), DialErrors: st.dialErrors.Load(),
			ConnErrors: st.connErrors.Load(),
		}
		for i := range bm.BatchHist {
			bm.BatchHist[i] = st.batchHist[i].Load()
		}
		m.Backends = append(m.Backends, bm)
	}
	return m
}

// WritePrometheus writes the metrics in Prometheus's text format.
func (p *Proxy) WritePrometheus(w io.Writer) error {
	m := p.Metrics()
	var err error
	pf := func(format string, a ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, a...)
		}
	}
	pf("# TYPE vcache_proxy_clients gauge\nvcache_proxy_clients %d\n", m.Clients)
	pf("# TYPE vcache_proxy_connections_total counter\nvcache_proxy_connections_total %d\n", m.Connections)
	pf("# TYPE vcache_proxy_commands_total counter\nvcache_proxy_commands_total %d\n", m.Commands)
	pf("# TYPE vcache_proxy_retries_total counter\nvcache_proxy_retries_total %d\n", m.Retries)
	pf("# TYPE vcache_proxy_command_duration_seconds histogram\n")
	for _, c := range m.Commandwise {
		var cum int64
		for b, n := range c.LatencyHist {
			cum += n
			if b < latencyBuckets-1 {
				pf("vcache_proxy_command_duration_seconds_bucket{cmd=%q,le=\"%g\"} %d\n", c.Name, float64(uint64(1)<<(b+1))/1e6, cum)
			}
		}
		pf("vcache_proxy_command_duration_seconds_bucket{cmd=%q,le=\"+Inf\"} %d\n", c.Name, cum)
		pf("vcache_proxy_command_duration_seconds_sum{cmd=%q} %g\n", c.Name, float64(c.Usec)/1e6)
		pf("vcache_proxy_command_duration_seconds_count{cmd=%q} %d\n", c.Name, c.Calls)
		pf("vcache_proxy_command_errors_total{cmd=%q} %d\n", c.Name, c.Failed)
	}
	pf("# TYPE vcache_proxy_backend_inflight gauge\n")
	for _, b := range m.Backends {
		pf("vcache_proxy_backend_inflight{backend=%q} %d\n", b.Addr, b.Inflight)
		pf("vcache_proxy_backend_writes_total{backend=%q} %d\n", b.Addr, b.Batches)
		pf("vcache_proxy_backend_requests_total{backend=%q} %d\n", b.Addr, b.Requests)
		pf("vcache_proxy_backend_conn_errors_total{backend=%q} %d\n", b.Addr, b.ConnErrors)
	}
	return err
}

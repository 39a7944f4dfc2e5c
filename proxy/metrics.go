package proxy

import (
	"fmt"
	"io"
	"sort"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/internal/latency"
)

// cmdStats are one command's counters, kept by the proxy instance.
type cmdStats struct {
	calls  atomic.Int64
	failed atomic.Int64 // replies that were errors
	usec   atomic.Int64
	hist   [latency.Buckets]atomic.Int64
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
	s.hist[latency.Bucket(us)].Add(n)
}

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
	hist            latency.Hist
}

// histogram returns the latency histogram's counts.
func (s *cmdStats) histogram() (h latency.Hist) {
	for i := range h {
		h[i] = s.hist[i].Load()
	}
	return h
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
	// LatencyHist counts commands by their time (see internal/latency).
	LatencyHist latency.Hist
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
			cm := CommandMetrics{Name: e.spec.Name, Calls: n, Failed: e.stats.failed.Load(), Usec: e.stats.usec.Load(),
				LatencyHist: e.stats.histogram()}
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
		if err == nil {
			err = c.LatencyHist.WritePrometheus(w, "vcache_proxy_command_duration_seconds", c.Name, c.Usec)
		}
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

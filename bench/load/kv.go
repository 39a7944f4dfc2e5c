package load

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vcache/vcache/internal/resp"
)

// Config is one KV load.
type Config struct {
	Addr     string
	Password string
	Clients  int           // connections (redis-benchmark -c)
	Pipeline int           // requests in flight per connection (-P)
	Requests int           // per test (-n)
	Keyspace int           // random keys (-r)
	Size     int           // value bytes (-d)
	Tests    []string      // "set", "get", "incr", "hset", "mset"
	Timeout  time.Duration // bound on each test
	// Progress, when set, is called about once a second with the test and
	// the requests done so far.
	Progress func(test string, done int)
}

// DefaultConfig is redis-benchmark's defaults, with -r 100000.
func DefaultConfig() Config {
	return Config{Clients: 50, Pipeline: 1, Requests: 100000, Keyspace: 100000, Size: 3,
		Tests: []string{"set", "get"}, Timeout: 5 * time.Minute}
}

// Result is one test's outcome.
type Result struct {
	Test      string        `json:"test"`
	Requests  int           `json:"requests"`
	Errors    int           `json:"errors"`
	Duration  time.Duration `json:"duration_ns"`
	OpsPerSec float64       `json:"ops_per_sec"`
	P50       time.Duration `json:"p50_ns"`
	P99       time.Duration `json:"p99_ns"`
	P999      time.Duration `json:"p999_ns"`
	Mean      time.Duration `json:"mean_ns"`
}

// Run runs every test of cfg in turn.
func Run(ctx context.Context, cfg Config) ([]Result, error) {
	if cfg.Clients < 1 || cfg.Pipeline < 1 || cfg.Requests < 1 || cfg.Keyspace < 1 || cfg.Size < 0 {
		return nil, errors.New("clients, pipeline, requests and keyspace must be positive")
	}
	var out []Result
	for _, t := range cfg.Tests {
		if _, ok := builders[t]; !ok {
			return out, fmt.Errorf("unknown test %q (have set, get, incr, hset, mset)", t)
		}
		r, err := runTest(ctx, cfg, t)
		if err != nil {
			return out, fmt.Errorf("%s: %w", t, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// builders append one request of a test for key number k.
var builders = map[string]func(dst []byte, k int, val string) []byte{
	"set": func(d []byte, k int, v string) []byte { return resp.AppendCommand(d, "SET", key(k), v) },
	"get": func(d []byte, k int, _ string) []byte { return resp.AppendCommand(d, "GET", key(k)) },
	"incr": func(d []byte, k int, _ string) []byte {
		return resp.AppendCommand(d, "INCR", "counter:"+strconv.Itoa(k))
	},
	"hset": func(d []byte, k int, v string) []byte {
		return resp.AppendCommand(d, "HSET", "hash:"+strconv.Itoa(k), "f", v)
	},
	// MSET of one key keeps it single-slot through the proxy and cluster.
	"mset": func(d []byte, k int, v string) []byte { return resp.AppendCommand(d, "MSET", key(k), v) },
}

func key(k int) string { return "key:" + strconv.Itoa(k) }

func runTest(ctx context.Context, cfg Config, test string) (Result, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	val := strings.Repeat("x", cfg.Size)
	var next, done atomic.Int64
	var errs atomic.Int64
	hists := make([]Hist, cfg.Clients)
	var wg sync.WaitGroup
	errc := make(chan error, cfg.Clients)
	start := time.Now()
	stopProgress := make(chan struct{})
	if cfg.Progress != nil {
		go func() {
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case <-stopProgress:
					return
				case <-t.C:
					cfg.Progress(test, int(done.Load()))
				}
			}
		}()
	}
	for c := 0; c < cfg.Clients; c++ {
		wg.Add(1)
		go func(h *Hist) {
			defer wg.Done()
			if err := client(ctx, cfg, test, val, h, &next, &done, &errs); err != nil {
				errc <- err
			}
		}(&hists[c])
	}
	wg.Wait()
	close(stopProgress)
	elapsed := time.Since(start)
	select {
	case err := <-errc:
		return Result{}, err
	default:
	}
	var h Hist
	for i := range hists {
		h.Merge(&hists[i])
	}
	r := Result{Test: test, Requests: int(done.Load()), Errors: int(errs.Load()), Duration: elapsed,
		P50: h.Percentile(0.5), P99: h.Percentile(0.99), P999: h.Percentile(0.999), Mean: h.Mean()}
	r.OpsPerSec = float64(r.Requests) / elapsed.Seconds()
	if ctx.Err() != nil && r.Requests < cfg.Requests {
		return r, fmt.Errorf("stopped after %d of %d requests: %w", r.Requests, cfg.Requests, ctx.Err())
	}
	return r, nil
}

// client runs one connection: it sends up to Pipeline requests, reads
// their replies, and records each batch's round trip for every request in
// it, until the test's requests are all taken.
func client(ctx context.Context, cfg Config, test, val string, h *Hist, next, done, errs *atomic.Int64) error {
	nc, err := (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return err
	}
	defer nc.Close()
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	defer stop()
	rd := resp.NewReader(nc, 64<<10, 512<<20)
	w := bufio.NewWriterSize(nc, 64<<10)
	if cfg.Password != "" {
		w.Write(resp.AppendCommand(nil, "AUTH", cfg.Password))
		w.Flush()
		raw, err := rd.ReadRaw()
		if err != nil {
			return err
		}
		if raw[0] == '-' {
			return fmt.Errorf("AUTH: %s", strings.TrimSpace(string(raw[1:])))
		}
	}
	build := builders[test]
	rnd := rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	var buf []byte
	for ctx.Err() == nil {
		n := int64(cfg.Pipeline)
		first := next.Add(n) - n
		if first >= int64(cfg.Requests) {
			return nil
		}
		n = min(n, int64(cfg.Requests)-first)
		buf = buf[:0]
		for i := int64(0); i < n; i++ {
			buf = build(buf, rnd.IntN(cfg.Keyspace), val)
		}
		t0 := time.Now()
		if _, err := w.Write(buf); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
		for i := int64(0); i < n; i++ {
			raw, err := rd.ReadRaw()
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
			if raw[0] == '-' {
				errs.Add(1)
			}
		}
		d := time.Since(t0)
		for i := int64(0); i < n; i++ {
			h.Add(d)
		}
		done.Add(n)
	}
	return nil
}

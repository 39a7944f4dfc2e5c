package load

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// The scale scenario (vcache bench scale, and go run ./bench/scale):
// ramp clients through the proxy of a vcache dev whose shards split at a
// small ops budget, and record ops/s, p50/p99, errors and splits every
// second.

// ScaleRow is one second of a scale run.
type ScaleRow struct {
	t                 float64
	ops, p50, p99     float64
	errs, clients     int
	splits, splitDone int
	// recall (recall@10 of the vector documents' query set) and numDocs
	// (FT.INFO num_docs) as the probe last read them; -1 without vector
	// documents or when the reading failed.
	recall  float64
	numDocs int64
}

var (
	splitStart = regexp.MustCompile(`kind=split .*detail="started`)
	splitDone  = regexp.MustCompile(`kind=split .*detail="done.*duration=([0-9.]+[a-zµ]+)`)
	// The write pause of a split: by promotion (its event), or by copy
	// (the source's log line).
	splitPause = regexp.MustCompile(`(?:kind=split .*detail="promote: .*duration=|msg="write pause" took=)([0-9.]+[a-zµ]+)`)
)

// ScaleConfig is a scale run: `Bin dev` with a small ops budget per shard,
// and go-redis clients through its proxy, more at each step.
type ScaleConfig struct {
	Bin    string        // the vcache binary
	Steps  []int         // clients at each step
	Step   time.Duration // length of a step
	MaxOps int           // --shard-max-ops of the cluster (splits at 50%)
	Keys   int           // key space
	Port   int           // the proxy's port
	// Preload is how many keys (key:0 … of 100 bytes) are written through
	// the proxy before the first step, so that splits move a shard of that
	// size; the splits it causes itself are logged like the others.
	Preload int
	// Vectors, when above 0, is how many vector documents of Dim
	// dimensions (scale_vectors.go) are written before the first step;
	// the clients then send a KNN query in every VectorEvery operations.
	Vectors, Dim, VectorEvery int
	// EF is the KNN queries' EF_RUNTIME.
	EF int
	// DevLog, when set, receives every log line of `Bin dev`.
	DevLog io.Writer
	// DevArgs are more arguments for `Bin dev` (e.g. --split-method auto).
	DevArgs []string
}

// RunScale runs cfg and returns a row per second; it prints a line per
// second and the split durations to log.
func RunScale(ctx context.Context, cfg ScaleConfig, log io.Writer) ([]ScaleRow, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	keys, stepDur := cfg.Keys, cfg.Step
	dev := exec.CommandContext(ctx, cfg.Bin, append([]string{"dev", "--port", fmt.Sprint(cfg.Port), "--loglevel", "info",
		"--shard-max-ops", fmt.Sprint(cfg.MaxOps), "--admin-addr", ""}, cfg.DevArgs...)...)
	logs, err := dev.StderrPipe()
	if err != nil {
		return nil, err
	}
	ready, err := dev.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := dev.Start(); err != nil {
		return nil, err
	}
	defer func() { cancel(); dev.Wait() }()
	if _, err := bufio.NewReader(ready).ReadString('\n'); err != nil {
		return nil, errors.New("vcache dev did not start")
	}
	var splits, done atomic.Int64
	var mu sync.Mutex
	var durations, pauses []string
	go func() {
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			l := sc.Text()
			if cfg.DevLog != nil {
				fmt.Fprintln(cfg.DevLog, l)
			}
			if splitStart.MatchString(l) {
				splits.Add(1)
			}
			if m := splitDone.FindStringSubmatch(l); m != nil {
				done.Add(1)
				mu.Lock()
				durations = append(durations, m[1])
				mu.Unlock()
			}
			if m := splitPause.FindStringSubmatch(l); m != nil {
				mu.Lock()
				pauses = append(pauses, m[1])
				mu.Unlock()
			}
		}
	}()

	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", cfg.Port), PoolSize: 128})
	defer c.Close()
	if cfg.Preload > 0 {
		t := time.Now()
		if err := preload(ctx, c, cfg.Preload); err != nil {
			return nil, fmt.Errorf("preload: %w", err)
		}
		fmt.Fprintf(log, "preloaded %d keys of 100 B in %.1fs (splits so far: %d)\n",
			cfg.Preload, time.Since(t).Seconds(), done.Load())
	}
	var vecs *scaleVectors
	// The vector commands' replies are read in their RESP2 form.
	vc := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", cfg.Port), PoolSize: 128, Protocol: 2})
	defer vc.Close()
	if cfg.Vectors > 0 {
		t := time.Now()
		vecs = newScaleVectors(cfg.Vectors, cfg.Dim, max(cfg.EF, 10))
		if err := vecs.load(ctx, vc); err != nil {
			return nil, fmt.Errorf("vector documents: %w", err)
		}
		vecs.probe(ctx, vc)
		if err := vecs.failed.Load(); err != nil {
			return nil, fmt.Errorf("vector documents: %w", *err)
		}
		fmt.Fprintf(log, "loaded %d vector documents of %d dimensions in %.1fs: recall@10 %.3f, num_docs %d\n",
			cfg.Vectors, cfg.Dim, time.Since(t).Seconds(), float64(vecs.recall.Load())/1e6, vecs.numDocs.Load())
		stopProbe := make(chan struct{})
		defer close(stopProbe)
		go func() {
			for {
				select {
				case <-stopProbe:
					return
				case <-time.After(time.Second):
					vecs.probe(ctx, vc)
				}
			}
		}()
	}
	every := max(cfg.VectorEvery, 1)
	var ops, errs atomic.Int64
	var latMu sync.Mutex
	var lat []time.Duration
	worker := func(stop <-chan struct{}) {
		r := rand.New(rand.NewPCG(rand.Uint64(), 1))
		for {
			select {
			case <-stop:
				return
			default:
			}
			k := fmt.Sprintf("key:%d", r.IntN(keys))
			t := time.Now()
			var err error
			if vecs != nil && r.IntN(every) == 0 {
				_, err = vecs.query(ctx, vc, r.IntN(len(vecs.queries)))
			} else if r.IntN(2) == 0 {
				err = c.Set(ctx, k, "value-of-some-length", 0).Err()
			} else if err = c.Get(ctx, k).Err(); err == redis.Nil {
				err = nil
			}
			d := time.Since(t)
			if err != nil {
				errs.Add(1)
			}
			ops.Add(1)
			latMu.Lock()
			lat = append(lat, d)
			latMu.Unlock()
		}
	}
	var rows []ScaleRow
	start := time.Now()
	var stops []chan struct{}
	var wg sync.WaitGroup
	for _, n := range cfg.Steps {
		for len(stops) < n {
			st := make(chan struct{})
			stops = append(stops, st)
			wg.Add(1)
			go func() { defer wg.Done(); worker(st) }()
		}
		for end := time.Now().Add(stepDur); time.Now().Before(end) && ctx.Err() == nil; {
			time.Sleep(time.Second)
			latMu.Lock()
			l := lat
			lat = nil
			latMu.Unlock()
			sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
			row := ScaleRow{t: time.Since(start).Seconds(), ops: float64(ops.Swap(0)), errs: int(errs.Swap(0)), clients: len(stops),
				splits: int(splits.Load()), splitDone: int(done.Load()), recall: -1, numDocs: -1}
			if vecs != nil {
				row.recall, row.numDocs = float64(vecs.recall.Load())/1e6, vecs.numDocs.Load()
				if row.recall < 0 {
					row.recall = -1
				}
			}
			if len(l) > 0 {
				row.p50 = float64(l[len(l)/2].Microseconds()) / 1000
				row.p99 = float64(l[len(l)*99/100].Microseconds()) / 1000
			}
			rows = append(rows, row)
			vec := ""
			if vecs != nil {
				vec = fmt.Sprintf(" recall@10=%.3f num_docs=%d", row.recall, row.numDocs)
			}
			fmt.Fprintf(log, "t=%5.1fs clients=%2d ops/s=%7.0f p50=%.2fms p99=%.2fms errors=%d splits=%d%s\n",
				row.t, row.clients, row.ops, row.p50, row.p99, row.errs, row.splitDone, vec)
		}
	}
	for _, st := range stops {
		close(st)
	}
	wg.Wait()
	mu.Lock()
	fmt.Fprintf(log, "split durations: %s\n", strings.Join(durations, " "))
	fmt.Fprintf(log, "split write pauses: %s\n", strings.Join(pauses, " "))
	mu.Unlock()
	return rows, nil
}

// preload writes keys key:0 … key:n-1 of 100 bytes through c, pipelined
// 1,000 a round from four connections.
func preload(ctx context.Context, c *redis.Client, n int) error {
	const batch, conns = 1000, 4
	value := strings.Repeat("v", 100)
	var next atomic.Int64
	errc := make(chan error, conns)
	for range conns {
		go func() {
			for {
				lo := int(next.Add(batch)) - batch
				if lo >= n || ctx.Err() != nil {
					errc <- ctx.Err()
					return
				}
				p := c.Pipeline()
				for i := lo; i < min(lo+batch, n); i++ {
					p.Set(ctx, fmt.Sprintf("key:%d", i), value, 0)
				}
				if _, err := p.Exec(ctx); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	var first error
	for range conns {
		if err := <-errc; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// WriteScale writes rows as out.csv and an SVG plot as out.svg.
func WriteScale(out string, rows []ScaleRow) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	if err := writeCSV(out+".csv", rows); err != nil {
		return err
	}
	return os.WriteFile(out+".svg", []byte(plot(rows)), 0o644)
}

func writeCSV(path string, rows []ScaleRow) error {
	var b strings.Builder
	b.WriteString("t_s,clients,ops_per_s,p50_ms,p99_ms,errors,splits_done,recall_at_10,num_docs\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%.1f,%d,%.0f,%.3f,%.3f,%d,%d,%.3f,%d\n", r.t, r.clients, r.ops, r.p50, r.p99, r.errs, r.splitDone,
			r.recall, r.numDocs)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// plot draws ops/s (blue) and p99 (red, right axis) over time, with a grey
// line at each completed split.
func plot(rows []ScaleRow) string {
	const w, h, pad = 800.0, 360.0, 50.0
	var maxT, maxOps, maxP99 float64
	for _, r := range rows {
		maxT, maxOps, maxP99 = max(maxT, r.t), max(maxOps, r.ops), max(maxP99, r.p99)
	}
	maxT, maxOps, maxP99 = max(maxT, 1), max(maxOps, 1)*1.1, max(maxP99, 0.1)*1.1
	x := func(t float64) float64 { return pad + t/maxT*(w-2*pad) }
	y := func(v, top float64) float64 { return h - pad - v/top*(h-2*pad) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12">`, w, h)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`)
	fmt.Fprintf(&b, `<text x="%.0f" y="20">vcache dev under ramping load: ops/s (blue), p99 ms (red), shard splits (grey)</text>`, pad)
	prev := 0
	for _, r := range rows {
		if r.splitDone > prev {
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="#999" stroke-dasharray="4"/>`, x(r.t), pad, x(r.t), h-pad)
			prev = r.splitDone
		}
	}
	line := func(color string, val func(ScaleRow) float64, top float64) {
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="`, color)
		for _, r := range rows {
			fmt.Fprintf(&b, "%.1f,%.1f ", x(r.t), y(val(r), top))
		}
		b.WriteString(`"/>`)
	}
	line("#1f6fd1", func(r ScaleRow) float64 { return r.ops }, maxOps)
	line("#d13b1f", func(r ScaleRow) float64 { return r.p99 }, maxP99)
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="black"/>`, pad, h-pad, w-pad, h-pad)
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f">0</text><text x="%.0f" y="%.0f">%.0f s</text>`, pad, h-pad+15, w-pad-30, h-pad+15, maxT)
	fmt.Fprintf(&b, `<text x="5" y="%.0f" fill="#1f6fd1">%.0fk</text>`, pad+5, maxOps/1000)
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" fill="#d13b1f">%.1f ms</text>`, w-pad+5, pad+5, maxP99)
	b.WriteString(`</svg>`)
	return b.String()
}

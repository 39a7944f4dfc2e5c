package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vcache/vcache/bench/load"
	"github.com/vcache/vcache/cluster"
)

// runBench is `vcache bench kv`: redis-benchmark's load with latency
// percentiles, optionally run against a peer in the same run.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "vector" {
		return runBenchVector(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "scale" {
		return runBenchScale(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "chaos" {
		return runBenchChaos(ctx, args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "fanout" {
		return runBenchFanout(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "kv" {
		fmt.Fprintln(stderr, "usage: vcache bench kv|vector|scale|chaos|fanout [flags]   (engines side by side with hnswlib/faiss: bench/ann.sh)")
		return errUsage
	}
	fs := flag.NewFlagSet("vcache bench kv", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := load.DefaultConfig()
	addr := fs.String("addr", "127.0.0.1:6379", "server to load (vcache dev's proxy by default)")
	peer := fs.String("compare-with", "", "run the same load against this server too (e.g. a redis-server) and print the ratios")
	pass := fs.String("password", "", "AUTH password")
	clients := fs.Int("c", def.Clients, "connections")
	pipeline := fs.Int("P", def.Pipeline, "requests in flight per connection")
	requests := fs.Int("n", def.Requests, "requests per test")
	keyspace := fs.Int("r", def.Keyspace, "random keys")
	size := fs.Int("d", def.Size, "value size in bytes")
	tests := fs.String("t", "set,get", "tests: set, get, incr, hset, mset")
	timeout := fs.Duration("timeout", def.Timeout, "stop a test after this long")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	plotTo := fs.String("plot", "", "also draw the results as an SVG bar chart in this file")
	names := fs.String("names", "", "names for --addr and --compare-with in the table and plot (e.g. vcache,redis)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cfg := def
	cfg.Password, cfg.Clients, cfg.Pipeline, cfg.Requests, cfg.Keyspace, cfg.Size, cfg.Timeout =
		*pass, *clients, *pipeline, *requests, *keyspace, *size, *timeout
	cfg.Tests = strings.Split(*tests, ",")
	cfg.Progress = func(test string, done int) {
		fmt.Fprintf(stderr, "\r%s: %d/%d (%.0f%%)   ", test, done, cfg.Requests, 100*float64(done)/float64(cfg.Requests))
	}
	var runs []load.KVRun
	for _, a := range []string{*addr, *peer} {
		if a == "" {
			continue
		}
		cfg.Addr = a
		res, err := load.Run(ctx, cfg)
		fmt.Fprint(stderr, "\r\033[K")
		if err != nil {
			return fmt.Errorf("%s: %w", a, err)
		}
		runs = append(runs, load.KVRun{Addr: a, Results: res})
	}
	if *names != "" {
		for i, name := range strings.Split(*names, ",") {
			if i < len(runs) && name != "" {
				runs[i].Addr = name
			}
		}
	}
	if len(runs) == 0 {
		return errors.New("nothing to load")
	}
	if *plotTo != "" {
		if err := os.WriteFile(*plotTo, []byte(load.PlotKV(runs)), 0o644); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(runs)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "server\ttest\tops/s\tp50\tp99\tp99.9\terrors\t%s\t\n", map[bool]string{true: "ratio", false: ""}[len(runs) > 1])
	us := func(d time.Duration) string { return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond)) }
	for i, r := range runs {
		for j, x := range r.Results {
			ratio := ""
			if len(runs) > 1 && i == 0 {
				ratio = fmt.Sprintf("%.2f×", x.OpsPerSec/runs[1].Results[j].OpsPerSec)
			}
			fmt.Fprintf(tw, "%s\t%s\t%.0f\t%s\t%s\t%s\t%d\t%s\t\n", r.Addr, x.Test, x.OpsPerSec, us(x.P50), us(x.P99), us(x.P999), x.Errors, ratio)
		}
	}
	return tw.Flush()
}

// runBenchVector is `vcache bench vector`: random vectors into an FT
// index, KNN queries from several clients, recall@k against exact search.
func runBenchVector(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vcache bench vector", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := load.DefaultVectorConfig()
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:6379", "server (vcache dev's proxy by default)")
	fs.StringVar(&cfg.Password, "password", "", "AUTH password")
	fs.StringVar(&cfg.Algorithm, "algo", cfg.Algorithm, "HNSW, FLAT or IVFFLAT")
	fs.IntVar(&cfg.N, "n", cfg.N, "vectors to load")
	fs.IntVar(&cfg.Dim, "dim", cfg.Dim, "dimensions")
	fs.IntVar(&cfg.K, "k", cfg.K, "neighbours per query")
	fs.IntVar(&cfg.Queries, "queries", cfg.Queries, "queries")
	fs.IntVar(&cfg.Clients, "c", cfg.Clients, "concurrent clients")
	efList := fs.String("ef", "0", "search breadth: EF_RUNTIME for HNSW, PROBES for IVFFLAT (0: the index default); a comma list runs each on the same data")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	plotTo := fs.String("plot", "", "also draw QPS against recall as an SVG in this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var efs []int
	for _, f := range strings.Split(*efList, ",") {
		ef, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || ef < 0 {
			return fmt.Errorf("--ef: %q is not a count", f)
		}
		efs = append(efs, ef)
	}
	cfg.Algorithm = strings.ToUpper(cfg.Algorithm)
	fmt.Fprintf(stderr, "loading %d vectors of %d dimensions into %s ...\n", cfg.N, cfg.Dim, cfg.Algorithm)
	rs, err := load.RunVectorSweep(ctx, cfg, efs)
	if err != nil {
		return err
	}
	if *plotTo != "" {
		if err := os.WriteFile(*plotTo, []byte(load.PlotVector(rs)), 0o644); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if len(rs) == 1 {
			return enc.Encode(rs[0])
		}
		return enc.Encode(rs)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "algo\tvectors\tdim\tload s\tef\tqueries\tQPS\trecall@%d\tp50\tp99\t\n", rs[0].K)
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%d\t%d\t%.0f\t%.3f\t%.2fms\t%.2fms\t\n", r.Algorithm, r.N, r.Dim, r.LoadSec, r.EF, r.Queries, r.QPS, r.Recall,
			float64(r.P50)/float64(time.Millisecond), float64(r.P99)/float64(time.Millisecond))
	}
	return tw.Flush()
}

// runBenchScale is `vcache bench scale`: it starts `vcache dev` (this
// binary) with a small ops budget per shard, ramps clients through its
// proxy, prints a line per second and writes a CSV and an SVG plot.
func runBenchScale(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vcache bench scale", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "scale", "output prefix (.csv and .svg are added)")
	steps := fs.String("clients", "2,4,8,16,32", "clients at each step")
	step := fs.Duration("step", 8*time.Second, "length of a step")
	maxOps := fs.Int("shard-max-ops", 20000, "ops/s budget of a shard (it splits at 50%)")
	keys := fs.Int("keys", 200000, "key space")
	port := fs.Int("port", 6390, "port of the cluster's proxy")
	bin := fs.String("bin", "", "vcache binary to run `dev` with (default: this one)")
	method := fs.String("split-method", "", "--split-method of the cluster: copy, auto or promote (default: dev's)")
	preload := fs.Int("preload", 0, "keys of 100 B written before the first step (splits then move shards of that size)")
	devLog := fs.String("dev-log", "", "write the cluster's log to this file")
	shardMem := fs.String("shard-max-memory", "", "--shard-max-memory of the cluster (default: dev's)")
	vectors := fs.Int("vectors", 0, "vector documents (HNSW, L2) written before the first step; recall@10 and num_docs are then read every second")
	dim := fs.Int("dim", 32, "dimensions of the vector documents")
	vecEF := fs.Int("ef", 100, "with --vectors, the KNN queries' EF_RUNTIME")
	vecEvery := fs.Int("knn-every", 20, "with --vectors, one client operation in this many is a KNN query")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := load.ScaleConfig{Bin: *bin, Step: *step, MaxOps: *maxOps, Keys: *keys, Port: *port, Preload: *preload,
		Vectors: *vectors, Dim: *dim, VectorEvery: *vecEvery, EF: *vecEF}
	if *vectors > 0 && (*dim < 1 || *vecEvery < 1) {
		return fmt.Errorf("--dim and --knn-every must be positive")
	}
	if *devLog != "" {
		f, err := os.Create(*devLog)
		if err != nil {
			return err
		}
		defer f.Close()
		cfg.DevLog = f
	}
	if *shardMem != "" {
		cfg.DevArgs = append(cfg.DevArgs, "--shard-max-memory", *shardMem)
	}
	if *method != "" {
		if _, err := cluster.ParseSplitPolicy(*method); err != nil {
			return fmt.Errorf("--split-method: %w", err)
		}
		cfg.DevArgs = append(cfg.DevArgs, "--split-method", *method)
	}
	if cfg.Bin == "" {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		cfg.Bin = exe
	}
	for _, s := range strings.Split(*steps, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("--clients: %q is not a positive number", s)
		}
		cfg.Steps = append(cfg.Steps, n)
	}
	rows, err := load.RunScale(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	if err := load.WriteScale(*out, rows); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d seconds recorded: %s.csv, %s.svg\n", len(rows), *out, *out)
	return nil
}

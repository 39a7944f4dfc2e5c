package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/vcache/vcache/bench/chaos"
)

// errChecksFailed ends `vcache bench chaos` with a non-zero status when a
// check failed.
var errChecksFailed = errors.New("chaos: a check failed")

// runBenchChaos is `vcache bench chaos`: three data nodes with replicas
// and a proxy, each a process of this binary, under a mixed workload
// while faults are injected, then the checker (bench/chaos).
func runBenchChaos(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vcache bench chaos", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := chaos.DefaultConfig()
	fs.DurationVar(&cfg.Duration, "duration", cfg.Duration, "how long the workload runs (faults stop a little before the end)")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "seed of the workload, the faults and the query set")
	faults := fs.String("faults", strings.Join(cfg.Faults, ","), "fault kinds: "+strings.Join(chaos.AllFaults, ", ")+" (and, only by name: "+strings.Join(chaos.ExtraFaults, ", ")+") (partition needs root and ip(8): the nodes then run in network namespaces)")
	dir := fs.String("dir", "", "data directories and logs of the nodes (default: a new temporary directory, removed after a passing run)")
	fs.IntVar(&cfg.Writers, "clients", cfg.Writers, "concurrent clients")
	fs.IntVar(&cfg.OpsPerWriter, "rate", cfg.OpsPerWriter, "operations per second of each client")
	fs.Float64Var(&cfg.RecallFloor, "recall-floor", cfg.RecallFloor, "recall@10 below this fails the run")
	fs.IntVar(&cfg.ShardMaxOps, "shard-max-ops", cfg.ShardMaxOps, "ops/s budget of a shard (a split burst passes half of it)")
	fs.BoolVar(&cfg.Types, "types", cfg.Types, "also write lists, sets, sorted sets, hashes, streams and JSON documents, and check them")
	fs.DurationVar(&cfg.MergeAfter, "merge-after", cfg.MergeAfter, "--merge-after of the nodes, so split shards merge back during the run (0: the nodes' default)")
	fs.StringVar(&cfg.SplitMethod, "split-method", cfg.SplitMethod, "--split-method of the nodes: copy, auto or promote (default: the nodes' default)")
	bin := fs.String("bin", "", "vcache binary to run the nodes and the proxy with (default: this one)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg.Faults = nil
	for _, f := range strings.Split(*faults, ",") {
		if f = strings.TrimSpace(f); f != "" {
			cfg.Faults = append(cfg.Faults, f)
		}
	}
	cfg.Bin = *bin
	if cfg.Bin == "" {
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		cfg.Bin = exe
	}
	cfg.Dir = *dir
	if cfg.Dir == "" {
		d, err := os.MkdirTemp("", "vcache-chaos-")
		if err != nil {
			return err
		}
		cfg.Dir = d
	} else if abs, err := filepath.Abs(cfg.Dir); err == nil {
		cfg.Dir = abs
	}
	res, err := chaos.Run(ctx, cfg, stderr)
	if err != nil {
		return fmt.Errorf("%w (logs in %s)", err, cfg.Dir)
	}
	res.WriteSummary(stdout, cfg.RecallFloor)
	if len(res.Failures) > 0 {
		fmt.Fprintf(stdout, "logs of the nodes and the proxy: %s\n", cfg.Dir)
		return errChecksFailed
	}
	if *dir == "" {
		os.RemoveAll(cfg.Dir)
	}
	return nil
}

// Command scale runs the scale scenario from a source checkout: it builds
// vcache, starts `vcache dev` with a small ops budget per shard, ramps
// clients through the proxy and writes out.csv and out.svg (see
// bench/load/scale.go; `vcache bench scale` runs the same from the binary).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/vcache/vcache/bench/load"
)

func main() {
	out := flag.String("out", "bench/out/scale", "output prefix (.csv and .svg are added)")
	steps := flag.String("clients", "2,4,8,16,32", "clients per step")
	stepDur := flag.Duration("step", 8*time.Second, "duration of each step")
	maxOps := flag.Int("shard-max-ops", 20000, "ops/s budget of a shard (splits at 50%)")
	keys := flag.Int("keys", 200000, "key space")
	port := flag.Int("port", 6390, "the proxy's port")
	flag.Parse()
	if err := run(*out, *steps, *stepDur, *maxOps, *keys, *port); err != nil {
		fmt.Fprintln(os.Stderr, "scale:", err)
		os.Exit(1)
	}
}

func run(out, steps string, stepDur time.Duration, maxOps, keys, port int) error {
	bin := filepath.Join(os.TempDir(), fmt.Sprintf("vcache-scale-%d", os.Getpid()))
	if b, err := exec.Command("go", "build", "-o", bin, "./cmd/vcache").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, b)
	}
	defer os.Remove(bin)
	cfg := load.ScaleConfig{Bin: bin, Step: stepDur, MaxOps: maxOps, Keys: keys, Port: port}
	for _, s := range strings.Split(steps, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("-clients: %w", err)
		}
		cfg.Steps = append(cfg.Steps, n)
	}
	rows, err := load.RunScale(context.Background(), cfg, os.Stderr)
	if err != nil {
		return err
	}
	return load.WriteScale(out, rows)
}

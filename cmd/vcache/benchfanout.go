package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vcache/vcache/bench/load"
)

// runBenchFanout is `vcache bench fanout`: subscribers on one channel, a
// publisher at fixed rates, deliveries per second, delivery latency and
// losses (bench/fanout.sh runs it against vcache and redis-server).
func runBenchFanout(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("vcache bench fanout", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := load.DefaultFanoutConfig()
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:6379", "the subscribers' server (vcache dev's proxy by default)")
	fs.StringVar(&cfg.PubAddr, "pub-addr", "", "the publisher's server (default: --addr)")
	fs.StringVar(&cfg.Password, "password", "", "AUTH password")
	fs.IntVar(&cfg.Subscribers, "subs", cfg.Subscribers, "subscriber connections")
	fs.StringVar(&cfg.Channel, "channel", cfg.Channel, "the channel published to")
	fs.BoolVar(&cfg.Pattern, "pattern", false, "PSUBSCRIBE a pattern (the channel's first half and *) rather than SUBSCRIBE the channel")
	fs.IntVar(&cfg.Size, "size", cfg.Size, "payload bytes (at least 24)")
	rates := fs.String("rates", "1000,5000,20000", "messages per second of each run, in turn")
	fs.DurationVar(&cfg.Duration, "duration", cfg.Duration, "how long each run sends")
	fs.DurationVar(&cfg.Drain, "drain", cfg.Drain, "how long to wait for the last deliveries after a run's last send")
	pids := fs.String("pids", "", "processes (comma-separated PIDs) whose CPU per delivery to report, from /proc")
	asJSON := fs.Bool("json", false, "print the results as JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Rates = nil
	for _, f := range strings.Split(*rates, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("--rates: %q is not a positive number", f)
		}
		cfg.Rates = append(cfg.Rates, n)
	}
	if *pids != "" {
		for _, f := range strings.Split(*pids, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				return fmt.Errorf("--pids: %q is not a process id", f)
			}
			cfg.PIDs = append(cfg.PIDs, n)
		}
	}
	rs, err := load.RunFanout(ctx, cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rs)
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "msgs/s\tsubs\tmessages\tdelivered\tlost\tdeliveries/s\tp50\tp99\tp99.9\tmax\tCPU µs/delivery\t\n")
	ms := func(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }
	for _, r := range rs {
		cpu := make([]string, len(r.CPUPerDeliv))
		for i, c := range r.CPUPerDeliv {
			cpu[i] = fmt.Sprintf("%.3f", c)
		}
		fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%d\t%.0f\t%s\t%s\t%s\t%s\t%s\t\n", r.Rate, r.Subscribers, r.Messages, r.Delivered, r.Lost,
			r.PerSec, ms(r.P50), ms(r.P99), ms(r.P999), ms(r.Max), strings.Join(cpu, "+"))
	}
	return tw.Flush()
}

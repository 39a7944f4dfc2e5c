package chaos

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/redis/go-redis/v9"
)

// Config is one chaos run.
type Config struct {
	Bin          string        // the vcache binary
	Dir          string        // data directories and logs
	Duration     time.Duration // how long the workload runs; faults stop FaultsEndBefore its end
	Seed         uint64        // seeds the workload, the faults and the query set
	Faults       []string      // fault kinds to inject, each once in a shuffled round, rounds repeated
	Nodes        int           // data nodes
	Writers      int           // concurrent clients
	OpsPerWriter int           // operations per second of each client
	Keys, Docs   int           // string keys and documents per writer
	Dim          int           // vector dimensions
	Queries      int           // the checker's fixed KNN queries
	RecallFloor  float64       // recall@10 below this fails the run
	WaitTimeout  time.Duration // WAIT 1's timeout
	ShardMaxOps  int           // --shard-max-ops of the nodes (a split burst must pass half of it)
	StopFor      time.Duration // how long a SIGSTOP lasts (longer than the failure timeout)
	BurstFor     time.Duration // how long a split burst lasts (longer than the autoscaler's window)
	Gap          time.Duration // mean quiet time between faults
	HealTimeout  time.Duration // how long the cluster may take to be healthy after a fault
	TmpfsSize    int64         // bytes of the disk-full node's tmpfs
	Types        bool          // also write lists, sets, sorted sets, hashes, streams and JSON (types.go)
	MergeAfter   time.Duration // --merge-after of the nodes: split shards merge back after this long underused (0: the nodes' default)
	SplitMethod  string        // --split-method of the nodes ("": the nodes' default)
	MergeWait    time.Duration // how long a merge fault waits for a merge to finish
}

// DefaultConfig is a five-minute run with every fault kind.
func DefaultConfig() Config {
	return Config{
		Duration: 5 * time.Minute, Seed: 1, Faults: AllFaults, Nodes: 3, Writers: 6, OpsPerWriter: 150,
		Keys: 2000, Docs: 1000, Dim: 16, Queries: 50, RecallFloor: 0.9, WaitTimeout: time.Second,
		ShardMaxOps: 6000, StopFor: 6 * time.Second, BurstFor: 15 * time.Second, Gap: 8 * time.Second,
		HealTimeout: 90 * time.Second, TmpfsSize: 64 << 20, Types: true, MergeAfter: 10 * time.Second,
		MergeWait: 90 * time.Second,
	}
}

// Result is a run's faults, workload totals and checks.
type Result struct {
	Faults   []FaultRecord
	Skipped  []string // fault kinds asked for but not injected, with why
	Writes   int64    // writes tried (SET, DEL, HSET)
	Acked    int64    // acknowledged by WAIT 1
	WriteErr int64    // writes that failed
	WaitShrt int64    // writes that succeeded but WAIT answered 0 (or failed)
	Reads    int64
	ReadErr  int64
	Stale    []string // reads of a settled key that did not return its acknowledged value
	Queries  int64
	QueryErr int64
	QueryDup int64 // documents returned twice in one KNN answer
	Events   map[string]int
	Checks   *Checks
	Failures []string // why the run failed (empty: passed)
}

// Run starts the cluster, runs the workload and the faults for
// cfg.Duration, then checks; log gets progress lines.
func Run(ctx context.Context, cfg Config, log io.Writer) (*Result, error) {
	if cfg.Nodes < 3 {
		return nil, errors.New("chaos needs at least 3 nodes")
	}
	for _, f := range cfg.Faults {
		if !slices.Contains(AllFaults, f) && !slices.Contains(ExtraFaults, f) {
			return nil, fmt.Errorf("unknown fault %q (known: %v, %v)", f, AllFaults, ExtraFaults)
		}
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, err
	}
	res := &Result{}
	var faults []string
	diskFull := false
	var lab *netLab
	for _, f := range cfg.Faults {
		switch {
		case f == Partition && lab == nil:
			var err error
			if lab, err = newNetLab(cfg.Nodes); err != nil {
				res.Skipped = append(res.Skipped, "partition: "+err.Error())
				lab = nil
				continue
			}
			faults = append(faults, f)
		case f == DiskFull && os.Geteuid() != 0:
			res.Skipped = append(res.Skipped, "disk-full: needs root to mount a tmpfs")
		default:
			diskFull = diskFull || f == DiskFull
			faults = append(faults, f)
		}
	}
	fmt.Fprintf(log, "starting %d nodes and a proxy in %s ...\n", cfg.Nodes, cfg.Dir)
	cl, err := startCluster(ctx, cfg, diskFull, lab)
	if err != nil {
		if lab != nil {
			lab.close()
		}
		return nil, err
	}
	defer cl.stop()
	if err := createIndex(ctx, cfg, cl.proxy.addr); err != nil {
		return nil, err
	}
	fmt.Fprintf(log, "cluster up (proxy %s); %d writers for %v, faults %v\n", cl.proxy.addr, cfg.Writers, cfg.Duration, faults)

	cnt := &counters{}
	clock := &ackClock{}
	var staleMu sync.Mutex
	stale := func(s string) {
		staleMu.Lock()
		defer staleMu.Unlock()
		if len(res.Stale) < 100 {
			res.Stale = append(res.Stale, s)
		}
	}
	start := time.Now()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	writers := make([]*writer, cfg.Writers)
	for i := range writers {
		writers[i] = newWriter(i, cfg, cl.proxy.addr, cnt, clock, stale)
		wg.Add(1)
		go func() { defer wg.Done(); writers[i].run(ctx, stop) }()
	}

	// Faults from a few seconds in until a quiet tail before the end.
	in := &injector{cfg: cfg, cl: cl, r: rand.New(rand.NewPCG(cfg.Seed, 0xfa17)), log: log, burst: cnt}
	end := start.Add(cfg.Duration)
	faultsEnd := end.Add(-min(cfg.Duration/4, 30*time.Second))
	wait := func(d time.Duration) {
		select {
		case <-ctx.Done():
		case <-time.After(d):
		}
	}
	wait(min(cfg.Duration/10, 5*time.Second))
	var round []string
	seen := map[string]string{} // cluster events by id: kind
	for len(faults) > 0 && time.Now().Before(faultsEnd) && ctx.Err() == nil {
		if len(round) == 0 {
			round = slices.Clone(faults)
			in.r.Shuffle(len(round), func(i, j int) { round[i], round[j] = round[j], round[i] })
			// A merge waits for the shards a split made: split first.
			if s, m := slices.Index(round, Split), slices.Index(round, Merge); s > m && m >= 0 {
				round[s], round[m] = round[m], round[s]
			}
		}
		res.Faults = append(res.Faults, in.inject(ctx, round[0]))
		round = round[1:]
		// A node's CLUSTER EVENTS go with it when it is killed: collect
		// them after every fault.
		events(ctx, cl, seen)
		wait(cfg.Gap/2 + time.Duration(in.r.Int64N(int64(cfg.Gap)+1)))
	}
	wait(time.Until(end))
	close(stop)
	wg.Wait()
	workEnd := time.Now()
	for i := range res.Faults {
		next := workEnd
		if i+1 < len(res.Faults) {
			next = res.Faults[i+1].At
		}
		res.Faults[i].Stall = clock.stallAfter(res.Faults[i].At, next)
	}
	res.Writes, res.Acked, res.WriteErr, res.WaitShrt = cnt.writes.Load(), cnt.acked.Load(), cnt.writeErrs.Load(), cnt.waitShort.Load()
	res.Reads, res.ReadErr = cnt.reads.Load(), cnt.readErrs.Load()
	res.Queries, res.QueryErr, res.QueryDup = cnt.queries.Load(), cnt.queryErrs.Load(), cnt.queryDups.Load()
	if ctx.Err() != nil {
		return res, ctx.Err()
	}

	fmt.Fprintf(log, "workload done (%d writes acknowledged); checking ...\n", res.Acked)
	leds := make([]ledger, len(writers))
	for i, w := range writers {
		leds[i] = w.led
	}
	res.Checks = check(ctx, cfg, cl, leds)
	events(ctx, cl, seen)
	res.Events = map[string]int{}
	for _, k := range seen {
		res.Events[k]++
	}
	res.Failures = res.Checks.Failed(cfg.RecallFloor)
	if res.QueryDup > 0 {
		res.Failures = append(res.Failures, fmt.Sprintf("%d documents came twice in one KNN answer", res.QueryDup))
	}
	for _, f := range res.Faults {
		if f.Err != nil {
			res.Failures = append(res.Failures, fmt.Sprintf("%s of %s at %s: %v", f.Kind, f.Node, f.At.Format("15:04:05"), f.Err))
		}
	}
	return res, nil
}

// createIndex creates the FT index through the proxy.
func createIndex(ctx context.Context, cfg Config, addr string) error {
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, ReadTimeout: 10 * time.Second})
	defer c.Close()
	return until(ctx, 30*time.Second, func() error {
		err := c.Do(ctx, "FT.CREATE", indexName, "ON", "HASH", "PREFIX", "1", docPrefix, "SCHEMA", "emb", "VECTOR", "HNSW", "8",
			"TYPE", "FLOAT32", "DIM", fmt.Sprint(cfg.Dim), "DISTANCE_METRIC", "L2", "EF_RUNTIME", "100").Err()
		if err != nil && err.Error() == "Index already exists" {
			return nil
		}
		return err
	})
}

// events adds every running node's CLUSTER EVENTS (splits, merges,
// failovers, ...) to seen, by id.
func events(ctx context.Context, cl *cluster, seen map[string]string) {
	for _, n := range cl.nodes {
		if !n.running() || n.isPaused() {
			continue
		}
		for _, e := range eventList(ctx, n.addr, 1000) {
			if id, _ := e["id"].(string); id != "" {
				seen[id], _ = e["kind"].(string)
			}
		}
	}
}

// WriteSummary prints the summary table: faults by kind with the longest
// stall, the workload, and the checks.
func (r *Result) WriteSummary(w io.Writer, floor float64) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "fault\tinjected\tlongest write stall\tslowest heal\tproblems\t")
	byKind := map[string][]FaultRecord{}
	var kinds []string
	for _, f := range r.Faults {
		if byKind[f.Kind] == nil {
			kinds = append(kinds, f.Kind)
		}
		byKind[f.Kind] = append(byKind[f.Kind], f)
	}
	sort.Strings(kinds)
	var longest time.Duration
	for _, k := range kinds {
		var stall, heal time.Duration
		bad := 0
		for _, f := range byKind[k] {
			stall, heal = max(stall, f.Stall), max(heal, f.Healthy)
			if f.Err != nil {
				bad++
			}
		}
		longest = max(longest, stall)
		fmt.Fprintf(tw, "%s\t%d\t%.1fs\t%.1fs\t%d\t\n", k, len(byKind[k]), stall.Seconds(), heal.Seconds(), bad)
	}
	tw.Flush()
	for _, s := range r.Skipped {
		fmt.Fprintln(w, "not injected:", s)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "per fault (stall: how long acknowledged writes stopped after it):")
	for _, f := range r.Faults {
		fmt.Fprintf(w, "  %s %-13s %-5s stall %5.2fs healthy after %5.1fs %s\n", f.At.Format("15:04:05"), f.Kind, f.Node, f.Stall.Seconds(), f.Healthy.Seconds(), f.Note)
	}
	fmt.Fprintln(w)
	c := r.Checks
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "writes tried\t%d\t(%d failed, %d not acknowledged by WAIT 1)\n", r.Writes, r.WriteErr, r.WaitShrt)
	fmt.Fprintf(tw, "writes acknowledged\t%d\t\n", r.Acked)
	fmt.Fprintf(tw, "reads\t%d\t(%d failed, %d stale)\n", r.Reads, r.ReadErr, len(r.Stale))
	fmt.Fprintf(tw, "KNN queries\t%d\t(%d failed, %d duplicate documents)\n", r.Queries, r.QueryErr, r.QueryDup)
	fmt.Fprintf(tw, "longest write stall\t%.1fs\t\n", longest.Seconds())
	if c != nil {
		fmt.Fprintf(tw, "keys checked\t%d\t(last acknowledged a write: %d, a DEL: %d; settled in %.1fs)\n", c.Acked+c.AckedDels, c.Acked, c.AckedDels, c.Settle.Seconds())
		var fams []string
		for k, n := range c.Families {
			fams = append(fams, fmt.Sprintf("%s %d", k, n))
		}
		sort.Strings(fams)
		fmt.Fprintf(tw, "keys by type\t%s\t\n", strings.Join(fams, ", "))
		fmt.Fprintf(tw, "lost\t%d\t\n", len(c.Lost))
		fmt.Fprintf(tw, "resurrected\t%d\t\n", len(c.Resurrected))
		fmt.Fprintf(tw, "duplicated (SCAN)\t%d\t\n", len(c.Duplicated))
		fmt.Fprintf(tw, "FT num_docs / documents\t%d / %d\t\n", c.NumDocs, c.Docs)
		fmt.Fprintf(tw, "recall@10\t%.3f\t(floor %.2f)\n", c.Recall, floor)
		slots := "one owner each, all nodes agree"
		if c.SlotErr != nil {
			slots = c.SlotErr.Error()
		}
		fmt.Fprintf(tw, "slots\t%s\t\n", slots)
	}
	var evs []string
	for k, n := range r.Events {
		evs = append(evs, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(evs)
	fmt.Fprintf(tw, "cluster events\t%v\t\n", evs)
	tw.Flush()
	list := func(title string, xs []string) {
		if len(xs) == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s (%d):\n", title, len(xs))
		for i, x := range xs {
			if i == 20 {
				fmt.Fprintf(w, "  ... and %d more\n", len(xs)-20)
				break
			}
			fmt.Fprintln(w, " ", x)
		}
	}
	if c != nil {
		list("LOST acknowledged writes", c.Lost)
		list("RESURRECTED after an acknowledged DEL", c.Resurrected)
		list("DUPLICATED keys", c.Duplicated)
	}
	list("stale reads", r.Stale)
	if len(r.Failures) > 0 {
		list("FAILED", r.Failures)
	} else {
		fmt.Fprintln(w, "\nPASSED")
	}
}

// Command ftsearch measures FT.SEARCH over RESP: it loads a bench/data
// dataset into a running vcache as hashes under an HNSW index, then runs
// KNN queries (k = 10) from each number of concurrent clients at each
// EF_RUNTIME, -rounds times, and prints one JSON line per measurement:
// QPS, p50/p99 latency and recall@10 against the exact ground truth, and,
// with -pid, the server's QPS per CPU second (utime+stime from
// /proc/PID/stat). bench/peers/at_recall.py reads the lines.
//
//	go run ./bench/ftsearch -addr 127.0.0.1:6379 -data bench/data/glove-100 -clients 1,8 -ef 60,80,100,120,160 -rounds 3
package main

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/bench/load"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "vcache (or proxy) address")
	data := flag.String("data", "bench/data/glove-100", "dataset directory")
	clients := flag.String("clients", "8", "numbers of concurrent clients to measure, comma-separated")
	efs := flag.String("ef", "40,80,160", "EF_RUNTIME values to measure")
	rounds := flag.Int("rounds", 1, "times to measure each (clients, ef) pair, rounds outermost")
	pid := flag.Int("pid", 0, "the server's process id, for its CPU per query (0: not measured)")
	skipLoad := flag.Bool("skip-load", false, "reuse an index loaded by an earlier run")
	flag.Parse()
	if err := run(*addr, *data, *clients, *efs, *rounds, *pid, *skipLoad); err != nil {
		fmt.Fprintln(os.Stderr, "ftsearch:", err)
		os.Exit(1)
	}
}

// cpuSeconds is the utime+stime of process pid, in seconds (0 when pid is 0
// or unreadable).
func cpuSeconds(pid int) float64 {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	k, _ := strconv.ParseFloat(f[12], 64)
	return (u + k) / 100 // USER_HZ is 100 on Linux
}

func ints(list string) []int {
	var out []int
	for _, f := range strings.Split(list, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

func run(addr, dir string, clientList, efList string, rounds, pid int, skipLoad bool) error {
	ctx := context.Background()
	base, dim, err := load.ReadVecs(filepath.Join(dir, "base.fvecs"))
	if err != nil {
		return err
	}
	queries, _, err := load.ReadVecs(filepath.Join(dir, "query.fvecs"))
	if err != nil {
		return err
	}
	gtRaw, _, err := load.ReadVecs(filepath.Join(dir, "gt.ivecs"))
	if err != nil {
		return err
	}
	metric := "L2"
	if m, _ := os.ReadFile(filepath.Join(dir, "metric")); strings.TrimSpace(string(m)) == "cosine" {
		metric = "COSINE"
	}
	maxClients := 1
	for _, n := range ints(clientList) {
		maxClients = max(maxClients, n)
	}
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, PoolSize: maxClients + 2})
	defer c.Close()
	if !skipLoad {
		c.Do(ctx, "FT.DROPINDEX", "bench", "DD")
		if err := c.Do(ctx, "FT.CREATE", "bench", "ON", "HASH", "PREFIX", "1", "v:", "SCHEMA", "emb", "VECTOR", "HNSW", "10",
			"TYPE", "FLOAT32", "DIM", dim, "DISTANCE_METRIC", metric, "M", 16, "EF_CONSTRUCTION", 200).Err(); err != nil {
			return fmt.Errorf("FT.CREATE: %w", err)
		}
		start := time.Now()
		for s := 0; s < len(base); s += 1000 {
			pipe := c.Pipeline()
			for i := s; i < min(s+1000, len(base)); i++ {
				pipe.HSet(ctx, "v:"+strconv.Itoa(i), "emb", base[i])
			}
			if _, err := pipe.Exec(ctx); err != nil {
				return err
			}
		}
		load := time.Since(start).Seconds()
		fmt.Fprintf(os.Stderr, "loaded %d vectors in %.1f s (%.0f/s)\n", len(base), load, float64(len(base))/load)
	}
	for round := 1; round <= rounds; round++ {
		for _, clients := range ints(clientList) {
			for _, ef := range ints(efList) {
				if err := measure(ctx, c, dir, queries, gtRaw, clients, ef, round, pid); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// measure runs every query once from clients concurrent clients at
// EF_RUNTIME ef and prints the JSON line.
func measure(ctx context.Context, c *redis.Client, dir string, queries, gtRaw [][]byte, clients, ef, round, pid int) error {
	lat := make([]time.Duration, len(queries))
	found := make([][]int, len(queries))
	var wg sync.WaitGroup
	var next sync.Mutex
	qi := 0
	var failed error
	cpu0 := cpuSeconds(pid)
	start := time.Now()
	for w := 0; w < clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				next.Lock()
				i := qi
				qi++
				next.Unlock()
				if i >= len(queries) {
					return
				}
				t := time.Now()
				res, err := c.Do(ctx, "FT.SEARCH", "bench", "*=>[KNN 10 @emb $B EF_RUNTIME $EF]", "PARAMS", "4", "B", queries[i], "EF", ef,
					"NOCONTENT", "DIALECT", "2").Slice()
				lat[i] = time.Since(t)
				if err != nil {
					next.Lock()
					failed = fmt.Errorf("FT.SEARCH: %w", err)
					qi = len(queries)
					next.Unlock()
					return
				}
				for _, k := range res[1:] {
					id, _ := strconv.Atoi(strings.TrimPrefix(k.(string), "v:"))
					found[i] = append(found[i], id)
				}
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start).Seconds()
	cpu := cpuSeconds(pid) - cpu0
	if failed != nil {
		return failed
	}
	sort.Slice(lat, func(a, b int) bool { return lat[a] < lat[b] })
	var rec float64
	for i, f := range found {
		want := map[int]bool{}
		for j := 0; j < 10; j++ {
			want[int(int32(binary.LittleEndian.Uint32(gtRaw[i][4*j:])))] = true
		}
		hit := 0
		for _, id := range f {
			if want[id] {
				hit++
			}
		}
		rec += float64(hit) / 10
	}
	line := map[string]any{"dataset": filepath.Base(dir), "engine": fmt.Sprintf("vcache FT.SEARCH over RESP, clients=%d", clients),
		"clients": clients, "round": round, "param": fmt.Sprintf("ef=%d", ef), "recall": rec / float64(len(queries)),
		"qps": float64(len(queries)) / wall, "p50_ms": ms(lat[len(lat)/2]), "p99_ms": ms(lat[len(lat)*99/100])}
	if cpu > 0 {
		line["cpu_qps"] = float64(len(queries)) / cpu
		line["server_cpu_us_per_query"] = cpu * 1e6 / float64(len(queries))
	}
	out, _ := json.Marshal(line)
	fmt.Println(string(out))
	return nil
}

func ms(d time.Duration) float64 { return math.Round(float64(d.Microseconds())/10) / 100 }

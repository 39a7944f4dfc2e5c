// Command memlimit loads 128-d vectors through HSET into an FT index of a
// running vcache node until the node refuses with OOM (noeviction) or up
// to -n documents (eviction policies), and reports the node's RSS against
// its maxmemory with INFO memory and FT.INFO figures. With -mix it loads
// every kind of key instead, interleaved (mix.go). bench/memlimit.sh
// starts the servers and runs it.
package main

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "vcache node")
	dim := flag.Int("dim", 128, "vector dimension")
	n := flag.Int("n", 300000, "most documents to load")
	batch := flag.Int("batch", 100, "HSETs per pipeline")
	alg := flag.String("alg", "HNSW", "index algorithm: HNSW, FLAT or IVFFLAT")
	timeout := flag.Duration("timeout", 5*time.Minute, "stop loading after this long")
	ttl := flag.Duration("ttl", 0, "give every document this TTL (for the volatile-* policies); 0: none")
	mix := flag.Bool("mix", false, "load strings, hashes under HNSW and FLAT indexes, indexed JSON, lists, sets, sorted sets, streams and vector sets, interleaved (-n counts writes; -ttl gives each key a TTL between ttl and twice that)")
	pid := flag.Int("pid", 0, "the node's process id, to read its peak RSS (VmHWM) at the end (-mix)")
	skip := flag.String("skip", "", "-mix: leave out the kinds of these key prefixes (comma-separated: s:,h:,f:,l:,t:,z:,x:,v:,w:,j:)")
	flag.Parse()
	skipped := map[string]bool{}
	for _, p := range strings.Split(*skip, ",") {
		if p != "" {
			skipped[p] = true
		}
	}
	var err error
	if *mix {
		err = runMix(*addr, *dim, *n, *batch, *timeout, *ttl, *pid, skipped)
	} else {
		err = run(*addr, *dim, *n, *batch, *alg, *timeout, *ttl)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "memlimit:", err)
		os.Exit(1)
	}
}

func run(addr string, dim, n, batch int, alg string, timeout, ttl time.Duration) error {
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: 2, MaxRetries: -1, ReadTimeout: time.Minute})
	defer c.Close()
	args := []any{"FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "genre", "TAG",
		"emb", "VECTOR", alg, 6, "TYPE", "FLOAT32", "DIM", dim, "DISTANCE_METRIC", "L2"}
	if alg == "IVFFLAT" {
		args[13] = 8
		args = append(args, "LISTS", 64)
	}
	// The empty process's RSS (executable pages, runtime, command
	// table): the fixed floor the goal "RSS within 1.3x maxmemory plus a
	// fixed floor" allows.
	m0, err := info(ctx, c)
	if err != nil {
		return err
	}
	floor := m0["used_memory_rss"]
	if err := c.Do(ctx, args...).Err(); err != nil {
		return fmt.Errorf("FT.CREATE: %w", err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	blob := make([]byte, 4*dim)
	deadline := time.Now().Add(timeout)
	var peakRSS int64
	var slowest time.Duration
	var lat []time.Duration
	loaded, oom := 0, false
	// Loading rate before eviction starts and after, in the same run: the
	// first INFO that shows evicted keys splits the run in two.
	start := time.Now()
	var evictAt time.Time
	evictLoaded := 0
	for loaded < n && !oom && time.Now().Before(deadline) {
		pipe := c.Pipeline()
		cmds := make([]*redis.IntCmd, 0, batch)
		for i := 0; i < batch && loaded+i < n; i++ {
			for j := 0; j < dim; j++ {
				binary.LittleEndian.PutUint32(blob[4*j:], math.Float32bits(r.Float32()*2-1))
			}
			k := loaded + i
			key := fmt.Sprintf("doc:%d", k)
			cmds = append(cmds, pipe.HSet(ctx, key, "genre", fmt.Sprintf("g%d", k%10), "emb", string(blob)))
			if ttl > 0 {
				pipe.Expire(ctx, key, ttl)
			}
		}
		t0 := time.Now()
		pipe.Exec(ctx)
		took := time.Since(t0)
		slowest = max(slowest, took)
		lat = append(lat, took)
		for _, cmd := range cmds {
			switch err := cmd.Err(); {
			case err == nil:
				loaded++
			case strings.HasPrefix(err.Error(), "OOM "):
				oom = true
			default:
				return fmt.Errorf("HSET: %w", err)
			}
		}
		if loaded%(10*batch) < batch || oom {
			m, err := info(ctx, c)
			if err != nil {
				return err
			}
			peakRSS = max(peakRSS, m["used_memory_rss"])
			if evictAt.IsZero() && m["evicted_keys"] > 0 {
				evictAt, evictLoaded = time.Now(), loaded
			}
		}
	}
	end := time.Now()
	m, err := info(ctx, c)
	if err != nil {
		return err
	}
	peakRSS = max(peakRSS, m["used_memory_rss"])
	policy, err := c.ConfigGet(ctx, "maxmemory-policy").Result()
	if err != nil {
		return err
	}
	docs, vecMB, err := ftInfo(ctx, c)
	if err != nil {
		return err
	}
	mb := func(b int64) float64 { return float64(b) / (1 << 20) }
	maxmem := m["maxmemory"]
	fmt.Printf("policy %s, maxmemory %.1f MB, %s %d-d: %d HSETs accepted, OOM: %v, evicted %d\n",
		policy["maxmemory-policy"], mb(maxmem), alg, dim, loaded, oom, m["evicted_keys"])
	slices.Sort(lat)
	var p50, p99 time.Duration
	if len(lat) > 0 {
		p50, p99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	fmt.Printf("  pipelines of %d HSETs: slowest %v, p99 %v, median %v (slowest/median %.0fx)\n", batch,
		slowest.Round(time.Millisecond), p99.Round(time.Millisecond), p50.Round(100*time.Microsecond), float64(slowest)/float64(max(p50, 1)))
	if !evictAt.IsZero() && end.Sub(evictAt) > 0 {
		before := float64(evictLoaded) / evictAt.Sub(start).Seconds()
		after := float64(loaded-evictLoaded) / end.Sub(evictAt).Seconds()
		fmt.Printf("  documents/s: %.0f until eviction started, %.0f while evicting (%.2fx)\n", before, after, after/before)
	}
	fmt.Printf("  RSS %.1f MB (peak seen %.1f MB, %.2fx maxmemory); Go heap %.1f MB in use, %.1f MB from the OS\n",
		mb(m["used_memory_rss"]), mb(peakRSS), float64(peakRSS)/float64(max(maxmem, 1)), mb(m["go_heap_alloc"]), mb(m["go_heap_sys"]))
	fmt.Printf("  peak RSS - 1.3x maxmemory = %.1f MB: the floor this run needs (the empty process's RSS is %.1f MB); above the empty process %.2fx maxmemory\n",
		mb(peakRSS-maxmem*13/10), mb(floor), float64(peakRSS-floor)/float64(max(maxmem, 1)))
	fmt.Printf("  Go memory limit %.1f MB\n", mb(m["go_memory_limit"]))
	fmt.Printf("  used_memory %.2f MB = dataset %.2f MB + vector %.2f MB; FT.INFO num_docs %d, vector_index_sz_mb %.2f\n",
		mb(m["used_memory"]), mb(m["used_memory_dataset"]), mb(m["used_memory_vector"]), docs, vecMB)
	return nil
}

// info reads INFO memory and stats' integer fields.
func info(ctx context.Context, c *redis.Client) (map[string]int64, error) {
	s, err := c.Info(ctx, "memory", "stats").Result()
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, line := range strings.Split(s, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			if x, err := strconv.ParseInt(v, 10, 64); err == nil {
				out[k] = x
			}
		}
	}
	return out, nil
}

// ftInfo reads FT.INFO idx's num_docs and vector_index_sz_mb.
func ftInfo(ctx context.Context, c *redis.Client) (docs int64, vecMB float64, err error) {
	return ftInfoOf(ctx, c, "idx")
}

// ftInfoOf reads FT.INFO's num_docs and vector_index_sz_mb of index name.
func ftInfoOf(ctx context.Context, c *redis.Client, name string) (docs int64, vecMB float64, err error) {
	v, err := c.Do(ctx, "FT.INFO", name).Slice()
	if err != nil {
		return 0, 0, err
	}
	for i := 0; i+1 < len(v); i += 2 {
		switch v[i] {
		case "num_docs": // a double: a string in RESP2
			switch n := v[i+1].(type) {
			case int64:
				docs = n
			case string:
				docs, _ = strconv.ParseInt(n, 10, 64)
			}
		case "vector_index_sz_mb":
			s, _ := v[i+1].(string)
			vecMB, err = strconv.ParseFloat(s, 64)
		}
	}
	if err == nil && docs == 0 && vecMB == 0 {
		err = fmt.Errorf("FT.INFO %s: no num_docs", name)
	}
	return docs, vecMB, err
}

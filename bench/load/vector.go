package load

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// VectorConfig is one vector search load: N random vectors stored as
// hashes under an FT index, then Queries KNN searches from Clients
// connections, with recall@K against an exact search done here.
type VectorConfig struct {
	Addr, Password string
	Index          string
	Algorithm      string // HNSW, FLAT or IVFFLAT
	N, Dim, K      int
	Queries        int
	Clients        int
	EF             int // EF_RUNTIME for HNSW (0: the index's default)
	Seed           uint64
}

// DefaultVectorConfig is a small load that runs in seconds.
func DefaultVectorConfig() VectorConfig {
	return VectorConfig{Index: "benchvec", Algorithm: "HNSW", N: 10000, Dim: 64, K: 10, Queries: 500, Clients: 4, Seed: 1}
}

// VectorResult is the outcome.
type VectorResult struct {
	Algorithm string        `json:"algorithm"`
	N         int           `json:"n"`
	Dim       int           `json:"dim"`
	K         int           `json:"k"`
	LoadSec   float64       `json:"load_s"`
	Queries   int           `json:"queries"`
	EF        int           `json:"ef_runtime,omitempty"`
	QPS       float64       `json:"qps"`
	Recall    float64       `json:"recall"`
	P50       time.Duration `json:"p50_ns"`
	P99       time.Duration `json:"p99_ns"`
}

func blob(v []float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return string(b)
}

// RunVector loads the vectors, runs the queries and measures recall.
func RunVector(ctx context.Context, cfg VectorConfig) (VectorResult, error) {
	res, err := RunVectorSweep(ctx, cfg, []int{cfg.EF})
	if len(res) == 0 {
		return VectorResult{}, err
	}
	return res[0], err
}

// RunVectorSweep loads the vectors once and runs the queries at each
// search breadth of efs (EF_RUNTIME for HNSW, PROBES for IVFFLAT; 0: the
// index's default), a result for each.
func RunVectorSweep(ctx context.Context, cfg VectorConfig, efs []int) ([]VectorResult, error) {
	if cfg.N < cfg.K || cfg.Dim < 1 || cfg.K < 1 || cfg.Queries < 1 || cfg.Clients < 1 || len(efs) == 0 {
		return nil, errors.New("need n >= k >= 1, dim >= 1, queries >= 1, clients >= 1 and an EF")
	}
	rnd := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed+1))
	gauss := func() []float32 {
		v := make([]float32, cfg.Dim)
		for i := range v {
			v[i] = float32(rnd.NormFloat64())
		}
		return v
	}
	data := make([][]float32, cfg.N)
	for i := range data {
		data[i] = gauss()
	}
	queries := make([][]float32, cfg.Queries)
	for i := range queries {
		queries[i] = gauss()
	}
	c := redis.NewClient(&redis.Options{Addr: cfg.Addr, Protocol: 2, Password: cfg.Password, PoolSize: cfg.Clients + 1,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second})
	defer c.Close()
	prefix := cfg.Index + ":"
	_ = c.Do(ctx, "FT.DROPINDEX", cfg.Index, "DD").Err() // a previous run's
	args := []any{"FT.CREATE", cfg.Index, "ON", "HASH", "PREFIX", "1", prefix, "SCHEMA", "v", "VECTOR", cfg.Algorithm,
		"6", "TYPE", "FLOAT32", "DIM", cfg.Dim, "DISTANCE_METRIC", "L2"}
	if err := c.Do(ctx, args...).Err(); err != nil {
		return nil, fmt.Errorf("FT.CREATE: %w", err)
	}
	start := time.Now()
	for lo := 0; lo < cfg.N; lo += 500 {
		p := c.Pipeline()
		for i := lo; i < min(lo+500, cfg.N); i++ {
			p.HSet(ctx, prefix+strconv.Itoa(i), "v", blob(data[i]))
		}
		if _, err := p.Exec(ctx); err != nil {
			return nil, fmt.Errorf("HSET: %w", err)
		}
	}
	loadSec := time.Since(start).Seconds()
	truth := exactKNN(data, queries, cfg.K, prefix)
	var out []VectorResult
	for _, ef := range efs {
		res := VectorResult{Algorithm: cfg.Algorithm, N: cfg.N, Dim: cfg.Dim, K: cfg.K, Queries: cfg.Queries,
			LoadSec: loadSec, EF: ef}
		res, err := searchAll(ctx, c, cfg, ef, queries, truth, res)
		if err != nil {
			return out, err
		}
		out = append(out, res)
	}
	return out, c.Do(ctx, "FT.DROPINDEX", cfg.Index, "DD").Err()
}

// exactKNN returns, for each query, the keys (prefix and index in data)
// of its k nearest vectors of data by L2 distance, by brute force.
func exactKNN(data, queries [][]float32, k int, prefix string) []map[string]bool {
	truth := make([]map[string]bool, len(queries))
	type hit struct {
		i int
		d float64
	}
	hits := make([]hit, len(data))
	for qi, q := range queries {
		for i, v := range data {
			var d float64
			for j := range v {
				x := float64(v[j] - q[j])
				d += x * x
			}
			hits[i] = hit{i, d}
		}
		sort.Slice(hits, func(a, b int) bool { return hits[a].d < hits[b].d })
		truth[qi] = map[string]bool{}
		for _, h := range hits[:k] {
			truth[qi][prefix+strconv.Itoa(h.i)] = true
		}
	}
	return truth
}

// searchAll runs the queries from cfg.Clients clients at ef and fills in
// res's throughput, recall and latencies.
func searchAll(ctx context.Context, c *redis.Client, cfg VectorConfig, ef int, queries [][]float32,
	truth []map[string]bool, res VectorResult) (VectorResult, error) {
	knn := fmt.Sprintf("*=>[KNN %d @v $q]", cfg.K)
	switch {
	case ef > 0 && cfg.Algorithm == "HNSW":
		knn = fmt.Sprintf("*=>[KNN %d @v $q EF_RUNTIME %d]", cfg.K, ef)
	case ef > 0 && cfg.Algorithm == "IVFFLAT":
		knn = fmt.Sprintf("*=>[KNN %d @v $q PROBES %d]", cfg.K, ef)
	}
	var mu sync.Mutex
	var hist Hist
	found := 0
	var firstErr error
	var wg sync.WaitGroup
	next := make(chan int, cfg.Queries)
	for i := range queries {
		next <- i
	}
	close(next)
	start := time.Now()
	for w := 0; w < cfg.Clients; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var h Hist
			hits := 0
			for qi := range next {
				t0 := time.Now()
				r, err := c.Do(ctx, "FT.SEARCH", cfg.Index, knn, "PARAMS", "2", "q", blob(queries[qi]),
					"NOCONTENT", "LIMIT", "0", cfg.K, "DIALECT", "2").Slice()
				h.Add(time.Since(t0))
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				for _, k := range r[1:] {
					if s, ok := k.(string); ok && truth[qi][s] {
						hits++
					}
				}
			}
			mu.Lock()
			hist.Merge(&h)
			found += hits
			mu.Unlock()
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return res, fmt.Errorf("FT.SEARCH: %w", firstErr)
	}
	res.QPS = float64(cfg.Queries) / time.Since(start).Seconds()
	res.Recall = float64(found) / float64(cfg.K*cfg.Queries)
	res.P50, res.P99 = hist.Percentile(0.5), hist.Percentile(0.99)
	return res, nil
}

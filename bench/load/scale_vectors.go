package load

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync/atomic"

	"github.com/redis/go-redis/v9"
)

// The vector documents of a scale run (ScaleConfig.Vectors): hashes
// vdoc:0 … with a FLOAT32 vector under one HNSW index, written through the
// proxy before the first step, so that the shards that split hold them.
// The clients then send a KNN query now and then among their reads and
// writes, and a probe reads, once a second, recall@10 of a fixed query set
// against brute force and FT.INFO's num_docs (the proxy's sum over the
// shards): both must stay what they were before the splits.

const (
	scaleIndex   = "vscale"
	scalePrefix  = "vdoc:"
	scaleQueries = 20
	scaleK       = 10
)

// scaleVectors is the data set and its exact answers.
type scaleVectors struct {
	dim     int
	docs    [][]float32
	queries [][]float32
	truth   []map[string]bool
	knn     string
	// recall and numDocs are the probe's last readings (recall ×1e6; -1:
	// not read yet).
	recall, numDocs atomic.Int64
	// failed is the probe's last error, if any.
	failed atomic.Pointer[error]
}

// newScaleVectors makes n vectors of dim around 20 centres and the
// queries near the same centres (seeded: every run has the same), and
// computes each query's exact 10 nearest; the KNN queries search with
// EF_RUNTIME ef (a narrow search's recall varies from graph to graph by
// more than a split could move it).
func newScaleVectors(n, dim, ef int) *scaleVectors {
	rng := rand.New(rand.NewPCG(20, 26))
	centres := make([][]float32, 20)
	for i := range centres {
		centres[i] = make([]float32, dim)
		for j := range centres[i] {
			centres[i][j] = float32(rng.NormFloat64() * 4)
		}
	}
	near := func() []float32 {
		c := centres[rng.IntN(len(centres))]
		v := make([]float32, dim)
		for j := range v {
			v[j] = c[j] + float32(rng.NormFloat64())
		}
		return v
	}
	v := &scaleVectors{dim: dim, knn: fmt.Sprintf("*=>[KNN %d @v $q EF_RUNTIME %d]", scaleK, ef)}
	for range n {
		v.docs = append(v.docs, near())
	}
	for range scaleQueries {
		v.queries = append(v.queries, near())
	}
	v.truth = exactKNN(v.docs, v.queries, scaleK, scalePrefix)
	v.recall.Store(-1)
	v.numDocs.Store(-1)
	return v
}

// load creates the index and writes the documents through c, pipelined
// 1,000 a round.
func (v *scaleVectors) load(ctx context.Context, c *redis.Client) error {
	if err := c.Do(ctx, "FT.CREATE", scaleIndex, "ON", "HASH", "PREFIX", "1", scalePrefix, "SCHEMA",
		"v", "VECTOR", "HNSW", "6", "TYPE", "FLOAT32", "DIM", v.dim, "DISTANCE_METRIC", "L2").Err(); err != nil {
		return fmt.Errorf("FT.CREATE: %w", err)
	}
	for lo := 0; lo < len(v.docs); lo += 1000 {
		p := c.Pipeline()
		for i := lo; i < min(lo+1000, len(v.docs)); i++ {
			p.HSet(ctx, scalePrefix+strconv.Itoa(i), "v", blob(v.docs[i]))
		}
		if _, err := p.Exec(ctx); err != nil {
			return fmt.Errorf("HSET: %w", err)
		}
	}
	return nil
}

// query runs KNN 10 of query qi through c and returns the keys found.
func (v *scaleVectors) query(ctx context.Context, c *redis.Client, qi int) ([]string, error) {
	r, err := c.Do(ctx, "FT.SEARCH", scaleIndex, v.knn, "PARAMS", "2", "q", blob(v.queries[qi]),
		"NOCONTENT", "LIMIT", "0", scaleK, "DIALECT", "2").Slice()
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, k := range r[1:] {
		if s, ok := k.(string); ok {
			keys = append(keys, s)
		}
	}
	return keys, nil
}

// probe reads recall@10 over the query set and num_docs through c, and
// keeps them for the second's row; a failed reading leaves -1.
func (v *scaleVectors) probe(ctx context.Context, c *redis.Client) {
	hits := 0
	for qi := range v.queries {
		keys, err := v.query(ctx, c, qi)
		if err != nil {
			v.failed.Store(&err)
			v.recall.Store(-1)
			hits = -1
			break
		}
		for _, k := range keys {
			if v.truth[qi][k] {
				hits++
			}
		}
	}
	if hits >= 0 {
		v.recall.Store(int64(hits) * 1e6 / int64(len(v.queries)*scaleK))
	}
	info, err := c.Do(ctx, "FT.INFO", scaleIndex).Slice()
	if err != nil {
		v.failed.Store(&err)
	}
	n := int64(-1)
	if err == nil {
		for i := 0; i+1 < len(info); i += 2 {
			if info[i] == "num_docs" {
				switch d := info[i+1].(type) {
				case string:
					if f, err := strconv.ParseFloat(d, 64); err == nil {
						n = int64(f)
					}
				case int64:
					n = d
				}
			}
		}
	}
	v.numDocs.Store(n)
}

package rag

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// StoreConfig names the index and key prefix the chunks live under.
type StoreConfig struct {
	// Index is the FT index's name.
	Index string
	// Prefix starts every chunk's key: <Prefix><source>:<n>.
	Prefix string
	// Pipeline is how many HSETs are sent before their replies are read.
	Pipeline int
}

// DefaultStoreConfig returns index "rag" over keys "chunk:...".
func DefaultStoreConfig() StoreConfig {
	return StoreConfig{Index: "rag", Prefix: "chunk:", Pipeline: 256}
}

// Validate reports the first invalid field.
func (c StoreConfig) Validate() error {
	switch {
	case c.Index == "" || strings.ContainsAny(c.Index, " \t\r\n"):
		return fmt.Errorf("index name %q must be one non-empty word", c.Index)
	case c.Prefix == "":
		return errors.New("key prefix must not be empty")
	case c.Pipeline < 1:
		return errors.New("pipeline depth must be at least 1")
	}
	return nil
}

// Chunk is one stored piece of a document.
type Chunk struct {
	// Source names the document (a path relative to what was ingested).
	Source string
	// N is the chunk's position in its document, from 0.
	N int
	// Text is the chunk's text.
	Text string
	// Vector is its embedding.
	Vector []float32
}

// Hit is one search result.
type Hit struct {
	// Key is the chunk's hash key.
	Key string `json:"key"`
	// Source and Chunk say where the text comes from.
	Source string `json:"source"`
	Chunk  int    `json:"chunk"`
	// Score is the cosine distance to the query (0 = same direction, 2 =
	// opposite); results come nearest first.
	Score float64 `json:"score"`
	// Text is the chunk's text.
	Text string `json:"text"`
}

// Store keeps chunks in vcache (or any server speaking the RediSearch
// dialect) through a go-redis client it does not own.
type Store struct {
	cfg StoreConfig
	rdb redis.UniversalClient
}

// NewStore returns a store using rdb.
func NewStore(rdb redis.UniversalClient, cfg StoreConfig) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Store{cfg: cfg, rdb: rdb}, nil
}

// Key returns the hash key of chunk n of source.
func (s *Store) Key(source string, n int) string {
	return s.cfg.Prefix + source + ":" + strconv.Itoa(n)
}

// EnsureIndex creates the index (HNSW, cosine, dim dimensions) over the
// store's prefix unless an index of that name exists; an existing index
// of another dimension is an error, since its vectors could not be
// compared with these.
func (s *Store) EnsureIndex(ctx context.Context, dim int) error {
	err := s.rdb.Do(ctx, "FT.CREATE", s.cfg.Index, "ON", "HASH", "PREFIX", 1, s.cfg.Prefix,
		"SCHEMA", "text", "TEXT", "source", "TAG", "chunk", "NUMERIC",
		"embedding", "VECTOR", "HNSW", 6, "TYPE", "FLOAT32", "DIM", dim, "DISTANCE_METRIC", "COSINE").Err()
	if err == nil {
		return nil
	}
	if !strings.Contains(err.Error(), "already exists") {
		return fmt.Errorf("FT.CREATE %s: %w", s.cfg.Index, err)
	}
	have, err := s.indexDim(ctx)
	if err != nil {
		return err
	}
	if have != 0 && have != dim {
		return fmt.Errorf("index %s holds %d-dimensional vectors but the embedder makes %d; use another --index or FT.DROPINDEX %s DD",
			s.cfg.Index, have, dim, s.cfg.Index)
	}
	return nil
}

// indexDim reads the vector field's dimension from FT.INFO (0 when it
// cannot be found).
func (s *Store) indexDim(ctx context.Context) (int, error) {
	v, err := s.rdb.Do(ctx, "FT.INFO", s.cfg.Index).Result()
	if err != nil {
		return 0, fmt.Errorf("FT.INFO %s: %w", s.cfg.Index, err)
	}
	return findDim(v), nil
}

// findDim looks for "dim"/"DIM" followed by a number anywhere in an FT.INFO
// reply.
func findDim(v any) int {
	list, ok := v.([]any)
	if !ok {
		if m, ok := v.(map[any]any); ok {
			for k, x := range m {
				list = append(list, k, x)
			}
		} else {
			return 0
		}
	}
	for i, x := range list {
		if name, ok := x.(string); ok && strings.EqualFold(name, "dim") && i+1 < len(list) {
			switch d := list[i+1].(type) {
			case int64:
				return int(d)
			case string:
				n, _ := strconv.Atoi(d)
				return n
			}
		}
		if d := findDim(x); d != 0 {
			return d
		}
	}
	return 0
}

// Put writes chunks as hashes (text, source, chunk, embedding) with
// pipelined HSETs, then deletes the chunks of each source numbered past its
// last one, left over from an earlier, longer version of the document.
func (s *Store) Put(ctx context.Context, chunks []Chunk) error {
	last := map[string]int{}
	for start := 0; start < len(chunks); start += s.cfg.Pipeline {
		pipe := s.rdb.Pipeline()
		for _, c := range chunks[start:min(start+s.cfg.Pipeline, len(chunks))] {
			pipe.HSet(ctx, s.Key(c.Source, c.N), "text", c.Text, "source", c.Source,
				"chunk", c.N, "embedding", Float32Bytes(c.Vector))
			last[c.Source] = max(last[c.Source], c.N)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("HSET: %w", err)
		}
	}
	for source, n := range last {
		for k := n + 1; ; k++ {
			gone, err := s.rdb.Del(ctx, s.Key(source, k)).Result()
			if err != nil {
				return fmt.Errorf("DEL: %w", err)
			}
			if gone == 0 {
				break
			}
		}
	}
	return nil
}

// Search returns the k chunks nearest to vec, nearest first.
func (s *Store) Search(ctx context.Context, vec []float32, k int) ([]Hit, error) {
	if k < 1 {
		return nil, errors.New("k must be at least 1")
	}
	q := fmt.Sprintf("*=>[KNN %d @embedding $vec AS score]", k)
	v, err := s.rdb.Do(ctx, "FT.SEARCH", s.cfg.Index, q, "PARAMS", 2, "vec", Float32Bytes(vec),
		"SORTBY", "score", "RETURN", 4, "text", "source", "chunk", "score",
		"LIMIT", 0, k, "DIALECT", 2).Result()
	if err != nil {
		return nil, fmt.Errorf("FT.SEARCH %s: %w", s.cfg.Index, err)
	}
	return parseHits(v)
}

// parseHits reads a RESP2 FT.SEARCH reply: total, then key and field list
// pairs.
func parseHits(v any) ([]Hit, error) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("FT.SEARCH: unexpected reply %T", v)
	}
	var hits []Hit
	for i := 1; i+1 < len(list); i += 2 {
		key, _ := list[i].(string)
		fields, _ := list[i+1].([]any)
		h := Hit{Key: key}
		for j := 0; j+1 < len(fields); j += 2 {
			name, _ := fields[j].(string)
			val, _ := fields[j+1].(string)
			switch name {
			case "text":
				h.Text = val
			case "source":
				h.Source = val
			case "chunk":
				h.Chunk, _ = strconv.Atoi(val)
			case "score":
				f, err := strconv.ParseFloat(val, 64)
				if err != nil {
					return nil, fmt.Errorf("FT.SEARCH: score %q of %s: %w", val, key, err)
				}
				h.Score = f
			}
		}
		hits = append(hits, h)
	}
	return hits, nil
}

// Float32Bytes encodes v as the FLOAT32 little-endian blob FT indexes read.
func Float32Bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

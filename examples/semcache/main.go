// Command semcache is a semantic cache of LLM answers: before asking the
// model, it looks for an earlier question that means nearly the same (a
// KNN 1 search on question embeddings) and reuses its answer; answers
// expire after a TTL, like any cached value.
//
//	go build -o vcache ./cmd/vcache && ./vcache dev   # another terminal: vcache on 127.0.0.1:6379
//	go run ./examples/semcache [host:port]
//
// To need no model, embed is a bag of hashed words and llm a lookup table;
// a real application calls an embedding model and an LLM instead.
package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"log"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

func main() {
	addr := "127.0.0.1:6379"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	c := &Cache{rdb: rdb, TTL: time.Hour, MaxDistance: 0.15}
	questions := []string{
		"What is the capital of France?",
		"what is the capital city of France",
		"How tall is Mount Everest?",
		"How tall is the Mount Everest?",
		"What is the capital of Spain?",
	}
	if err := run(context.Background(), c, questions, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// dim is the size of the question embeddings.
const dim = 256

// Cache stores answers under the embedding of their question.
type Cache struct {
	rdb *redis.Client
	// TTL is how long an answer is kept.
	TTL time.Duration
	// MaxDistance is the largest cosine distance at which an earlier
	// question counts as the same question.
	MaxDistance float64
	// LLMCalls counts the questions the cache could not answer.
	LLMCalls int
}

// Ask answers question from the cache when a near enough question was
// asked before, otherwise from the LLM, and caches that answer.
func (c *Cache) Ask(ctx context.Context, question string) (answer string, hit bool, dist float64, err error) {
	vec := embed(question)
	answer, dist, hit, err = c.lookup(ctx, vec)
	if err != nil || hit {
		return answer, hit, dist, err
	}
	c.LLMCalls++
	answer = llm(question)
	return answer, false, dist, c.store(ctx, question, vec, answer)
}

// ensureIndex creates the index of cached answers once.
func (c *Cache) ensureIndex(ctx context.Context) error {
	err := c.rdb.Do(ctx, "FT.CREATE", "semcache", "ON", "HASH", "PREFIX", 1, "semcache:",
		"SCHEMA", "question", "TEXT", "answer", "TEXT",
		"vec", "VECTOR", "HNSW", 6, "TYPE", "FLOAT32", "DIM", dim, "DISTANCE_METRIC", "COSINE").Err()
	if err != nil && !strings.Contains(err.Error(), "already exists") {
		return err
	}
	return nil
}

// lookup finds the nearest cached question; it is a hit when it lies
// within MaxDistance. dist is 2 (the largest) when the cache is empty.
func (c *Cache) lookup(ctx context.Context, vec []float32) (answer string, dist float64, hit bool, err error) {
	res, err := c.rdb.Do(ctx, "FT.SEARCH", "semcache", "*=>[KNN 1 @vec $q AS dist]",
		"PARAMS", 2, "q", floats(vec), "RETURN", 2, "answer", "dist", "DIALECT", 2).Slice()
	if err != nil {
		return "", 0, false, err
	}
	if len(res) < 3 {
		return "", 2, false, nil
	}
	fields := map[string]string{}
	kv, _ := res[2].([]any)
	for j := 0; j+1 < len(kv); j += 2 {
		fields[fmt.Sprint(kv[j])] = fmt.Sprint(kv[j+1])
	}
	dist, err = strconv.ParseFloat(fields["dist"], 64)
	if err != nil {
		return "", 0, false, fmt.Errorf("distance %q: %w", fields["dist"], err)
	}
	return fields["answer"], dist, dist <= c.MaxDistance, nil
}

// store caches answer under the question's embedding for TTL.
func (c *Cache) store(ctx context.Context, question string, vec []float32, answer string) error {
	h := fnv.New64a()
	h.Write([]byte(question))
	key := fmt.Sprintf("semcache:%x", h.Sum64())
	pipe := c.rdb.TxPipeline()
	pipe.HSet(ctx, key, "question", question, "answer", answer, "vec", floats(vec))
	pipe.Expire(ctx, key, c.TTL)
	_, err := pipe.Exec(ctx)
	return err
}

// run asks each question and prints whether the cache answered it.
func run(ctx context.Context, c *Cache, questions []string, out io.Writer) error {
	if err := c.ensureIndex(ctx); err != nil {
		return err
	}
	for _, q := range questions {
		answer, hit, dist, err := c.Ask(ctx, q)
		if err != nil {
			return err
		}
		how := "miss (asked the LLM)"
		if hit {
			how = fmt.Sprintf("hit  (distance %.3f)", dist)
		}
		fmt.Fprintf(out, "%-20s  %q -> %s\n", how, q, answer)
	}
	return nil
}

// llm stands in for a language model.
func llm(question string) string {
	q := strings.ToLower(question)
	switch {
	case strings.Contains(q, "france"):
		return "Paris."
	case strings.Contains(q, "spain"):
		return "Madrid."
	case strings.Contains(q, "everest"):
		return "8,849 metres."
	}
	return "I do not know."
}

// embed stands in for an embedding model: each word adds 1 to a dimension
// chosen by its hash, so questions sharing most words point the same way.
func embed(text string) []float32 {
	v := make([]float32, dim)
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !('a' <= r && r <= 'z' || '0' <= r && r <= '9')
	}) {
		h := fnv.New32a()
		h.Write([]byte(w))
		v[h.Sum32()%dim]++
	}
	return v
}

// floats encodes a vector as FT indexes read it: float32, little-endian.
func floats(v []float32) []byte {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

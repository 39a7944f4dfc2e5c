// Command rag is the smallest retrieval example: it creates a vector index
// in vcache, stores a few document chunks with their embeddings as hashes,
// and asks for the chunks nearest to a question's embedding.
//
//	go run ./cmd/vcache dev &           # vcache on 127.0.0.1:6379
//	go run ./examples/rag [host:port]
//
// The 4-number embeddings are made up so the example needs no model; a real
// application gets them from an embedding model (384 or 1536 numbers) and
// sets DIM to match.
package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"strings"

	"github.com/redis/go-redis/v9"
)

func main() {
	addr := "127.0.0.1:6379"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	if err := run(context.Background(), rdb, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// chunks are the documents, each with its (made-up) embedding.
var chunks = []struct {
	key, text string
	emb       []float32
}{
	{"doc:cats:0", "Cats purr when they are content.", []float32{0.9, 0.1, 0, 0}},
	{"doc:dogs:0", "Dogs wag their tails when happy.", []float32{0.6, 0.6, 0, 0.1}},
	{"doc:redis:0", "Redis keeps data in memory.", []float32{0, 0.1, 0.9, 0.2}},
	{"doc:rain:0", "Rain comes from clouds.", []float32{0, 0, 0.2, 0.9}},
}

// run indexes the chunks and prints the two nearest to a question about
// cats.
func run(ctx context.Context, rdb *redis.Client, out io.Writer) error {
	// 1. An index over every hash whose key starts with "doc:": its "emb"
	//    field is a 4-dimensional FLOAT32 vector compared by cosine distance.
	err := rdb.Do(ctx, "FT.CREATE", "docs", "ON", "HASH", "PREFIX", 1, "doc:",
		"SCHEMA", "text", "TEXT",
		"emb", "VECTOR", "HNSW", 6, "TYPE", "FLOAT32", "DIM", 4, "DISTANCE_METRIC", "COSINE").Err()
	if err != nil && !strings.Contains(err.Error(), "already exists") {
		return err
	}

	// 2. Each chunk is a hash; HSET indexes it. A pipeline sends them all
	//    in one round trip.
	pipe := rdb.Pipeline()
	for _, c := range chunks {
		pipe.HSet(ctx, c.key, "text", c.text, "emb", floats(c.emb))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return err
	}

	// 3. The question's embedding (made up too: "why do cats purr?") and
	//    a KNN query for the 2 nearest chunks, nearest first.
	question := []float32{0.8, 0.2, 0, 0.1}
	res, err := rdb.Do(ctx, "FT.SEARCH", "docs", "*=>[KNN 2 @emb $q AS dist]",
		"PARAMS", 2, "q", floats(question),
		"SORTBY", "dist", "RETURN", 2, "text", "dist", "DIALECT", 2).Slice()
	if err != nil {
		return err
	}

	// The reply: the number of results, then key and [field, value, ...]
	// for each.
	for i := 1; i+1 < len(res); i += 2 {
		fields := map[string]string{}
		kv, _ := res[i+1].([]any)
		for j := 0; j+1 < len(kv); j += 2 {
			fields[fmt.Sprint(kv[j])] = fmt.Sprint(kv[j+1])
		}
		fmt.Fprintf(out, "%s  distance %s  %q\n", res[i], fields["dist"], fields["text"])
	}
	return nil
}

// floats encodes a vector as FT indexes read it: float32, little-endian.
func floats(v []float32) []byte {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

// Command rag is the smallest retrieval example: it creates a vector index
// in vcache, stores a few document chunks with their embeddings as hashes,
// and asks for the chunks nearest to a question's embedding.
//
//	./vcache dev                        # in another terminal: vcache on 127.0.0.1:6379
//	go run ./examples/rag [-keep] [host:port]
//
// It uses names of its own (index example-rag, keys example:rag:*) and
// drops them when it is done (FT.DROPINDEX ... DD), unless -keep.
//
// The 4-number embeddings are made up so the example needs no model; a real
// application gets them from an embedding model (384 or 1536 numbers) and
// sets DIM to match.
package main

import (
	"context"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"strings"

	"github.com/redis/go-redis/v9"
)

// index is the example's index; its documents are the hashes under prefix.
const (
	index  = "example-rag"
	prefix = "example:rag:"
)

func main() {
	keep := flag.Bool("keep", false, "keep the index and its documents afterwards")
	flag.Parse()
	addr := "127.0.0.1:6379"
	if flag.NArg() > 0 {
		addr = flag.Arg(0)
	}
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	ctx := context.Background()
	err := run(ctx, rdb, os.Stdout)
	if !*keep {
		if derr := cleanup(ctx, rdb); err == nil {
			err = derr
		}
	}
	if err != nil {
		log.Fatal(err)
	}
}

// isNoIndex reports whether err says the index does not exist (RediSearch
// words it "Unknown Index name" up to 2.8, "<name>: no such index" since).
func isNoIndex(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "unknown index name") || strings.Contains(msg, "no such index")
}

// cleanup drops the index and its documents.
func cleanup(ctx context.Context, rdb *redis.Client) error {
	err := rdb.Do(ctx, "FT.DROPINDEX", index, "DD").Err()
	if err != nil && isNoIndex(err) {
		return nil
	}
	return err
}

// chunks are the documents, each with its (made-up) embedding.
var chunks = []struct {
	key, text string
	emb       []float32
}{
	{prefix + "cats:0", "Cats purr when they are content.", []float32{0.9, 0.1, 0, 0}},
	{prefix + "dogs:0", "Dogs wag their tails when happy.", []float32{0.6, 0.6, 0, 0.1}},
	{prefix + "redis:0", "Redis keeps data in memory.", []float32{0, 0.1, 0.9, 0.2}},
	{prefix + "rain:0", "Rain comes from clouds.", []float32{0, 0, 0.2, 0.9}},
}

// run indexes the chunks and prints the two nearest to a question about
// cats.
func run(ctx context.Context, rdb *redis.Client, out io.Writer) error {
	// 1. An index over every hash whose key starts with the prefix: its
	//    "emb" field is a 4-dimensional FLOAT32 vector compared by cosine
	//    distance.
	err := rdb.Do(ctx, "FT.CREATE", index, "ON", "HASH", "PREFIX", 1, prefix,
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
	res, err := rdb.Do(ctx, "FT.SEARCH", index, "*=>[KNN 2 @emb $q AS dist]",
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

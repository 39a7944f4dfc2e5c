package node

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestUsedMemoryTracksHeapWithVectorIndex loads documents as
// bench/memlimit does (a TAG and a 128-d FLOAT32 vector per hash, through
// HSET into an HNSW index) and compares the growth of INFO used_memory
// with the growth of the live Go heap: within 10%. An estimate that misses
// part of what a document keeps (the hash's table, the index's doc, the
// graph's arrays) fails it.
func TestUsedMemoryTracksHeapWithVectorIndex(t *testing.T) {
	n := 20000
	if raceEnabled {
		n = 5000 // the race detector makes the graph's inserts ~15x slower
	}
	tn := startNode(t, nil)
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: tn.addr, Protocol: 2})
	defer c.Close()
	if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "genre", "TAG",
		"emb", "VECTOR", "HNSW", 6, "TYPE", "FLOAT32", "DIM", 128, "DISTANCE_METRIC", "L2").Err(); err != nil {
		t.Fatal(err)
	}
	heap0, used0 := liveHeap(), infoMemory(t, c)
	r := rand.New(rand.NewPCG(1, 2))
	blob := make([]byte, 4*128)
	for k := 0; k < n; k += 100 {
		p := c.Pipeline()
		for i := k; i < k+100; i++ {
			for j := 0; j < 128; j++ {
				binary.LittleEndian.PutUint32(blob[4*j:], math.Float32bits(r.Float32()*2-1))
			}
			p.HSet(ctx, fmt.Sprintf("doc:%d", i), "genre", fmt.Sprintf("g%d", i%10), "emb", string(blob))
		}
		if _, err := p.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if docs := c.Do(ctx, "FT.SEARCH", "idx", "*", "LIMIT", 0, 0).Val(); fmt.Sprint(docs) != fmt.Sprint([]any{int64(n)}) {
		t.Fatalf("FT.SEARCH idx * LIMIT 0 0 = %v, want [%d]", docs, n)
	}
	ftWaitIndexed(t, c, "idx") // the workers' scratch is not the documents'
	heap, used := liveHeap()-heap0, infoMemory(t, c)-used0
	ratio := float64(used) / float64(heap)
	t.Logf("%d docs: used_memory grew %d B (%d B/doc), live heap %d B (%d B/doc), ratio %.3f", n, used, used/int64(n), heap, heap/int64(n), ratio)
	if ratio < 0.9 || ratio > 1.1 {
		t.Fatalf("used_memory growth / live heap growth = %.3f, want within 10%%", ratio)
	}
}

// liveHeap returns the heap's bytes after two collections: a sync.Pool's
// objects (an HNSW graph's search scratch, one per graph) outlive the
// first, and the node's collections under maxmemory drop them.
func liveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// infoMemory returns INFO memory's used_memory.
func infoMemory(t *testing.T, c *redis.Client) int64 {
	t.Helper()
	s, err := c.Info(context.Background(), "memory").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(s, "\r\n") {
		if v, ok := strings.CutPrefix(l, "used_memory:"); ok {
			x, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return x
		}
	}
	t.Fatal("INFO memory has no used_memory")
	return 0
}

package node

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/vector"
)

// memDim is the vectors' dimension in the maxmemory tests.
const memDim = 128

// memVec returns document i's vector.
func memVec(i int) []byte {
	r := rand.New(rand.NewPCG(uint64(i), 7))
	v := make([]float32, memDim)
	for j := range v {
		v[j] = r.Float32()*2 - 1
	}
	return vector.EncodeFloat32(v)
}

// memInfo reads INFO memory's integer fields.
func memInfo(t testing.TB, c *redis.Client) map[string]int64 {
	t.Helper()
	s, err := c.Info(context.Background(), "memory").Result()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, line := range strings.Split(s, "\r\n") {
		if k, v, ok := strings.Cut(line, ":"); ok {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				out[k] = n
			}
		}
	}
	return out
}

// evictable is what maxmemory compares in INFO memory m: used_memory
// less mem_not_counted_for_evict (the node's startup memory and the
// replica links' buffers).
func evictable(m map[string]int64) int64 { return m["used_memory"] - m["mem_not_counted_for_evict"] }

// ftDocsAndVectorBytes reads FT.INFO's num_docs and vector_index_sz_mb (in bytes).
func ftDocsAndVectorBytes(t testing.TB, c *redis.Client, idx string) (docs int64, vecBytes float64) {
	t.Helper()
	info := ftInfoFields(t, c, idx)
	docs = infoNum(info["num_docs"])
	mb, err := strconv.ParseFloat(fmt.Sprint(info["vector_index_sz_mb"]), 64)
	if err != nil {
		t.Fatal(err)
	}
	return docs, mb * (1 << 20)
}

// ftWaitIndexed waits until FT.INFO says idx has every vector in its
// graphs (indexing 0, percent_indexed 1): its memory figures then stand.
func ftWaitIndexed(t testing.TB, c *redis.Client, idx string) {
	t.Helper()
	waitFor(t, 3*time.Minute, idx+" percent_indexed 1", func() bool {
		m := ftInfoFields(t, c, idx)
		return fmt.Sprint(m["percent_indexed"]) == "1" && fmt.Sprint(m["indexing"]) == "0"
	})
}

// infoNum reads one of FT.INFO's figures, which RediSearch writes as a
// double: a bulk string in RESP2, a double in RESP3 (-1 when it is
// neither).
func infoNum(v any) int64 {
	switch x := v.(type) {
	case string:
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			return n
		}
	case float64:
		return int64(x)
	}
	return -1
}

// ftInfoFields returns FT.INFO's fields: a map to a RESP3 client (go-redis's
// default), a flat name/value array to a RESP2 one.
func ftInfoFields(t testing.TB, c *redis.Client, idx string) map[string]any {
	t.Helper()
	v, err := c.Do(context.Background(), "FT.INFO", idx).Result()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	switch v := v.(type) {
	case map[any]any:
		for k, x := range v {
			out[fmt.Sprint(k)] = x
		}
	case []any:
		for i := 0; i+1 < len(v); i += 2 {
			out[fmt.Sprint(v[i])] = v[i+1]
		}
	default:
		t.Fatalf("FT.INFO %s = %#v", idx, v)
	}
	return out
}

// memClient is a client for the node with room for slow index builds
// (the race detector on a busy machine).
func memClient(t testing.TB, tn *testNode) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: tn.addr, MaxRetries: -1, ReadTimeout: time.Minute})
	t.Cleanup(func() { c.Close() })
	return c
}

// lruIndexedNode starts a node with maxmemory maxmem under allkeys-lru and
// an HNSW index (ftCreateHNSW) built with EF_CONSTRUCTION efc, and returns
// a client of it.
func lruIndexedNode(t testing.TB, maxmem int64, efc int) *redis.Client {
	tn := startNode(t, func(c *Config) {
		c.Cache.MaxMemory = maxmem
		c.Cache.Policy = mustPolicy(t, "allkeys-lru")
	})
	c := memClient(t, tn)
	ftCreateHNSW(t, c, "EF_CONSTRUCTION", efc)
	return c
}

func ftCreateHNSW(t testing.TB, c *redis.Client, extra ...any) {
	t.Helper()
	args := []any{"FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "genre", "TAG",
		"emb", "VECTOR", "HNSW", 6 + len(extra), "TYPE", "FLOAT32", "DIM", memDim, "DISTANCE_METRIC", "L2"}
	if err := c.Do(context.Background(), append(args, extra...)...).Err(); err != nil {
		t.Fatalf("FT.CREATE: %v", err)
	}
}

func hsetDoc(ctx context.Context, c redis.Cmdable, i int) *redis.IntCmd {
	return c.HSet(ctx, fmt.Sprintf("doc:%d", i), "genre", fmt.Sprintf("g%d", i%10), "emb", memVec(i))
}

// TestUsedMemoryCountsVectorIndexes: an FT index's memory shows in INFO
// used_memory (and used_memory_vector): creating an index over existing
// documents adds about its own reported size, dropping it takes it away.
func TestUsedMemoryCountsVectorIndexes(t *testing.T) {
	tn := startNode(t, nil)
	c := memClient(t, tn)
	ctx := context.Background()
	const n = 1000
	pipe := c.Pipeline()
	for i := 0; i < n; i++ {
		hsetDoc(ctx, pipe, i)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	before := memInfo(t, c)
	if before["used_memory_vector"] != 0 || before["used_memory"] != before["used_memory_dataset"]+before["used_memory_startup"] {
		t.Fatalf("without an index: %v", before)
	}
	ftCreateHNSW(t, c, "EF_CONSTRUCTION", 20)
	ftWaitIndexed(t, c, "idx")
	after := memInfo(t, c)
	docs, vecBytes := ftDocsAndVectorBytes(t, c, "idx")
	grew := after["used_memory"] - before["used_memory"]
	t.Logf("%d docs: used_memory %d -> %d (+%d), used_memory_vector %d, FT.INFO vector_index_sz_mb %.0f B",
		docs, before["used_memory"], after["used_memory"], grew, after["used_memory_vector"], vecBytes)
	if docs != n {
		t.Fatalf("FT.INFO num_docs %d, want %d", docs, n)
	}
	if after["used_memory_dataset"] != before["used_memory_dataset"] || grew != after["used_memory_vector"] {
		t.Fatalf("used_memory grew by %d, used_memory_vector %d, dataset %d -> %d",
			grew, after["used_memory_vector"], before["used_memory_dataset"], after["used_memory_dataset"])
	}
	// The engines' bytes (FT.INFO's vector_index_sz_mb) plus the document
	// table (ids, tag values and postings: some hundreds of bytes a document).
	if float64(grew) < vecBytes || float64(grew) > vecBytes+n*1024 {
		t.Fatalf("used_memory grew by %d with the index, FT.INFO says %.0f vector bytes", grew, vecBytes)
	}
	if err := c.Do(ctx, "FT.DROPINDEX", "idx").Err(); err != nil {
		t.Fatal(err)
	}
	if m := memInfo(t, c); m["used_memory"] != before["used_memory"] || m["used_memory_vector"] != 0 {
		t.Fatalf("after FT.DROPINDEX: used_memory %d (was %d without the index), vector %d",
			m["used_memory"], before["used_memory"], m["used_memory_vector"])
	}
}

// TestNoEvictionCountsVectorIndexes: under noeviction with an index, HSET
// is refused with Redis's OOM error once keys and index together pass
// maxmemory; it is never accepted while over, so used_memory (less what
// maxmemory does not count) passes the limit by at most the last
// document's cost.
func TestNoEvictionCountsVectorIndexes(t *testing.T) {
	const maxmem = 3 << 20
	tn := startNode(t, func(c *Config) { c.Cache.MaxMemory = maxmem })
	c := memClient(t, tn)
	ctx := context.Background()
	// The graph reserves room for every document it will get before the
	// limit, so no growth of its arrays lands on the last document.
	ftCreateHNSW(t, c, "INITIAL_CAP", 2000, "EF_CONSTRUCTION", 20)
	empty := memInfo(t, c)
	if empty["used_memory_vector"] < 2000*memDim*4 {
		t.Fatalf("an index with room for 2000 vectors takes %d bytes", empty["used_memory_vector"])
	}
	var err error
	var prev, cur map[string]int64
	n := 0
	for ; n < 2000; n++ {
		prev = cur
		cur = memInfo(t, c)
		if err = hsetDoc(ctx, c, n).Err(); err != nil {
			break
		}
	}
	if err == nil || err.Error() != "OOM command not allowed when used memory > 'maxmemory'." {
		t.Fatalf("after %d documents: %v", n, err)
	}
	docs, vecBytes := ftDocsAndVectorBytes(t, c, "idx")
	perDoc := cur["used_memory"] - prev["used_memory"] // the last accepted HSET's cost
	t.Logf("OOM after %d docs: used_memory %d (dataset %d, vector %d), FT.INFO vector_index_sz_mb %.0f B, last doc %d B",
		n, cur["used_memory"], cur["used_memory_dataset"], cur["used_memory_vector"], vecBytes, perDoc)
	if evictable(prev) > maxmem || evictable(cur) <= maxmem || evictable(cur)-maxmem > perDoc {
		t.Fatalf("used_memory less mem_not_counted_for_evict %d before the last accepted HSET, %d after it, maxmemory %d", evictable(prev), evictable(cur), maxmem)
	}
	keysOnly := cur["used_memory_dataset"] / int64(n)
	if perDoc > 2*keysOnly {
		t.Fatalf("the last document cost %d bytes, a hash %d", perDoc, keysOnly)
	}
	// Without the index the keys alone would have fitted many more.
	if cur["used_memory_dataset"] > maxmem*3/4 || docs != int64(n) {
		t.Fatalf("dataset %d of maxmemory %d at OOM; num_docs %d of %d", cur["used_memory_dataset"], maxmem, docs, n)
	}
	// Deleting documents frees room again.
	if err := c.Del(ctx, "doc:0", "doc:1", "doc:2").Err(); err != nil {
		t.Fatal(err)
	}
	if err := hsetDoc(ctx, c, n).Err(); err != nil {
		t.Fatalf("HSET after deleting documents: %v", err)
	}
}

// TestAllKeysLRUEvictsIndexedDocuments: under allkeys-lru, loading three
// times what fits keeps working: documents are evicted, leave the index
// (FT.INFO num_docs follows DBSIZE), and used_memory, index included,
// stays under maxmemory (less mem_not_counted_for_evict).
func TestAllKeysLRUEvictsIndexedDocuments(t *testing.T) {
	const maxmem = 3 << 20
	c := lruIndexedNode(t, maxmem, 20)
	ctx := context.Background()
	const n, batch = 6000, 200
	for b := 0; b < n/batch; b++ {
		pipe := c.Pipeline()
		for i := b * batch; i < (b+1)*batch; i++ {
			hsetDoc(ctx, pipe, i)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatalf("HSET under allkeys-lru (batch %d): %v", b, err)
		}
		if m := memInfo(t, c); evictable(m) > maxmem {
			t.Fatalf("used_memory less mem_not_counted_for_evict %d > maxmemory %d after %d documents (vector %d)", evictable(m), maxmem, (b+1)*batch, m["used_memory_vector"])
		}
	}
	docs, vecBytes := ftDocsAndVectorBytes(t, c, "idx")
	keys := c.DBSize(ctx).Val()
	evicted := infoInt(t, c, "evicted_keys")
	m := memInfo(t, c)
	t.Logf("%d loaded: %d keys, num_docs %d, evicted %d, used_memory %d (vector %d), vector_index_sz_mb %.0f B",
		n, keys, docs, evicted, m["used_memory"], m["used_memory_vector"], vecBytes)
	if evicted == 0 || docs != keys || keys+evicted != n {
		t.Fatalf("num_docs %d, keys %d, evicted %d of %d", docs, keys, evicted, n)
	}
	if c.Exists(ctx, fmt.Sprintf("doc:%d", n-1)).Val() != 1 {
		t.Error("the last document written was evicted")
	}
}

// TestVectorSetsCountAsKeys: a vector set (VADD) is a key, so its graph
// already counts in used_memory_dataset (not in used_memory_vector, which
// is the FT indexes'), and DEL gives it back.
func TestVectorSetsCountAsKeys(t *testing.T) {
	tn := startNode(t, nil)
	c := memClient(t, tn)
	ctx := context.Background()
	before := memInfo(t, c)
	const n = 1000
	pipe := c.Pipeline()
	for i := 0; i < n; i++ {
		pipe.Do(ctx, "VADD", "vs", "FP32", memVec(i), fmt.Sprintf("e%d", i), "NOQUANT", "EF", 20)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	after := memInfo(t, c)
	grew := after["used_memory_dataset"] - before["used_memory_dataset"]
	t.Logf("%d elements of %d floats: used_memory_dataset +%d B", n, memDim, grew)
	if grew < n*memDim*4 || after["used_memory_vector"] != 0 || after["used_memory"] != after["used_memory_dataset"]+after["used_memory_startup"] {
		t.Fatalf("after VADD of %d vectors: dataset +%d, %v", n, grew, after)
	}
	c.Del(ctx, "vs")
	if m := memInfo(t, c); m["used_memory"] != before["used_memory"] {
		t.Fatalf("after DEL: used_memory %d, was %d", m["used_memory"], before["used_memory"])
	}
}

package node

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/vector"
)

const searchDim = 8

func docVec(i int) []float32 {
	r := rand.New(rand.NewPCG(uint64(i), 11))
	v := make([]float32, searchDim)
	for j := range v {
		v[j] = r.Float32()*2 - 1
	}
	return v
}

// loadDocs creates idx over doc:* and n documents: genre g<i%100>, year
// 1900+i%100, emb docVec(i).
func loadDocs(t *testing.T, c *redis.Client, n int, alg string) {
	t.Helper()
	ctx := context.Background()
	args := []any{"FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA",
		"title", "TEXT", "genre", "TAG", "year", "NUMERIC", "SORTABLE",
		"emb", "VECTOR", alg, "6", "TYPE", "FLOAT32", "DIM", searchDim, "DISTANCE_METRIC", "COSINE"}
	if err := c.Do(ctx, args...).Err(); err != nil {
		t.Fatalf("FT.CREATE: %v", err)
	}
	// Pipelines of 50: the node answers a long pipeline 128 commands at a
	// time, and 128 HNSW inserts under the race detector on a busy machine
	// can take longer than the client's read timeout.
	for lo := 0; lo < n; lo += 50 {
		pipe := c.Pipeline()
		for i := lo; i < min(lo+50, n); i++ {
			pipe.HSet(ctx, fmt.Sprintf("doc:%d", i), "title", fmt.Sprintf("document number %d", i),
				"genre", fmt.Sprintf("g%d", i%100), "year", 1900+i%100, "emb", vector.EncodeFloat32(docVec(i)))
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// bruteForce returns the keys of the k docs nearest to q (cosine) among
// those admitted.
func bruteForce(q []float32, n, k int, admit func(i int) bool) []string {
	type kd struct {
		key string
		d   float64
	}
	var all []kd
	norm := func(v []float32) float64 {
		var s float64
		for _, x := range v {
			s += float64(x) * float64(x)
		}
		return math.Sqrt(s)
	}
	for i := 0; i < n; i++ {
		if admit != nil && !admit(i) {
			continue
		}
		v := docVec(i)
		var d float64
		for j := range v {
			d += float64(v[j]) * float64(q[j])
		}
		all = append(all, kd{fmt.Sprintf("doc:%d", i), 1 - d/(norm(v)*norm(q))})
	}
	sort.Slice(all, func(a, b int) bool { return all[a].d < all[b].d })
	var out []string
	for _, x := range all[:min(k, len(all))] {
		out = append(out, x.key)
	}
	return out
}

// ftKeys runs FT.SEARCH and returns the total and the keys.
func ftKeys(t *testing.T, c *redis.Client, args ...any) (int64, []string) {
	t.Helper()
	res, err := c.Do(context.Background(), append([]any{"FT.SEARCH", "idx"}, args...)...).Slice()
	if err != nil {
		t.Fatalf("FT.SEARCH %v: %v", args, err)
	}
	var keys []string
	for i := 1; i < len(res); i++ {
		if k, ok := res[i].(string); ok {
			keys = append(keys, k)
		}
	}
	return res[0].(int64), keys
}

func TestFTSearchKNNMatchesBruteForce(t *testing.T) {
	for _, alg := range []string{"HNSW", "FLAT", "IVFFLAT"} {
		t.Run(alg, func(t *testing.T) {
			tn := startNode(t, nil)
			c := tn.client2(t)
			const n = 2000
			loadDocs(t, c, n, alg)
			q := docVec(123456)
			blob := vector.EncodeFloat32(q)
			want := bruteForce(q, n, 10, nil)
			total, got := ftKeys(t, c, "*=>[KNN 10 @emb $B EF_RUNTIME 200 AS dist]", "PARAMS", "2", "B", blob, "RETURN", "1", "dist", "DIALECT", "2")
			if total != 10 || strings.Join(got, ",") != strings.Join(want, ",") {
				t.Fatalf("KNN 10: total %d keys %v\nbrute force %v", total, got, want)
			}
			// A 1%-selective tag filter still returns k (20 docs match).
			wantF := bruteForce(q, n, 10, func(i int) bool { return i%100 == 7 })
			total, got = ftKeys(t, c, "(@genre:{g7})=>[KNN 10 @emb $B]", "PARAMS", "2", "B", blob, "NOCONTENT", "DIALECT", "2")
			if total != 10 || strings.Join(got, ",") != strings.Join(wantF, ",") {
				t.Fatalf("filtered KNN: total %d %v, want %v", total, got, wantF)
			}
			// Numeric range with exclusive bound and a negation.
			_, got = ftKeys(t, c, "(@year:[(1990 +inf] -@genre:{g95})=>[KNN 10 @emb $B]", "PARAMS", "2", "B", blob, "NOCONTENT", "DIALECT", "2")
			wantN := bruteForce(q, n, 10, func(i int) bool { return i%100 > 90 && i%100 != 95 })
			if strings.Join(got, ",") != strings.Join(wantN, ",") {
				t.Fatalf("numeric+negation KNN: %v, want %v", got, wantN)
			}
		})
	}
}

func TestFTSearchFiltersAndReplyShape(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	loadDocs(t, c, 300, "HNSW")
	total, keys := ftKeys(t, c, "@genre:{g1|g2} @year:[1901 1901]", "NOCONTENT")
	if total != 3 || len(keys) != 3 {
		t.Fatalf("tag+numeric filter: total %d keys %v (want doc:1, doc:101, doc:201)", total, keys)
	}
	total, _ = ftKeys(t, c, "@title:document", "LIMIT", "0", "0")
	if total != 300 {
		t.Fatalf("text term matched %d, want 300", total)
	}
	_, keys = ftKeys(t, c, "*", "SORTBY", "year", "DESC", "LIMIT", "0", "1", "NOCONTENT")
	if len(keys) != 1 || !strings.HasSuffix(keys[0], "99") {
		t.Fatalf("SORTBY year DESC LIMIT 0 1: %v", keys)
	}
	// Reply shape: total, key, [field, value, ...] with the score field.
	res, err := c.Do(ctx, "FT.SEARCH", "idx", "*=>[KNN 1 @emb $B]", "PARAMS", "2", "B", vector.EncodeFloat32(docVec(5)), "RETURN", "2", "title", "__emb_score", "DIALECT", "2").Slice()
	if err != nil {
		t.Fatal(err)
	}
	fields := res[2].([]any)
	if res[1] != "doc:5" || fields[0] != "title" || fields[1] != "document number 5" || fields[2] != "__emb_score" || fields[3] != "0" {
		t.Fatalf("reply %v", res)
	}
}

func TestFTIndexStaysConsistent(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	loadDocs(t, c, 100, "HNSW")
	blob := vector.EncodeFloat32(docVec(42))
	near := func() string {
		_, keys := ftKeys(t, c, "*=>[KNN 1 @emb $B]", "PARAMS", "2", "B", blob, "NOCONTENT", "DIALECT", "2")
		if len(keys) == 0 {
			return ""
		}
		return keys[0]
	}
	if near() != "doc:42" {
		t.Fatal("doc:42 is not its own nearest neighbour")
	}
	c.Del(ctx, "doc:42")
	if near() == "doc:42" {
		t.Fatal("a deleted document is still found")
	}
	c.HSet(ctx, "doc:42", "emb", blob, "genre", "back")
	if near() != "doc:42" {
		t.Fatal("a re-added document is not found")
	}
	c.Rename(ctx, "doc:42", "doc:renamed")
	if near() != "doc:renamed" {
		t.Fatalf("after RENAME the nearest is %q", near())
	}
	c.PExpire(ctx, "doc:renamed", 20*time.Millisecond)
	waitFor(t, 5*time.Second, "the expired document to leave the index", func() bool { return near() != "doc:renamed" })
	// A blob of the wrong size is not indexed and counts as a failure.
	c.HSet(ctx, "doc:bad", "emb", "short")
	info, err := c.Do(ctx, "FT.INFO", "idx").Slice()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	for i := 0; i+1 < len(info); i += 2 {
		m[info[i].(string)] = info[i+1]
	}
	if m["hash_indexing_failures"] != "1" || m["num_docs"] != "99" {
		t.Fatalf("FT.INFO failures %v num_docs %v, want 1 and 99 (the failed document is not indexed)", m["hash_indexing_failures"], m["num_docs"])
	}
	if total, keys := ftKeys(t, c, "*", "NOCONTENT", "LIMIT", "0", "1000"); total != 99 || strings.Contains(strings.Join(keys, ","), "doc:bad") {
		t.Fatalf("FT.SEARCH idx * = %d documents, doc:bad among them: %v", total, keys)
	}
	c.FlushAll(ctx)
	if total, _ := ftKeys(t, c, "*"); total != 0 {
		t.Fatalf("after FLUSHALL the index has %d docs", total)
	}
}

func TestFTErrorsAndAdmin(t *testing.T) {
	tn := startNode(t, nil)
	rc := tn.raw(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"FT.SEARCH", "nope", "*"}, "(error) nope: no such index"},
		// RediSearch 2.8 words an unknown index per command.
		{[]string{"FT.INFO", "nope"}, "(error) Unknown index name"},
		{[]string{"FT.DROPINDEX", "nope"}, "(error) Unknown Index name"},
		{[]string{"FT.DROPINDEX", "nope", "DD"}, "(error) Unknown Index name"},
		{[]string{"FT.CREATE", "i", "SCHEMA", "v", "VECTOR", "HNSW", "4", "TYPE", "FLOAT32", "DIM", "4"}, "(error) Missing mandatory parameter: cannot create HNSW index without specifying TYPE, DIM and DISTANCE_METRIC"},
		{[]string{"FT.CREATE", "i", "PREFIX", "1", "d:", "SCHEMA", "v", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2", "t", "TAG"}, "OK"},
		{[]string{"FT.CREATE", "i", "SCHEMA", "t", "TAG"}, "(error) Index already exists"},
		{[]string{"FT.SEARCH", "i", "@t:{a", "DIALECT", "2"}, "(error) Syntax error at offset 4 near a"}, // at the end: its last token
		// DIALECT 1 (the default) ends a tag list without its brace.
		{[]string{"FT.SEARCH", "i", "@t:{a"}, "1) (integer) 0"},
		{[]string{"FT.SEARCH", "i", "*=>[KNN 3 @v $q]", "DIALECT", "2"}, "(error) No such parameter `q`"},
		{[]string{"FT.SEARCH", "i", "*=>[KNN 3 @v $q]", "PARAMS", "2", "q", "abc", "DIALECT", "2"}, "(error) Error parsing vector similarity query: query vector blob size (3) does not match index's expected size (8)."},
		{[]string{"FT.SEARCH", "i", "*=>[KNN 3 @v $q]", "PARAMS", "2", "q", "abc"}, "(error) Syntax error at offset 1 near >["},
		{[]string{"HSET", "d:1", "t", "x", "n", "5", "v", "12345678"}, "(integer) 3"},
		{[]string{"FT.SEARCH", "i", "@n:[1 10]", "NOCONTENT"}, "(error) Unknown field `n`"},
		{[]string{"FT.ALTER", "i", "SCHEMA", "ADD", "n", "NUMERIC"}, "OK"},
		{[]string{"FT.SEARCH", "i", "@n:[1 10]", "NOCONTENT"}, "1) (integer) 1\n2) \"d:1\""},
		{[]string{"FT.ALTER", "i", "SCHEMA", "ADD", "w", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2"}, "(error) Vector fields cannot be added with FT.ALTER"},
		{[]string{"FT._LIST"}, `1) i`},
		{[]string{"FT.DROPINDEX", "i"}, "OK"},
		{[]string{"FT._LIST"}, "(empty array)"},
	} {
		if got := rc.do(c.args...); got != c.want {
			t.Errorf("%v:\n got %s\nwant %s", c.args, got, c.want)
		}
	}
}

func TestFTIndexSurvivesRestartAndDropDD(t *testing.T) {
	dir := t.TempDir()
	tn := startNode(t, func(c *Config) { c.Dir = dir })
	c := tn.client2(t)
	loadDocs(t, c, 200, "HNSW")
	tn.stop()
	tn2 := startNode(t, func(c *Config) { c.Dir = dir })
	c2 := tn2.client2(t)
	blob := vector.EncodeFloat32(docVec(77))
	_, keys := ftKeys(t, c2, "*=>[KNN 1 @emb $B]", "PARAMS", "2", "B", blob, "NOCONTENT", "DIALECT", "2")
	if len(keys) != 1 || keys[0] != "doc:77" {
		t.Fatalf("after restart KNN gives %v", keys)
	}
	ctx := context.Background()
	if err := c2.Do(ctx, "FT.DROPINDEX", "idx", "DD").Err(); err != nil {
		t.Fatal(err)
	}
	if n := c2.DBSize(ctx).Val(); n != 0 {
		t.Fatalf("DROPINDEX DD left %d keys", n)
	}
}

func TestFTSearchWithRedisCLI(t *testing.T) {
	tn := startNode(t, nil)
	redisCLI(t, tn.addr, nil, "FT.CREATE", "idx", "PREFIX", "1", "m:", "SCHEMA", "name", "TEXT", "kind", "TAG")
	redisCLI(t, tn.addr, nil, "HSET", "m:1", "name", "alpha", "kind", "x")
	redisCLI(t, tn.addr, nil, "HSET", "m:2", "name", "beta", "kind", "y")
	out := redisCLI(t, tn.addr, nil, "FT.SEARCH", "idx", "@kind:{y}")
	// Fields come back sorted by name (RediSearch keeps hash order).
	if want := "1\nm:2\nkind\ny\nname\nbeta\n"; out != want {
		t.Fatalf("redis-cli FT.SEARCH printed %q, want %q", out, want)
	}
}

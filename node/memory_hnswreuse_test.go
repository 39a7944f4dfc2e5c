package node

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/vcache/vcache/vector"
)

// TestEvictedDocumentsGiveBackTheirGraphSpace: under allkeys-lru, loading
// five times what fits into an HNSW index keeps its memory where it was
// when eviction began (FT.INFO vector_index_sz_mb, INFO
// used_memory_vector): evicted documents' vectors and graph nodes are
// reused, not kept beside the new ones. Deleting three quarters of what
// survived shrinks both figures, and as many new documents take the
// space back without growing the graph past it. KNN over the survivors
// still finds the exact nearest neighbours.
func TestEvictedDocumentsGiveBackTheirGraphSpace(t *testing.T) {
	const maxmem = 3 << 20
	c := lruIndexedNode(t, maxmem, 40)
	ctx := context.Background()
	const batch = 100
	load := func(from, to int) {
		t.Helper()
		pipe := c.Pipeline()
		for i := from; i < to; i++ {
			hsetDoc(ctx, pipe, i)
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatalf("HSET doc:%d..%d: %v", from, to-1, err)
		}
	}
	n, fit := 0, 0
	var vecAt float64
	var docsAt int64
	var usedVecAt int64
	for ; n < 20000; n += batch {
		load(n, n+batch)
		if fit == 0 && infoInt(t, c, "evicted_keys") > 0 {
			fit = n + batch
			docsAt, vecAt = ftDocsAndVectorBytes(t, c, "idx")
			usedVecAt = memInfo(t, c)["used_memory_vector"]
		}
		if fit > 0 && n+batch >= 5*fit {
			n += batch
			break
		}
	}
	if fit == 0 {
		t.Fatalf("nothing evicted after %d documents", n)
	}
	docs, vecEnd := ftDocsAndVectorBytes(t, c, "idx")
	usedVecEnd := memInfo(t, c)["used_memory_vector"]
	t.Logf("eviction began at %d documents: %d docs, vector_index_sz_mb %.0f B, used_memory_vector %d; after %d: %d docs, %.0f B, %d",
		fit, docsAt, vecAt, usedVecAt, n, docs, vecEnd, usedVecEnd)
	if vecEnd > vecAt*1.1 || float64(usedVecEnd) > float64(usedVecAt)*1.1 || docs < docsAt*9/10 {
		t.Fatalf("after %d documents (eviction from %d) the index holds %d docs in %.0f B (used_memory_vector %d); %d in %.0f B (%d) when eviction began",
			n, fit, docs, vecEnd, usedVecEnd, docsAt, vecAt, usedVecAt)
	}
	if r := knnRecall(t, c, n); r < 0.9 {
		t.Fatalf("KNN recall over the %d surviving documents after eviction: %.3f", docs, r)
	} else {
		t.Logf("KNN recall after eviction: %.3f", r)
	}

	// Delete three quarters of the survivors: the index shrinks.
	keys := survivors(t, c)
	gone := keys[:len(keys)*3/4]
	pipe := c.Pipeline()
	for _, i := range gone {
		pipe.Del(ctx, fmt.Sprintf("doc:%d", i))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	_, vecDel := ftDocsAndVectorBytes(t, c, "idx")
	usedVecDel := memInfo(t, c)["used_memory_vector"]
	if vecDel > vecEnd*0.6 || float64(usedVecDel) > float64(usedVecEnd)*0.6 {
		t.Fatalf("deleting %d of %d documents left vector_index_sz_mb %.0f B of %.0f, used_memory_vector %d of %d",
			len(gone), len(keys), vecDel, vecEnd, usedVecDel, usedVecEnd)
	}
	// As many new documents reuse the space.
	for i := n; i < n+len(gone); i += batch {
		load(i, min(i+batch, n+len(gone)))
	}
	n += len(gone)
	_, vecRe := ftDocsAndVectorBytes(t, c, "idx")
	usedVecRe := memInfo(t, c)["used_memory_vector"]
	t.Logf("deleted %d: %.0f B, %d; %d new: %.0f B, %d", len(gone), vecDel, usedVecDel, len(gone), vecRe, usedVecRe)
	if docsRe, _ := ftDocsAndVectorBytes(t, c, "idx"); vecRe > vecEnd*1.1 || float64(usedVecRe) > float64(usedVecEnd)*1.1 || docsRe != docs {
		t.Fatalf("%d new documents after deleting as many took the index to %d docs in %.0f B (used_memory_vector %d), from %d in %.0f B (%d)",
			len(gone), docsRe, vecRe, usedVecRe, docs, vecEnd, usedVecEnd)
	}
	if r := knnRecall(t, c, n); r < 0.9 {
		t.Fatalf("KNN recall after deleting and reloading: %.3f", r)
	} else {
		t.Logf("KNN recall after deleting and reloading: %.3f", r)
	}
}

// survivors returns the numbers of the doc:N keys that exist, sorted.
func survivors(t *testing.T, c *redis.Client) []int {
	t.Helper()
	keys, err := c.Keys(context.Background(), "doc:*").Result()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int, 0, len(keys))
	for _, k := range keys {
		i, err := strconv.Atoi(strings.TrimPrefix(k, "doc:"))
		if err != nil {
			t.Fatalf("key %q", k)
		}
		out = append(out, i)
	}
	slices.Sort(out)
	return out
}

// knnRecall runs 20 FT.SEARCH KNN 10 queries (vectors of documents never
// loaded, from n on) and returns the share of the exact 10 nearest
// surviving documents (by L2 over their vectors, memVec) they return.
func knnRecall(t *testing.T, c *redis.Client, n int) float64 {
	t.Helper()
	ctx := context.Background()
	docs := survivors(t, c)
	vecs := make([][]float32, len(docs))
	for j, i := range docs {
		v, err := vector.DecodeFloat32(memVec(i), memDim)
		if err != nil {
			t.Fatal(err)
		}
		vecs[j] = v
	}
	c2 := redis.NewClient(&redis.Options{Addr: c.Options().Addr, Protocol: 2})
	defer c2.Close()
	const queries, k = 20, 10
	found := 0
	for q := 0; q < queries; q++ {
		blob := memVec(n + 1000 + q)
		qv, _ := vector.DecodeFloat32(blob, memDim)
		type cand struct {
			key string
			d   float32
		}
		all := make([]cand, len(docs))
		for j, v := range vecs {
			var d float32
			for x := range v {
				e := v[x] - qv[x]
				d += e * e
			}
			all[j] = cand{fmt.Sprintf("doc:%d", docs[j]), d}
		}
		slices.SortFunc(all, func(a, b cand) int { return cmp.Compare(a.d, b.d) })
		res, err := c2.Do(ctx, "FT.SEARCH", "idx", fmt.Sprintf("*=>[KNN %d @emb $q EF_RUNTIME 100]", k), "PARAMS", 2, "q", blob,
			"NOCONTENT", "LIMIT", 0, k, "DIALECT", 2).Slice()
		if err != nil {
			t.Fatalf("FT.SEARCH KNN: %v", err)
		}
		got := map[string]bool{}
		for _, x := range res[1:] {
			got[fmt.Sprint(x)] = true
		}
		for _, e := range all[:min(k, len(all))] {
			if got[e.key] {
				found++
			}
		}
	}
	return float64(found) / float64(queries*min(k, len(docs)))
}

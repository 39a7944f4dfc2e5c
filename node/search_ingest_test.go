package node

import (
	"context"
	"fmt"
	"testing"

	"github.com/vcache/vcache/vector"
)

// TestFTPipelinedLoadReadsItsWrites: HNSW inserts are made by background
// workers after HSET replies (vector.Tiered), yet a KNN query sent right
// after a pipeline's replies finds each document of it, an update sent in
// the same pipeline replaces the document's vector and a DEL removes it,
// both before and after the workers are done; FT.INFO counts the backlog
// in percent_indexed and ends at 1 with indexing 0.
func TestFTPipelinedLoadReadsItsWrites(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "emb", "VECTOR", "HNSW", "8",
		"TYPE", "FLOAT32", "DIM", searchDim, "DISTANCE_METRIC", "COSINE", "EF_CONSTRUCTION", "200").Err(); err != nil {
		t.Fatal(err)
	}
	const n, batch = 2000, 100
	far := vector.EncodeFloat32(docVec(n + 1))
	nearest := func(v []float32) string {
		t.Helper()
		_, keys := ftKeys(t, c, "*=>[KNN 1 @emb $B]", "PARAMS", "2", "B", vector.EncodeFloat32(v), "NOCONTENT", "DIALECT", "2")
		if len(keys) == 0 {
			return ""
		}
		return keys[0]
	}
	for lo := 0; lo < n; lo += batch {
		pipe := c.Pipeline()
		for i := lo; i < lo+batch; i++ {
			pipe.HSet(ctx, fmt.Sprintf("doc:%d", i), "emb", vector.EncodeFloat32(docVec(i)))
		}
		// In the same pipeline: the batch's first document moves far
		// away, its second is deleted.
		pipe.HSet(ctx, fmt.Sprintf("doc:%d", lo), "emb", far)
		pipe.Del(ctx, fmt.Sprintf("doc:%d", lo+1))
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		for _, i := range []int{lo + 2, lo + batch/2, lo + batch - 1} {
			if got, want := nearest(docVec(i)), fmt.Sprintf("doc:%d", i); got != want {
				t.Fatalf("KNN 1 of doc:%d's vector right after the pipeline's replies = %q", i, got)
			}
		}
		if got := nearest(docVec(lo)); got == fmt.Sprintf("doc:%d", lo) {
			t.Fatalf("doc:%d's replaced vector still found", lo)
		}
		if got := nearest(docVec(lo + 1)); got == fmt.Sprintf("doc:%d", lo+1) {
			t.Fatalf("deleted doc:%d still found", lo+1)
		}
	}
	ftWaitIndexed(t, c, "idx")
	m := ftInfo(t, c)
	if got, want := infoNum(m["num_docs"]), int64(n-n/batch); got != want {
		t.Fatalf("num_docs %d, want %d", got, want)
	}
	for i := 2; i < n; i += 37 {
		if i%batch < 2 {
			continue
		}
		if got, want := nearest(docVec(i)), fmt.Sprintf("doc:%d", i); got != want {
			t.Fatalf("after the workers: KNN 1 of doc:%d's vector = %q", i, got)
		}
	}
	for lo := 0; lo < n; lo += batch {
		if got := nearest(docVec(lo + 1)); got == fmt.Sprintf("doc:%d", lo+1) {
			t.Fatalf("after the workers: deleted doc:%d found again", lo+1)
		}
	}
}

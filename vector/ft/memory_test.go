package ft

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/vcache/vcache/vector"
)

// TestIndexMemoryAccounting fills catalogs with documents and compares the
// catalog's running byte count with the heap the indexes really take:
// within 25%. Deleting every document brings the document part back to
// zero.
func TestIndexMemoryAccounting(t *testing.T) {
	for _, tc := range []struct {
		name, schema string
		n            int
	}{
		{"hnsw-128", "SCHEMA v VECTOR HNSW 6 TYPE FLOAT32 DIM 128 DISTANCE_METRIC L2", 2000},
		{"hnsw-32-tag-num-text", "SCHEMA g TAG y NUMERIC title TEXT v VECTOR HNSW 6 TYPE FLOAT32 DIM 32 DISTANCE_METRIC COSINE", 3000},
		{"flat-64-tag", "SCHEMA g TAG v VECTOR FLAT 6 TYPE FLOAT32 DIM 64 DISTANCE_METRIC IP", 20000},
		{"ivfflat-64", "SCHEMA v VECTOR IVFFLAT 8 TYPE FLOAT32 DIM 64 DISTANCE_METRIC L2 LISTS 16", 20000},
		{"text-postings", "SCHEMA title TEXT body TEXT v VECTOR FLAT 6 TYPE FLOAT32 DIM 4 DISTANCE_METRIC L2", 20000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(2, 2))
			s, err := ParseCreate(fieldsOf("idx PREFIX 1 d: " + tc.schema))
			if err != nil {
				t.Fatal(err)
			}
			dim := s.Fields[len(s.Fields)-1].Vec.Dim
			// The documents' fields are made first: the index keeps none of them.
			docs := make([]map[string][]byte, tc.n)
			for i := range docs {
				v := make([]float32, dim)
				for j := range v {
					v[j] = r.Float32() - 0.5
				}
				docs[i] = map[string][]byte{"v": vector.EncodeFloat32(v), "g": fmt.Appendf(nil, "Tag%d,t%d", i%7, i%100),
					"y": fmt.Appendf(nil, "%d", 1900+i%120), "title": fmt.Appendf(nil, "a title number %d of the set", i),
					"body": fmt.Appendf(nil, "w%d w%d w%d running w%d", i%64, i%1000, i%7, r.IntN(50000))}
			}
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			c := NewCatalog()
			if _, err := c.Create(s); err != nil {
				t.Fatal(err)
			}
			for i, d := range docs {
				c.HashChanged(fmt.Sprintf("d:%d", i), 0, d)
			}
			ix, _ := c.Get("idx")
			ix.Flush() // the HNSW graph holds every vector
			runtime.GC()
			runtime.ReadMemStats(&after)
			heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
			acct := c.MemoryBytes()
			ratio := float64(acct) / float64(heap)
			t.Logf("%d docs: accounted %d B (vector engines %d B), heap %d B, ratio %.3f", tc.n, acct, ix.Info().VectorIndexBytes, heap, ratio)
			if ratio < 0.75 || ratio > 1.25 {
				t.Fatalf("accounted/heap = %.3f, want within 25%%", ratio)
			}
			for i := range docs {
				c.KeyRemoved(fmt.Sprintf("d:%d", i), 0)
			}
			if ix.docBytes != 0 || ix.postBytes != 0 || c.MemoryBytes() != ix.MemoryBytes() {
				t.Fatalf("after deleting every doc: doc bytes %d, postings bytes %d, catalog %d, index %d", ix.docBytes, ix.postBytes, c.MemoryBytes(), ix.MemoryBytes())
			}
			if _, err := c.Drop("idx"); err != nil || c.MemoryBytes() != 0 {
				t.Fatalf("after drop: catalog holds %d bytes (%v)", c.MemoryBytes(), err)
			}
			runtime.KeepAlive(docs)
		})
	}
}

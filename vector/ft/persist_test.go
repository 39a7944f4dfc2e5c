package ft

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/vcache/vcache/vector"
)

func TestSaveLoadKeepsEnginesWithoutRebuild(t *testing.T) {
	s, err := ParseCreate(fieldsOf("idx PREFIX 1 d: SCHEMA g TAG v VECTOR HNSW 6 TYPE FLOAT32 DIM 8 DISTANCE_METRIC COSINE"))
	if err != nil {
		t.Fatal(err)
	}
	c := NewCatalog()
	ix, _ := c.Create(s)
	r := rand.New(rand.NewPCG(1, 1))
	docs := map[string]map[string][]byte{}
	for i := 0; i < 500; i++ {
		v := make([]float32, 8)
		for j := range v {
			v[j] = r.Float32() - 0.5
		}
		k := fmt.Sprintf("d:%d", i)
		docs[k] = map[string][]byte{"g": []byte(fmt.Sprintf("t%d", i%5)), "v": vector.EncodeFloat32(v)}
		c.HashChanged(k, 0, docs[k])
	}
	ix.Flush() // the graph holds them all (TestSaveWithBacklog saves before)
	var buf bytes.Buffer
	if err := c.Save(&buf); err != nil {
		t.Fatal(err)
	}
	// Between the two parts of a snapshot, one document changed and one went.
	changed := map[string][]byte{"g": []byte("t0"), "v": vector.EncodeFloat32([]float32{1, 0, 0, 0, 0, 0, 0, 0})}
	docs["d:1"] = changed
	delete(docs, "d:2")

	back := NewCatalog()
	if err := back.Load(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	bix, err := back.Get("idx")
	if err != nil {
		t.Fatal(err)
	}
	eng := bix.engine["v"]
	if eng.Len() != 500 {
		t.Fatalf("restored engine holds %d vectors before any document, want 500", eng.Len())
	}
	memBefore := eng.MemoryBytes()
	for k, f := range docs {
		if k != "d:1" {
			back.HashChanged(k, 0, f)
		}
	}
	if grew := eng.MemoryBytes() - memBefore; grew != 0 {
		t.Fatalf("the engine grew by %d bytes while unchanged documents loaded: vectors were inserted again", grew)
	}
	back.HashChanged("d:1", 0, docs["d:1"]) // changed after the save: re-inserted
	back.FinishLoad()
	if eng.Len() != 499 {
		t.Fatalf("after the load the engine holds %d vectors, want 499", eng.Len())
	}
	q := map[string][]byte{"B": vector.EncodeFloat32([]float32{1, 0, 0, 0, 0, 0, 0, 0})}
	req := &SearchRequest{Filter: &Node{Kind: qAll}, KNN: &KNN{K: 1, Field: "v", Param: "B"}, Params: q, Num: 10}
	res, err := bix.Search(req, func(k string) (map[string][]byte, bool) { f, ok := docs[k]; return f, ok })
	if err != nil || len(res.Docs) != 1 || res.Docs[0].Key != "d:1" {
		t.Fatalf("the document changed before the save is not found with its new vector: %+v %v", res, err)
	}
	_ = ix
}

func fieldsOf(s string) [][]byte {
	var out [][]byte
	for _, w := range bytes.Fields([]byte(s)) {
		out = append(out, w)
	}
	return out
}

// TestSaveWithBacklog: a snapshot taken while the HNSW workers still owe
// vectors to the graph (updates of graph ids among them) restores every
// document with its last vector once the keyspace has fed them back.
func TestSaveWithBacklog(t *testing.T) {
	s, err := ParseCreate(fieldsOf("idx PREFIX 1 d: SCHEMA v VECTOR HNSW 6 TYPE FLOAT32 DIM 8 DISTANCE_METRIC L2"))
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(2, 2))
	vec := func() []byte {
		v := make([]float32, 8)
		for j := range v {
			v[j] = r.Float32()
		}
		return vector.EncodeFloat32(v)
	}
	docs := map[string]map[string][]byte{}
	pending := 0
	for round := 0; round < 20 && pending == 0; round++ {
		c := NewCatalog()
		ix, _ := c.Create(s)
		for i := 0; i < 3000; i++ {
			k := fmt.Sprintf("d:%d", i%2500) // the last 500 replace earlier vectors
			docs[k] = map[string][]byte{"v": vec()}
			c.HashChanged(k, 0, docs[k])
		}
		pending = ix.Info().Backlog
		var buf bytes.Buffer
		if err := c.Save(&buf); err != nil {
			t.Fatal(err)
		}
		c.Close()
		if pending == 0 {
			continue // the workers kept up: try again
		}
		back := NewCatalog()
		defer back.Close()
		if err := back.Load(bytes.NewReader(buf.Bytes())); err != nil {
			t.Fatal(err)
		}
		for k, f := range docs {
			back.HashChanged(k, 0, f)
		}
		back.FinishLoad()
		bix, _ := back.Get("idx")
		bix.Flush()
		if n := bix.engine["v"].Len(); n != 2500 {
			t.Fatalf("restored engine holds %d vectors, want 2500", n)
		}
		// Each document's own vector finds it first; EF_RUNTIME 500 over
		// 2,500 vectors, so that no graph walk misses it (at the default
		// 10, about one run in ten missed one of the 2,500).
		for k, f := range docs {
			req := &SearchRequest{Filter: &Node{Kind: qAll}, KNN: &KNN{K: 1, Ef: 500, Field: "v", Param: "B"}, Params: map[string][]byte{"B": f["v"]}, Num: 1}
			res, err := bix.Search(req, func(k string) (map[string][]byte, bool) { f, ok := docs[k]; return f, ok })
			if err != nil || len(res.Docs) != 1 || res.Docs[0].Key != k {
				t.Fatalf("%s not found by its last vector after the restore: %+v %v", k, res, err)
			}
		}
	}
	if pending == 0 {
		t.Skip("the workers kept up with every load: no backlog to save")
	}
}

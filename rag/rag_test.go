package rag

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// questions maps a question to the source that must rank first.
var questions = map[string]string{
	"why does my kitten purr?":              "cats.md",
	"which database can search a vector?":   "db/vectors.md",
	"do I need an umbrella in the storm?":   "weather.txt",
	"how much yeast and flour for a dough?": "baking/bread.md",
}

func checkAnswers(t *testing.T, st *Store, emb Embedder) {
	t.Helper()
	ctx := context.Background()
	for q, want := range questions {
		hits, err := Ask(ctx, st, emb, q, 3)
		if err != nil {
			t.Fatalf("Ask(%q): %v", q, err)
		}
		if len(hits) != 3 {
			t.Fatalf("Ask(%q): %d hits, want 3: %+v", q, len(hits), hits)
		}
		if hits[0].Source != want {
			t.Errorf("Ask(%q): first hit %s (%.3f), want %s; all: %+v", q, hits[0].Source, hits[0].Score, want, hits)
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].Score < hits[i-1].Score {
				t.Errorf("Ask(%q): scores out of order: %v then %v", q, hits[i-1].Score, hits[i].Score)
			}
		}
		if hits[0].Text == "" || hits[0].Key != st.Key(hits[0].Source, hits[0].Chunk) {
			t.Errorf("Ask(%q): first hit lacks text or has key %q", q, hits[0].Key)
		}
	}
}

func TestIngestAndAskWithOpenAICompatibleEmbedder(t *testing.T) {
	rdb := startNode(t)
	srv, calls := fakeOpenAI(t, "sekret")
	cfg := DefaultOpenAIConfig()
	cfg.URL, cfg.Model, cfg.Key, cfg.Batch = srv.URL+"/v1", "topic-model", "sekret", 2
	emb, err := NewOpenAI(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := NewStore(rdb, DefaultStoreConfig())
	if err != nil {
		t.Fatal(err)
	}
	stats, err := Ingest(context.Background(), st, emb, DefaultChunkConfig(), []string{writeDocs(t)})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Files != 4 || stats.Chunks != 4 || stats.Dim != len(topics) {
		t.Fatalf("stats = %+v, want 4 files (no .json, no hidden dir), 4 chunks, dim %d", stats, len(topics))
	}
	if calls.Load() < 4 {
		t.Errorf("the embedder was called %d times", calls.Load())
	}
	// The chunk is a hash a Redis user can read.
	h, err := rdb.HGetAll(context.Background(), "chunk:cats.md:0").Result()
	if err != nil {
		t.Fatal(err)
	}
	if h["source"] != "cats.md" || h["chunk"] != "0" || !hasText(h["text"], "kitten") || len(h["embedding"]) != 4*len(topics) {
		t.Fatalf("HGETALL chunk:cats.md:0 = %q", h)
	}
	checkAnswers(t, st, emb)
}

func TestIngestAndAskWithGloVe(t *testing.T) {
	rdb := startNode(t)
	emb, err := LoadGloVe(writeTinyGloVe(t))
	if err != nil {
		t.Fatal(err)
	}
	if emb.Dim() != 6 || emb.Words() != 12+6+6+6+6+1 {
		t.Fatalf("loaded %d words of dim %d", emb.Words(), emb.Dim())
	}
	st, err := NewStore(rdb, StoreConfig{Index: "g", Prefix: "g:", Pipeline: 2})
	if err != nil {
		t.Fatal(err)
	}
	docs := writeDocs(t)
	if _, err := Ingest(context.Background(), st, emb, ChunkConfig{Words: 8, Overlap: 2}, []string{docs}); err != nil {
		t.Fatal(err)
	}
	checkAnswers(t, st, emb)

	// Ingesting again is idempotent, and a document that shrank loses its
	// old chunks.
	n0, _ := rdb.Keys(context.Background(), "g:cats.md:*").Result()
	if err := os.WriteFile(filepath.Join(docs, "cats.md"), []byte("cats purr"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Ingest(context.Background(), st, emb, ChunkConfig{Words: 8, Overlap: 2}, []string{docs}); err != nil {
		t.Fatal(err)
	}
	n1, _ := rdb.Keys(context.Background(), "g:cats.md:*").Result()
	if len(n0) < 2 || len(n1) != 1 {
		t.Fatalf("cats.md chunks: %d before, %d after shrinking to one (want >1, then 1)", len(n0), len(n1))
	}
	checkAnswers(t, st, emb)
}

func TestSIFWeightsAndCommonComponent(t *testing.T) {
	emb, err := LoadGloVe(writeTinyGloVe(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// The most frequent words weigh least.
	if wThe, wCat := emb.weight[emb.index["the"]], emb.weight[emb.index["cat"]]; !(wThe < wCat) {
		t.Errorf("SIF weight of the = %v, of cat = %v; want the < cat", wThe, wCat)
	}
	// Function words hardly move a text: "the cat" is nearer "cat" than
	// to "the".
	v, err := emb.Embed(ctx, []string{"the the the cat", "cat", "the"})
	if err != nil {
		t.Fatal(err)
	}
	if d := cosineDistance(v[0], v[1]); d > 0.05 {
		t.Errorf("distance(the the the cat, cat) = %.3f, want < 0.05", d)
	}
	if _, err := emb.Embed(ctx, []string{"zzz qqq"}); !errors.Is(err, ErrNoKnownWords) {
		t.Errorf("unknown words: err = %v, want ErrNoKnownWords", err)
	}
}

func TestConvertWink(t *testing.T) {
	wink := `{"precision":8,"l2NormIndex":3,"wordIndex":4,"size":4,"dimensions":3,
		"words":["the","cat","","dog"],
		"vectors":{"dog":[0,0,1,1,3],"the":[1,0,0,1,0],"cat":[0,1,0,1,1]},
		"unkVector":[0,0,0]}`
	var out bytes.Buffer
	n, err := ConvertWink(strings.NewReader(wink), &out, 2)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("wrote %d words, want the first 2", n)
	}
	g, err := ReadGloVe(&out)
	if err != nil {
		t.Fatal(err)
	}
	if g.Dim() != 3 || g.Words() != 2 {
		t.Fatalf("dim %d, %d words", g.Dim(), g.Words())
	}
	if row := g.index["cat"]; row != 1 || g.vecs[3*row+1] != 1 {
		t.Errorf("cat is row %d with vector %v", row, g.vecs[3*row:3*row+3])
	}
	if _, ok := g.index["dog"]; ok {
		t.Error("dog is past the first 2 words but was kept")
	}
	if _, err := ReadGloVe(strings.NewReader("not a glove file at all")); err == nil {
		t.Error("a bad file read without error")
	}
}

func TestBadInputIsAClearError(t *testing.T) {
	rdb := startNode(t)
	st, err := NewStore(rdb, DefaultStoreConfig())
	if err != nil {
		t.Fatal(err)
	}
	emb, err := LoadGloVe(writeTinyGloVe(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	missing := filepath.Join(t.TempDir(), "nope")
	if _, err := Ingest(ctx, st, emb, DefaultChunkConfig(), []string{missing}); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing dir: err = %v", err)
	}
	if _, err := Ingest(ctx, st, emb, DefaultChunkConfig(), []string{t.TempDir()}); err == nil || !strings.Contains(err.Error(), "no .md or .txt") {
		t.Errorf("empty dir: err = %v", err)
	}
	if _, err := Ask(ctx, st, emb, "  ", 3); err == nil || !strings.Contains(err.Error(), "empty") {
		t.Errorf("empty question: err = %v", err)
	}
	if _, err := Ask(ctx, st, emb, "why does my kitten purr", 3); err == nil || !strings.Contains(err.Error(), "no such index") {
		t.Errorf("ask before any ingest: err = %v", err)
	}
	if _, err := LoadGloVe(filepath.Join(t.TempDir(), "absent.vcg")); err == nil || !strings.Contains(err.Error(), "fetch-rag-data.sh") {
		t.Errorf("missing GloVe file: err = %v", err)
	}

	// The embedding API refuses the key: the error says so.
	srv, _ := fakeOpenAI(t, "right")
	cfg := DefaultOpenAIConfig()
	cfg.URL, cfg.Model, cfg.Key = srv.URL+"/v1/embeddings", "m", "wrong"
	bad, err := NewOpenAI(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Ingest(ctx, st, bad, DefaultChunkConfig(), []string{writeDocs(t)})
	if err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "Incorrect API key") {
		t.Errorf("embedder HTTP error: err = %v", err)
	}
	// A dimension that does not fit the existing index is refused.
	if _, err := Ingest(ctx, st, emb, DefaultChunkConfig(), []string{writeDocs(t)}); err != nil {
		t.Fatal(err)
	}
	cfg.Key = "right"
	good, _ := NewOpenAI(cfg)
	if _, err := Ingest(ctx, st, good, DefaultChunkConfig(), []string{writeDocs(t)}); err == nil || !strings.Contains(err.Error(), "6-dimensional") {
		t.Errorf("dimension mismatch: err = %v", err)
	}
	for _, c := range []OpenAIConfig{{URL: "ftp://x", Model: "m", Batch: 1, Timeout: 1}, {URL: "http://x", Batch: 1, Timeout: 1}} {
		if _, err := NewOpenAI(c); err == nil {
			t.Errorf("NewOpenAI(%+v): no error", c)
		}
	}
}

// TestRealGloVe runs the document questions on the real GloVe vectors when
// scripts/fetch-rag-data.sh has fetched them.
func TestRealGloVe(t *testing.T) {
	path := filepath.Join("..", "bench", "data", "rag", "glove-100d.vcg")
	if _, err := os.Stat(path); err != nil {
		t.Skip("no GloVe file; run scripts/fetch-rag-data.sh glove")
	}
	emb, err := LoadGloVe(path)
	if err != nil {
		t.Fatal(err)
	}
	if emb.Dim() != 100 || emb.Words() < 50000 {
		t.Fatalf("loaded %d words of dim %d", emb.Words(), emb.Dim())
	}
	// Related words are nearer than unrelated ones after SIF weighting
	// and common component removal.
	v, err := emb.Embed(context.Background(), []string{"my kitten purrs", "a cat with whiskers", "rain and storm clouds"})
	if err != nil {
		t.Fatal(err)
	}
	if near, far := cosineDistance(v[0], v[1]), cosineDistance(v[0], v[2]); near >= far {
		t.Errorf("distance(kitten, cat) = %.3f, not below distance(kitten, rain) = %.3f", near, far)
	}
	st, err := NewStore(startNode(t), DefaultStoreConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Ingest(context.Background(), st, emb, DefaultChunkConfig(), []string{writeDocs(t)}); err != nil {
		t.Fatal(err)
	}
	checkAnswers(t, st, emb)
}

package rag

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/node/nodetest"
)

// startNode serves a real standalone vcache node on 127.0.0.1:0 until the
// test ends and returns a go-redis client for it.
func startNode(t *testing.T) *redis.Client { return nodetest.Client(t) }

// topics are the fake embedding model's dimensions: a text's vector counts
// the words of each topic it contains (plus a little of every topic, so no
// vector is zero).
var topics = [][]string{
	{"cat", "cats", "kitten", "purr", "purrs", "whiskers", "feline"},
	{"database", "query", "index", "redis", "vector", "search"},
	{"rain", "cloud", "clouds", "storm", "weather", "umbrella"},
	{"bread", "flour", "oven", "bake", "yeast", "dough"},
}

func topicVector(text string) []float32 {
	v := make([]float32, len(topics))
	for i := range v {
		v[i] = 0.05
	}
	for _, w := range tokens(text) {
		for i, words := range topics {
			for _, tw := range words {
				if w == tw {
					v[i]++
				}
			}
		}
	}
	return v
}

// fakeOpenAI serves /v1/embeddings like an OpenAI-compatible API with the
// topic model; it checks the bearer key when key is set. It counts the
// requests it answers.
func fakeOpenAI(t *testing.T, key string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path != "/v1/embeddings" || r.Method != http.MethodPost {
			http.Error(w, `{"error":{"message":"no such route"}}`, http.StatusNotFound)
			return
		}
		if key != "" && r.Header.Get("Authorization") != "Bearer "+key {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"message":"Incorrect API key provided"}}`)
			return
		}
		var req embeddingRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Model == "" {
			http.Error(w, `{"error":{"message":"bad request"}}`, http.StatusBadRequest)
			return
		}
		type item struct {
			Object    string    `json:"object"`
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		}
		resp := struct {
			Object string `json:"object"`
			Data   []item `json:"data"`
			Model  string `json:"model"`
		}{Object: "list", Model: req.Model}
		// Answer in reverse order: the index field, not the order, counts.
		for i := len(req.Input) - 1; i >= 0; i-- {
			resp.Data = append(resp.Data, item{"embedding", i, topicVector(req.Input[i])})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(resp)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

// writeTinyGloVe writes a compact GloVe file of a few words on 6
// dimensions: function words (most frequent) share one direction, and
// each topic's words point along their own axis with a little noise.
func writeTinyGloVe(t *testing.T) string {
	t.Helper()
	var words []string
	var vecs []float32
	add := func(w string, v []float32) { words, vecs = append(words, w), append(vecs, v...) }
	for _, w := range []string{"the", "a", "is", "of", "and", "what", "how", "do", "on", "in", "with", "to"} {
		add(w, []float32{0, 0, 0, 0, 0, 1})
	}
	for i, topic := range topics {
		for j, w := range topic {
			v := make([]float32, 6)
			v[i] = 1
			v[4] = 0.1 * float32(j%3)
			v[5] = 0.3
			add(w, v)
		}
	}
	path := filepath.Join(t.TempDir(), "tiny.vcg")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteGloVe(f, words, vecs, 6, 400000); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeDocs writes a small set of documents, one per topic, plus a file
// the ingest must ignore.
func writeDocs(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"cats.md":           "# Cats\n\nA cat is a small feline. The kitten has whiskers and purrs.\n\nCats purr when content.",
		"db/vectors.md":     "# Search\n\nA vector database answers a query with an index: redis can search vector data.",
		"weather.txt":       "Rain falls from a cloud. In a storm take an umbrella; the weather turns.",
		"baking/bread.md":   "To bake bread mix flour, yeast and water into dough, then put it in the oven.",
		"ignored.json":      `{"cat": "kitten purr whiskers"}`,
		".hidden/secret.md": "cat cat cat kitten purr",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func cosineDistance(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return 1 - dot/math.Sqrt(na*nb)
}

// hasText reports whether s contains sub, ignoring case.
func hasText(s, sub string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(sub)) }

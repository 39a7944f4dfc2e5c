package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vcache/vcache/rag"
)

// ragDocs writes one document per topic; the topic words also make the
// tiny GloVe vocabulary and the fake embedding model below.
var ragTopics = map[string][]string{
	"pets.md":         {"cat", "kitten", "purr", "whiskers"},
	"db/search.md":    {"database", "query", "index", "vector"},
	"weather.txt":     {"rain", "cloud", "storm", "umbrella"},
	"kitchen/bake.md": {"bread", "flour", "oven", "yeast"},
}

var ragSources = []string{"pets.md", "db/search.md", "weather.txt", "kitchen/bake.md"}

func ragDocsDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, src := range ragSources {
		w := ragTopics[src]
		text := fmt.Sprintf("# Notes\n\nThe %s and the %s.\n\nA %s with a %s.", w[0], w[1], w[2], w[3])
		p := filepath.Join(dir, src)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// topicOf returns a vector with one axis per topic counting its words.
func topicOf(text string) []float32 {
	v := []float32{0.05, 0.05, 0.05, 0.05}
	for _, w := range strings.Fields(strings.ToLower(strings.Trim(text, ".?!"))) {
		w = strings.Trim(w, ".?!#,")
		for i, src := range ragSources {
			for _, tw := range ragTopics[src] {
				if w == tw {
					v[i]++
				}
			}
		}
	}
	return v
}

// tinyGloVe writes a GloVe file with the topic words on their own axes and
// function words on a fifth.
func tinyGloVe(t *testing.T) string {
	t.Helper()
	var words []string
	var vecs []float32
	for _, w := range []string{"the", "a", "and", "with", "notes", "what", "is"} {
		words, vecs = append(words, w), append(vecs, 0, 0, 0, 0, 1)
	}
	for i, src := range ragSources {
		for _, w := range ragTopics[src] {
			v := []float32{0, 0, 0, 0, 0.2}
			v[i] = 1
			words, vecs = append(words, w), append(vecs, v...)
		}
	}
	var buf bytes.Buffer
	if err := rag.WriteGloVe(&buf, words, vecs, 5, 400000); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tiny.vcg")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// fakeEmbeddings serves an OpenAI-compatible /v1/embeddings with the topic
// model; status, when not 200, is returned with an error body instead.
func fakeEmbeddings(t *testing.T, status int) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if status != http.StatusOK {
			w.WriteHeader(status)
			io.WriteString(w, `{"error":{"message":"model overloaded"}}`)
			return
		}
		var req struct {
			Input []string `json:"input"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		var data []map[string]any
		for i, in := range req.Input {
			data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": topicOf(in)})
		}
		json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data})
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1"
}

// ragRun runs `vcache rag args...` and returns its output.
func ragRun(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"rag"}, args...), &out, &errOut)
	return out.String() + errOut.String(), err
}

type askReply struct {
	Question      string    `json:"question"`
	Results       []rag.Hit `json:"results"`
	LowConfidence bool      `json:"low_confidence"`
}

func askJSON(t *testing.T, args ...string) askReply {
	t.Helper()
	out, err := ragRun(t, append([]string{"ask", "--json"}, args...)...)
	if err != nil {
		t.Fatalf("vcache rag ask %v: %v\n%s", args, err, out)
	}
	var r askReply
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("ask --json printed %q: %v", out, err)
	}
	for i := 1; i < len(r.Results); i++ {
		if r.Results[i].Score < r.Results[i-1].Score {
			t.Errorf("ask %v: scores out of order: %+v", args, r.Results)
		}
	}
	return r
}

// TestRAGThroughTheProxy runs ingest and ask against `vcache dev` (three
// nodes and the proxy), with GloVe and with an OpenAI-compatible API.
func TestRAGThroughTheProxy(t *testing.T) {
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error")
	defer func() { cancel(); <-done }()
	docs, glove := ragDocsDir(t), tinyGloVe(t)

	out, err := ragRun(t, "ingest", docs, "--addr", addr, "--glove", glove, "--words", "6", "--overlap", "1")
	if err != nil || !strings.Contains(out, "of 4 documents") {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	cases := map[string]string{
		"why does my kitten purr":       "pets.md",
		"which index answers a query":   "db/search.md",
		"is an umbrella needed in rain": "weather.txt",
		"what yeast for the bread":      "kitchen/bake.md",
	}
	for q, want := range cases {
		r := askJSON(t, q, "--addr", addr, "--glove", glove, "--k", "4")
		if len(r.Results) != 4 || r.Results[0].Source != want {
			t.Errorf("GloVe: ask %q: got %+v, want %s first", q, r.Results, want)
		}
	}
	// The readable form names the source and the distance.
	out, err = ragRun(t, "ask", "--addr", addr, "--glove", glove, "why does my kitten purr")
	if err != nil || !strings.Contains(out, "1. distance ") || !strings.Contains(out, "pets.md#") || strings.Contains(out, "low confidence") {
		t.Errorf("ask: %v\n%s", err, out)
	}
	// A near hit is not low confidence; past --max-distance it is, in
	// both forms.
	if r := askJSON(t, "why does my kitten purr", "--addr", addr, "--glove", glove); r.LowConfidence {
		t.Errorf("ask: the nearest chunk at %.4f was reported as low confidence", r.Results[0].Score)
	}
	if r := askJSON(t, "why does my kitten purr", "--addr", addr, "--glove", glove, "--max-distance", "0.000001"); !r.LowConfidence || r.Results[0].Score <= 0.000001 {
		t.Errorf("ask --max-distance 0.000001: low_confidence false for %+v", r.Results)
	}
	out, err = ragRun(t, "ask", "--addr", addr, "--glove", glove, "--max-distance", "0.000001", "why does my kitten purr")
	if err != nil || !strings.Contains(out, "low confidence: the nearest chunk is at distance") {
		t.Errorf("ask --max-distance 0.000001: %v\n%s", err, out)
	}

	api := fakeEmbeddings(t, http.StatusOK)
	out, err = ragRun(t, "ingest", "--addr", addr, "--index", "api", "--prefix", "api:", "--embed-url", api, "--embed-model", "m", docs)
	if err != nil {
		t.Fatalf("ingest with --embed-url: %v\n%s", err, out)
	}
	for q, want := range cases {
		r := askJSON(t, "--addr", addr, "--index", "api", "--embed-url", api, "--embed-model", "m", q)
		if len(r.Results) != 3 || r.Results[0].Source != want || !strings.HasPrefix(r.Results[0].Key, "api:") {
			t.Errorf("API: ask %q: got %+v, want %s first", q, r.Results, want)
		}
	}

	// Bad input: a clear error, no panic.
	broken := fakeEmbeddings(t, http.StatusServiceUnavailable)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"ask", "--addr", addr, "--glove", glove, "  "}, "question is empty"},
		{[]string{"ingest", "--addr", addr, "--glove", glove, filepath.Join(docs, "missing")}, "no such file"},
		{[]string{"ingest", "--addr", addr, "--glove", glove}, "give a PATH"},
		{[]string{"ask", "--addr", addr, "--embed-url", broken, "--embed-model", "m", "rain"}, "model overloaded"},
		{[]string{"ask", "--addr", addr, "--glove", filepath.Join(docs, "none.vcg"), "rain"}, "fetch-rag-data.sh"},
		{[]string{"ask", "--addr", addr, "--like", "3", "rain"}, "--like needs --fixture"},
		{[]string{"ask", "--addr", addr, "--index", "nosuch", "--glove", glove, "rain"}, "no such index"},
		{[]string{"ingest", "--words", "5", "--overlap", "5", docs}, "overlap"},
		{[]string{"frobnicate"}, "unknown command"},
	} {
		out, err := ragRun(t, c.args...)
		if err == nil || !strings.Contains(err.Error()+out, c.want) {
			t.Errorf("vcache rag %v: err %v, output %q; want an error about %q", c.args, err, out, c.want)
		}
	}

	// The npm fixture, when fetched: a record's own vector finds itself.
	t.Run("fixture", func(t *testing.T) {
		fixture := filepath.Join("..", "..", "bench", "data", "rag", "fiori")
		if _, err := os.Stat(fixture); err != nil {
			t.Skip("no fixture; run scripts/fetch-rag-data.sh fiori")
		}
		if out, err := ragRun(t, "ingest", "--addr", addr, "--fixture", fixture); err != nil || !strings.Contains(out, "384-d") {
			t.Fatalf("ingest --fixture: %v\n%s", err, out)
		}
		fx, err := rag.LoadFixture(fixture)
		if err != nil {
			t.Fatal(err)
		}
		self := fmt.Sprintf("fixture:%s:%d", fx.Records[5].DocumentID, fx.Records[5].ChunkIndex)
		r := askJSON(t, "--addr", addr, "--fixture", fixture, "--like", "5")
		if len(r.Results) != 3 || r.Results[0].Key != self || r.Results[0].Score > 1e-4 || !strings.Contains(r.Question, "record 5") {
			t.Errorf("ask --fixture --like 5: %+v", r)
		}
	})
}

// TestRAGWithPassword ingests into a node that requires AUTH.
func TestRAGWithPassword(t *testing.T) {
	addr, cancel, done := startCmd(t, "server", "--port", "0", "--loglevel", "error", "--requirepass", "s3cret")
	defer func() { cancel(); <-done }()
	docs, glove := ragDocsDir(t), tinyGloVe(t)
	if out, err := ragRun(t, "ingest", "--addr", addr, "--glove", glove, docs); err == nil || !strings.Contains(err.Error(), "NOAUTH") {
		t.Errorf("ingest without --password: %v\n%s", err, out)
	}
	if out, err := ragRun(t, "ingest", "--addr", addr, "--password", "s3cret", "--glove", glove, docs); err != nil {
		t.Fatalf("ingest with --password: %v\n%s", err, out)
	}
	r := askJSON(t, "--addr", addr, "--password", "s3cret", "--glove", glove, "why does my kitten purr")
	if len(r.Results) == 0 || r.Results[0].Source != "pets.md" {
		t.Errorf("ask: %+v", r.Results)
	}
}

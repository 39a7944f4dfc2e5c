package rag

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

// A fixture is a set of documents with real model embeddings computed
// elsewhere, in the layout of the npm package @sap-ux/fiori-docs-embeddings
// (SAP Fiori documentation embedded with all-MiniLM-L6-v2):
//
//	metadata.json    {"model": ..., "dimensions": 384, "totalVectors": 778, ...}
//	records.jsonl    one JSON object per line: id, document_id, chunk_index, title, content, ...
//	embeddings.bin   the vectors, float32 little-endian, row i for line i
//
// It lets the demo show retrieval on real embeddings where no embedding
// model can run.

// FixtureRecord is one chunk of a fixture.
type FixtureRecord struct {
	// ID is the record's id in the fixture.
	ID string `json:"id"`
	// DocumentID names the document the chunk comes from.
	DocumentID string `json:"document_id"`
	// ChunkIndex is the chunk's position in its document.
	ChunkIndex int `json:"chunk_index"`
	// Title is the document's title.
	Title string `json:"title"`
	// Content is the chunk's text.
	Content string `json:"content"`
	// Vector is the model's embedding of Content.
	Vector []float32 `json:"-"`
}

// Fixture is a loaded fixture.
type Fixture struct {
	// Model names the embedding model.
	Model string
	// Dim is the vectors' dimension.
	Dim int
	// Records are the chunks in file order.
	Records []FixtureRecord
}

// Chunk returns record i as a chunk to store: its source is the document
// id and its number the chunk index.
func (f *Fixture) Chunk(i int) Chunk {
	r := f.Records[i]
	return Chunk{Source: r.DocumentID, N: r.ChunkIndex, Text: r.Content, Vector: r.Vector}
}

// FixtureDir finds the directory holding the fixture's files: dir itself,
// or data/embeddings or package/data/embeddings under it (an unpacked npm
// package).
func FixtureDir(dir string) (string, error) {
	for _, d := range []string{dir, filepath.Join(dir, "data", "embeddings"), filepath.Join(dir, "package", "data", "embeddings")} {
		if _, err := os.Stat(filepath.Join(d, "records.jsonl")); err == nil {
			return d, nil
		}
	}
	if _, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("fixture: %w (run scripts/fetch-rag-data.sh fiori to fetch it)", err)
	}
	return "", fmt.Errorf("fixture: no records.jsonl in %s or its data/embeddings", dir)
}

// LoadFixture reads the fixture in dir (see FixtureDir).
func LoadFixture(dir string) (*Fixture, error) {
	d, err := FixtureDir(dir)
	if err != nil {
		return nil, err
	}
	var meta struct {
		Model        string `json:"model"`
		Dimensions   int    `json:"dimensions"`
		TotalVectors int    `json:"totalVectors"`
	}
	raw, err := os.ReadFile(filepath.Join(d, "metadata.json"))
	if err != nil {
		return nil, fmt.Errorf("fixture: %w", err)
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		return nil, fmt.Errorf("fixture: metadata.json: %w", err)
	}
	if meta.Dimensions < 1 || meta.Dimensions > 65536 {
		return nil, fmt.Errorf("fixture: metadata.json: bad dimensions %d", meta.Dimensions)
	}
	f := &Fixture{Model: meta.Model, Dim: meta.Dimensions}
	rf, err := os.Open(filepath.Join(d, "records.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("fixture: %w", err)
	}
	defer rf.Close()
	sc := bufio.NewScanner(rf)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var r FixtureRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("fixture: records.jsonl line %d: %w", line, err)
		}
		if r.DocumentID == "" {
			r.DocumentID = r.ID
		}
		f.Records = append(f.Records, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("fixture: records.jsonl: %w", err)
	}
	if len(f.Records) == 0 {
		return nil, errors.New("fixture: records.jsonl holds no records")
	}
	vecs, err := os.ReadFile(filepath.Join(d, "embeddings.bin"))
	if err != nil {
		return nil, fmt.Errorf("fixture: %w", err)
	}
	if want := len(f.Records) * f.Dim * 4; len(vecs) != want {
		return nil, fmt.Errorf("fixture: embeddings.bin has %d bytes, want %d (%d records x %d float32)", len(vecs), want, len(f.Records), f.Dim)
	}
	for i := range f.Records {
		v := make([]float32, f.Dim)
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(vecs[4*(i*f.Dim+j):]))
		}
		f.Records[i].Vector = v
	}
	return f, nil
}

// IngestFixture stores every record of f with its own vector, creating
// the index on first use.
func IngestFixture(ctx context.Context, st *Store, f *Fixture) (IngestStats, error) {
	stats := IngestStats{Dim: f.Dim}
	if err := st.EnsureIndex(ctx, f.Dim); err != nil {
		return stats, fmt.Errorf("fixture: %w", err)
	}
	chunks := make([]Chunk, len(f.Records))
	docs := map[string]bool{}
	for i := range f.Records {
		chunks[i] = f.Chunk(i)
		docs[chunks[i].Source] = true
	}
	if err := st.Put(ctx, chunks); err != nil {
		return stats, fmt.Errorf("fixture: %w", err)
	}
	stats.Files, stats.Chunks = len(docs), len(chunks)
	return stats, nil
}

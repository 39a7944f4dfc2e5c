package rag

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// IngestStats says what an ingest stored.
type IngestStats struct {
	// Files is how many documents were read.
	Files int `json:"files"`
	// Chunks is how many chunks were stored.
	Chunks int `json:"chunks"`
	// Skipped is how many chunks had nothing the embedder could embed.
	Skipped int `json:"skipped"`
	// Dim is the embeddings' dimension.
	Dim int `json:"dim"`
}

// Documents lists the .md and .txt files under paths: a directory is
// walked (skipping hidden directories) and its files are named relative to
// it; a file is named as given. Names use forward slashes.
func Documents(paths []string) (map[string]string, error) {
	if len(paths) == 0 {
		return nil, errors.New("no path to ingest")
	}
	docs := map[string]string{} // source name -> file path
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			docs[strings.TrimPrefix(filepath.ToSlash(filepath.Clean(root)), "./")] = root
			continue
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path != root && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if ext := strings.ToLower(filepath.Ext(path)); ext != ".md" && ext != ".txt" {
				return nil
			}
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			docs[filepath.ToSlash(rel)] = path
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(docs) == 0 {
		return nil, fmt.Errorf("no .md or .txt files in %s", strings.Join(paths, ", "))
	}
	return docs, nil
}

// Ingest reads the documents under paths (see Documents), cuts them into
// chunks, embeds them and stores them, creating the index on first use.
func Ingest(ctx context.Context, st *Store, emb Embedder, chunking ChunkConfig, paths []string) (IngestStats, error) {
	var stats IngestStats
	if err := chunking.Validate(); err != nil {
		return stats, err
	}
	docs, err := Documents(paths)
	if err != nil {
		return stats, fmt.Errorf("ingest: %w", err)
	}
	for _, source := range sortedKeys(docs) {
		raw, err := os.ReadFile(docs[source])
		if err != nil {
			return stats, fmt.Errorf("ingest: %w", err)
		}
		stats.Files++
		texts := chunking.Chunk(string(raw))
		if len(texts) == 0 {
			continue
		}
		vecs, err := embedEach(ctx, emb, texts)
		if err != nil {
			return stats, fmt.Errorf("ingest %s: %w", source, err)
		}
		var chunks []Chunk
		for i, v := range vecs {
			if v == nil {
				stats.Skipped++
				continue
			}
			chunks = append(chunks, Chunk{Source: source, N: len(chunks), Text: texts[i], Vector: v})
		}
		if len(chunks) == 0 {
			continue
		}
		if stats.Dim == 0 {
			stats.Dim = len(chunks[0].Vector)
			if err := st.EnsureIndex(ctx, stats.Dim); err != nil {
				return stats, fmt.Errorf("ingest: %w", err)
			}
		}
		if err := st.Put(ctx, chunks); err != nil {
			return stats, fmt.Errorf("ingest %s: %w", source, err)
		}
		stats.Chunks += len(chunks)
	}
	if stats.Chunks == 0 {
		return stats, errors.New("ingest: no chunk could be embedded")
	}
	return stats, nil
}

// embedEach embeds texts in one call; if the embedder refuses one text for
// having no known word, it embeds them one by one and leaves nil for the
// refused ones.
func embedEach(ctx context.Context, emb Embedder, texts []string) ([][]float32, error) {
	vecs, err := emb.Embed(ctx, texts)
	if !errors.Is(err, ErrNoKnownWords) {
		return vecs, err
	}
	vecs = make([][]float32, len(texts))
	for i, t := range texts {
		v, err := emb.Embed(ctx, []string{t})
		switch {
		case errors.Is(err, ErrNoKnownWords):
		case err != nil:
			return nil, err
		default:
			vecs[i] = v[0]
		}
	}
	return vecs, nil
}

package rag

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Ask embeds question and returns the k stored chunks nearest to it.
func Ask(ctx context.Context, st *Store, emb Embedder, question string, k int) ([]Hit, error) {
	if strings.TrimSpace(question) == "" {
		return nil, errors.New("ask: the question is empty")
	}
	vecs, err := emb.Embed(ctx, []string{question})
	if err != nil {
		return nil, fmt.Errorf("ask: embedding the question: %w", err)
	}
	return st.Search(ctx, vecs[0], k)
}

// WriteHits prints hits for a person: rank, distance, source#chunk, and
// the text cut to about width characters on one line.
func WriteHits(w io.Writer, hits []Hit, width int) error {
	if len(hits) == 0 {
		_, err := fmt.Fprintln(w, "no chunks found (ingest some documents first)")
		return err
	}
	for i, h := range hits {
		text := strings.Join(strings.Fields(h.Text), " ")
		if width > 0 && len([]rune(text)) > width {
			text = string([]rune(text)[:width]) + "..."
		}
		if _, err := fmt.Fprintf(w, "%d. distance %.4f  %s#%d\n   %s\n", i+1, h.Score, h.Source, h.Chunk, text); err != nil {
			return err
		}
	}
	return nil
}

// WriteJSON prints the question and its hits as one JSON object.
func WriteJSON(w io.Writer, question string, hits []Hit) error {
	if hits == nil {
		hits = []Hit{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Question string `json:"question"`
		Results  []Hit  `json:"results"`
	}{question, hits})
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

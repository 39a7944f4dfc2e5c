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

// DefaultMaxDistance is the cosine distance past which the nearest chunk
// is reported as a weak match. It suits the offline GloVe embedder, whose
// distances for questions the documents answer measured 0.25 to 0.60 here
// and for unrelated questions (baking, football, a sick cat) 0.75 to 0.91;
// a model embedder spreads distances differently: set its own.
const DefaultMaxDistance = 0.7

// LowConfidence reports whether even the nearest hit is farther than
// maxDistance (never when maxDistance is 0 or negative, or there are no
// hits: that case has its own message).
func LowConfidence(hits []Hit, maxDistance float64) bool {
	return maxDistance > 0 && len(hits) > 0 && hits[0].Score > maxDistance
}

// WriteLowConfidence prints the warning for a question whose nearest chunk
// is past maxDistance, if it is.
func WriteLowConfidence(w io.Writer, hits []Hit, maxDistance float64) error {
	if !LowConfidence(hits, maxDistance) {
		return nil
	}
	_, err := fmt.Fprintf(w, "low confidence: the nearest chunk is at distance %.4f, past --max-distance %.2f; the documents may not answer this question\n", hits[0].Score, maxDistance)
	return err
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

// WriteJSON prints the question, its hits and whether the nearest is past
// maxDistance (LowConfidence) as one JSON object.
func WriteJSON(w io.Writer, question string, hits []Hit, maxDistance float64) error {
	low := LowConfidence(hits, maxDistance)
	if hits == nil {
		hits = []Hit{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Question      string  `json:"question"`
		Results       []Hit   `json:"results"`
		MaxDistance   float64 `json:"max_distance"`
		LowConfidence bool    `json:"low_confidence"`
	}{question, hits, maxDistance, low})
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

package fthybrid

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Hit is one document of a list: its key, its score (the text score, or
// the vector distance), its fields as name, value pairs and, with
// EXPLAINSCORE, the text scorer's explanation (a line, or a line and its
// children's: strings and []any).
type Hit struct {
	Key     string
	Score   float64
	Fields  []string
	Explain any
}

// Row is one fused result.
type Row struct {
	Key   string
	Score float64 // the fused score
	// Text is the text score (InText) and Dist the vector distance
	// (InVector) when the document is in that list's window; VecScore is
	// the distance normalized as the vector score, TextRank and VecRank
	// the ranks in the lists (from 1).
	Text, Dist        float64
	VecScore          float64
	TextRank, VecRank int
	InText, InVector  bool
	Fields            []string
	// TextExplain is the text scorer's EXPLAINSCORE tree.
	TextExplain any
}

// Metric is a vector field's distance metric, for COMBINE LINEAR's
// vector score.
type Metric uint8

// The metrics.
const (
	Cosine Metric = iota
	L2
	IP
)

// ParseMetric reads DISTANCE_METRIC's name (cosine when unknown).
func ParseMetric(name string) Metric {
	switch strings.ToUpper(name) {
	case "L2":
		return L2
	case "IP":
		return IP
	}
	return Cosine
}

// VectorScore turns a distance into the vector score COMBINE LINEAR
// weighs and VSIM's YIELD_SCORE_AS shows, as RediSearch 8.4 normalizes
// (vector_normalization.h): 1/(1+d) for L2, (1+(1-d))/2 for cosine (d is
// 1 less the similarity) and (1+d)/2 for inner product, applied to the
// distance field as it is (1 less the dot product).
func VectorScore(m Metric, d float64) float64 {
	switch m {
	case L2:
		return 1 / (1 + d)
	case IP:
		return (1 + d) / 2
	}
	return (1 + (1 - d)) / 2
}

// DistanceOf reads a vector list row's distance from its fields.
func DistanceOf(fields []string) (float64, bool) {
	for i := 0; i+1 < len(fields); i += 2 {
		if fields[i] == distField {
			d, err := strconv.ParseFloat(fields[i+1], 64)
			return d, err == nil
		}
	}
	return 0, false
}

// Fuse combines the text list (best first, scores descending) and the
// vector list (nearest first) into the fused results, ordered by the
// fused score (ties by key). Only the first Window hits of each list take
// part. It returns every fused row; Run applies the pipeline and LIMIT.
func (r *Request) Fuse(text, vec []Hit, m Metric) []Row {
	text = text[:min(len(text), r.Window)]
	vec = vec[:min(len(vec), r.Window)]
	byKey := make(map[string]int, len(text)+len(vec))
	var rows []Row
	row := func(h *Hit) *Row {
		i, ok := byKey[h.Key]
		if !ok {
			i = len(rows)
			byKey[h.Key] = i
			rows = append(rows, Row{Key: h.Key, Fields: h.Fields})
		}
		return &rows[i]
	}
	for rank, h := range text {
		x := row(&h)
		x.Text, x.InText, x.TextRank, x.TextExplain = h.Score, true, rank+1, h.Explain
		x.Score += r.weigh(rank, h.Score, true)
	}
	for rank, h := range vec {
		x := row(&h)
		x.Dist, x.InVector, x.VecRank = h.Score, true, rank+1
		x.VecScore = VectorScore(m, h.Score)
		x.Score += r.weigh(rank, x.VecScore, false)
		if len(x.Fields) < len(h.Fields) {
			x.Fields = h.Fields
		}
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return rows
}

// weigh is one list's part of a fused score: 1/(CONSTANT+rank) for RRF
// (rank from 1), the weighted score for LINEAR.
func (r *Request) weigh(rank int, score float64, text bool) float64 {
	if r.Method == RRF {
		return 1 / (r.Constant + float64(rank+1))
	}
	if text {
		return r.Alpha * score
	}
	return r.Beta * score
}

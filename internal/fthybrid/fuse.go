package fthybrid

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Hit is one document of a list: its key, its score (the text score, or
// the vector distance) and its fields as name, value pairs.
type Hit struct {
	Key    string
	Score  float64
	Fields []string
}

// Row is one fused result.
type Row struct {
	Key   string
	Score float64 // the fused score
	// Text is the text score (InText) and Dist the vector distance
	// (InVector) when the document is in that list's window.
	Text, Dist       float64
	InText, InVector bool
	Fields           []string
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

// VectorScore turns a distance into the similarity COMBINE LINEAR weighs,
// in [0, 1] and higher when nearer, as RediSearch normalizes: 1/(1+d) for
// L2, (2-d)/2 for cosine and inner product (whose distances are 1 less
// the similarity).
func VectorScore(m Metric, d float64) float64 {
	if m == L2 {
		return 1 / (1 + d)
	}
	return (2 - d) / 2
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
// fused score (ties by key), then by SORTBY if given. Only the first
// Window hits of each list take part. It returns every fused row; Page
// applies LIMIT.
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
		x.Text, x.InText = h.Score, true
		x.Score += r.weigh(rank, h.Score, true)
	}
	for rank, h := range vec {
		x := row(&h)
		x.Dist, x.InVector = h.Score, true
		x.Score += r.weigh(rank, VectorScore(m, h.Score), false)
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
	if len(r.SortBy) > 0 {
		slices.SortStableFunc(rows, func(a, b Row) int {
			for _, k := range r.SortBy {
				va, hasA := r.value(&a, k.Field)
				vb, hasB := r.value(&b, k.Field)
				c := compareValues(va, vb, hasA, hasB)
				if k.Desc && hasA && hasB {
					c = -c // missing values stay last
				}
				if c != 0 {
					return c
				}
			}
			return 0
		})
	}
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

// Page returns LIMIT's page of rows.
func (r *Request) Page(rows []Row) []Row {
	if r.Offset >= len(rows) {
		return nil
	}
	return rows[r.Offset:min(len(rows), r.Offset+r.Num)]
}

// value is a row's value of field for SORTBY: a reserved name, a score
// alias, or a loaded field ("", false when missing).
func (r *Request) value(x *Row, field string) (string, bool) {
	for _, f := range r.output(x) {
		if f[0] == field {
			return f[1], true
		}
	}
	for i := 0; i+1 < len(x.Fields); i += 2 {
		if x.Fields[i] == field {
			return x.Fields[i+1], true
		}
	}
	return "", false
}

// compareValues orders two SORTBY values: numbers by value before
// strings, strings bytewise, missing values last.
func compareValues(a, b string, hasA, hasB bool) int {
	switch {
	case !hasA || !hasB:
		if hasA == hasB {
			return 0
		}
		if hasA {
			return -1
		}
		return 1
	}
	fa, errA := strconv.ParseFloat(a, 64)
	fb, errB := strconv.ParseFloat(b, 64)
	switch {
	case errA == nil && errB == nil:
		return cmp.Compare(fa, fb)
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}

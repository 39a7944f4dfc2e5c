package ft

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/vector"
)

// runRanges finds, for every vector range clause of the tree, the
// documents within its radius and their distances (an exact search: every
// document is compared with the query vector). mu must be held.
func (ix *Index) runRanges(n *Node, params map[string][]byte) error {
	if n == nil {
		return nil
	}
	for _, k := range n.Kids {
		if err := ix.runRanges(k, params); err != nil {
			return err
		}
	}
	if n.Kind != qVecRange {
		return nil
	}
	r := n.Range
	r.dist = map[uint32]float32{}
	e, ok := ix.engine[n.Field]
	if !ok {
		return nil // as RediSearch: no vector field of that name, no match
	}
	f, _ := ix.schema.field(n.Field)
	blob := params[r.Param]
	q, err := vector.DecodeFloat32(blob, f.Vec.Dim)
	if err != nil {
		return errf("Error parsing vector similarity query: query vector blob size (%d) does not match index's expected size (%d).", len(blob), 4*f.Vec.Dim)
	}
	if r.Radius < 0 {
		return errf("Error parsing vector similarity query: negative radius (%s) given in a range query", strconv.FormatFloat(r.Radius, 'g', 6, 64))
	}
	if r.EpsAttr != nil && f.Vec.Algorithm == vector.FLAT {
		return ftargs.VecSimError(ftargs.VecErrUnknownOption)
	}
	if vector.CheckFinite(q) != nil {
		return errf("Error parsing vector similarity query: query vector blob contains a NaN or infinite value")
	}
	ids := make([]uint32, 0, len(ix.docs))
	for id := range ix.docs {
		ids = append(ids, id)
	}
	if len(ids) == 0 {
		return nil
	}
	found, err := e.Search(q, vector.SearchOptions{K: len(ids), Candidates: ids, FilterCount: -1})
	if err != nil {
		return err
	}
	for _, x := range found {
		if float64(x.Dist) <= r.Radius {
			r.dist[x.ID] = x.Dist
		}
	}
	return nil
}

// checkYields refuses distance fields named like a schema field, and a
// name two range clauses yield. mu must be held.
func (ix *Index) checkYields(n *Node, knn *KNN) error {
	seen := map[string]bool{}
	var err error
	var walk func(n *Node)
	walk = func(n *Node) {
		for _, k := range n.Kids {
			walk(k)
		}
		if n.Kind != qVecRange || n.Range.Yield == "" || err != nil {
			return
		}
		name := n.Range.Yield
		if seen[name] {
			err = fmt.Errorf("Property `%s` specified more than once", name)
		} else if ix.inSchema(name) {
			err = fmt.Errorf("Property `%s` already exists in schema", name)
		}
		seen[name] = true
	}
	walk(n)
	if err == nil && knn != nil && knn.As != "" && ix.inSchema(knn.As) {
		err = fmt.Errorf("Property `%s` already exists in schema", knn.As)
	}
	return err
}

// inSchema says whether name is a field's name or alias.
func (ix *Index) inSchema(name string) bool {
	for _, f := range ix.schema.Fields {
		if f.Alias == name || f.Name == name {
			return true
		}
	}
	return false
}

// passing returns the ids of the documents that pass n, in id order. mu
// must be held.
func (ix *Index) passing(n *Node) []uint32 {
	out := []uint32{}
	if ids, exact, ok := ix.bound(n); ok {
		for _, id := range ids {
			if d := ix.docs[id]; d != nil && (exact || ix.eval(n, d)) {
				out = append(out, id)
			}
		}
		return out
	}
	for id, d := range ix.docs {
		if ix.eval(n, d) {
			out = append(out, id)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// rangeYields returns the tree's vector ranges that yield their distance,
// by the name they yield it under.
func rangeYields(n *Node) map[string]*VecRange {
	var out map[string]*VecRange
	var walk func(n *Node)
	walk = func(n *Node) {
		if n == nil {
			return
		}
		for _, k := range n.Kids {
			walk(k)
		}
		if n.Kind == qVecRange && n.Range.Yield != "" {
			if out == nil {
				out = map[string]*VecRange{}
			}
			out[n.Range.Yield] = n.Range
		}
	}
	walk(n)
	return out
}

// yieldValues returns the distance fields document id carries: one per
// range that yields its distance and that the document is within, by
// name.
func yieldValues(yields map[string]*VecRange, id uint32) [][2]string {
	if len(yields) == 0 {
		return nil
	}
	var out [][2]string
	for name, r := range yields {
		if d, ok := r.dist[id]; ok {
			out = append(out, [2]string{name, FormatScore(float64(d))})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

func yieldOf(yields [][2]string, name string) (string, bool) {
	for _, y := range yields {
		if y[0] == name {
			return y[1], true
		}
	}
	return "", false
}

// sortKey is a document's WITHSORTKEYS value as RediSearch sends it: nil
// without SORTBY or when the document lacks the field, "#" and the
// number for a number (%.17g), "$" and the text for a string (lower-cased
// for a SORTABLE TEXT or TAG field without UNF).
func sortKey(sortBy string, spec sortSpec, scoreField string, score float64, yields map[string]*VecRange, id uint32, f map[string][]byte) any {
	num := func(v float64) any { return "#" + strconv.FormatFloat(v, 'g', 17, 64) }
	switch {
	case sortBy == "":
		return nil
	case sortBy == scoreField:
		return num(score)
	}
	if r, ok := yields[sortBy]; ok {
		if d, ok := r.dist[id]; ok {
			return num(float64(d))
		}
		return nil
	}
	raw, ok := f[sortBy]
	if !ok {
		return nil
	}
	if spec.numeric {
		if v, err := strconv.ParseFloat(strings.TrimSpace(string(raw)), 64); err == nil && !math.IsNaN(v) {
			return num(v)
		}
	}
	return "$" + spec.norm(string(raw))
}

// sortSpec is how SORTBY sees a field's values: as numbers for a NUMERIC
// field, lower-cased for a SORTABLE TEXT or TAG field without UNF (as
// RediSearch keeps them), else as they are.
type sortSpec struct{ numeric, lower bool }

// sortSpecOf returns the sortSpec of the field queries call name.
func (ix *Index) sortSpecOf(name string) sortSpec {
	ix.mu.RLock() // FT.ALTER may add fields
	defer ix.mu.RUnlock()
	fs, ok := ix.schema.field(name)
	if !ok {
		return sortSpec{}
	}
	return sortSpec{numeric: fs.Type == Numeric, lower: fs.Sortable && !fs.UNF && (fs.Type == Text || fs.Type == Tag)}
}

func (s sortSpec) norm(v string) string {
	if s.lower {
		return strings.ToLower(v)
	}
	return v
}

// payload is a document's WITHPAYLOADS value: its PAYLOAD_FIELD's value
// in a hash index that names one, else nil.
func (ix *Index) payload(f map[string][]byte) any {
	if ix.schema.PayloadField == "" || ix.schema.OnJSON {
		return nil
	}
	if v, ok := f[ix.schema.PayloadField]; ok {
		return string(v)
	}
	return nil
}

// NewNumericFilter makes the clause of a legacy FILTER argument (its
// bounds were checked by the argument parser).
func NewNumericFilter(f ftargs.NumericFilter) *Node {
	n := &Node{Kind: qNum, Field: f.Field}
	bound := func(s string, v *float64, ex *bool) {
		s, *ex = strings.CutPrefix(s, "(")
		switch strings.ToLower(strings.TrimPrefix(s, "+")) {
		case "-inf":
			*v = math.Inf(-1)
		case "inf":
			*v = math.Inf(1)
		default:
			*v, _ = strconv.ParseFloat(s, 64)
		}
	}
	bound(f.Min, &n.Lo, &n.LoEx)
	bound(f.Max, &n.Hi, &n.HiEx)
	return n
}

// ReplyFor renders a result as FT.SEARCH's reply for req: the total,
// then for each document its key, its score (WITHSCORES), its payload
// (WITHPAYLOADS), its sort key (WITHSORTKEYS) and its field/value list
// (unless NOCONTENT), in RediSearch's order.
func (r *Result) ReplyFor(req *SearchRequest) []any {
	out := []any{int64(r.Total)}
	for _, d := range r.Docs {
		out = append(out, d.Key)
		if req.WithScores {
			out = append(out, r.scoreReply(&d, req.ExplainScore))
		}
		if req.WithPayloads {
			out = append(out, d.Payload)
		}
		if req.WithSortKeys {
			out = append(out, d.SortKey)
		}
		if !req.NoContent {
			out = append(out, d.fieldValues())
		}
	}
	return out
}

// scoreReply is a document's WITHSCORES value: its score (a scorer's as a
// double's shortest form, a distance as RediSearch shows one), or with
// EXPLAINSCORE the score and its explanation.
func (r *Result) scoreReply(d *Doc, explain bool) any {
	s := FormatScore(d.Score)
	if r.Scored {
		s = strconv.FormatFloat(d.Score, 'g', -1, 64)
	}
	if !explain {
		return s
	}
	if d.Explain == nil {
		return []any{s}
	}
	return []any{s, d.Explain.Reply()}
}

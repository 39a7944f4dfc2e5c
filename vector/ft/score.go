package ft

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
)

// Full-text scoring, as RediSearch 2.8 scores (SCORER): a query's match of
// a document is a tree of results mirroring the query — a term (its
// frequency in the document and its idf), a union (OR, and a query term's
// expansions: the word, its stem forms, a prefix's words), an intersection
// (AND, a phrase) or another clause (tag values count as terms, numeric,
// geo and vector ranges as a frequency of 1) — and a scorer folds it:
//
//	TFIDF          doc score × Σ(weight × freq × idf) / max freq / slop
//	TFIDF.DOCNORM  the same, divided by the document's length instead
//	BM25           doc score × Σ(weight × idf × f / (f + k1(1 − b + b·avgLen))) / slop,
//	               k1 1.2, b 0.5 — RediSearch 2.8's "BM25", which uses the
//	               average length and not the document's
//	BM25STD        doc score × Σ(weight × idf' × f(k1+1) / (f + k1(1 − b + b·len/avgLen))),
//	               idf' = ln(1 + (N − df + 0.5)/(df + 0.5))
//	DISMAX         Σ over intersections, max over unions, of weight × freq
//	DOCSCORE       the document's score (SCORE, SCORE_FIELD; 1 by default)
//	HAMMING        1 / (1 + differing bits of the query's PAYLOAD and the
//	               document's), 0 when their lengths differ
//
// where idf = logb(1 + N/df) (the binary exponent, as RediSearch computes
// it) with N the documents of the index plus one, and slop the distance
// between the matched terms: the square root of the sum of the squared
// smallest distances between consecutive children of the root, or the
// number of children less one, at least 1.

// Scorer is a SCORER function.
type Scorer uint8

// The scorers.
const (
	ScoreTFIDF Scorer = iota
	ScoreTFIDFDocNorm
	ScoreBM25
	ScoreBM25Std
	ScoreDisMax
	ScoreDocScore
	ScoreHamming
)

var scorerNames = map[string]Scorer{
	"TFIDF": ScoreTFIDF, "TFIDF.DOCNORM": ScoreTFIDFDocNorm, "BM25": ScoreBM25, "BM25STD": ScoreBM25Std,
	"DISMAX": ScoreDisMax, "DOCSCORE": ScoreDocScore, "HAMMING": ScoreHamming,
}

// ParseScorer returns the scorer SCORER names ("" for the default, TFIDF).
func ParseScorer(name string) (Scorer, error) {
	if name == "" {
		return ScoreTFIDF, nil
	}
	s, ok := scorerNames[name]
	if !ok {
		return 0, errf("No such scorer %s", name)
	}
	return s, nil
}

type resKind uint8

const (
	resTerm resKind = iota
	resOther
	resUnion
	resInter
)

// result is one node of a document's match.
type result struct {
	kind   resKind
	term   string
	freq   uint32
	df     int
	weight float64
	pos    []uint32 // offsets of a term
	kids   []*result
	// quick marks the union of a pattern's words (a prefix, a suffix, an
	// infix, a fuzzy or wildcard term): RediSearch's union of those stops
	// at the first word a document holds, whose offsets alone it then
	// has (snippet.go).
	quick bool
}

// ScoreExplain is an EXPLAINSCORE tree: a line and the lines it sums up.
type ScoreExplain struct {
	Text string
	Kids []*ScoreExplain
}

// Reply renders the tree as RediSearch does: a line alone, or the line
// and an array of its children.
func (e *ScoreExplain) Reply() any {
	if len(e.Kids) == 0 {
		return e.Text
	}
	kids := make([]any, len(e.Kids))
	for i, k := range e.Kids {
		kids[i] = k.Reply()
	}
	return []any{e.Text, kids}
}

// weightOf is a node's weight: its $weight, or 1.
func weightOf(n *Node) float64 {
	if n.Weight != 0 {
		return n.Weight
	}
	return 1
}

// hasText reports whether the tree has a text clause.
func hasText(n *Node) bool {
	if n.Kind == qText {
		return true
	}
	for _, k := range n.Kids {
		if hasText(k) {
			return true
		}
	}
	return false
}

// resultOf builds d's match of n, nil when d does not pass n. mu must be
// held.
func (ix *Index) resultOf(n *Node, d *doc) *result {
	w := weightOf(n)
	switch n.Kind {
	case qAnd:
		r := &result{kind: resInter, weight: w}
		for _, k := range n.Kids {
			kr := ix.resultOf(k, d)
			if kr == nil {
				return nil
			}
			r.kids = append(r.kids, kr)
		}
		if n.slopSet() && !withinSlop(r.kids, n.maxSlop(), n.InOrder) {
			return nil
		}
		return r
	case qOr:
		r := &result{kind: resUnion, weight: w}
		for _, k := range n.Kids {
			if kr := ix.resultOf(k, d); kr != nil {
				r.kids = append(r.kids, kr)
			}
		}
		if len(r.kids) == 0 {
			return nil
		}
		return r
	case qNot:
		if ix.eval(n.Kids[0], d) {
			return nil
		}
		return &result{kind: resOther, weight: w}
	case qOptional:
		// An optional clause never filters: a document that passes its
		// child scores what the child scores, any other adds nothing.
		if kr := ix.resultOf(n.Kids[0], d); kr != nil {
			kr.weight *= w
			return kr
		}
		return &result{kind: resOther, weight: w}
	case qTag:
		r := &result{kind: resUnion, weight: w}
		for _, t := range ix.tagValues(n, Expansion{}) {
			if _, ok := ix.tagPost[n.Field][t][d.id]; ok {
				r.kids = append(r.kids, &result{kind: resTerm, term: t, freq: 1, df: len(ix.tagPost[n.Field][t]), weight: 1})
			}
		}
		if len(r.kids) == 0 {
			return nil
		}
		return r
	case qText:
		if !ix.textMatch(n, d) {
			return nil
		}
		return ix.textResult(n, d, w)
	}
	if !ix.eval(n, d) {
		return nil
	}
	return &result{kind: resOther, freq: 1, weight: w}
}

// textResult builds the match of text node n that d passes: per query
// term a term, or a union of its expansions; an intersection of several.
func (ix *Index) textResult(n *Node, d *doc, w float64) *result {
	verbatim := n.Verbatim || n.Phrase
	var parts []*result
	for i, t := range n.Terms {
		hits := ix.nodeTerms(n, d, i, verbatim)
		expands := !verbatim || t[len(t)-1] == '*' || isPattern(t)
		var r *result
		switch {
		case len(hits) == 0: // a synonym
			r = &result{kind: resOther, freq: 1, weight: 1}
		case !expands && len(hits) == 1:
			r = ix.termResult(hits[0], 1)
		default:
			_, expanded := n.expand[t]
			r = &result{kind: resUnion, weight: 1, quick: expanded || isPattern(t)}
			for _, h := range hits {
				r.kids = append(r.kids, ix.termResult(h, 1))
			}
		}
		parts = append(parts, r)
	}
	if len(parts) == 1 {
		parts[0].weight *= w
		return parts[0]
	}
	return &result{kind: resInter, weight: w, kids: parts}
}

func (ix *Index) termResult(h termHit, w float64) *result {
	return &result{kind: resTerm, term: h.term, freq: h.t.freq, df: ix.docFreq(h.term), weight: w, pos: h.t.pos}
}

// offsets returns a result's term offsets, merged and ascending (nil for
// none).
func (r *result) offsets() []uint32 {
	switch r.kind {
	case resTerm:
		return r.pos
	case resOther:
		return nil
	}
	var out []uint32
	for _, k := range r.kids {
		out = append(out, k.offsets()...)
	}
	slices.Sort(out)
	return out
}

// slop is the distance between the root's matched terms (see above).
func (r *result) slop() int {
	if (r.kind != resUnion && r.kind != resInter) || len(r.kids) <= 1 {
		return 1
	}
	dist := 0
	var prev []uint32
	for _, k := range r.kids {
		off := k.offsets()
		if len(off) == 0 {
			continue
		}
		if prev != nil {
			cd := minDelta(prev, off)
			dist += cd * cd
		}
		prev = off
	}
	if dist == 0 {
		return max(1, len(r.kids)-1)
	}
	return max(1, int(math.Sqrt(float64(dist))))
}

// minDelta is the smallest distance between a position of a and one of b,
// found as RediSearch walks them (it stops once it reaches 1).
func minDelta(a, b []uint32) int {
	abs := func(x, y uint32) int {
		if x > y {
			return int(x - y)
		}
		return int(y - x)
	}
	i, j := 0, 0
	cd := abs(b[0], a[0])
	for cd > 1 && i < len(a) && j < len(b) {
		cd = min(cd, abs(b[j], a[i]))
		if b[j] > a[i] {
			i++
		} else {
			j++
		}
	}
	return cd
}

// scoreCtx is what a scorer needs beyond the match.
type scoreCtx struct {
	scorer  Scorer
	explain bool
	numDocs int     // documents in the index
	avgLen  float64 // their average length
	payload []byte  // the query's PAYLOAD (HAMMING)
	k1, b   float64 // BM25's parameters
}

func (ix *Index) newScoreCtx(req *SearchRequest) *scoreCtx {
	c := &scoreCtx{scorer: req.Scorer, explain: req.ExplainScore, numDocs: len(ix.docs), payload: []byte(req.Payload), k1: 1.2, b: 0.5}
	if req.HasBM25 {
		c.k1, c.b = req.BM25[0], req.BM25[1]
	}
	if c.numDocs > 0 {
		c.avgLen = float64(ix.textLen) / float64(c.numDocs)
	}
	return c
}

func (c *scoreCtx) idf(df int) float64 {
	return math.Logb(1 + float64(c.numDocs+1)/float64(max(df, 1)))
}

func (c *scoreCtx) idfBM25(df int) float64 {
	n := float64(max(c.numDocs, df))
	return math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
}

func f2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// score folds r for document d with fields f (for HAMMING's payload).
func (c *scoreCtx) score(r *result, d *doc, payload []byte) (float64, *ScoreExplain) {
	docScore, maxFreq, length := 1.0, uint32(0), uint32(0)
	if d.text != nil {
		docScore, maxFreq, length = d.text.score, d.text.maxFreq, d.text.length
	}
	var ex *ScoreExplain
	switch c.scorer {
	case ScoreTFIDF, ScoreTFIDFDocNorm:
		norm, what := maxFreq, "max frequency"
		if c.scorer == ScoreTFIDFDocNorm {
			norm, what = length, "length"
		}
		if docScore == 0 {
			return 0, c.line("Document score is 0")
		}
		if norm == 0 {
			return 0, c.line("Document " + what + " is 0")
		}
		raw, e := c.tfidf(r)
		slop := r.slop()
		s := docScore * raw / float64(norm) / float64(slop)
		if c.explain {
			ex = &ScoreExplain{Text: fmt.Sprintf("Final TFIDF : words TFIDF %s * document score %s / norm %d / slop %d", f2(raw), f2(docScore), norm, slop), Kids: []*ScoreExplain{e}}
		}
		return s, ex
	case ScoreBM25, ScoreBM25Std:
		raw, e := c.bm25(r, length)
		s := docScore * raw
		slop := 1
		if c.scorer == ScoreBM25 {
			slop = r.slop()
			s /= float64(slop)
		}
		if c.explain {
			text := fmt.Sprintf("Final BM25 : words BM25 %s * document score %s / slop %d", f2(raw), f2(docScore), slop)
			if c.scorer == ScoreBM25Std {
				text = fmt.Sprintf("Final BM25 : words BM25 %s * document score %s", f2(raw), f2(docScore))
			}
			ex = &ScoreExplain{Text: text, Kids: []*ScoreExplain{e}}
		}
		return s, ex
	case ScoreDisMax:
		return c.dismax(r)
	case ScoreDocScore:
		if !c.explain {
			return docScore, nil
		}
		return docScore, c.line("Document's score is " + f2(docScore))
	case ScoreHamming:
		if len(payload) == 0 || len(payload) != len(c.payload) {
			return 0, c.line("Payloads provided to scorer vary in length")
		}
		n := 0
		for i := range payload {
			n += bits.OnesCount8(payload[i] ^ c.payload[i])
		}
		s := 1 / float64(n+1)
		if !c.explain {
			return s, nil
		}
		return s, c.line(fmt.Sprintf("String length is %d. Bit count is %d. Result is (1 / count + 1) = %s", len(payload), n, f2(s)))
	}
	return 0, nil
}

// line is an explanation's line, nil without EXPLAINSCORE. The scorers
// format a line only for an explanation: formatting one per match costs
// more than scoring it.
func (c *scoreCtx) line(s string) *ScoreExplain {
	if !c.explain {
		return nil
	}
	return &ScoreExplain{Text: s}
}

func (c *scoreCtx) kids(r *result, f func(*result) (float64, *ScoreExplain)) ([]float64, []*ScoreExplain) {
	vals := make([]float64, len(r.kids))
	var exs []*ScoreExplain
	for i, k := range r.kids {
		v, e := f(k)
		vals[i] = v
		if c.explain {
			exs = append(exs, e)
		}
	}
	return vals, exs
}

func (c *scoreCtx) tfidf(r *result) (float64, *ScoreExplain) {
	switch r.kind {
	case resTerm:
		idf := c.idf(r.df)
		v := r.weight * float64(r.freq) * idf
		if !c.explain {
			return v, nil
		}
		return v, c.line(fmt.Sprintf("(TFIDF %s = Weight %s * TF %d * IDF %s)", f2(v), f2(r.weight), r.freq, f2(idf)))
	case resOther:
		v := r.weight * float64(r.freq)
		if !c.explain {
			return v, nil
		}
		return v, c.line(fmt.Sprintf("(TFIDF %s = Weight %s * Frequency %d)", f2(v), f2(r.weight), r.freq))
	}
	vals, exs := c.kids(r, c.tfidf)
	sum := 0.0
	for _, v := range vals {
		sum += v
	}
	var ex *ScoreExplain
	if c.explain {
		ex = &ScoreExplain{Text: fmt.Sprintf("(Weight %s * total children TFIDF %s)", f2(r.weight), f2(sum)), Kids: exs}
	}
	return r.weight * sum, ex
}

func (c *scoreCtx) bm25(r *result, length uint32) (float64, *ScoreExplain) {
	k1, b := c.k1, c.b
	g := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	f := float64(r.freq)
	switch r.kind {
	case resTerm:
		if c.scorer == ScoreBM25Std {
			idf := c.idfBM25(r.df)
			avg := c.avgLen
			if avg == 0 {
				avg = 1
			}
			v := r.weight * idf * f * (k1 + 1) / (f + k1*(1-b+b*float64(length)/avg))
			if !c.explain {
				return v, nil
			}
			return v, c.line(fmt.Sprintf("%s: (%s = Weight %s * IDF %s * (F %s * (k1 %s + 1)) / (F %s + k1 %s * (1 - b %s + b %s * Doc Len %d / Average Doc Len %s)))",
				r.term, f2(v), f2(r.weight), f2(idf), f2(f), g(k1), f2(f), g(k1), g(b), g(b), length, f2(c.avgLen)))
		}
		idf := c.idf(r.df)
		v := r.weight * idf * f / (f + k1*(1-b+b*c.avgLen))
		if !c.explain {
			return v, nil
		}
		return v, c.line(fmt.Sprintf("(%s = Weight %s * IDF %s * F %d / (F %d + k1 %s * (1 - b %s + b %s * Average Len %s)))",
			f2(v), f2(r.weight), f2(idf), r.freq, r.freq, g(k1), g(b), g(b), f2(c.avgLen)))
	case resOther:
		if r.freq == 0 || c.scorer == ScoreBM25Std {
			return 0, c.line("Frequency 0 -> value 0")
		}
		v := r.weight * f / (f + k1*(1-b+b*c.avgLen))
		if !c.explain {
			return v, nil
		}
		return v, c.line(fmt.Sprintf("(%s = Weight %s * F %d / (F %d + k1 %s * (1 - b %s + b %s * Average Len %s)))",
			f2(v), f2(r.weight), r.freq, r.freq, g(k1), g(b), g(b), f2(c.avgLen)))
	}
	vals, exs := c.kids(r, func(k *result) (float64, *ScoreExplain) { return c.bm25(k, length) })
	sum := 0.0
	for _, v := range vals {
		sum += v
	}
	var ex *ScoreExplain
	if c.explain {
		ex = &ScoreExplain{Text: fmt.Sprintf("(Weight %s * children BM25 %s)", f2(r.weight), f2(sum)), Kids: exs}
	}
	return r.weight * sum, ex
}

func (c *scoreCtx) dismax(r *result) (float64, *ScoreExplain) {
	if r.kind == resTerm || r.kind == resOther {
		v := r.weight * float64(r.freq)
		if !c.explain {
			return v, nil
		}
		return v, c.line(fmt.Sprintf("DISMAX %s = Weight %s * Frequency %d", f2(v), f2(r.weight), r.freq))
	}
	vals, exs := c.kids(r, c.dismax)
	agg := 0.0
	for _, v := range vals {
		if r.kind == resUnion {
			agg = max(agg, v)
		} else {
			agg += v
		}
	}
	var ex *ScoreExplain
	if c.explain {
		ex = &ScoreExplain{Text: fmt.Sprintf("%s = Weight %s * children DISMAX %s", f2(r.weight*agg), f2(r.weight), f2(agg)), Kids: exs}
	}
	return r.weight * agg, ex
}

// scoreHits scores the hits of a query with a text clause (or with the
// DOCSCORE or HAMMING scorer) and says whether it did; other queries'
// documents all score 1. HAMMING's payloads are read later, outside the
// lock (scoreHamming); a query that shows no document (LIMIT 0 0, for
// the count) is not scored. mu must be held.
func (ix *Index) scoreHits(req *SearchRequest, hits []hit) bool {
	if req.unscored || req.Filter == nil || !hasText(req.Filter) && req.Scorer != ScoreDocScore && req.Scorer != ScoreHamming {
		return false
	}
	if req.Scorer == ScoreHamming || req.Num <= 0 {
		return true // HAMMING reads payloads later; LIMIT 0 0 shows no score
	}
	c := ix.newScoreCtx(req)
	for i := range hits {
		d := ix.docs[hits[i].id]
		r := ix.resultOf(req.Filter, d)
		if r == nil { // passed through a synonym-only path: count it as found
			r = &result{kind: resOther, freq: 1, weight: 1}
		}
		hits[i].score, hits[i].explain = c.score(r, d, nil)
	}
	return true
}

// scoreHamming scores hits by their payloads (SCORER HAMMING).
func (ix *Index) scoreHamming(req *SearchRequest, hits []hit, load Loader) {
	c := &scoreCtx{scorer: ScoreHamming, explain: req.ExplainScore, payload: []byte(req.Payload)}
	for i := range hits {
		var payload []byte
		if f, ok := load(hits[i].key); ok && ix.schema.PayloadField != "" {
			payload = f[ix.schema.PayloadField]
		}
		hits[i].score, hits[i].explain = c.score(&result{kind: resOther}, &doc{}, payload)
	}
}

package ft

import (
	"cmp"
	"slices"
	"strings"
)

// Stop words, as RediSearch 2.8 has them: a TEXT field's stop words are
// not indexed (nor do they take a position, so "lord of the rings" holds
// the phrase "lord rings"), and a query's are dropped before it runs; a
// query left with nothing matches nothing. FT.CREATE's STOPWORDS n w1 ...
// wn replaces the default English list (0 turns stop words off).

// defaultStopWords is RediSearch's default list.
var defaultStopWords = []string{
	"a", "is", "the", "an", "and", "are", "as", "at", "be", "but", "by", "for",
	"if", "in", "into", "it", "no", "not", "of", "on", "or", "such", "that", "their",
	"then", "there", "these", "they", "this", "to", "was", "will", "with",
}

var defaultStopSet = stopSet(defaultStopWords)

func stopSet(words []string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[strings.ToLower(w)] = true
	}
	return m
}

// setStopWords records FT.CREATE's STOPWORDS list.
func (s *Schema) setStopWords(words [][]byte) {
	s.CustomStopWords = true
	s.StopWords = make([]string, 0, len(words))
	for _, w := range words {
		s.StopWords = append(s.StopWords, strings.ToLower(string(w)))
	}
	s.stop = stopSet(s.StopWords)
}

// isStopWord reports whether the lower-case word w is one of the index's
// stop words.
func (s *Schema) isStopWord(w string) bool {
	if s.CustomStopWords {
		return s.stop[w]
	}
	return defaultStopSet[w]
}

// dropStopWords returns the filter without its text terms that are stop
// words, or nil when nothing is left (a query of stop words only). A
// prefix term (ending in *) is never a stop word, nor is a parameter's
// value (fromParam). With phraseHead, the
// first two words of an exact phrase are kept, as RediSearch's DIALECT 2
// grammar keeps them ("the lord" is the phrase "the lord", which the
// index cannot hold); later ones are dropped. n is not changed.
func (s *Schema) dropStopWords(n *Node, phraseHead bool) *Node {
	switch n.Kind {
	case qText:
		keep := make([]string, 0, len(n.Terms))
		var stems []string
		for i, t := range n.Terms {
			if s.isStopWord(t) && !n.fromParam && !(phraseHead && n.Phrase && i < 2) {
				continue
			}
			keep = append(keep, t)
			if i < len(n.stems) {
				stems = append(stems, n.stems[i])
			}
		}
		if len(keep) == 0 {
			return nil
		}
		if len(keep) == len(n.Terms) {
			return n
		}
		c := *n
		c.Terms, c.stems = keep, stems
		return &c
	}
	if len(n.Kids) == 0 {
		return n
	}
	// A clause of clauses (AND, OR, NOT and any other): without the
	// clauses that were stop words only, and gone when none is left.
	kids := make([]*Node, 0, len(n.Kids))
	changed := false
	for _, k := range n.Kids {
		d := s.dropStopWords(k, phraseHead)
		changed = changed || d != k
		if d != nil {
			kids = append(kids, d)
		}
	}
	if !changed {
		return n
	}
	if len(kids) == 0 {
		return nil
	}
	if len(kids) == 1 && (n.Kind == qAnd || n.Kind == qOr) && n.Weight == 0 {
		return kids[0]
	}
	c := *n
	c.Kids = kids
	return &c
}

// queryTree is the filter a query of the given dialect runs with:
// without its stop words (unless NOSTOPWORDS kept them), nil when nothing
// is left or the query was empty. A KNN query whose filter was only stop words runs over every
// document, as in RediSearch, whose KNN node then has no child.
func (s *Schema) queryTree(n *Node, knn *KNN, keep bool, dialect int) *Node {
	if n != nil && n.Kind == qNull {
		return nil // the empty query, with or without NOSTOPWORDS
	}
	if keep || n == nil {
		return n
	}
	d := s.dropStopWords(n, dialect >= 2)
	if d == nil && knn != nil {
		return &Node{Kind: qAll}
	}
	return d
}

// QueryTree is the tree FT.EXPLAIN and FT.PROFILE show for req's parsed
// query: without the stop words the search drops (queryTree). nil means
// the query is stop words only (RediSearch's "<empty>").
func (ix *Index) QueryTree(req *SearchRequest) *Node {
	ix.useLanguage(req.Filter, req.Language)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	t := ix.schema.queryTree(req.Filter, req.KNN, req.NoStopWords, req.Dialect)
	if t != nil {
		ix.showKeys(t)
	}
	return t
}

// showKeys works out what FT.EXPLAIN shows of the tree's INKEYS clauses.
// mu must be held.
func (ix *Index) showKeys(n *Node) {
	if n.Kind == qKeys {
		ix.explainIDs(n)
	}
	for _, k := range n.Kids {
		ix.showKeys(k)
	}
}

// QueryStopWords returns what ParseQuery reads a query of this index over:
// a test of its stop words, nil when NOSTOPWORDS (keep) turns them off or
// it has none, as RediSearch's query parser then has an empty list.
func (ix *Index) QueryStopWords(keep bool) func(word string) bool {
	ix.mu.RLock()
	s := ix.schema
	ix.mu.RUnlock()
	if keep || s.CustomStopWords && len(s.stop) == 0 {
		return nil
	}
	return func(w string) bool { return s.isStopWord(strings.ToLower(w)) }
}

// TextFields returns the schema's TEXT fields, in schema order (FT.EXPLAIN
// writes field scopes in this order).
func (ix *Index) TextFields() []Field {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	text := []Field{}
	for _, f := range ix.schema.Fields {
		if f.Type == Text {
			text = append(text, f)
		}
	}
	return text
}

// stopWordsList is FT.INFO's stopwords_list of words: each word once, in
// the order RediSearch's trie of them gives (byte by byte, a word before
// its extensions, a byte past 0x7f first as C's signed char sorts it).
func stopWordsList(words []string) []any {
	sorted := slices.Clone(words)
	slices.SortFunc(sorted, func(a, b string) int {
		for i := 0; i < len(a) && i < len(b); i++ {
			if c := cmp.Compare(int8(a[i]), int8(b[i])); c != 0 {
				return c
			}
		}
		return cmp.Compare(len(a), len(b))
	})
	sorted = slices.Compact(sorted)
	out := make([]any, len(sorted))
	for i, w := range sorted {
		out[i] = w
	}
	return out
}

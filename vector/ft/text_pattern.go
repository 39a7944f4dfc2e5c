package ft

import (
	"sort"
	"strings"
)

// Pattern terms, as RediSearch 2.8 reads them: a fuzzy term %word% (up to
// three % on each side: the Levenshtein distance allowed) matches the
// index's words within that distance of word; a suffix *word the words
// ending in word, an infix *word* those containing it (RediSearch scans
// its dictionary so without WITHSUFFIXTRIE too), a prefix word* those
// starting with it. A query expands such a term against the index's words
// (not their stems) in the clause's fields, in the order RediSearch's trie
// walk finds them (text_affix_order.go), to at most MAXEXPANSIONS words; a prefix, suffix or infix whose word is shorter than MINPREFIX
// expands to none (config_expansion.go).

// fuzzyTerm returns the word and distance of a fuzzy query term
// ("%%word%%": word, 2), ok false for any other term.
func fuzzyTerm(t string) (word string, dist int, ok bool) {
	for dist < len(t) && t[dist] == '%' {
		dist++
	}
	if dist == 0 || dist > 3 || len(t) < 2*dist+1 || strings.Count(t[len(t)-dist:], "%") != dist {
		return "", 0, false
	}
	return t[dist : len(t)-dist], dist, true
}

// isPattern reports whether query term t is a pattern (it expands against
// the dictionary).
func isPattern(t string) bool {
	_, _, ok := fuzzyTerm(t)
	_, wild := wildcardTerm(t)
	return ok || wild || len(t) > 1 && t[0] == '*'
}

// patternMatch reports whether word w matches pattern term t.
func patternMatch(t, w string) bool {
	if pat, ok := wildcardTerm(t); ok {
		return globMatch(strings.ToLower(pat), w) // kept as written (FT.EXPLAIN), matched folded
	}
	if word, dist, ok := fuzzyTerm(t); ok {
		return withinDistance(word, w, dist)
	}
	if rest, ok := strings.CutPrefix(t, "*"); ok {
		if mid, infix := strings.CutSuffix(rest, "*"); infix {
			return strings.Contains(w, mid)
		}
		return strings.HasSuffix(w, rest)
	}
	return false
}

// withinDistance reports whether a and b are at most k edits (insert,
// delete, substitute a character) apart.
func withinDistance(a, b string, k int) bool {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > k || -d > k {
		return false
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		low := cur[0]
		for j := 1; j <= len(rb); j++ {
			sub := prev[j-1]
			if ra[i-1] != rb[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
			low = min(low, cur[j])
		}
		if low > k {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)] <= k
}

// expandTerm returns the index's words that term t (a pattern or a
// prefix) matches in field ("" for any TEXT field), at most lim's Max,
// in RediSearch's order (cutExpansion); none when the word of a prefix, suffix or infix is shorter
// than lim's MinPrefix. mu must be held.
func (ix *Index) expandTerm(t, field string, lim Expansion) []string {
	core, affix := affixCore(t)
	if affix && len(core) < lim.minPrefix() {
		return nil
	}
	if affix && t[0] == '*' && ix.schema.hasSuffixTrie() {
		seen := map[string]bool{}
		var out []string
		for _, w := range ix.suffixTrieFinds(core, len(t) > 2 && t[len(t)-1] == '*', lim.max()) {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
		return out
	}
	mask := ^uint64(0)
	if field != "" {
		mask, _ = ix.fieldMask(field)
	}
	var out []string
	ix.wordsMatching(t, func(w string, p *postings) {
		if field == "" || ix.inFields(p, mask) {
			out = append(out, w)
		}
	})
	return cutExpansion(t, out, lim.max())
}

// wordsMatching calls fn with the index's words (not stems) that term t
// matches (termMatch) and their postings, in byte order: for a prefix the
// range of words starting with it, for a pattern every word tried. mu must
// be held.
func (ix *Index) wordsMatching(t string, fn func(w string, p *postings)) {
	from, prefix := "", false
	if !isPattern(t) {
		if from, prefix = strings.CutSuffix(t, "*"); !prefix {
			return
		}
	}
	ix.terms.ascend(from, func(w string, _ struct{}) bool {
		if prefix && !strings.HasPrefix(w, from) {
			return false
		}
		if !strings.HasPrefix(w, stemPrefix) && termMatch(t, w) {
			fn(w, ix.post[w])
		}
		return true
	})
}

// affixCore returns the word of a prefix, suffix or infix term (ok false
// for any other term).
func affixCore(t string) (string, bool) {
	if _, _, fuzzy := fuzzyTerm(t); fuzzy {
		return "", false
	}
	core, pre := strings.CutPrefix(t, "*")
	core, suf := strings.CutSuffix(core, "*")
	return core, pre || suf
}

// expands reports whether query term t expands against the index's words
// (a pattern or a prefix).
func expands(t string) bool {
	return isPattern(t) || len(t) > 1 && t[len(t)-1] == '*'
}

// termMatch reports whether word w matches term t: a pattern's match,
// or for a prefix term w starting with it.
func termMatch(t, w string) bool {
	if isPattern(t) {
		return patternMatch(t, w)
	}
	p, ok := strings.CutSuffix(t, "*")
	return ok && strings.HasPrefix(w, p)
}

// expandPatterns works out the expansions of the tree's pattern and prefix
// terms once, before a search matches them against every document. mu
// must be held.
func (ix *Index) expandPatterns(n *Node, lim Expansion) {
	if n.Kind == qTag {
		n.tagVals = ix.tagValues(n, lim)
	}
	if n.Kind == qText && !n.Phrase {
		for _, t := range n.Terms {
			if expands(t) {
				if n.expand == nil {
					n.expand = map[string][]string{}
				}
				n.expand[t] = ix.expandTerm(t, n.Field, lim)
			}
		}
	}
	for _, k := range n.Kids {
		ix.expandPatterns(k, lim)
	}
}

// patternTerms returns d's words that pattern term t matches in the
// fields of mask: its expansion's when the query worked it out, else any.
func (ix *Index) patternTerms(n *Node, d *doc, t string, mask uint64) []termHit {
	var out []termHit
	if words, ok := n.expand[t]; ok {
		for _, w := range words {
			if tt := d.text.terms[w]; tt != nil && tt.fields&mask != 0 {
				out = append(out, termHit{w, tt})
			}
		}
		return out
	}
	for w, tt := range d.text.terms {
		if tt.fields&mask != 0 && !strings.HasPrefix(w, stemPrefix) && patternMatch(t, w) {
			out = append(out, termHit{w, tt})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].term < out[j].term })
	return out
}

// Affixes of a tag in a tag clause ("{elec*}", "{*tronics}", "{*tron*}"),
// which match the field's values with that prefix, suffix, or containing
// that infix, as RediSearch 2.8 matches them (with or without
// WITHSUFFIXTRIE); a core shorter than MINPREFIX matches none, and an
// affix expands to at most MAXEXPANSIONS values.
const (
	affixPrefix uint8 = 1 << iota
	affixSuffix
)

// tagMatch reports whether value v matches the tag core with affix a.
func tagMatch(core string, a uint8, v string) bool {
	switch a {
	case affixPrefix:
		return strings.HasPrefix(v, core)
	case affixSuffix:
		return strings.HasSuffix(v, core)
	case affixPrefix | affixSuffix:
		return strings.Contains(v, core)
	case affixWildcard:
		return globMatch(core, v)
	}
	return v == core
}

// tagValues returns the field values tag clause n stands for: its tags
// (lower-cased unless the field is CASESENSITIVE) and the values its
// affixed tags expand to. mu must be held.
func (ix *Index) tagValues(n *Node, lim Expansion) []string {
	if n.tagVals != nil {
		return n.tagVals
	}
	f, _ := ix.schema.field(n.Field)
	fold := f != nil && !f.CaseSensitive
	out := make([]string, 0, len(n.Tags))
	for i, t := range n.Tags {
		if fold {
			t = strings.ToLower(t)
		}
		var a uint8
		if i < len(n.tagAffix) {
			a = n.tagAffix[i]
		}
		if a == 0 {
			out = append(out, t)
			continue
		}
		if a != affixWildcard && len(t) < lim.minPrefix() {
			continue
		}
		var found []string
		for v := range ix.tagPost[n.Field] {
			if tagMatch(t, a, v) {
				found = append(found, v)
			}
		}
		sort.Strings(found)
		if len(found) > lim.max() {
			found = found[:lim.max()]
		}
		out = append(out, found...)
	}
	return out
}

// affixWildcard marks a tag written w'pattern' (tagAffix).
const affixWildcard uint8 = 4

// Wildcard terms, RediSearch 2.6's w'pattern': * matches any run of
// characters, ? one, a backslash makes the next one literal. A text term
// keeps its quotes in Terms ("w'fo?b*'") and expands against the index's
// words, as the other patterns do.

// wildcardTerm returns the pattern of a wildcard query term (ok false for
// any other term).
func wildcardTerm(t string) (string, bool) {
	if len(t) < 3 || t[0] != 'w' || t[1] != '\'' || t[len(t)-1] != '\'' {
		return "", false
	}
	return t[2 : len(t)-1], true
}

// globMatch reports whether s matches the wildcard pattern pat.
func globMatch(pat, s string) bool {
	p, w := []rune(pat), []rune(s)
	pi, wi := 0, 0
	star, mark := -1, 0
	for wi < len(w) {
		if pi < len(p) {
			switch c := p[pi]; {
			case c == '*':
				star, mark = pi, wi
				pi++
				continue
			case c == '?':
				pi++
				wi++
				continue
			case c == '\\' && pi+1 < len(p):
				if p[pi+1] == w[wi] {
					pi += 2
					wi++
					continue
				}
			case c == w[wi]:
				pi++
				wi++
				continue
			}
		}
		if star < 0 {
			return false
		}
		pi, mark = star+1, mark+1
		wi = mark
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

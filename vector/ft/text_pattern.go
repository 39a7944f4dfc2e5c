package ft

import (
	"sort"
	"strings"
)

// Pattern terms, as RediSearch 2.8 reads them: a fuzzy term %word% (up to
// three % on each side: the Levenshtein distance allowed) matches the
// index's words within that distance of word; a suffix *word the words
// ending in word, an infix *word* those containing it (RediSearch scans
// its dictionary so without WITHSUFFIXTRIE too). A query expands a pattern
// against the index's dictionary of words (not their stems), alphabetically,
// to at most maxExpansions words (MAXEXPANSIONS' default); a field-scoped
// pattern then matches those words in that field only.

// maxExpansions bounds the words a pattern term expands to.
const maxExpansions = 200

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
	return ok || len(t) > 1 && t[0] == '*'
}

// patternMatch reports whether word w matches pattern term t.
func patternMatch(t, w string) bool {
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

// dictExpand returns the dictionary's words that pattern term t matches,
// sorted, at most maxExpansions. mu must be held.
func (ix *Index) dictExpand(t string) []string {
	var out []string
	for w := range ix.df {
		if !strings.HasPrefix(w, stemPrefix) && patternMatch(t, w) {
			out = append(out, w)
		}
	}
	sort.Strings(out)
	if len(out) > maxExpansions {
		out = out[:maxExpansions]
	}
	return out
}

// expandPatterns works out the expansions of the tree's pattern terms
// once, before a search matches them against every document. mu must be
// held.
func (ix *Index) expandPatterns(n *Node) {
	if n.Kind == qText {
		for _, t := range n.Terms {
			if isPattern(t) {
				if n.expand == nil {
					n.expand = map[string][]string{}
				}
				n.expand[t] = ix.dictExpand(t)
			}
		}
	}
	for _, k := range n.Kids {
		ix.expandPatterns(k)
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

package ft

import (
	"fmt"
	"sort"
	"strings"
)

// TagValues returns the distinct values of TAG field alias (FT.TAGVALS),
// sorted.
func (ix *Index) TagValues(alias string) ([]string, error) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	f, ok := ix.schema.field(alias)
	if !ok {
		return nil, fmt.Errorf("No such field `%s`", alias)
	}
	if f.Type != Tag {
		return nil, fmt.Errorf("Field `%s` is not a TAG field", alias)
	}
	out := make([]string, 0, len(ix.tagPost[f.Alias]))
	for t := range ix.tagPost[f.Alias] {
		out = append(out, t)
	}
	sort.Strings(out)
	return out, nil
}

// SynUpdate adds terms to synonym group id (FT.SYNUPDATE). Text queries
// match a term's synonyms as the term itself.
func (ix *Index) SynUpdate(id string, terms []string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.noteAll()
	if ix.syn == nil {
		ix.syn = map[string][]string{}
	}
	for _, t := range terms {
		t = strings.ToLower(t)
		if !contains(ix.syn[t], id) {
			ix.syn[t] = append(ix.syn[t], id)
		}
	}
}

// SynDump returns each term with synonyms and its group ids, by term.
func (ix *Index) SynDump() [][2]any {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	terms := make([]string, 0, len(ix.syn))
	for t := range ix.syn {
		terms = append(terms, t)
	}
	sort.Strings(terms)
	out := make([][2]any, len(terms))
	for i, t := range terms {
		ids := make([]any, len(ix.syn[t]))
		for j, id := range ix.syn[t] {
			ids[j] = id
		}
		out[i] = [2]any{t, ids}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// hasSynonym reports whether d has a word in one of term's synonym
// groups. mu must be held.
func (ix *Index) hasSynonym(d *doc, field, term string) bool {
	groups := ix.syn[term]
	if len(groups) == 0 {
		return false
	}
	for other, og := range ix.syn {
		if other == term {
			continue
		}
		for _, g := range og {
			if contains(groups, g) && ix.hasWord(d, field, other) {
				return true
			}
		}
	}
	return false
}

// SpellTerm is one misspelled query term and its suggestions, best
// first.
type SpellTerm struct {
	Term        string
	Suggestions []SpellSuggestion
}

// SpellSuggestion is one FT.SPELLCHECK suggestion: for an index term, the
// share of documents holding it; 0 for a dictionary's term.
type SpellSuggestion struct {
	Score float64
	Term  string
}

// SpellCheck finds the text terms of query n that no document holds and
// suggests terms within distance edits (1 to 4): the index's words, and
// the words of the include dictionaries. A term in an exclude dictionary
// is not checked.
func (ix *Index) SpellCheck(n *Node, distance int, include, exclude []string, dicts *Dicts) []SpellTerm {
	var terms []string
	var walk func(n *Node)
	walk = func(n *Node) {
		if n.Kind == qText && n.termParam == "" { // a $parameter is no word to check
			for _, t := range n.Terms {
				if !strings.HasSuffix(t, "*") && !contains(terms, t) {
					terms = append(terms, t)
				}
			}
		}
		for _, k := range n.Kids {
			walk(k)
		}
	}
	walk(n)
	kept := terms[:0]
	for _, t := range terms {
		if !isPattern(t) { // fuzzy, suffix and infix terms are not checked
			kept = append(kept, t)
		}
	}
	terms = kept
	ix.mu.RLock()
	df := make(map[string]int, ix.terms.Len()) // word -> documents holding it
	ix.terms.all(func(w string, _ struct{}) bool {
		if !strings.HasPrefix(w, stemPrefix) {
			df[w] = ix.post[w].Len()
		}
		return true
	})
	numDocs := len(ix.ids)
	ix.mu.RUnlock()
	var out []SpellTerm
	for _, t := range terms {
		excluded := false
		for _, name := range exclude {
			if dicts.has(name, t) {
				excluded = true
			}
		}
		if excluded || df[t] > 0 {
			continue
		}
		st := SpellTerm{Term: t}
		found := map[string]bool{}
		tr := []rune(t)
		for w, n := range df {
			if levenshtein([]rune(w), tr, distance) <= distance {
				st.Suggestions = append(st.Suggestions, SpellSuggestion{Score: float64(n) / float64(max(numDocs, 1)), Term: w})
				found[w] = true
			}
		}
		for _, name := range include {
			words, _ := dicts.Dump(name)
			for _, w := range words {
				if !found[w] && levenshtein([]rune(strings.ToLower(w)), tr, distance) <= distance {
					st.Suggestions = append(st.Suggestions, SpellSuggestion{Term: w})
					found[w] = true
				}
			}
		}
		sort.Slice(st.Suggestions, func(i, j int) bool {
			a, b := st.Suggestions[i], st.Suggestions[j]
			if a.Score != b.Score {
				return a.Score > b.Score
			}
			return a.Term < b.Term
		})
		out = append(out, st)
	}
	return out
}

package ft

import (
	"cmp"
	"errors"
	"slices"
	"strings"
)

// With a WITHSUFFIXTRIE field, RediSearch 2.8 expands a suffix (*word) or
// infix (*word*) term from its suffix trie rather than by walking its
// dictionary: every suffix (two letters or more) of every word of those
// fields is a key, holding the words it ends, in the order the index first
// took the words in. *word takes the words of key "word"; *word* those of
// every key starting with "word", keys in letter order, the words of one
// key in their order, a word once per key (so a word holding the pattern
// twice is found twice). The trie holds only the WITHSUFFIXTRIE fields'
// words, whatever field a term is scoped to. A word leaves the trie when
// the last document holding it goes (RediSearch, when its garbage
// collector drops the term).

// minSuffix is the shortest suffix RediSearch keys its suffix trie by.
const minSuffix = 2

// hasSuffixTrie reports whether a TEXT field of the schema has
// WITHSUFFIXTRIE.
func (s *Schema) hasSuffixTrie() bool {
	for i := range s.Fields {
		if s.Fields[i].SuffixTrie && s.Fields[i].Type == Text {
			return true
		}
	}
	return false
}

// ErrContainsNoSuffixTrie is RediSearch 2.8's error for a suffix (*word)
// or infix (*word*) term scoped to a TEXT field without WITHSUFFIXTRIE in
// an index where another TEXT field has it (its suffix trie cannot answer
// for that field). Unscoped such terms expand from the suffix trie; in an
// index without one they expand from the dictionary, scoped or not.
var ErrContainsNoSuffixTrie = errors.New("Contains query on fields without WITHSUFFIXTRIE support")

// containsError returns ErrContainsNoSuffixTrie when a text clause of the
// tree scoped to some fields holds a suffix or infix term (one long enough
// to expand: RediSearch skips a shorter one first) and one of those fields
// has no suffix trie while the index has one. mu must be held.
func (ix *Index) containsError(n *Node, lim Expansion) error {
	if n == nil || !ix.schema.hasSuffixTrie() {
		return nil
	}
	if n.Kind == qText && !n.Phrase && n.Field != "" {
		for _, t := range n.Terms {
			if core, affix := affixCore(t); !affix || t[0] != '*' || len(core) < lim.minPrefix() {
				continue
			}
			mask, _ := ix.fieldMask(n.Field)
			for i := range ix.schema.Fields {
				f := &ix.schema.Fields[i]
				if mask&fieldBit(i) != 0 && f.Type == Text && !f.SuffixTrie {
					return ErrContainsNoSuffixTrie
				}
			}
		}
	}
	for _, k := range n.Kids {
		if err := ix.containsError(k, lim); err != nil {
			return err
		}
	}
	return nil
}

// addSuffixWords numbers the words of t from WITHSUFFIXTRIE fields that
// the index has no number for yet, in the order t holds them first. mu
// must be held for writing.
func (ix *Index) addSuffixWords(t *docText) {
	var mask uint64
	for i := range ix.schema.Fields {
		if ix.schema.Fields[i].SuffixTrie && ix.schema.Fields[i].Type == Text {
			mask |= fieldBit(i)
		}
	}
	if mask == 0 {
		return
	}
	type first struct {
		word string
		pos  uint32
	}
	var fresh []first
	for w, tt := range t.terms {
		if tt.fields&mask == 0 || strings.HasPrefix(w, stemPrefix) {
			continue
		}
		if _, ok := ix.suffix[w]; ok {
			continue
		}
		p := ^uint32(0)
		if len(tt.pos) > 0 {
			p = slices.Min(tt.pos)
		}
		fresh = append(fresh, first{w, p})
	}
	slices.SortFunc(fresh, func(a, b first) int {
		if c := cmp.Compare(a.pos, b.pos); c != 0 {
			return c
		}
		return strings.Compare(a.word, b.word)
	})
	if ix.suffix == nil && len(fresh) > 0 {
		ix.suffix = map[string]uint64{}
	}
	for _, f := range fresh {
		ix.suffix[f.word] = ix.nextSuffix
		ix.nextSuffix++
	}
}

// suffixTrieFinds returns the words the suffix trie yields for the core of
// a suffix (infix false) or infix term, in its order and as often as it
// yields them, up to max finds. mu must be held.
func (ix *Index) suffixTrieFinds(core string, infix bool, max int) []string {
	type find struct {
		key  string
		seq  uint64
		word string
	}
	var finds []find
	for w, seq := range ix.suffix {
		r := []rune(w)
		for j := range r {
			if j > 0 && len(r)-j < minSuffix {
				break
			}
			key := string(r[j:])
			if infix && strings.HasPrefix(key, core) || !infix && key == core {
				finds = append(finds, find{key, seq, w})
			}
		}
	}
	slices.SortFunc(finds, func(a, b find) int {
		if c := compareRunes(a.key, b.key); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	var out []string
	for _, f := range finds {
		if len(out) >= max {
			break
		}
		out = append(out, f.word)
	}
	return out
}

// compareRunes orders strings letter by letter, as the trie's children.
func compareRunes(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	for i := 0; i < len(ra) && i < len(rb); i++ {
		if c := cmp.Compare(ra[i], rb[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(ra), len(rb))
}

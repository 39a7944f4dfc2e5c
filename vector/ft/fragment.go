package ft

import (
	"slices"
)

// The fragmenter behind HIGHLIGHT and SUMMARIZE, following the rules of
// RediSearch 2.8's fragmenter.c and highlight_processor.c. A field's
// words (stop words are not words: they have no position) are read in
// order; a word the query matched starts a fragment, and a match at most
// fragMaxDistance words after the fragment's last one extends it. A
// fragment scores the idf of each distinct term it holds. HIGHLIGHT wraps
// every match in the tags; SUMMARIZE keeps the best FRAGS fragments (by
// score, earlier first among equals), shows them in document order, each
// with context around it: LEN words less the unmatched words inside it,
// half before and half after, counted as fragWordSize bytes each and cut
// back to whole words at RediSearch's separators. Each fragment's runs of
// white space become one space, and SEPARATOR follows every fragment. A
// field without a match is summarized as its start: FRAGS times LEN words
// and one more, cut back to a separator.

const (
	fragMaxDistance = 8
	fragWordSize    = 6
)

// tokSep holds the bytes that separate words for the fragmenter's
// context: RediSearch's separators, blanks and ASCII punctuation but for
// '_' and '\\' (a newline is none).
var tokSep = func() (t [256]bool) {
	for _, c := range []byte(" \t,./(){}[]:;~!@#$%^&*-=+|'`\"<>?") {
		t[c] = true
	}
	return t
}()

// isSpace reports a C isspace byte.
func isSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

// fieldWord is one word of a field: its bytes in the text and, when the
// query matched it, the term it matched and that term's score.
type fieldWord struct {
	start, end int
	match      bool
	term       string
	score      float32
}

// fragment is a run of matches in a field's text.
type fragment struct {
	start, end int // from the first match's start to the last one's end
	lastPos    int // the word number of the last match
	total      int // words from the first match to the last
	matches    int
	score      float32
	terms      []string // the distinct terms matched
	locs       [][2]int // each match's bytes
	order      int      // the fragment's place in the text
}

// fragmentize splits a field's words into fragments.
func fragmentize(words []fieldWord) []*fragment {
	var frags []*fragment
	since := 0 // unmatched words since the last match
	for p, w := range words {
		if !w.match {
			since++
			continue
		}
		var cur *fragment
		if n := len(frags); n > 0 && p-frags[n-1].lastPos <= fragMaxDistance {
			cur = frags[n-1]
		} else {
			cur = &fragment{start: w.start, order: n}
			frags = append(frags, cur)
			since = 0
		}
		if !slices.Contains(cur.terms, w.term) {
			cur.terms = append(cur.terms, w.term)
			cur.score += w.score
		}
		cur.end, cur.lastPos = w.end, p
		cur.matches++
		cur.total += since + 1
		since = 0
		cur.locs = append(cur.locs, [2]int{w.start, w.end})
	}
	return frags
}

// appendTagged appends text from *from to f's end, each match of f
// between the tags, and moves *from there.
func appendTagged(dst []byte, text string, f *fragment, open, close string, from *int) []byte {
	for _, l := range f.locs {
		dst = append(dst, text[*from:l[0]]...)
		dst = append(dst, open...)
		dst = append(dst, text[l[0]:l[1]]...)
		dst = append(dst, close...)
		*from = l[1]
	}
	return dst
}

// highlightWhole returns text with every match of frags between the
// tags.
func highlightWhole(text string, frags []*fragment, open, close string) string {
	out := make([]byte, 0, len(text)+len(frags)*(len(open)+len(close)))
	from := 0
	for _, f := range frags {
		out = appendTagged(out, text, f, open, close, &from)
	}
	return string(append(out, text[from:]...))
}

// summarize returns the best frags of text with their context, as set
// asks.
func summarize(text string, frags []*fragment, set snipSettings) string {
	n := min(int(set.frags), len(frags))
	best := slices.Clone(frags)
	slices.SortStableFunc(best, func(a, b *fragment) int {
		switch {
		case a.score > b.score:
			return -1
		case a.score < b.score:
			return 1
		}
		return 0
	})
	best = best[:n]
	slices.SortFunc(best, func(a, b *fragment) int { return a.order - b.order })
	var out []byte
	for i, f := range best {
		lo, hi := 0, len(text)-1 // the context's bounds, both bytes included
		if i > 0 {
			lo = best[i-1].end
		}
		if i+1 < n {
			hi = best[i+1].start
		}
		from, to := fragContext(text, f, lo, hi, set.length)
		at := f.start
		b := appendTagged([]byte(text[from:f.start]), text, f, set.open, set.close, &at)
		b = append(b, text[f.end:to]...)
		out = append(out, collapseSpaces(b)...)
		out = append(out, set.sep...)
	}
	return string(out)
}

// fragContext returns where f's context starts and ends in text: LEN
// words less those inside f, half each side, in bytes, never past lo
// before it nor hi after it, and cut to whole words.
func fragContext(text string, f *fragment, lo, hi int, length uint32) (from, to int) {
	inside := int64(f.total - f.matches)
	if int64(length) <= inside {
		return f.start, f.end
	}
	size := (int64(length) - inside) / 2 * fragWordSize
	b := int(max(int64(f.start)-size, int64(lo)))
	a := int(min(int64(f.end)+size, int64(hi)))
	for b < f.start && !tokSep[text[b]] {
		b++
	}
	for b < f.start && tokSep[text[b]] {
		b++
	}
	for a > f.end && !tokSep[text[a]] {
		a--
	}
	for a > f.end && tokSep[text[a]] {
		a--
	}
	return b, a + 1
}

// collapseSpaces turns each run of white space in b into one space, in
// place.
func collapseSpaces(b []byte) []byte {
	out := b[:0]
	space := false
	for _, c := range b {
		if isSpace(c) {
			if !space {
				out = append(out, ' ')
			}
			space = true
			continue
		}
		space = false
		out = append(out, c)
	}
	return out
}

// trimSummary is SUMMARIZE's value of a field without a match: its first
// FRAGS × LEN words and one more (fragWordSize bytes each), its runs of
// white space one space each, cut back to end at a separator, without
// white space at its end.
func trimSummary(text string, set snipSettings) string {
	head := min(int64(fragWordSize)*int64(set.length)*int64(set.frags)+fragWordSize, int64(len(text)))
	b := collapseSpaces([]byte(text[:head]))
	for len(b) > 1 && !tokSep[b[len(b)-1]] {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return string(b)
}

package ft

import (
	"strings"
	"unicode/utf8"
)

// Shared pieces of the Snowball stemmers (snowballstem.org, the algorithm
// descriptions as of Snowball 2.2, the version whose stemmers RediSearch
// 2.8 bundles): a word as runes with its regions, suffix tables searched
// for the longest match, and the region rules the algorithms share.
// Each language's steps live in stem_<language>.go.

// stemmerFor returns the stemmer of a LANGUAGE name (lower case, "" for
// English), or nil for a language vcache does not stem.
func stemmerFor(lang string) func(string) string {
	switch lang {
	case "", "english":
		return stemEnglish
	case "german":
		return stemGerman
	case "dutch":
		return stemDutch
	case "french":
		return stemFrench
	case "spanish":
		return stemSpanish
	case "italian":
		return stemItalian
	case "portuguese":
		return stemPortuguese
	case "swedish":
		return stemSwedish
	case "norwegian":
		return stemNorwegian
	case "danish":
		return stemDanish
	case "russian":
		return stemRussian
	case "finnish":
		return stemFinnish
	}
	return stemmerForMore(lang)
}

// stemmerForMore returns the stemmers added after the first eleven
// languages, or nil.
func stemmerForMore(lang string) func(string) string {
	switch lang {
	case "romanian":
		return stemRomanian
	case "hungarian":
		return stemHungarian
	case "catalan":
		return stemCatalan
	case "basque":
		return stemBasque
	case "indonesian":
		return stemIndonesian
	case "irish":
		return stemIrish
	}
	return nil
}

// sbWord is a word being stemmed: its letters, and where its regions RV,
// R1 and R2 start (len(r) when a region is empty).
type sbWord struct {
	r          []rune
	rv, r1, r2 int
	buf        [24]rune // r's first home (newWord)
}

// newWord returns s as a word to stem, its letters held in the word
// itself up to len(buf): one allocation for a word of usual length.
func newWord(s string) *sbWord {
	w := &sbWord{}
	w.r = w.buf[:0]
	for _, c := range s {
		w.r = append(w.r, c)
	}
	return w
}

// vowelSet returns the membership test of a language's vowels.
func vowelSet(vowels string) func(rune) bool {
	return func(c rune) bool { return strings.ContainsRune(vowels, c) }
}

// pastVC returns the index just past the first non-vowel that follows a
// vowel at or after from: the start of R1 when from is 0, of R2 when from
// is R1's start. It returns len(r) when there is none.
func pastVC(r []rune, from int, v func(rune) bool) int {
	for i := max(from, 0) + 1; i < len(r); i++ {
		if !v(r[i]) && v(r[i-1]) {
			return i + 1
		}
	}
	return len(r)
}

// rvRomance returns the start of RV as the Spanish, Italian and
// Portuguese algorithms define it: after the next vowel when the second
// letter is a consonant, after the next consonant when the first two
// letters are vowels, else after the third letter (consonant-vowel).
func rvRomance(r []rune, v func(rune) bool) int {
	n := len(r)
	if n < 2 {
		return n
	}
	next := func(from int, vowel bool) int { // past the next letter of that kind
		for i := from; i < n; i++ {
			if v(r[i]) == vowel {
				return i + 1
			}
		}
		return n
	}
	switch {
	case v(r[0]) && !v(r[1]):
		return next(2, true)
	case v(r[0]):
		return next(2, false)
	case !v(r[1]):
		return next(2, true)
	}
	return min(3, n)
}

// romanceRegions sets the word's RV (rvRomance), R1 and R2 for the
// vowels v.
func (w *sbWord) romanceRegions(v func(rune) bool) {
	w.rv = rvRomance(w.r, v)
	w.r1 = pastVC(w.r, 0, v)
	w.r2 = pastVC(w.r, w.r1, v)
}

// ends reports whether the word ends with s.
func (w *sbWord) ends(s string) bool {
	i := len(w.r)
	for len(s) > 0 {
		c, size := utf8.DecodeLastRuneInString(s)
		i--
		if i < 0 || w.r[i] != c {
			return false
		}
		s = s[:len(s)-size]
	}
	return true
}

// start returns where the suffix s (which the word ends with) begins.
func (w *sbWord) start(s string) int { return len(w.r) - utf8.RuneCountInString(s) }

// at returns the letter at i, or 0 outside the word.
func (w *sbWord) at(i int) rune {
	if i < 0 || i >= len(w.r) {
		return 0
	}
	return w.r[i]
}

// before returns the letter before the suffix s, or 0 at the start.
func (w *sbWord) before(s string) rune { return w.at(w.start(s) - 1) }

// longest returns the longest suffix of the word that is a key of table
// and begins at or after from, with its action; "", 0 when none.
func (w *sbWord) longest(table map[string]int, from int) (string, int) {
	if at, a := w.longestAt(table, from); a != 0 {
		return string(w.r[at:]), a
	}
	return "", 0
}

// longestAt is longest that returns where the suffix begins, without
// making it a string.
func (w *sbWord) longestAt(table map[string]int, from int) (int, int) {
	var buf [12 * utf8.UTFMax]byte // the suffix's bytes, without an allocation per try
	for k := min(len(w.r)-max(from, 0), 12); k > 0; k-- {
		b := buf[:0]
		for _, c := range w.r[len(w.r)-k:] {
			b = utf8.AppendRune(b, c)
		}
		if a, ok := table[string(b)]; ok {
			return len(w.r) - k, a
		}
	}
	return len(w.r), 0
}

// cut removes the suffix s.
func (w *sbWord) cut(s string) { w.r = w.r[:w.start(s)] }

// swap replaces the suffix s by with.
func (w *sbWord) swap(s, with string) {
	w.r = w.r[:w.start(s)]
	for _, c := range with {
		w.r = append(w.r, c)
	}
}

// inRV, inR1 and inR2 report whether the suffix s lies in a region.
func (w *sbWord) inRV(s string) bool { return w.start(s) >= w.rv }
func (w *sbWord) inR1(s string) bool { return w.start(s) >= w.r1 }
func (w *sbWord) inR2(s string) bool { return w.start(s) >= w.r2 }

// suffixTable builds a suffix table: each group of suffixes (separated by
// spaces) gets the action of its place, counting from 1.
func suffixTable(groups ...string) map[string]int {
	t := map[string]int{}
	for i, g := range groups {
		for _, s := range strings.Fields(g) {
			t[s] = i + 1
		}
	}
	return t
}

// mapRunes rewrites letters by a table, as the preludes and postludes do.
func mapRunes(s string, m map[rune]string) string {
	var b strings.Builder
	for _, c := range s {
		if to, ok := m[c]; ok {
			b.WriteString(to)
		} else {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// sbRegion names where a suffix must begin: anywhere, or in RV, R1 or R2.
type sbRegion uint8

const (
	inWord sbRegion = iota
	inRV
	inR1
	inR2
)

// start returns where the region begins in w.
func (g sbRegion) start(w *sbWord) int {
	switch g {
	case inRV:
		return w.rv
	case inR1:
		return w.r1
	case inR2:
		return w.r2
	}
	return 0
}

// sbRule is one row of a suffix step: the suffixes (space separated) that
// share a condition and an action. When the longest suffix of the word
// among the step's is one of these, and it begins in region in and when
// (if any) holds of the index it begins at, the suffix is replaced by to
// ("" removes it) and then (if any) runs.
type sbRule struct {
	suffixes string
	in       sbRegion
	when     func(w *sbWord, at int) bool
	to       string
	then     func(w *sbWord)
}

// sbStep is the shape most steps of the Snowball algorithms share: find
// the longest suffix among a list (one that begins in region limit; a
// longer one that begins before it is not seen), test it, act on it.
type sbStep struct {
	limit sbRegion
	table map[string]int
	rules []sbRule
}

// newStep builds a step from its rules.
func newStep(limit sbRegion, rules ...sbRule) *sbStep {
	s := &sbStep{limit: limit, table: map[string]int{}, rules: rules}
	for i, r := range rules {
		for _, suf := range strings.Fields(r.suffixes) {
			s.table[suf] = i + 1
		}
	}
	return s
}

// apply runs the step on w: it returns the place (from 1) of the rule
// that acted, or 0 when no suffix was found or the longest one found
// failed its rule's tests (a shorter one is not tried then).
func (s *sbStep) apply(w *sbWord) int {
	at, a := w.longestAt(s.table, s.limit.start(w))
	if a == 0 {
		return 0
	}
	r := &s.rules[a-1]
	if at < r.in.start(w) || r.when != nil && !r.when(w, at) {
		return 0
	}
	w.r = w.r[:at]
	for _, c := range r.to {
		w.r = append(w.r, c)
	}
	if r.then != nil {
		r.then(w)
	}
	return a
}

// try runs the step and ignores whether it acted: a rule's then.
func (s *sbStep) try(w *sbWord) { s.apply(w) }

// after returns a when that holds where the letter before the suffix is
// in the set.
func after(set func(rune) bool) func(*sbWord, int) bool {
	return func(w *sbWord, at int) bool { return at > 0 && set(w.r[at-1]) }
}

// cutIn returns a then that removes the longest of the suffixes when it
// begins in region in, and runs then (if any) after it.
func cutIn(in sbRegion, suffixes string, then func(*sbWord)) func(*sbWord) {
	return newStep(inWord, sbRule{suffixes: suffixes, in: in, then: then}).try
}

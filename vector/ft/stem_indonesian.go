package ft

import (
	"strings"
	"unicode/utf8"
)

// Indonesian stemming: the Snowball Indonesian algorithm
// (snowballstem.org/algorithms/indonesian/stemmer.html), in its Snowball
// 2.2 form: Tala's Porter stemmer for Bahasa Indonesia. It counts the
// word's vowels (its measure), takes one off for each affix it removes,
// and stops when no more than two are left.

// Kinds of prefix, as the suffix rules test them.
const (
	idPrefixNone = iota
	idPrefixDi   // di-, meng- (men-, me-, meny-, mem-), ter-
	idPrefixPer  // per-, pe-
	idPrefixKe   // ke-, peng- (pen-, peny-, pem-)
	idPrefixBer  // ber-, be-
)

// idPrefix is a prefix of the first or second order: what it becomes and
// the kind it sets (-1: the kind stays as it was).
type idPrefix struct {
	prefix, to string
	kind       int
	vowelNext  bool // it counts only before a vowel
	mem        bool // mem- and pem-: p before a vowel, else removed
	ker        bool // be-: only before a consonant and er
}

var (
	idVowel = vowelSet("aeiou")
	// Longest first: the first that fits is the one removed.
	idFirstOrder = []idPrefix{
		{prefix: "meng", kind: idPrefixDi}, {prefix: "meny", to: "s", kind: idPrefixDi, vowelNext: true},
		{prefix: "peng", kind: idPrefixKe}, {prefix: "peny", to: "s", kind: idPrefixKe, vowelNext: true},
		{prefix: "men", kind: idPrefixDi}, {prefix: "mem", kind: idPrefixDi, mem: true},
		{prefix: "ter", kind: idPrefixDi}, {prefix: "pen", kind: idPrefixKe},
		{prefix: "pem", kind: idPrefixKe, mem: true},
		{prefix: "di", kind: idPrefixDi}, {prefix: "me", kind: idPrefixDi}, {prefix: "ke", kind: idPrefixKe},
	}
	idSecondOrder = []idPrefix{
		{prefix: "belajar", to: "ajar", kind: idPrefixBer}, {prefix: "pelajar", to: "ajar", kind: -1},
		{prefix: "per", kind: idPrefixPer}, {prefix: "ber", kind: idPrefixBer},
		{prefix: "pe", kind: idPrefixPer}, {prefix: "be", kind: idPrefixBer, ker: true},
	}
)

// idStem is a word being stemmed, with its measure and its prefix kind.
type idStem struct {
	w       string
	measure int
	kind    int
}

// cutEnd removes the first of the suffixes the word ends with.
func (st *idStem) cutEnd(suffixes ...string) {
	for _, s := range suffixes {
		if strings.HasSuffix(st.w, s) {
			st.w = st.w[:len(st.w)-len(s)]
			st.measure--
			return
		}
	}
}

// prefix removes the first of the prefixes that fits at byte from (where
// the previous prefix left off); it returns where the next one would
// start, or -1 when none fits.
func (st *idStem) prefix(table []idPrefix, from int) int {
	head, rest := st.w[:from], st.w[from:]
	for _, p := range table {
		if !strings.HasPrefix(rest, p.prefix) {
			continue
		}
		after := rest[len(p.prefix):]
		vowelNext := after != "" && idVowel(rune(after[0]))
		switch {
		case p.vowelNext && !vowelNext:
			continue
		case p.ker && !(len(after) >= 3 && !idVowel(rune(after[0])) && after[1:3] == "er"):
			continue
		}
		to := p.to
		if p.mem && vowelNext {
			to = "p"
		}
		st.w = head + to + after
		st.measure--
		if p.kind >= 0 {
			st.kind = p.kind
		}
		return from + len(to)
	}
	return -1
}

// suffix removes a derivational suffix -kan, -an or -i, as the prefix
// kind allows, and reports whether it did.
func (st *idStem) suffix() bool {
	w := st.w
	switch {
	case strings.HasSuffix(w, "kan") && st.kind != idPrefixKe && st.kind != idPrefixPer:
		st.w = w[:len(w)-3]
	case strings.HasSuffix(w, "an") && st.kind != idPrefixDi:
		st.w = w[:len(w)-2]
	case strings.HasSuffix(w, "i") && st.kind <= idPrefixPer && !strings.HasSuffix(w, "si"):
		st.w = w[:len(w)-1]
	default:
		return false
	}
	st.measure--
	return true
}

// stemIndonesian returns the Indonesian stem of the lower-case word s.
func stemIndonesian(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	st := &idStem{w: s}
	for _, c := range s {
		if idVowel(c) {
			st.measure++
		}
	}
	if st.measure <= 2 {
		return s
	}
	st.cutEnd("kah", "lah", "pun") // particles
	if st.measure <= 2 {
		return st.w
	}
	st.cutEnd("ku", "mu", "nya") // possessive pronouns
	if st.measure <= 2 {
		return st.w
	}
	if next := st.prefix(idFirstOrder, 0); next >= 0 {
		// A second-order prefix goes only after a suffix went.
		if st.measure > 2 && st.suffix() && st.measure > 2 {
			st.prefix(idSecondOrder, next)
		}
	} else {
		st.prefix(idSecondOrder, 0)
		if st.measure > 2 {
			st.suffix()
		}
	}
	return st.w
}

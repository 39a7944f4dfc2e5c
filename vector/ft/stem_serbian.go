package ft

import (
	"strings"
	"unicode/utf8"
)

// Serbian stemming: the Snowball Serbian algorithm of Petković and
// Ivanović (snowballstem.org/algorithms/serbian/stemmer.html), after
// Ljubešić and Pandžić's stemmer for Croatian. Cyrillic is first written
// in Latin letters and ije/je between consonants as e; step 1 mends a
// few stems, step 2 replaces a long suffix by its stem's end (the tables
// in stem_serbian_table.go), else step 3 removes a short ending. Steps 2
// and 3 act in R1 only.

var (
	srVowel     = vowelSet("aeiou")
	srDiacritic = vowelSet("čćžšđ")
	srConsonant = vowelSet("bvgdzjklmnprstfhcčćžšđ")
	srLatin     = srCyrillic()
	srStep3     = suffixTable("enom enoj enog enim enih anoj anog anim anih ost eno eni oga ima enu ena ama " +
		"ano ani om og u o i e a")
)

// srCyrillic maps Serbian Cyrillic letters to Latin.
func srCyrillic() map[rune]string {
	m := map[rune]string{}
	latin := strings.Fields("a b v g d đ e ž z i j k l lj m n nj o p r s t ć u f h c č dž š")
	for i, c := range []rune("абвгдђежзијклљмнњопрстћуфхцчџш") {
		m[c] = latin[i]
	}
	return m
}

// srSuffixes is a step's table: each suffix's rule, by index.
type srSuffixes struct {
	index map[string]int
	rules []srRule
}

// srRule replaces a suffix by to; plain: only in a word written without
// diacritics.
type srRule struct {
	to    string
	plain bool
}

// srTable reads a table of stem_serbian_table.go.
func srTable(text string) srSuffixes {
	t := srSuffixes{index: map[string]int{}}
	var group []string
	for _, f := range strings.Fields(text) {
		to, plain := f, false
		switch {
		case strings.HasPrefix(f, "?="):
			to, plain = f[2:], true
		case strings.HasPrefix(f, "="):
			to = f[1:]
		default:
			group = append(group, f)
			continue
		}
		t.rules = append(t.rules, srRule{to: to, plain: plain})
		for _, s := range group {
			t.index[s] = len(t.rules)
		}
		group = group[:0]
	}
	return t
}

// stemSerbian returns the Serbian stem of the lower-case word s.
func stemSerbian(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	r := []rune(mapRunes(s, srLatin))
	r = srBetweenConsonants(r, "ije")
	r = srBetweenConsonants(r, "je")
	r = []rune(strings.ReplaceAll(string(r), "dj", "đ"))
	w := &sbWord{r: r}
	plain := !strings.ContainsFunc(string(r), srDiacritic)
	w.r1 = srR1(r)

	// replace applies the rule of the longest suffix in t that starts at
	// or after from, if that is where the longest begins.
	replace := func(t srSuffixes, from int) bool {
		suf, a := w.longest(t.index, 0)
		if a == 0 || w.start(suf) < from || t.rules[a-1].plain && !plain {
			return false
		}
		w.swap(suf, t.rules[a-1].to)
		return true
	}
	replace(srStep1, 0)
	if !replace(srStep2, w.r1) {
		if suf, a := w.longest(srStep3, 0); a != 0 && w.inR1(suf) {
			w.cut(suf)
		}
	}
	return string(w.r)
}

// srBetweenConsonants writes e for each ije (or je) between consonants.
func srBetweenConsonants(r []rune, ije string) []rune {
	pat := []rune(ije)
	for i := 0; i+len(pat)+1 < len(r); i++ {
		if srConsonant(r[i]) && string(r[i+1:i+1+len(pat)]) == ije && srConsonant(r[i+1+len(pat)]) {
			r = append(r[:i+1], append([]rune{'e'}, r[i+1+len(pat):]...)...)
		}
	}
	return r
}

// srR1 returns where R1 begins: after the first vowel, or after the
// consonant that follows it when the word begins with a vowel; or after
// a syllabic r (prst, krv) when that comes at least two letters sooner.
func srR1(r []rune) int {
	p1 := len(r)
	for i, c := range r {
		if srVowel(c) {
			p1 = i + 1
			if p1 < 2 {
				for j := i + 1; j < len(r); j++ {
					if !srVowel(r[j]) {
						p1 = j + 1
						break
					}
				}
			}
			break
		}
	}
	at := -1
	for i, c := range r {
		if c == 'r' {
			at = i + 1
			break
		}
	}
	if at == 1 { // r first: past the letter after the r's
		at = -1
		for j := 1; j < len(r); j++ {
			if r[j] != 'r' {
				at = j + 1
				break
			}
		}
	}
	if at >= 0 && p1-at > 1 {
		p1 = at
	}
	return p1
}

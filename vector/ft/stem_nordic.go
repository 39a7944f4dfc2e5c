package ft

import "unicode/utf8"

// Swedish, Norwegian (Bokmål) and Danish stemming: the Snowball
// algorithms of those names (snowballstem.org/algorithms/swedish,
// /norwegian and /danish). All three put R1 after the first consonant
// that follows a vowel, but at least three letters in, and remove
// suffixes found in R1 only.

var (
	svVowel   = vowelSet("aeiouyäåö")
	svSEnding = vowelSet("bcdfghjklmnoprtvy")
	svMain    = suffixTable("a arna erna heterna orna ad e ade ande arne are aste en anden aren heten ern ar er "+
		"heter or as arnas ernas ornas es ades andes ens arens hetens erns at andet het ast", "s")
	svOther = suffixTable("lig ig els", "löst", "fullt")

	noVowel   = vowelSet("aeiouyæåø")
	noSEnding = vowelSet("bcdfghjlmnoprtvyz")
	noMain    = suffixTable("a e ede ande ende ane ene hetene en heten ar er heter as es edes endes enes "+
		"hetenes ens hetens ers ets et het ast", "s", "erte ert")
	noOther = suffixTable("leg eleg ig eig lig elig els lov elov slov hetslov")

	daVowel     = noVowel
	daConsonant = vowelSet("bcdfghjklmnpqrstvwxz")
	daSEnding   = vowelSet("abcdfghjklmnoprtvyzå")
	daMain      = suffixTable("hed ethed ered e erede ende erende ene erne ere en heden eren er heder erer heds "+
		"es endes erendes enes ernes eres ens hedens erens ers ets erets et eret", "s")
	daOther = suffixTable("ig lig elig els", "løst")
)

// nordicR1 returns the start of R1 (len(r) for words under three letters).
func nordicR1(r []rune, v func(rune) bool) int {
	if len(r) < 3 {
		return len(r)
	}
	return max(pastVC(r, 0, v), 3)
}

// stemSwedish returns the Swedish stem of the lower-case word s.
func stemSwedish(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := &sbWord{r: []rune(s)}
	w.r1 = nordicR1(w.r, svVowel)
	switch suf, a := w.longest(svMain, w.r1); a {
	case 1:
		w.cut(suf)
	case 2:
		if svSEnding(w.before(suf)) {
			w.cut(suf)
		}
	}
	for _, p := range []string{"dd", "gd", "nn", "dt", "gt", "kt", "tt"} {
		if w.ends(p) && w.inR1(p) {
			w.r = w.r[:len(w.r)-1]
			break
		}
	}
	switch suf, a := w.longest(svOther, w.r1); a {
	case 1:
		w.cut(suf)
	case 2:
		w.swap(suf, "lös")
	case 3:
		w.swap(suf, "full")
	}
	return string(w.r)
}

// stemNorwegian returns the Norwegian stem of the lower-case word s.
func stemNorwegian(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := &sbWord{r: []rune(s)}
	w.r1 = nordicR1(w.r, noVowel)
	switch suf, a := w.longest(noMain, w.r1); a {
	case 1:
		w.cut(suf)
	case 2:
		st := w.start(suf)
		if c := w.at(st - 1); noSEnding(c) || c == 'k' && st >= 2 && !noVowel(w.r[st-2]) {
			w.cut(suf)
		}
	case 3:
		w.swap(suf, "er")
	}
	for _, p := range []string{"dt", "vt"} {
		if w.ends(p) && w.inR1(p) {
			w.r = w.r[:len(w.r)-1]
			break
		}
	}
	if suf, a := w.longest(noOther, w.r1); a != 0 {
		w.cut(suf)
	}
	return string(w.r)
}

// stemDanish returns the Danish stem of the lower-case word s.
func stemDanish(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := &sbWord{r: []rune(s)}
	w.r1 = nordicR1(w.r, daVowel)
	switch suf, a := w.longest(daMain, w.r1); a {
	case 1:
		w.cut(suf)
	case 2:
		if daSEnding(w.before(suf)) {
			w.cut(suf)
		}
	}
	consonantPair := func() {
		for _, p := range []string{"gd", "dt", "gt", "kt"} {
			if w.ends(p) && w.inR1(p) {
				w.r = w.r[:len(w.r)-1]
				return
			}
		}
	}
	consonantPair()
	if w.ends("igst") {
		w.r = w.r[:len(w.r)-2]
	}
	switch suf, a := w.longest(daOther, w.r1); a {
	case 1:
		w.cut(suf)
		consonantPair()
	case 2:
		w.swap(suf, "løs")
	}
	// A final doubled consonant in R1 loses one letter.
	if n := len(w.r); n >= 2 && n-1 >= w.r1 && daConsonant(w.r[n-1]) && w.r[n-2] == w.r[n-1] {
		w.r = w.r[:n-1]
	}
	return string(w.r)
}

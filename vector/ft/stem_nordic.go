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
	svMain    = newStep(inR1, sbRule{suffixes: "a arna erna heterna orna ad e ade ande arne are aste en anden aren heten ern ar er " +
		"heter or as arnas ernas ornas es ades andes ens arens hetens erns at andet het ast"},
		sbRule{suffixes: "s", when: after(svSEnding)})
	svOther = newStep(inR1, sbRule{suffixes: "lig ig els"}, sbRule{suffixes: "löst", to: "lös"},
		sbRule{suffixes: "fullt", to: "full"})

	noVowel   = vowelSet("aeiouyæåø")
	noSEnding = vowelSet("bcdfghjlmnoprtvyz")
	noMain    = newStep(inR1, sbRule{suffixes: "a e ede ande ende ane ene hetene en heten ar er heter as es edes endes enes " +
		"hetenes ens hetens ers ets et het ast"},
		sbRule{suffixes: "s", when: func(w *sbWord, at int) bool {
			c := w.at(at - 1)
			return noSEnding(c) || c == 'k' && at >= 2 && !noVowel(w.r[at-2])
		}},
		sbRule{suffixes: "erte ert", to: "er"})
	noOther = newStep(inR1, sbRule{suffixes: "leg eleg ig eig lig elig els lov elov slov hetslov"})

	daVowel     = noVowel
	daConsonant = vowelSet("bcdfghjklmnpqrstvwxz")
	daSEnding   = vowelSet("abcdfghjklmnoprtvyzå")
	daMain      = newStep(inR1, sbRule{suffixes: "hed ethed ered e erede ende erende ene erne ere en heden eren er heder erer heds " +
		"es endes erendes enes ernes eres ens hedens erens ers ets erets et eret"},
		sbRule{suffixes: "s", when: after(daSEnding)})
	daOther = newStep(inR1, sbRule{suffixes: "ig lig elig els", then: daPair}, sbRule{suffixes: "løst", to: "løs"})
)

// nordicR1 returns the start of R1 (len(r) for words under three letters).
func nordicR1(r []rune, v func(rune) bool) int {
	if len(r) < 3 {
		return len(r)
	}
	return max(pastVC(r, 0, v), 3)
}

// nordicPair removes the last letter of a final pair of consonants in R1
// when the pair is one of pairs.
func nordicPair(w *sbWord, pairs ...string) {
	for _, p := range pairs {
		if w.ends(p) && w.inR1(p) {
			w.r = w.r[:len(w.r)-1]
			return
		}
	}
}

// daPair is the Danish consonant pair step.
func daPair(w *sbWord) { nordicPair(w, "gd", "dt", "gt", "kt") }

// stemSwedish returns the Swedish stem of the lower-case word s.
func stemSwedish(s string) string {
	return stemNordic(s, svVowel, svMain, svOther, "dd", "gd", "nn", "dt", "gt", "kt", "tt")
}

// stemNorwegian returns the Norwegian stem of the lower-case word s.
func stemNorwegian(s string) string {
	return stemNordic(s, noVowel, noMain, noOther, "dt", "vt")
}

// stemNordic runs the three steps Swedish and Norwegian share: the main
// suffixes, a consonant pair, the other suffixes.
func stemNordic(s string, v func(rune) bool, main, other *sbStep, pairs ...string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := newWord(s)
	w.r1 = nordicR1(w.r, v)
	main.apply(w)
	nordicPair(w, pairs...)
	other.apply(w)
	return string(w.r)
}

// stemDanish returns the Danish stem of the lower-case word s.
func stemDanish(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := newWord(s)
	w.r1 = nordicR1(w.r, daVowel)
	daMain.apply(w)
	daPair(w)
	if w.ends("igst") {
		w.r = w.r[:len(w.r)-2]
	}
	daOther.apply(w)
	// A final doubled consonant in R1 loses one letter.
	if n := len(w.r); n >= 2 && n-1 >= w.r1 && daConsonant(w.r[n-1]) && w.r[n-2] == w.r[n-1] {
		w.r = w.r[:n-1]
	}
	return string(w.r)
}

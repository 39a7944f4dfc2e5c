package ft

import (
	"strings"
	"unicode/utf8"
)

// Portuguese stemming: the Snowball Portuguese algorithm
// (snowballstem.org/algorithms/portuguese/stemmer.html). The nasal vowels
// ã and õ are spelt a~ and o~ while the steps run.

var (
	ptVowel    = vowelSet("aeiouáéíóúâêô")
	ptPre      = strings.NewReplacer("ã", "a~", "õ", "o~")
	ptPost     = strings.NewReplacer("a~", "ã", "o~", "õ")
	ptStandard = suffixTable(
		"eza ezas ico ica icos icas ismo ismos ável ível ista istas oso osa osos osas amento amentos "+
			"imento imentos adora ador aça~o adoras adores aço~es ante antes ância",
		"logia logias",
		"uça~o uço~es",
		"ência ências",
		"amente",
		"mente",
		"idade idades",
		"iva ivo ivas ivos",
		"ira iras",
	)
	ptAfterAmente = suffixTable("iv", "os ic ad")
	ptAfterMente  = suffixTable("ante avel ível")
	ptAfterIdade  = suffixTable("abil ic iv")
	ptVerb        = suffixTable("ada ida ia aria eria iria ará ara erá era irá ava asse esse isse aste este iste " +
		"ei arei erei irei am iam ariam eriam iriam aram eram iram avam em arem erem irem assem essem issem " +
		"ado ido ando endo indo ara~o era~o ira~o ar er ir as adas idas ias arias erias irias arás aras erás " +
		"eras irás avas es ardes erdes irdes ares eres ires asses esses isses astes estes istes is ais eis " +
		"íeis aríeis eríeis iríeis áreis areis éreis ereis íreis ireis ásseis ésseis ísseis áveis ados idos " +
		"ámos amos íamos aríamos eríamos iríamos áramos éramos íramos ávamos emos aremos eremos iremos " +
		"ássemos êssemos íssemos imos armos ermos irmos eu iu ou ira iras")
	ptResidual = suffixTable("os a i o á í ó")
)

// stemPortuguese returns the Portuguese stem of the lower-case word s.
func stemPortuguese(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := &sbWord{r: []rune(ptPre.Replace(s))}
	w.rv = rvRomance(w.r, ptVowel)
	w.r1 = pastVC(w.r, 0, ptVowel)
	w.r2 = pastVC(w.r, w.r1, ptVowel)

	done := ptStandardSuffix(w)
	if !done {
		if suf, a := w.longest(ptVerb, w.rv); a != 0 {
			w.cut(suf)
			done = true
		}
	}
	if done {
		if w.ends("i") && w.before("i") == 'c' && w.inRV("i") {
			w.cut("i")
		}
	} else if suf, a := w.longest(ptResidual, 0); a != 0 && w.inRV(suf) {
		w.cut(suf)
	}

	// Residual form.
	if w.ends("ç") {
		w.swap("ç", "c")
	} else if suf, a := w.longest(ptResidualForm, 0); a != 0 && w.inRV(suf) {
		w.cut(suf)
		if w.ends("u") && w.before("u") == 'g' || w.ends("i") && w.before("i") == 'c' {
			if n := len(w.r); n-1 >= w.rv {
				w.r = w.r[:n-1]
			}
		}
	}
	return ptPost.Replace(string(w.r))
}

var ptResidualForm = suffixTable("e é ê")

// ptStandardSuffix is step 1; it reports whether it removed a suffix.
func ptStandardSuffix(w *sbWord) bool {
	suf, a := w.longest(ptStandard, 0)
	switch {
	case a == 0,
		a == 5 && !w.inR1(suf),
		a == 9 && !(w.inRV(suf) && w.before(suf) == 'e'),
		a != 5 && a != 9 && !w.inR2(suf):
		return false
	}
	switch a {
	case 1:
		w.cut(suf)
	case 2:
		w.swap(suf, "log")
	case 3:
		w.swap(suf, "u")
	case 4:
		w.swap(suf, "ente")
	case 5:
		w.cut(suf)
		if s2, a2 := w.longest(ptAfterAmente, 0); a2 != 0 && w.inR2(s2) {
			w.cut(s2)
			if a2 == 1 && w.ends("at") && w.inR2("at") {
				w.cut("at")
			}
		}
	case 6:
		w.cut(suf)
		if s2, a2 := w.longest(ptAfterMente, 0); a2 != 0 && w.inR2(s2) {
			w.cut(s2)
		}
	case 7:
		w.cut(suf)
		if s2, a2 := w.longest(ptAfterIdade, 0); a2 != 0 && w.inR2(s2) {
			w.cut(s2)
		}
	case 8:
		w.cut(suf)
		if w.ends("at") && w.inR2("at") {
			w.cut("at")
		}
	case 9:
		w.swap(suf, "ir")
	}
	return true
}

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
	ptStandard = newStep(inWord,
		sbRule{suffixes: "eza ezas ico ica icos icas ismo ismos ável ível ista istas oso osa osos osas amento amentos " +
			"imento imentos adora ador aça~o adoras adores aço~es ante antes ância", in: inR2},
		sbRule{suffixes: "logia logias", in: inR2, to: "log"},
		sbRule{suffixes: "uça~o uço~es", in: inR2, to: "u"},
		sbRule{suffixes: "ência ências", in: inR2, to: "ente"},
		sbRule{suffixes: "amente", in: inR1, then: newStep(inWord,
			sbRule{suffixes: "iv", in: inR2, then: cutIn(inR2, "at", nil)},
			sbRule{suffixes: "os ic ad", in: inR2}).try},
		sbRule{suffixes: "mente", in: inR2, then: cutIn(inR2, "ante avel ível", nil)},
		sbRule{suffixes: "idade idades", in: inR2, then: cutIn(inR2, "abil ic iv", nil)},
		sbRule{suffixes: "iva ivo ivas ivos", in: inR2, then: cutIn(inR2, "at", nil)},
		sbRule{suffixes: "ira iras", in: inRV, when: after(func(c rune) bool { return c == 'e' }), to: "ir"},
	)
	ptVerb = newStep(inRV, sbRule{suffixes: "ada ida ia aria eria iria ará ara erá era irá ava asse esse isse aste este iste " +
		"ei arei erei irei am iam ariam eriam iriam aram eram iram avam em arem erem irem assem essem issem " +
		"ado ido ando endo indo ara~o era~o ira~o ar er ir as adas idas ias arias erias irias arás aras erás " +
		"eras irás avas es ardes erdes irdes ares eres ires asses esses isses astes estes istes is ais eis " +
		"íeis aríeis eríeis iríeis áreis areis éreis ereis íreis ireis ásseis ésseis ísseis áveis ados idos " +
		"ámos amos íamos aríamos eríamos iríamos áramos éramos íramos ávamos emos aremos eremos iremos " +
		"ássemos êssemos íssemos imos armos ermos irmos eu iu ou ira iras"})
	ptResidual = newStep(inWord, sbRule{suffixes: "os a i o á í ó", in: inRV})
)

// stemPortuguese returns the Portuguese stem of the lower-case word s.
func stemPortuguese(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := newWord(ptPre.Replace(s))
	w.romanceRegions(ptVowel)

	if ptStandard.apply(w) != 0 || ptVerb.apply(w) != 0 {
		if w.ends("i") && w.before("i") == 'c' && w.inRV("i") {
			w.cut("i")
		}
	} else {
		ptResidual.apply(w)
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

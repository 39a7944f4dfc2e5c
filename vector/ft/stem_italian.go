package ft

import (
	"strings"
	"unicode/utf8"
)

// Italian stemming: the Snowball Italian algorithm
// (snowballstem.org/algorithms/italian/stemmer.html).

var (
	itVowel   = vowelSet("aeiouàèìòù")
	itAEIO    = vowelSet("aeioàèìò")
	itPre     = strings.NewReplacer("á", "à", "é", "è", "í", "ì", "ó", "ò", "ú", "ù", "qu", "qU")
	itPost    = map[rune]string{'I': "i", 'U': "u"}
	itPronoun = suffixTable("ci gli la le li lo mi ne si ti vi sene gliela gliele glieli glielo gliene " +
		"mela mele meli melo mene tela tele teli telo tene cela cele celi celo cene vela vele veli velo vene")
	itGerund   = suffixTable("ando endo", "ar er ir")
	itStandard = newStep(inWord,
		sbRule{suffixes: "anza anze ico ici ica ice iche ichi ismo ismi abile abili ibile ibili ista iste isti " +
			"istà istè istì oso osi osa ose mente atrice atrici ante anti", in: inR2},
		sbRule{suffixes: "azione azioni atore atori", in: inR2, then: cutIn(inR2, "ic", nil)},
		sbRule{suffixes: "logia logie", in: inR2, to: "log"},
		sbRule{suffixes: "uzione uzioni usione usioni", in: inR2, to: "u"},
		sbRule{suffixes: "enza enze", in: inR2, to: "ente"},
		sbRule{suffixes: "amento amenti imento imenti", in: inRV},
		sbRule{suffixes: "amente", in: inR1, then: newStep(inWord,
			sbRule{suffixes: "iv", in: inR2, then: cutIn(inR2, "at", nil)},
			sbRule{suffixes: "os ic abil", in: inR2}).try},
		sbRule{suffixes: "ità", in: inR2, then: cutIn(inR2, "abil ic iv", nil)},
		sbRule{suffixes: "ivo ivi iva ive", in: inR2, then: cutIn(inR2, "at", cutIn(inR2, "ic", nil))},
	)
	itVerb = newStep(inRV, sbRule{suffixes: "ammo ando ano are arono asse assero assi assimo ata ate ati ato ava avamo avano avate " +
		"avi avo emmo enda ende endi endo erà erai eranno ere erebbe erebbero erei eremmo eremo ereste eresti " +
		"erete erò erono essero ete eva evamo evano evate evi evo Yamo iamo immo irà irai iranno ire irebbe " +
		"irebbero irei iremmo iremo ireste iresti irete irò irono isca iscano isce isci isco iscono issero ita " +
		"ite iti ito iva ivamo ivano ivate ivi ivo ono uta ute uti uto ar ir"})
)

// stemItalian returns the Italian stem of the lower-case word s.
func stemItalian(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := newWord(itPre.Replace(s))
	r := w.r
	for i := 1; i+1 < len(r); i++ {
		if itVowel(r[i-1]) && itVowel(r[i+1]) {
			switch r[i] {
			case 'u':
				r[i] = 'U'
			case 'i':
				r[i] = 'I'
			}
		}
	}
	w.romanceRegions(itVowel)

	// Attached pronouns after a gerund or an infinitive.
	if p, a := w.longest(itPronoun, 0); a != 0 {
		stem := &sbWord{r: w.r[:w.start(p)]}
		if g, ga := stem.longest(itGerund, 0); ga != 0 && stem.start(g) >= w.rv {
			if ga == 1 {
				w.cut(p)
			} else {
				w.swap(p, "e")
			}
		}
	}

	if itStandard.apply(w) == 0 {
		itVerb.apply(w)
	}

	if n := len(w.r); n > 0 && itAEIO(w.r[n-1]) && n-1 >= w.rv {
		w.r = w.r[:n-1]
		if w.ends("i") && w.inRV("i") {
			w.cut("i")
		}
	}
	if w.ends("h") {
		if c := w.before("h"); (c == 'c' || c == 'g') && w.start("h")-1 >= w.rv {
			w.cut("h")
		}
	}
	return mapRunes(string(w.r), itPost)
}

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
	itStandard = suffixTable(
		"anza anze ico ici ica ice iche ichi ismo ismi abile abili ibile ibili ista iste isti istà istè istì "+
			"oso osi osa ose mente atrice atrici ante anti",
		"azione azioni atore atori",
		"logia logie",
		"uzione uzioni usione usioni",
		"enza enze",
		"amento amenti imento imenti",
		"amente",
		"ità",
		"ivo ivi iva ive",
	)
	itAfterAmente = suffixTable("iv", "os ic abil")
	itAfterIta    = suffixTable("abil ic iv")
	itVerb        = suffixTable("ammo ando ano are arono asse assero assi assimo ata ate ati ato ava avamo avano avate " +
		"avi avo emmo enda ende endi endo erà erai eranno ere erebbe erebbero erei eremmo eremo ereste eresti " +
		"erete erò erono essero ete eva evamo evano evate evi evo Yamo iamo immo irà irai iranno ire irebbe " +
		"irebbero irei iremmo iremo ireste iresti irete irò irono isca iscano isce isci isco iscono issero ita " +
		"ite iti ito iva ivamo ivano ivate ivi ivo ono uta ute uti uto ar ir")
)

// stemItalian returns the Italian stem of the lower-case word s.
func stemItalian(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := &sbWord{r: []rune(itPre.Replace(s))}
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
	w.rv = rvRomance(r, itVowel)
	w.r1 = pastVC(r, 0, itVowel)
	w.r2 = pastVC(r, w.r1, itVowel)

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

	if !itStandardSuffix(w) {
		if suf, a := w.longest(itVerb, w.rv); a != 0 {
			w.cut(suf)
		}
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

// itStandardSuffix is step 1; it reports whether it removed a suffix.
func itStandardSuffix(w *sbWord) bool {
	suf, a := w.longest(itStandard, 0)
	switch {
	case a == 0,
		a == 6 && !w.inRV(suf),
		a == 7 && !w.inR1(suf),
		a != 6 && a != 7 && !w.inR2(suf):
		return false
	}
	switch a {
	case 1, 6:
		w.cut(suf)
	case 2:
		w.cut(suf)
		if w.ends("ic") && w.inR2("ic") {
			w.cut("ic")
		}
	case 3:
		w.swap(suf, "log")
	case 4:
		w.swap(suf, "u")
	case 5:
		w.swap(suf, "ente")
	case 7:
		w.cut(suf)
		if s2, a2 := w.longest(itAfterAmente, 0); a2 != 0 && w.inR2(s2) {
			w.cut(s2)
			if a2 == 1 && w.ends("at") && w.inR2("at") {
				w.cut("at")
			}
		}
	case 8:
		w.cut(suf)
		if s2, a2 := w.longest(itAfterIta, 0); a2 != 0 && w.inR2(s2) {
			w.cut(s2)
		}
	case 9:
		w.cut(suf)
		if w.ends("at") && w.inR2("at") {
			w.cut("at")
			if w.ends("ic") && w.inR2("ic") {
				w.cut("ic")
			}
		}
	}
	return true
}

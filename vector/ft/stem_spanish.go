package ft

import "unicode/utf8"

// Spanish stemming: the Snowball Spanish algorithm
// (snowballstem.org/algorithms/spanish/stemmer.html).

var (
	esVowel    = vowelSet("aeiouáéíóúü")
	esPronoun  = suffixTable("me se sela selo selas selos la le lo las les los nos")
	esGerund   = suffixTable("iéndo", "ándo", "ár", "ér", "ír", "ando iendo ar er ir", "yendo")
	esStandard = suffixTable(
		"anza anzas ico ica icos icas ismo ismos able ables ible ibles ista istas oso osa osos osas "+
			"amiento amientos imiento imientos",
		"adora ador ación adoras adores aciones ante antes ancia ancias",
		"logía logías",
		"ución uciones",
		"encia encias",
		"amente",
		"mente",
		"idad idades",
		"iva ivo ivas ivos",
	)
	esAfterAmente = suffixTable("iv", "os ic ad")
	esAfterMente  = suffixTable("ante able ible")
	esAfterIdad   = suffixTable("abil ic iv")
	esYVerb       = suffixTable("ya ye yan yen yeron yendo yo yó yas yes yais yamos")
	esVerb        = suffixTable("en es éis emos",
		"arían arías arán arás aríais aría aréis aríamos aremos ará aré "+
			"erían erías erán erás eríais ería eréis eríamos eremos erá eré "+
			"irían irías irán irás iríais iría iréis iríamos iremos irá iré "+
			"aba ada ida ía ara iera ad ed id ase iese aste iste an aban ían aran ieran asen iesen aron ieron "+
			"ado ido ando iendo ió ar er ir as abas adas idas ías aras ieras ases ieses ís áis abais íais arais "+
			"ierais aseis ieseis asteis isteis ados idos amos ábamos íamos imos áramos iéramos iésemos ásemos")
	esResidual = suffixTable("os a o á í ó", "e é")
	esPost     = map[rune]string{'á': "a", 'é': "e", 'í': "i", 'ó': "o", 'ú': "u"}
)

// stemSpanish returns the Spanish stem of the lower-case word s.
func stemSpanish(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := &sbWord{r: []rune(s)}
	w.rv = rvRomance(w.r, esVowel)
	w.r1 = pastVC(w.r, 0, esVowel)
	w.r2 = pastVC(w.r, w.r1, esVowel)

	// Attached pronouns after a gerund or an infinitive.
	if p, a := w.longest(esPronoun, 0); a != 0 {
		stem := &sbWord{r: w.r[:w.start(p)]}
		if g, ga := stem.longest(esGerund, 0); ga != 0 && stem.start(g) >= w.rv {
			switch ga {
			case 1, 2, 3, 4, 5:
				w.r = append(w.r[:stem.start(g)], []rune(map[int]string{1: "iendo", 2: "ando", 3: "ar", 4: "er", 5: "ir"}[ga])...)
			case 6:
				w.cut(p)
			case 7:
				if stem.before(g) == 'u' {
					w.cut(p)
				}
			}
		}
	}

	if !esStandardSuffix(w) {
		if suf, a := w.longest(esYVerb, w.rv); a != 0 && w.before(suf) == 'u' {
			w.cut(suf)
		} else {
			esVerbSuffix(w)
		}
	}

	switch suf, a := w.longest(esResidual, 0); a {
	case 1:
		if w.inRV(suf) {
			w.cut(suf)
		}
	case 2:
		if w.inRV(suf) {
			w.cut(suf)
			if w.ends("u") && w.before("u") == 'g' && w.inRV("u") {
				w.cut("u")
			}
		}
	}
	return mapRunes(string(w.r), esPost)
}

// esVerbSuffix is step 2b: verb endings within RV.
func esVerbSuffix(w *sbWord) {
	switch suf, a := w.longest(esVerb, w.rv); a {
	case 1:
		w.cut(suf)
		if w.ends("u") && w.before("u") == 'g' {
			w.cut("u")
		}
	case 2:
		w.cut(suf)
	}
}

// esStandardSuffix is step 1; it reports whether it removed a suffix.
func esStandardSuffix(w *sbWord) bool {
	suf, a := w.longest(esStandard, 0)
	if a == 0 || a != 6 && !w.inR2(suf) || a == 6 && !w.inR1(suf) {
		return false
	}
	switch a {
	case 1:
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
	case 6:
		w.cut(suf)
		if s2, a2 := w.longest(esAfterAmente, 0); a2 != 0 && w.inR2(s2) {
			w.cut(s2)
			if a2 == 1 && w.ends("at") && w.inR2("at") {
				w.cut("at")
			}
		}
	case 7:
		w.cut(suf)
		if s2, a2 := w.longest(esAfterMente, 0); a2 != 0 && w.inR2(s2) {
			w.cut(s2)
		}
	case 8:
		w.cut(suf)
		if s2, a2 := w.longest(esAfterIdad, 0); a2 != 0 && w.inR2(s2) {
			w.cut(s2)
		}
	case 9:
		w.cut(suf)
		if w.ends("at") && w.inR2("at") {
			w.cut("at")
		}
	}
	return true
}

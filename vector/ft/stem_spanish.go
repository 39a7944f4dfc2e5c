package ft

import "unicode/utf8"

// Spanish stemming: the Snowball Spanish algorithm
// (snowballstem.org/algorithms/spanish/stemmer.html).

var (
	esVowel    = vowelSet("aeiouáéíóúü")
	esPronoun  = suffixTable("me se sela selo selas selos la le lo las les los nos")
	esGerund   = suffixTable("iéndo", "ándo", "ár", "ér", "ír", "ando iendo ar er ir", "yendo")
	esStandard = newStep(inWord,
		sbRule{suffixes: "anza anzas ico ica icos icas ismo ismos able ables ible ibles ista istas oso osa osos osas " +
			"amiento amientos imiento imientos", in: inR2},
		sbRule{suffixes: "adora ador ación adoras adores aciones ante antes ancia ancias", in: inR2,
			then: cutIn(inR2, "ic", nil)},
		sbRule{suffixes: "logía logías", in: inR2, to: "log"},
		sbRule{suffixes: "ución uciones", in: inR2, to: "u"},
		sbRule{suffixes: "encia encias", in: inR2, to: "ente"},
		sbRule{suffixes: "amente", in: inR1, then: newStep(inWord,
			sbRule{suffixes: "iv", in: inR2, then: cutIn(inR2, "at", nil)},
			sbRule{suffixes: "os ic ad", in: inR2}).try},
		sbRule{suffixes: "mente", in: inR2, then: cutIn(inR2, "ante able ible", nil)},
		sbRule{suffixes: "idad idades", in: inR2, then: cutIn(inR2, "abil ic iv", nil)},
		sbRule{suffixes: "iva ivo ivas ivos", in: inR2, then: cutIn(inR2, "at", nil)},
	)
	esAfterG = after(func(c rune) bool { return c == 'g' })
	esYVerb  = newStep(inRV, sbRule{suffixes: "ya ye yan yen yeron yendo yo yó yas yes yais yamos",
		when: after(func(c rune) bool { return c == 'u' })})
	esVerb = newStep(inRV,
		sbRule{suffixes: "en es éis emos", then: newStep(inWord, sbRule{suffixes: "u", when: esAfterG}).try},
		sbRule{suffixes: "arían arías arán arás aríais aría aréis aríamos aremos ará aré " +
			"erían erías erán erás eríais ería eréis eríamos eremos erá eré " +
			"irían irías irán irás iríais iría iréis iríamos iremos irá iré " +
			"aba ada ida ía ara iera ad ed id ase iese aste iste an aban ían aran ieran asen iesen aron ieron " +
			"ado ido ando iendo ió ar er ir as abas adas idas ías aras ieras ases ieses ís áis abais íais arais " +
			"ierais aseis ieseis asteis isteis ados idos amos ábamos íamos imos áramos iéramos iésemos ásemos"})
	esResidual = newStep(inWord,
		sbRule{suffixes: "os a o á í ó", in: inRV},
		sbRule{suffixes: "e é", in: inRV, then: newStep(inWord, sbRule{suffixes: "u", in: inRV, when: esAfterG}).try})
	esPost = map[rune]string{'á': "a", 'é': "e", 'í': "i", 'ó': "o", 'ú': "u"}
)

// stemSpanish returns the Spanish stem of the lower-case word s.
func stemSpanish(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := newWord(s)
	w.romanceRegions(esVowel)

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

	if esStandard.apply(w) == 0 {
		if esYVerb.apply(w) == 0 {
			esVerb.apply(w)
		}
	}
	esResidual.apply(w)
	return mapRunes(string(w.r), esPost)
}

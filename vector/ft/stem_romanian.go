package ft

import "unicode/utf8"

// Romanian stemming: the Snowball Romanian algorithm
// (snowballstem.org/algorithms/romanian/stemmer.html), in its Snowball 2.2
// form, which spells ş and ţ with a cedilla.

var (
	roVowel = vowelSet("aeiouâîă")
	roStep0 = newStep(inWord,
		sbRule{suffixes: "ul ului", in: inR1},
		sbRule{suffixes: "aua", in: inR1, to: "a"},
		sbRule{suffixes: "ea ele elor", in: inR1, to: "e"},
		sbRule{suffixes: "ii iua iei iile iilor ilor", in: inR1, to: "i"},
		sbRule{suffixes: "ile", in: inR1, to: "i", when: func(w *sbWord, at int) bool {
			return at < 2 || string(w.r[at-2:at]) != "ab"
		}},
		sbRule{suffixes: "atei", in: inR1, to: "at"},
		sbRule{suffixes: "aţie aţia", in: inR1, to: "aţi"},
	)
	// roCombo reduces a combination of suffixes to its first; it runs as
	// long as it finds one.
	roCombo = newStep(inWord,
		sbRule{suffixes: "abilitate abilitati abilităi abilităţi", in: inR1, to: "abil"},
		sbRule{suffixes: "ibilitate", in: inR1, to: "ibil"},
		sbRule{suffixes: "ivitate ivitati ivităi ivităţi", in: inR1, to: "iv"},
		sbRule{suffixes: "icitate icitati icităi icităţi icator icatori iciv iciva icive icivi icivă " +
			"ical icala icale icali icală", in: inR1, to: "ic"},
		sbRule{suffixes: "ativ ativa ative ativi ativă aţiune atoare ator atori ătoare ător ători", in: inR1, to: "at"},
		sbRule{suffixes: "itiv itiva itive itivi itivă iţiune itoare itor itori", in: inR1, to: "it"},
	)
	roStandard = newStep(inWord,
		sbRule{suffixes: "at ata ată ati ate ut uta ută uti ute it ita ită iti ite ic ica ice ici ică " +
			"abil abila abile abili abilă ibil ibila ibile ibili ibilă oasa oasă oase os osi oşi " +
			"ant anta ante anti antă ator atori itate itati ităi ităţi iv iva ive ivi ivă", in: inR2},
		// -ţiune and -ţiuni become t.
		sbRule{suffixes: "iune iuni", in: inR2, when: after(func(c rune) bool { return c == 'ţ' }), then: func(w *sbWord) {
			w.swap("ţ", "t")
		}},
		sbRule{suffixes: "ism isme ist ista iste isti istă işti", in: inR2, to: "ist"},
	)
	roVerb = newStep(inRV,
		sbRule{suffixes: "are ere ire âre ind ând indu ându eze ească ez ezi ează esc eşti eşte ăsc ăşti ăşte " +
			"am ai au eam eai ea eaţi eau iam iai ia iaţi iau ui aşi arăm arăţi ară uşi urăm urăţi ură " +
			"işi irăm irăţi iră âi âşi ârăm ârăţi âră asem aseşi ase aserăm aserăţi aseră " +
			"isem iseşi ise iserăm iserăţi iseră âsem âseşi âse âserăm âserăţi âseră " +
			"usem useşi use userăm userăţi useră",
			// after a consonant or u, in RV
			when: func(w *sbWord, at int) bool {
				return at-1 >= w.rv && (!roVowel(w.r[at-1]) || w.r[at-1] == 'u')
			}},
		sbRule{suffixes: "ăm aţi em eţi im iţi âm âţi seşi serăm serăţi seră sei se " +
			"sesem seseşi sese seserăm seserăţi seseră"},
	)
	roVowelSuffix = newStep(inWord, sbRule{suffixes: "a e i ie ă", in: inRV})
	roPost        = map[rune]string{'I': "i", 'U': "u"}
)

// stemRomanian returns the Romanian stem of the lower-case word s.
func stemRomanian(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := newWord(s)
	r := w.r
	// u and i between vowels are consonants, marked U and I.
	for i := 1; i+1 < len(r); i++ {
		if (r[i] == 'u' || r[i] == 'i') && roVowel(r[i-1]) && roVowel(r[i+1]) {
			r[i] -= 'a' - 'A'
		}
	}
	w.romanceRegions(roVowel)

	roStep0.apply(w)
	removed := false
	for roCombo.apply(w) != 0 {
		removed = true
	}
	if roStandard.apply(w) != 0 {
		removed = true
	}
	if !removed {
		roVerb.apply(w)
	}
	roVowelSuffix.apply(w)
	return mapRunes(string(w.r), roPost)
}

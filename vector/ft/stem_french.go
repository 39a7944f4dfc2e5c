package ft

import (
	"strings"
	"unicode/utf8"
)

// French stemming: the Snowball French algorithm
// (snowballstem.org/algorithms/french/stemmer.html).

var (
	frVowel     = vowelSet("aeiouyâàëéêèïîôûù")
	frKeepWithS = vowelSet("aiouès")
	// frIC removes a final ic in R2, or else spells it iqU (the iqU is
	// cut when it lies in R2, where the ic did).
	frIC       = newStep(inWord, sbRule{suffixes: "ic", to: "iqU", then: cutIn(inR2, "iqU", nil)})
	frStandard = newStep(inWord,
		sbRule{suffixes: "ance iqUe isme able iste eux ances iqUes ismes ables istes", in: inR2},
		sbRule{suffixes: "atrice ateur ation atrices ateurs ations", in: inR2, then: frIC.try},
		sbRule{suffixes: "logie logies", in: inR2, to: "log"},
		sbRule{suffixes: "usion ution usions utions", in: inR2, to: "u"},
		sbRule{suffixes: "ence ences", in: inR2, to: "ent"},
		sbRule{suffixes: "ement ements", in: inRV, then: newStep(inWord,
			sbRule{suffixes: "iv", in: inR2, then: cutIn(inR2, "at", nil)},
			// eus: removed in R2, else eux in R1.
			sbRule{suffixes: "eus", in: inR1, to: "eux", then: cutIn(inR2, "eux", nil)},
			sbRule{suffixes: "abl iqU", in: inR2},
			sbRule{suffixes: "ièr Ièr", in: inRV, to: "i"}).try},
		sbRule{suffixes: "ité ités", in: inR2, then: newStep(inWord,
			// abil: removed in R2, else abl.
			sbRule{suffixes: "abil", to: "abl", then: cutIn(inR2, "abl", nil)},
			sbRule{suffixes: "ic", to: "iqU", then: cutIn(inR2, "iqU", nil)},
			sbRule{suffixes: "iv", in: inR2}).try},
		sbRule{suffixes: "if ive ifs ives", in: inR2, then: cutIn(inR2, "at", frIC.try)},
		sbRule{suffixes: "eaux", to: "eau"},
		sbRule{suffixes: "aux", in: inR1, to: "al"},
		sbRule{suffixes: "euse euses", in: inR1, to: "eux", then: cutIn(inR2, "eux", nil)},
		sbRule{suffixes: "issement issements", in: inR1, when: func(w *sbWord, at int) bool {
			return at > 0 && !frVowel(w.r[at-1])
		}},
		// -amment and -emment become -ant and -ent, -ment after a vowel
		// goes, and the verb steps still run (frStandardStops).
		sbRule{suffixes: "amment", in: inRV, to: "ant"},
		sbRule{suffixes: "emment", in: inRV, to: "ent"},
		sbRule{suffixes: "ment ments", when: func(w *sbWord, at int) bool {
			return at-1 >= w.rv && frVowel(w.at(at-1))
		}},
	)
	frIVerb = newStep(inRV, sbRule{suffixes: "îmes ît îtes i ie ies ir ira irai iraIent irais irait iras irent irez iriez " +
		"irions irons iront is issaIent issais issait issant issante issantes issants isse issent isses " +
		"issez issiez issions issons it", when: func(w *sbWord, at int) bool {
		c := w.at(at - 1)
		return at-1 >= w.rv && c != 'H' && !frVowel(c)
	}})
	frVerb = newStep(inRV,
		sbRule{suffixes: "ions", in: inR2},
		sbRule{suffixes: "é ée ées és èrent er era erai eraIent erais erait eras erez eriez erions erons eront ez iez"},
		sbRule{suffixes: "âmes ât âtes a ai aIent ais ait ant ante antes ants as asse assent asses assiez assions",
			then: cutIn(inRV, "e", nil)})
	frResidual = newStep(inRV,
		sbRule{suffixes: "ion", in: inR2, when: func(w *sbWord, at int) bool {
			c := w.at(at - 1)
			return at-1 >= w.rv && (c == 's' || c == 't')
		}},
		sbRule{suffixes: "ier ière Ier Ière", to: "i"},
		sbRule{suffixes: "e"})
)

// frStandardStops is the last rule of frStandard whose match ends the
// word's suffix steps; after the rules past it the verb steps still run.
const frStandardStops = 12

// stemFrench returns the French stem of the lower-case word s.
func stemFrench(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := newWord(s)
	w.r = frPrelude(w.r)
	r := w.r
	n := len(r)
	switch {
	case n >= 3 && frVowel(r[0]) && frVowel(r[1]):
		w.rv = 3
	case n >= 3 && (string(r[:3]) == "par" || string(r[:3]) == "col" || string(r[:3]) == "tap"):
		w.rv = 3
	default:
		w.rv = n
		for i := 1; i < n; i++ {
			if frVowel(r[i]) {
				w.rv = i + 1
				break
			}
		}
	}
	w.r1 = pastVC(r, 0, frVowel)
	w.r2 = pastVC(r, w.r1, frVowel)

	if a := frStandard.apply(w); a != 0 && a <= frStandardStops || frIVerb.apply(w) != 0 || frVerb.apply(w) != 0 {
		if w.ends("Y") {
			w.swap("Y", "i")
		} else if w.ends("ç") {
			w.swap("ç", "c")
		}
	} else {
		frResidualSuffix(w)
	}
	for _, d := range []string{"enn", "onn", "ett", "ell", "eill"} {
		if w.ends(d) {
			w.r = w.r[:len(w.r)-1]
			break
		}
	}
	// un_accent: é or è before the final run of non-vowels becomes e.
	i := len(w.r) - 1
	for i >= 0 && !frVowel(w.r[i]) {
		i--
	}
	if i >= 0 && i < len(w.r)-1 && (w.r[i] == 'é' || w.r[i] == 'è') {
		w.r[i] = 'e'
	}
	return frPostlude(w.r)
}

// frPrelude marks the vowels that act as consonants (upper case) and
// spells ë and ï as He and Hi.
func frPrelude(r []rune) []rune {
	isV := func(i int) bool { return i < len(r) && frVowel(r[i]) }
	for p := 0; p < len(r); p++ {
		for changed := true; changed; {
			changed = true
			switch {
			case isV(p) && p+1 < len(r) && r[p+1] == 'u' && isV(p+2):
				r[p+1] = 'U'
			case isV(p) && p+1 < len(r) && r[p+1] == 'i' && isV(p+2):
				r[p+1] = 'I'
			case isV(p) && p+1 < len(r) && r[p+1] == 'y':
				r[p+1] = 'Y'
			case r[p] == 'ë':
				r = append(r[:p], append([]rune{'H', 'e'}, r[p+1:]...)...)
			case r[p] == 'ï':
				r = append(r[:p], append([]rune{'H', 'i'}, r[p+1:]...)...)
			case r[p] == 'y' && isV(p+1):
				r[p] = 'Y'
			case r[p] == 'q' && p+1 < len(r) && r[p+1] == 'u':
				r[p+1] = 'U'
			default:
				changed = false
			}
		}
	}
	return r
}

// frPostlude undoes the prelude's marks.
func frPostlude(r []rune) string {
	var b strings.Builder
	for i := 0; i < len(r); i++ {
		switch c := r[i]; c {
		case 'I', 'U', 'Y':
			b.WriteRune(c + 'a' - 'A')
		case 'H':
			if i+1 < len(r) && r[i+1] == 'e' {
				b.WriteRune('ë')
				i++
			} else if i+1 < len(r) && r[i+1] == 'i' {
				b.WriteRune('ï')
				i++
			}
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// frResidualSuffix is step 4.
func frResidualSuffix(w *sbWord) {
	if w.ends("s") {
		st := w.start("s")
		if st >= 2 && string(w.r[st-2:st]) == "Hi" || st >= 1 && !frKeepWithS(w.r[st-1]) {
			w.cut("s")
		}
	}
	frResidual.apply(w)
}

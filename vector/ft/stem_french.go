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
	frStandard  = suffixTable(
		"ance iqUe isme able iste eux ances iqUes ismes ables istes",
		"atrice ateur ation atrices ateurs ations",
		"logie logies",
		"usion ution usions utions",
		"ence ences",
		"ement ements",
		"ité ités",
		"if ive ifs ives",
		"eaux",
		"aux",
		"euse euses",
		"issement issements",
		"amment",
		"emment",
		"ment ments",
	)
	frAfterEment = suffixTable("iv", "eus", "abl iqU", "ièr Ièr")
	frAfterIte   = suffixTable("abil", "ic", "iv")
	frIVerb      = suffixTable("îmes ît îtes i ie ies ir ira irai iraIent irais irait iras irent irez iriez " +
		"irions irons iront is issaIent issais issait issant issante issantes issants isse issent isses " +
		"issez issiez issions issons it")
	frVerb = suffixTable("ions",
		"é ée ées és èrent er era erai eraIent erais erait eras erez eriez erions erons eront ez iez",
		"âmes ât âtes a ai aIent ais ait ant ante antes ants as asse assent asses assiez assions")
	frResidual = suffixTable("ion", "ier ière Ier Ière", "e")
)

// stemFrench returns the French stem of the lower-case word s.
func stemFrench(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := &sbWord{r: frPrelude([]rune(s))}
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

	if frStandardSuffix(w) || frIVerbSuffix(w) || frVerbSuffix(w) {
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

// frIcToIqu removes a final ic in R2, or else spells it iqU.
func frIcToIqu(w *sbWord) {
	if w.ends("ic") {
		if w.inR2("ic") {
			w.cut("ic")
		} else {
			w.swap("ic", "iqU")
		}
	}
}

// frStandardSuffix is the algorithm's step 1; it reports whether it
// removed or changed a suffix the way that ends the verb steps.
func frStandardSuffix(w *sbWord) bool {
	suf, a := w.longest(frStandard, 0)
	switch a {
	case 1:
		if !w.inR2(suf) {
			return false
		}
		w.cut(suf)
	case 2:
		if !w.inR2(suf) {
			return false
		}
		w.cut(suf)
		frIcToIqu(w)
	case 3:
		if !w.inR2(suf) {
			return false
		}
		w.swap(suf, "log")
	case 4:
		if !w.inR2(suf) {
			return false
		}
		w.swap(suf, "u")
	case 5:
		if !w.inR2(suf) {
			return false
		}
		w.swap(suf, "ent")
	case 6:
		if !w.inRV(suf) {
			return false
		}
		w.cut(suf)
		switch s2, a2 := w.longest(frAfterEment, 0); a2 {
		case 1:
			if w.inR2(s2) {
				w.cut(s2)
				if w.ends("at") && w.inR2("at") {
					w.cut("at")
				}
			}
		case 2:
			if w.inR2(s2) {
				w.cut(s2)
			} else if w.inR1(s2) {
				w.swap(s2, "eux")
			}
		case 3:
			if w.inR2(s2) {
				w.cut(s2)
			}
		case 4:
			if w.inRV(s2) {
				w.swap(s2, "i")
			}
		}
	case 7:
		if !w.inR2(suf) {
			return false
		}
		w.cut(suf)
		switch s2, a2 := w.longest(frAfterIte, 0); a2 {
		case 1:
			if w.inR2(s2) {
				w.cut(s2)
			} else {
				w.swap(s2, "abl")
			}
		case 2:
			frIcToIqu(w)
		case 3:
			if w.inR2(s2) {
				w.cut(s2)
			}
		}
	case 8:
		if !w.inR2(suf) {
			return false
		}
		w.cut(suf)
		if w.ends("at") && w.inR2("at") {
			w.cut("at")
			frIcToIqu(w)
		}
	case 9:
		w.swap(suf, "eau")
	case 10:
		if !w.inR1(suf) {
			return false
		}
		w.swap(suf, "al")
	case 11:
		if w.inR2(suf) {
			w.cut(suf)
		} else if w.inR1(suf) {
			w.swap(suf, "eux")
		} else {
			return false
		}
	case 12:
		if c := w.before(suf); !w.inR1(suf) || c == 0 || frVowel(c) {
			return false
		}
		w.cut(suf)
	case 13, 14:
		// -amment and -emment become -ant and -ent, and the verb steps
		// still run.
		if w.inRV(suf) {
			w.swap(suf, map[int]string{13: "ant", 14: "ent"}[a])
		}
		return false
	case 15:
		if c := w.before(suf); frVowel(c) && w.start(suf)-1 >= w.rv {
			w.cut(suf)
		}
		return false
	default:
		return false
	}
	return true
}

// frIVerbSuffix is step 2a: verb endings in -i- within RV.
func frIVerbSuffix(w *sbWord) bool {
	suf, a := w.longest(frIVerb, w.rv)
	if a == 0 {
		return false
	}
	st := w.start(suf)
	if st-1 < w.rv || w.r[st-1] == 'H' || frVowel(w.r[st-1]) {
		return false
	}
	w.cut(suf)
	return true
}

// frVerbSuffix is step 2b: the other verb endings within RV.
func frVerbSuffix(w *sbWord) bool {
	suf, a := w.longest(frVerb, w.rv)
	switch a {
	case 1:
		if !w.inR2(suf) {
			return false
		}
		w.cut(suf)
	case 2:
		w.cut(suf)
	case 3:
		w.cut(suf)
		if w.ends("e") && w.inRV("e") {
			w.cut("e")
		}
	default:
		return false
	}
	return true
}

// frResidualSuffix is step 4.
func frResidualSuffix(w *sbWord) {
	if w.ends("s") {
		st := w.start("s")
		if st >= 2 && string(w.r[st-2:st]) == "Hi" || st >= 1 && !frKeepWithS(w.r[st-1]) {
			w.cut("s")
		}
	}
	suf, a := w.longest(frResidual, w.rv)
	switch a {
	case 1:
		if c := w.before(suf); w.inR2(suf) && w.start(suf)-1 >= w.rv && (c == 's' || c == 't') {
			w.cut(suf)
		}
	case 2:
		w.swap(suf, "i")
	case 3:
		w.cut(suf)
	}
}

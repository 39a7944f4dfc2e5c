package ft

import "unicode/utf8"

// Dutch stemming: the Snowball Dutch algorithm
// (snowballstem.org/algorithms/dutch/stemmer.html).

var (
	nlVowel  = vowelSet("aeiouyè")
	nlPre    = map[rune]string{'ä': "a", 'á': "a", 'ë': "e", 'é': "e", 'ï': "i", 'í': "i", 'ö': "o", 'ó': "o", 'ü': "u", 'ú': "u"}
	nlPost   = map[rune]string{'Y': "y", 'I': "i"}
	nlStep1  = suffixTable("heden", "en ene", "s se")
	nlStep3b = suffixTable("end ing", "ig", "lijk", "baar", "bar")
)

// stemDutch returns the Dutch stem of the lower-case word s.
func stemDutch(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := &sbWord{r: []rune(mapRunes(s, nlPre))}
	r := w.r
	if len(r) > 0 && r[0] == 'y' {
		r[0] = 'Y'
	}
	for i := 1; i < len(r); i++ {
		if !nlVowel(r[i-1]) {
			continue
		}
		if r[i] == 'i' && i+1 < len(r) && nlVowel(r[i+1]) {
			r[i] = 'I'
		} else if r[i] == 'y' {
			r[i] = 'Y'
		}
	}
	p1 := pastVC(r, 0, nlVowel)
	w.r1, w.r2 = max(p1, 3), pastVC(r, p1, nlVowel)
	if w.r1 > len(r) {
		w.r1 = len(r)
	}

	nonV := func(c rune) bool { return c != 0 && !nlVowel(c) }
	undouble := func() {
		if w.ends("kk") || w.ends("dd") || w.ends("tt") {
			w.r = w.r[:len(w.r)-1]
		}
	}
	enEnding := func(suf string) bool {
		st := w.start(suf)
		if st < w.r1 || !nonV(w.at(st-1)) || st >= 3 && string(w.r[st-3:st]) == "gem" {
			return false
		}
		w.cut(suf)
		undouble()
		return true
	}
	eFound := false
	eEnding := func() {
		eFound = false
		if w.ends("e") && w.inR1("e") && nonV(w.before("e")) {
			w.cut("e")
			eFound = true
			undouble()
		}
	}

	if suf, a := w.longest(nlStep1, 0); a != 0 {
		switch a {
		case 1:
			if w.inR1(suf) {
				w.swap(suf, "heid")
			}
		case 2:
			enEnding(suf)
		case 3:
			if c := w.before(suf); w.inR1(suf) && nonV(c) && c != 'j' {
				w.cut(suf)
			}
		}
	}
	eEnding()
	if w.ends("heid") && w.inR2("heid") && w.before("heid") != 'c' {
		w.cut("heid")
		if w.ends("en") {
			enEnding("en")
		}
	}
	if suf, a := w.longest(nlStep3b, 0); a != 0 {
		switch a {
		case 1:
			if w.inR2(suf) {
				w.cut(suf)
				if w.ends("ig") && w.inR2("ig") && w.before("ig") != 'e' {
					w.cut("ig")
				} else {
					undouble()
				}
			}
		case 2:
			if w.inR2(suf) && w.before(suf) != 'e' {
				w.cut(suf)
			}
		case 3:
			if w.inR2(suf) {
				w.cut(suf)
				eEnding()
			}
		case 4:
			if w.inR2(suf) {
				w.cut(suf)
			}
		case 5:
			if w.inR2(suf) && eFound {
				w.cut(suf)
			}
		}
	}
	// An undoubled vowel: -aa-, -ee-, -oo-, -uu- before a final consonant.
	if n := len(w.r); n >= 4 {
		c, a, b, d := w.r[n-1], w.r[n-2], w.r[n-3], w.r[n-4]
		if c != 'I' && !nlVowel(c) && a == b && (a == 'a' || a == 'e' || a == 'o' || a == 'u') && !nlVowel(d) {
			w.r = append(w.r[:n-2], c)
		}
	}
	return mapRunes(string(w.r), nlPost)
}

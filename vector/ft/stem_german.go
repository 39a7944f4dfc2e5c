package ft

import (
	"strings"
	"unicode/utf8"
)

// German stemming: the Snowball German algorithm
// (snowballstem.org/algorithms/german/stemmer.html).

var (
	deVowel    = vowelSet("aeiouyäöü")
	deSEnding  = vowelSet("bdfghklmnrt") // letters a removable -s may follow
	deStEnding = vowelSet("bdfghklmnt")  // and -st
	deStep1    = suffixTable("em ern er", "e en es", "s")
	deStep2    = suffixTable("en er est", "st")
	deStep3    = suffixTable("end ung", "ig ik isch", "lich heit", "keit")
	dePost     = map[rune]string{'Y': "y", 'U': "u", 'ä': "a", 'ö': "o", 'ü': "u"}
)

// stemGerman returns the German stem of the lower-case word s.
func stemGerman(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := &sbWord{r: []rune(strings.ReplaceAll(s, "ß", "ss"))}
	r := w.r
	// u and y between vowels are consonants.
	for i := 1; i+1 < len(r); i++ {
		if deVowel(r[i-1]) && deVowel(r[i+1]) {
			switch r[i] {
			case 'u':
				r[i] = 'U'
			case 'y':
				r[i] = 'Y'
			}
		}
	}
	w.r1, w.r2 = len(r), len(r)
	if len(r) >= 3 {
		p1 := pastVC(r, 0, deVowel)
		w.r1, w.r2 = max(p1, 3), pastVC(r, p1, deVowel)
	}

	if suf, a := w.longest(deStep1, 0); a != 0 && w.inR1(suf) {
		switch a {
		case 1:
			w.cut(suf)
		case 2:
			w.cut(suf)
			if w.ends("niss") {
				w.cut("s")
			}
		case 3:
			if deSEnding(w.before(suf)) {
				w.cut(suf)
			}
		}
	}
	if suf, a := w.longest(deStep2, 0); a != 0 && w.inR1(suf) {
		switch a {
		case 1:
			w.cut(suf)
		case 2:
			if deStEnding(w.before(suf)) && w.start(suf) >= 4 {
				w.cut(suf)
			}
		}
	}
	if suf, a := w.longest(deStep3, 0); a != 0 && w.inR2(suf) {
		switch a {
		case 1:
			w.cut(suf)
			if w.ends("ig") && w.inR2("ig") && w.before("ig") != 'e' {
				w.cut("ig")
			}
		case 2:
			if w.before(suf) != 'e' {
				w.cut(suf)
			}
		case 3:
			w.cut(suf)
			for _, s := range []string{"er", "en"} {
				if w.ends(s) {
					if w.inR1(s) {
						w.cut(s)
					}
					break
				}
			}
		case 4:
			w.cut(suf)
			for _, s := range []string{"lich", "ig"} {
				if w.ends(s) {
					if w.inR2(s) {
						w.cut(s)
					}
					break
				}
			}
		}
	}
	return mapRunes(string(w.r), dePost)
}

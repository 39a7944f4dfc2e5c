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
	deNotE     = after(func(c rune) bool { return c != 'e' })
	deStep1    = newStep(inWord,
		sbRule{suffixes: "em ern er", in: inR1},
		sbRule{suffixes: "e en es", in: inR1, then: func(w *sbWord) {
			if w.ends("niss") {
				w.cut("s")
			}
		}},
		sbRule{suffixes: "s", in: inR1, when: after(deSEnding)})
	deStep2 = newStep(inWord,
		sbRule{suffixes: "en er est", in: inR1},
		sbRule{suffixes: "st", in: inR1, when: func(w *sbWord, at int) bool { return at >= 4 && deStEnding(w.r[at-1]) }})
	deStep3 = newStep(inWord,
		sbRule{suffixes: "end ung", in: inR2, then: newStep(inWord, sbRule{suffixes: "ig", in: inR2, when: deNotE}).try},
		sbRule{suffixes: "ig ik isch", in: inR2, when: deNotE},
		sbRule{suffixes: "lich heit", in: inR2, then: cutIn(inR1, "er en", nil)},
		sbRule{suffixes: "keit", in: inR2, then: cutIn(inR2, "lich ig", nil)})
	dePost = map[rune]string{'Y': "y", 'U': "u", 'ä': "a", 'ö': "o", 'ü': "u"}
)

// stemGerman returns the German stem of the lower-case word s.
func stemGerman(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := newWord(strings.ReplaceAll(s, "ß", "ss"))
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

	deStep1.apply(w)
	deStep2.apply(w)
	deStep3.apply(w)
	return mapRunes(string(w.r), dePost)
}

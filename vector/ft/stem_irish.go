package ft

import (
	"strings"
	"unicode/utf8"
)

// Irish stemming: the Snowball Irish algorithm
// (snowballstem.org/algorithms/irish/stemmer.html), in its Snowball 2.2
// form: the initial mutations come off first, then noun, derivational
// and verb suffixes.

var (
	gaVowel = vowelSet("aeiouáéíóú")
	// gaMutations maps an initial mutation to what it was (longest first).
	gaMutations = []struct{ from, to string }{
		{"d'fh", "f"},
		{"bhf", "f"},
		{"h-", ""}, {"n-", ""}, {"t-", ""}, {"d'", ""}, {"m'", ""}, {"b'", ""},
		{"sh", "s"}, {"mb", "b"}, {"gc", "c"}, {"nd", "d"}, {"ng", "g"}, {"bp", "p"}, {"ts", "s"}, {"dt", "t"},
		{"bh", "b"}, {"ch", "c"}, {"dh", "d"}, {"fh", "f"}, {"gh", "g"}, {"mh", "m"}, {"ph", "p"}, {"th", "t"},
	}
	gaNoun = newStep(inWord,
		sbRule{suffixes: "amh eamh abh eabh aibh ibh aimh imh aíocht íocht aíochta íochta", in: inR1},
		sbRule{suffixes: "ire irí aire airí", in: inR2},
	)
	gaDeriv = newStep(inWord,
		sbRule{suffixes: "acht eacht ach each eachtúil eachta achtúil achta", in: inR2},
		sbRule{suffixes: "arcacht arcachtaí arcachta", to: "arc"},
		sbRule{suffixes: "gineach gineas ginis", to: "gin"},
		sbRule{suffixes: "grafaíoch grafaíocht grafaíochta grafaíochtaí", to: "graf"},
		sbRule{suffixes: "paite patach pataigh patacha", to: "paite"},
		sbRule{suffixes: "óideach óideacha óidigh", to: "óid"},
	)
	gaVerb = newStep(inWord,
		sbRule{suffixes: "imid aimid ímid aímid faidh fidh", in: inRV},
		sbRule{suffixes: "ain eadh adh áil tear tar", in: inR1},
	)
)

// stemIrish returns the Irish stem of the lower-case word s.
func stemIrish(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	for _, m := range gaMutations {
		if strings.HasPrefix(s, m.from) {
			s = m.to + s[len(m.from):]
			break
		}
	}
	w := newWord(s)
	w.rv = len(w.r)
	for i, c := range w.r {
		if gaVowel(c) {
			w.rv = i + 1
			break
		}
	}
	w.r1 = pastVC(w.r, 0, gaVowel)
	w.r2 = pastVC(w.r, w.r1, gaVowel)

	gaNoun.apply(w)
	gaDeriv.apply(w)
	gaVerb.apply(w)
	return string(w.r)
}

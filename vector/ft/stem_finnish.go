package ft

import "unicode/utf8"

// Finnish stemming: the Snowball Finnish algorithm
// (snowballstem.org/algorithms/finnish/stemmer.html).

var (
	fiV1        = vowelSet("aeiouyäö")
	fiV2        = vowelSet("aeiouäö")
	fiC         = vowelSet("bcdfghjklmnpqrstvwxz")
	fiAEI       = vowelSet("aäei")
	fiParticle  = suffixTable("kin kaan kään ko kö han hän pa pä", "sti")
	fiPossess   = suffixTable("si", "ni", "nsa nsä mme nne", "an", "än", "en")
	fiOther     = suffixTable("mpi mpa mpä mmi mma mmä", "impi impa impä immi imma immä eja ejä")
	fiLong      = []string{"aa", "ee", "ii", "oo", "uu", "ää", "öö"}
	fiAnBefore  = []string{"ta", "ssa", "sta", "lla", "lta", "na"}
	fiÄnBefore  = []string{"tä", "ssä", "stä", "llä", "ltä", "nä"}
	fiCaseTable = map[string]int{
		"han": 1, "hen": 1, "hin": 1, "hon": 1, "hän": 1, "hön": 1,
		"siin": 2, "den": 2, "tten": 2, "seen": 3,
		"n": 4, "a": 5, "ä": 5, "tta": 6, "ttä": 6,
		"ta": 7, "tä": 7, "ssa": 7, "ssä": 7, "sta": 7, "stä": 7, "lla": 7, "llä": 7, "lta": 7, "ltä": 7,
		"lle": 7, "na": 7, "nä": 7, "ksi": 7, "ine": 7,
	}
)

// stemFinnish returns the Finnish stem of the lower-case word s.
func stemFinnish(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := &sbWord{r: []rune(s)}
	w.r1 = pastVC(w.r, 0, fiV1)
	w.r2 = pastVC(w.r, w.r1, fiV1)
	// endsIn reports whether the letters before index i end with one of list.
	endsIn := func(i int, list ...string) bool {
		for _, x := range list {
			if n := utf8.RuneCountInString(x); i >= n && string(w.r[i-n:i]) == x {
				return true
			}
		}
		return false
	}

	// Particles and -sti.
	if suf, a := w.longest(fiParticle, w.r1); a != 0 {
		c := w.before(suf)
		if a == 1 && (fiV1(c) || c == 'n' || c == 't') || a == 2 && w.inR2(suf) {
			w.cut(suf)
		}
	}
	// Possessive suffixes.
	if suf, a := w.longest(fiPossess, w.r1); a != 0 {
		st := w.start(suf)
		switch {
		case a == 1 && w.before(suf) != 'k', a == 3,
			a == 4 && endsIn(st, fiAnBefore...),
			a == 5 && endsIn(st, fiÄnBefore...),
			a == 6 && endsIn(st, "lle", "ine"):
			w.cut(suf)
		case a == 2:
			w.cut(suf)
			if w.ends("kse") {
				w.swap("kse", "ksi")
			}
		}
	}
	// Cases.
	removed := fiCaseEnding(w, endsIn)
	// Comparatives, superlatives, agents.
	if suf, a := w.longest(fiOther, w.r2); a != 0 && !(a == 1 && endsIn(w.start(suf), "po")) {
		w.cut(suf)
	}
	// Plurals.
	if removed {
		if w.ends("i") && w.inR1("i") || w.ends("j") && w.inR1("j") {
			w.r = w.r[:len(w.r)-1]
		}
	} else if n := len(w.r); n >= 2 && w.r[n-1] == 't' && n-2 >= w.r1 && fiV1(w.r[n-2]) {
		w.r = w.r[:n-1]
		if w.ends("imma") && w.inR2("imma") {
			w.cut("imma")
		} else if w.ends("mma") && w.inR2("mma") && !endsIn(w.start("mma"), "po") {
			w.cut("mma")
		}
	}
	// Tidying, within R1.
	n := len(w.r)
	if n-2 >= w.r1 && endsIn(n, fiLong...) {
		w.r, n = w.r[:n-1], n-1
	}
	if n-2 >= w.r1 && fiAEI(w.r[n-1]) && fiC(w.r[n-2]) {
		w.r, n = w.r[:n-1], n-1
	}
	if n-2 >= w.r1 && w.r[n-1] == 'j' && (w.r[n-2] == 'o' || w.r[n-2] == 'u') {
		w.r, n = w.r[:n-1], n-1
	}
	if n-2 >= w.r1 && w.r[n-1] == 'o' && w.r[n-2] == 'j' {
		w.r, n = w.r[:n-1], n-1
	}
	// A doubled consonant at the last non-vowel loses a letter.
	for i := n - 1; i >= 0; i-- {
		if !fiV1(w.r[i]) {
			if fiC(w.r[i]) && i >= 1 && w.r[i-1] == w.r[i] {
				w.r = append(w.r[:i], w.r[i+1:]...)
			}
			break
		}
	}
	return string(w.r)
}

// fiCaseEnding removes a case ending in R1; it reports whether it did.
func fiCaseEnding(w *sbWord, endsIn func(int, ...string) bool) bool {
	// Entries with a condition give way to a shorter ending when it
	// fails, as Snowball's among does for routines.
	for k := min(len(w.r)-w.r1, 4); k > 0; k-- {
		suf := string(w.r[len(w.r)-k:])
		a, ok := fiCaseTable[suf]
		if !ok {
			continue
		}
		st := w.start(suf)
		switch a {
		case 1: // -hVn after that vowel
			if w.at(st-1) != []rune(suf)[1] {
				return false
			}
		case 2: // after i and a vowel
			if !(w.at(st-1) == 'i' && fiV2(w.at(st-2))) {
				continue
			}
		case 3: // after a long vowel
			if !endsIn(st, fiLong...) {
				continue
			}
		case 4: // -n, and the vowel before it after a long vowel or ie
			if endsIn(st, fiLong...) || endsIn(st, "ie") {
				st--
			}
		case 5: // -a after a vowel and a consonant
			if !(fiV1(w.at(st-1)) && fiC(w.at(st-2))) {
				return false
			}
		case 6:
			if w.at(st-1) != 'e' {
				return false
			}
		}
		w.r = w.r[:st]
		return true
	}
	return false
}

package ft

import (
	"strings"
	"unicode/utf8"
)

// Hungarian stemming: the Snowball Hungarian algorithm
// (snowballstem.org/algorithms/hungarian/stemmer.html), in its Snowball
// 2.2 form. Every step removes a suffix that lies in R1.

var (
	huVowel   = vowelSet("aeiouáéíóöőúüű")
	huDouble  = strings.Fields("bb cc ccs dd ff gg ggy jj kk ll lly mm nn nny pp rr ss ssz tt tty vv zz zzs")
	huDigraph = []string{"dzs", "cs", "gy", "ly", "ny", "sz", "ty", "zs"}
	// huVEnding turns a final á or é in R1 back into a or e.
	huVEnding = newStep(inWord, sbRule{suffixes: "á", in: inR1, to: "a"}, sbRule{suffixes: "é", in: inR1, to: "e"})
	huInstrum = newStep(inWord, sbRule{suffixes: "al el", in: inR1, when: huAfterDouble, then: huUndouble})
	huCase    = newStep(inWord, sbRule{suffixes: "ban ben ba be ra re nak nek val vel tól től ról ről ból ből " +
		"hoz hez höz nál nél ig at et ot öt ért képp képpen kor ul ül vá vé onként enként anként ként " +
		"en on an ön n t", in: inR1, then: huVEnding.try})
	huCaseSpecial = newStep(inWord,
		sbRule{suffixes: "én", in: inR1, to: "e"},
		sbRule{suffixes: "án ánként", in: inR1, to: "a"})
	huCaseOther = newStep(inWord,
		sbRule{suffixes: "astul estül stul stül", in: inR1},
		sbRule{suffixes: "ástul", in: inR1, to: "a"},
		sbRule{suffixes: "éstül", in: inR1, to: "e"})
	huFactive = newStep(inWord, sbRule{suffixes: "á é", in: inR1, when: huAfterDouble, then: huUndouble})
	huPlural  = newStep(inWord,
		sbRule{suffixes: "ák", in: inR1, to: "a"},
		sbRule{suffixes: "ék", in: inR1, to: "e"},
		sbRule{suffixes: "ök ak ok ek k", in: inR1})
	huOwned = newStep(inWord,
		sbRule{suffixes: "oké öké aké eké ké éi é", in: inR1},
		sbRule{suffixes: "éké ééi éé", in: inR1, to: "e"},
		sbRule{suffixes: "áké áéi", in: inR1, to: "a"})
	huSingOwner = newStep(inWord,
		sbRule{suffixes: "ünk unk nk juk jük uk ük em om am m od ed ad öd d ja je a e o", in: inR1},
		sbRule{suffixes: "ánk ájuk ám ád á", in: inR1, to: "a"},
		sbRule{suffixes: "énk éjük ém éd é", in: inR1, to: "e"})
	huPlurOwner = newStep(inWord,
		sbRule{suffixes: "jaim jeim aim eim im jaid jeid aid eid id jai jei ai ei i jaink jeink eink aink ink " +
			"jaitok jeitek aitok eitek itek jeik jaik aik eik ik", in: inR1},
		sbRule{suffixes: "áim áid ái áink áitok áik", in: inR1, to: "a"},
		sbRule{suffixes: "éim éid éi éink éitek éik", in: inR1, to: "e"})
)

// huSteps are the algorithm's steps in the order they run.
var huSteps = []*sbStep{huInstrum, huCase, huCaseSpecial, huCaseOther, huFactive, huOwned, huSingOwner,
	huPlurOwner, huPlural}

// huAfterDouble holds where a doubled consonant (a doubled digraph
// counts too: ccs, ggy ...) stands before the suffix.
func huAfterDouble(w *sbWord, at int) bool {
	head := &sbWord{r: w.r[:at]}
	for _, d := range huDouble {
		if head.ends(d) {
			return true
		}
	}
	return false
}

// huUndouble removes the letter before the last: kk becomes k, ccs cs.
func huUndouble(w *sbWord) {
	if n := len(w.r); n >= 2 {
		w.r = append(w.r[:n-2], w.r[n-1])
	}
}

// huR1 returns the start of R1: after the first non-vowel (a digraph
// counts as one letter) when the word begins with a vowel, else after
// the first vowel.
func huR1(r []rune) int {
	n := len(r)
	if n == 0 {
		return 0
	}
	if huVowel(r[0]) {
		for i := 1; i < n; i++ {
			if !huVowel(r[i]) {
				rest := string(r[i:])
				for _, d := range huDigraph {
					if strings.HasPrefix(rest, d) {
						return i + len(d)
					}
				}
				return i + 1
			}
		}
		return n
	}
	for i := 1; i < n; i++ {
		if huVowel(r[i]) {
			return i + 1
		}
	}
	return n
}

// stemHungarian returns the Hungarian stem of the lower-case word s.
func stemHungarian(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := newWord(s)
	w.r1 = huR1(w.r)
	for _, step := range huSteps {
		step.apply(w)
	}
	return string(w.r)
}

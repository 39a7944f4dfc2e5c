package ft

import (
	"strings"
	"unicode/utf8"
)

// Nepali stemming: the Snowball Nepali algorithm of Ingroj Shrestha,
// Oleg Bartunov and Shreeya Singh Dhakal
// (snowballstem.org/algorithms/nepali/stemmer.html). It removes a
// postposition (category 1), then, for as long as there is one, a verb
// or plural ending (category 3), each time after taking off a final
// nasal sign or ै when it follows one of a few syllables (category 2).

var (
	neCategory1 = suffixTable("मार्फत द्वारा सँगै संग सँग लाइ लाई पछि ले रत मै मा",
		"को का कि की कै") // the second group: not after ए or े
	neCategory3 = suffixTable("थिइस् हुनेछ हुन्छ नेछस् नेछन् इएकी इएका इएको िएकी िएका िएको इछन् िछन् इछस् िछस् एछन् " +
		"ेछन् एछस् ेछस् छिन् छेस् छ्यौ थिन् थियो थियौ थिस् थ्यो थ्यौ दियो देखि देखी लान् माथि " +
		"नेकै नेका नेको नेछौ होस् इन्छ िन्छ नेछु इछौ िछौ इस् िस् ियो इयो एका ेका एकी ेकी एकै " +
		"ेकै एको ेको एछु ेछु एछौ ेछौ छन् छस् थिए पर् भयो हरु हरू िदा इदा िदो इदो िदै इदै नेछ " +
		"इछ िछ एछ ेछ छु छे छौ थी थे दा दी दै दो नु ने यो यौ छ")
)

// stemNepali returns the Nepali stem of the word s.
func stemNepali(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := &sbWord{r: []rune(s)}
	if suf, a := w.longest(neCategory1, 0); a == 1 || a == 2 && w.before(suf) != 'ए' && w.before(suf) != 'े' {
		w.cut(suf)
	}
	for {
		if n := len(w.r); n > 0 {
			last, rest := w.r[n-1], string(w.r[:n-1])
			if (last == 'ँ' || last == 'ं') && neAfter(rest, "यौ", "छौ", "नौ", "थे") || last == 'ै' && neAfter(rest, "त्र") {
				w.r = w.r[:n-1]
			}
		}
		suf, a := w.longest(neCategory3, 0)
		if a == 0 {
			return string(w.r)
		}
		w.cut(suf)
	}
}

// neAfter reports whether s ends with one of the syllables.
func neAfter(s string, syllables ...string) bool {
	for _, x := range syllables {
		if strings.HasSuffix(s, x) {
			return true
		}
	}
	return false
}

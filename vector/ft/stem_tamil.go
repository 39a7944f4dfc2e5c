package ft

import (
	"strings"
	"unicode/utf8"
)

// Tamil stemming: the Snowball Tamil algorithm of Damodharan
// Rajalingam (snowballstem.org/algorithms/tamil/stemmer.html). Each step
// works on a word of more than four letters: question and pronoun
// prefixes, question suffixes, -um, words that attach to others (-udan,
// -illai, ...), case endings, plurals, commands and tense endings; after
// most, the word's end is set right (a doubled or stray consonant goes,
// ங் becomes ம், ...).

var (
	taVowelSign = vowelSet("ாிீெேுூை")
	taHard      = vowelSet("கசடதபற")
	taSoft      = vowelSet("யரலவழளஞணநமன")
	taInitial   = vowelSet("கசதவநபமயஙஞ")
	taVowel     = vowelSet("அஆஇஈஉஊஎஏஐஒஓஔ")
	taFix       = newSuffixes("ந் ந்த ந்த்", "ய்", "ட்ப் ட்க்", "ன்ற்", "ற்க்", "ட்ட்", "த்த்", "ுக் ுக்க்", "வ ய வ்", "னு", "ங்")
	taPlural    = newSuffixes("ுங்கள்", "ற்கள்", "ட்கள்", "கள்")
	taCommon    = newSuffixes("ுடன் ில்லை ிடம் ின்றி ாகி ாகிய ென்று ுள்ள ுடைய ுடை ெனும் ென", "ல்ல", "படு பட்ட பட்டு பட்டது பட்டண குரிய பற்றி விடு விட்டு படிதான படி தான ெல்லாம்")
	taCase      = newSuffixes("னை", "ொடு ோடு ில் ிற் ின்று ிருந்து விட ால் ுடை ாமல் ுள்", "ின்", "ிடம்", "ல்", "கண் முன் மேல் மேற் கீழ்", "து", "ீ")
	taTense     = newSuffixes("கொண்டிர் படு மார் மின் னன் னான் னாள் னார் னள் வள் னர் வர் ன ப க த ய பன் பள் பர் ிற்று பம் னம் தும் றும் கும் னென் னை வை", "வன்", "து", "ான்", "ாள் ார் ேன் ா ாம் ெம் ேம் ோம் டும் ாய் னிர் ீர் ீயர்", "கு")
	taTense2    = newSuffixes("ாநின்ற ாநின்ற் கின்ற கின்ற் கிற கிற்")
	taVaStart   = map[string]string{"வோ": "ஓ", "வொ": "ஒ", "வு": "உ", "வூ": "ஊ"}
)

// taWord is a Tamil word being stemmed; caseEnding says that a case
// ending was removed, tense that a tense ending was.
type taWord struct {
	*sbCursor
	caseEnding, tense bool
}

// stemTamil returns the Tamil stem of the word s.
func stemTamil(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := &taWord{sbCursor: newCursor(s)}
	w.fixEnding()
	if !w.long() {
		return string(w.r)
	}
	w.prefix(func(c rune) bool { return c == 'எ' }) // question
	w.prefix(vowelSet("அஇஉ"))                       // pronoun
	if w.long() {
		if n := len(w.r); strings.ContainsRune("ோோ", w.r[n-1]) {
			w.r[n-1] = '்'
		}
		w.fixEndings()
	}
	if w.long() && w.end("ும்") {
		w.set("்")
		w.fixEnding()
	}
	if w.long() && w.commonEnding() {
		w.fixEndings()
	}
	w.caseEnding = false
	if w.long() && w.caseSuffix() {
		w.fixEndings()
	}
	w.plural()
	if w.long() && (w.end("பி") || w.end("வி")) {
		w.del()
	}
	for w.tenseSuffix() {
	}
	return string(w.r)
}

// long reports whether the word has more than four letters.
func (w *taWord) long() bool { return len(w.r) > 4 }

// end puts the cursor at the word's end and marks its suffix s as the
// slice, if it ends with s.
func (w *taWord) end(s string) bool {
	w.c, w.lb = len(w.r), 0
	w.open()
	if !w.eq(s) {
		return false
	}
	w.shut()
	return true
}

// endIn marks the longest suffix of the word in table as the slice and
// returns its group (0: none).
func (w *taWord) endIn(table *sbSuffixes) int {
	w.c, w.lb = len(w.r), 0
	w.open()
	a := w.among(table)
	w.shut()
	return a
}

// prefix removes a question or pronoun prefix: a first letter of first,
// then a consonant with a virama; then வ and a vowel sign at the start
// become the vowel.
func (w *taWord) prefix(first func(rune) bool) {
	r := w.r
	if len(r) < 3 || !first(r[0]) || !taInitial(r[1]) || r[2] != '்' {
		return
	}
	w.r = r[3:]
	if len(w.r) >= 2 {
		if to, ok := taVaStart[string(w.r[:2])]; ok {
			w.r = append([]rune(to), w.r[2:]...)
		}
	}
}

// fixEndings sets the word's end right for as long as there is something
// to set right.
func (w *taWord) fixEndings() {
	for w.fixEnding() {
	}
}

// fixEnding sets right one thing at the end of a word of more than three
// letters, and reports whether there was one.
func (w *taWord) fixEnding() bool {
	if len(w.r) <= 3 {
		return false
	}
	switch w.endIn(taFix) {
	case 1, 9:
		w.del()
		return true
	case 2: // ய் after ை, ி or ீ
		if strings.ContainsRune("ைிீ", w.prev()) {
			w.del()
			return true
		}
	case 3:
		w.set("ள்")
		return true
	case 4, 5:
		w.set("ல்")
		return true
	case 6:
		w.set("டு")
		return true
	case 7: // த்த் after a case ending, not after ை
		if w.caseEnding && w.prev() != 'ை' {
			w.set("ம்")
			return true
		}
	case 8:
		w.set("்")
		return true
	case 10: // னு not after a vowel sign
		if !taVowelSign(w.prev()) {
			w.del()
			return true
		}
	case 11:
		if p := w.prev(); p == 'ை' || p == '்' {
			w.del()
		} else {
			w.set("ம்")
		}
		return true
	}
	return w.fixVirama()
}

// fixVirama handles a final virama: a hard consonant with it (doubled or
// not) goes, a soft one after another virama goes, and after a vowel sign
// or a virama the virama alone goes.
func (w *taWord) fixVirama() bool {
	if !w.end("்") {
		return false
	}
	at := w.c
	if w.in(taHard) {
		w.try(func() bool { return w.eq("்") && w.in(taHard) })
		w.shut()
		w.del()
		return true
	}
	if w.in(taSoft) {
		w.shut()
		if w.eq("்") {
			w.del()
			return true
		}
	}
	w.c = at
	if p := w.prev(); taVowelSign(p) || p == '்' {
		w.shut()
		w.del()
		return true
	}
	return false
}

// commonEnding replaces or removes a word that attaches to others.
func (w *taWord) commonEnding() bool {
	switch w.endIn(taCommon) {
	case 1:
		w.set("்")
	case 2:
		if taVowelSign(w.prev()) {
			return false
		}
		w.set("்")
	case 3:
		w.del()
	default:
		return false
	}
	return true
}

// caseSuffix removes a case ending (vetrumai urupu), or else writes a
// final ை as a virama, and then -in; it reports whether it did.
func (w *taWord) caseSuffix() bool {
	ok := false
	switch w.endIn(taCase) {
	case 1, 6:
		w.del()
		ok = true
	case 2:
		w.set("்")
		ok = true
	case 3: // -in, not after ம
		if ok = w.prev() != 'ம'; ok {
			w.set("்")
		}
	case 4: // -idam in a word of seven letters or more
		if ok = len(w.r) >= 7; ok {
			w.set("்")
		}
	case 5: // -l, not after a vowel sign
		if ok = !taVowelSign(w.prev()); ok {
			w.set("்")
		}
	case 7: // -tu, not after a vowel sign
		if ok = !taVowelSign(w.prev()); ok {
			w.del()
		}
	case 8:
		w.set("ி")
		ok = true
	}
	if !ok {
		// ை, not after a hard consonant unless that one is doubled.
		n := len(w.r)
		if n == 0 || w.r[n-1] != 'ை' || n >= 2 && taHard(w.r[n-2]) && (n < 3 || w.r[n-3] != '்') {
			return false
		}
		w.r[n-1] = '்'
	}
	w.caseEnding = true
	if w.end("ின்") {
		w.set("்")
	}
	return true
}

// plural removes a plural ending (-kal).
func (w *taWord) plural() {
	switch w.endIn(taPlural) {
	case 1:
		if taHard(w.prev()) {
			w.set("ுங்")
		} else {
			w.set("்")
		}
	case 2:
		w.set("ல்")
	case 3:
		w.set("ள்")
	case 4:
		w.del()
	}
}

// tenseSuffix removes a tense ending, and reports whether it did.
func (w *taWord) tenseSuffix() bool {
	w.tense = false
	if !w.long() {
		return false
	}
	switch w.endIn(taTense) {
	case 1:
		w.del()
		w.tense = true
	case 2: // -van, not after a vowel
		if !taVowel(w.prev()) {
			w.del()
			w.tense = true
		}
	case 3: // -tu, not after a vowel sign
		if !taVowelSign(w.prev()) {
			w.del()
			w.tense = true
		}
	case 4: // -aan, not after ச
		if w.prev() != 'ச' {
			w.set("்")
			w.tense = true
		}
	case 5:
		w.set("்")
		w.tense = true
	case 6: // -ku after a virama
		if w.prev() == '்' {
			w.del()
			w.tense = true
		}
	}
	if w.endIn(taTense2) != 0 {
		w.del()
		w.tense = true
	}
	w.fixEndings()
	return w.tense
}

package ft

import (
	"strings"
	"unicode/utf8"
)

// Arabic stemming: the Snowball Arabic algorithm of Assem Chelli and
// Abdelkrim Aries (snowballstem.org/algorithms/arabic/stemmer.html). It
// strips the vowel marks and writes shaped letters as plain ones, guesses
// from an article (ال, بال, كال, لل) that a word is a defined noun, then
// removes verb or noun suffixes and the prefixes, each only while the
// word stays long enough, and last writes the hamza forms plainly.

var (
	arPlain = arLetters("ًٌٍَُِّْـ", "٠0 ١1 ٢2 ٣3 ٤4 ٥5 ٦6 ٧7 ٨8 ٩9 "+
		"ﺀء ﺃأ ﺄأ ﺇإ ﺈإ ﺋئ ﺌئ ﺉئ ﺊئ ﺁآ ﺂآ ﺅؤ ﺆؤ ﺍا ﺎا ﺏب ﺐب ﺑب ﺒب ﺓة ﺔة ﺗت ﺘت ﺕت ﺖت ﺛث ﺜث ﺚث ﺙث "+
		"ﺟج ﺠج ﺝج ﺞج ﺣح ﺤح ﺡح ﺢح ﺧخ ﺨخ ﺥخ ﺦخ ﺩد ﺪد ﺫذ ﺬذ ﺭر ﺮر ﺯز ﺰز ﺳس ﺴس ﺱس ﺲس ﺷش ﺸش ﺵش ﺶش "+
		"ﺻص ﺼص ﺹص ﺺص ﺿض ﻀض ﺽض ﺾض ﻃط ﻄط ﻁط ﻂط ﻇظ ﻈظ ﻅظ ﻆظ ﻋع ﻌع ﻉع ﻊع ﻏغ ﻐغ ﻍغ ﻎغ ﻓف ﻔف ﻑف ﻒف "+
		"ﻗق ﻘق ﻕق ﻖق ﻛك ﻜك ﻙك ﻚك ﻟل ﻠل ﻝل ﻞل ﻣم ﻤم ﻡم ﻢم ﻧن ﻨن ﻥن ﻦن ﻫه ﻬه ﻩه ﻪه ﻭو ﻮو ﻯى ﻰى "+
		"ﻳي ﻴي ﻱي ﻲي ﻻلا ﻼلا ﻷلأ ﻸلأ ﻹلإ ﻺلإ ﻵلآ ﻶلآ")
	arHamza = arLetters("", "أا إا آا ؤو ئي")

	// The suffix steps: each suffix, and the shortest word it is
	// removed from.
	arNoun1a = arSuffixes(map[int]string{4: "ي ك ه", 5: "نا كم ها هن هم", 6: "كما هما"})
	arNoun1b = arSuffixes(map[int]string{6: "ن"})
	arNoun2a = arSuffixes(map[int]string{5: "ا ي و"})
	arNoun2b = arSuffixes(map[int]string{5: "ات"})
	arNoun2c = arSuffixes(map[int]string{4: "ت"})
	arTehM   = arSuffixes(map[int]string{4: "ة"})
	arNisba  = arSuffixes(map[int]string{3: "ي"})
	arVerb1  = arSuffixes(map[int]string{4: "ه ك", 5: "ني نا ها هم هن كم كن", 6: "هما كما كمو"})
	arVerb2a = arSuffixes(map[int]string{4: "ت ا ن ي", 5: "نا تا تن", 6: "ان ون ين تما"})
	arVerb2b = arSuffixes(map[int]string{5: "وا تم"})
	arVerb2c = arSuffixes(map[int]string{4: "و", 6: "تمو"})

	// The prefixes, with what each becomes ("=": it stays).
	arDoubleHamza = map[string]string{"أأ": "أ", "أآ": "آ", "أؤ": "أ", "أا": "ا", "أإ": "إ"}
	arNounPrefix  = map[string]string{"با": "=", "ب": "", "بب": "ب", "كك": "ك"}
	arFuture      = map[string]string{"سي": "ي", "ست": "ت", "سن": "ن", "سأ": "أ"}
	arPresent     = map[string]string{"يست": "است", "نست": "است", "تست": "است"}
)

// arLetters returns a letter map: the letters of drop go, and each
// pair (a letter, then what it becomes) of pairs is rewritten.
func arLetters(drop, pairs string) map[rune]string {
	m := map[rune]string{}
	for _, c := range drop {
		m[c] = ""
	}
	for _, p := range strings.Fields(pairs) {
		c, size := utf8.DecodeRuneInString(p)
		m[c] = p[size:]
	}
	return m
}

// arSuffixes reads a suffix step's table: by the shortest word, the
// suffixes (space-separated) removed from a word that long or longer.
func arSuffixes(byLength map[int]string) *sbSuffixes {
	t := map[string]int{}
	for n, forms := range byLength {
		for _, f := range strings.Fields(forms) {
			t[f] = n
		}
	}
	return suffixesOf(t)
}

// arWord is an Arabic word being stemmed, with what the articles and
// prefixes tell of it.
type arWord struct {
	*sbCursor
	noun, verb, defined bool
}

// stemArabic returns the Arabic stem of the word s.
func stemArabic(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := &arWord{noun: true, verb: true}
	// An article makes the word a defined noun (counted before the
	// vowel marks go).
	if a := arArticle([]rune(s)); a > 0 && utf8.RuneCountInString(s) > a+1 {
		w.noun, w.verb, w.defined = true, false, true
	}
	w.sbCursor = newCursor(mapRunes(s, arPlain))
	w.do(func() bool { return w.or(w.verbSuffixes, w.nounSuffixes, w.alefMaqsura) })
	w.prefixes()
	// A hamza at the end is written ء, others on their carrier's letter.
	if k := len(w.r) - 1; k >= 0 && strings.ContainsRune("أإآؤئ", w.r[k]) {
		w.r[k] = 'ء'
	}
	return mapRunes(string(w.r), arHamza)
}

// step removes a suffix of t at the cursor when the word is long enough.
func (w *arWord) step(t *sbSuffixes) bool {
	at := w.pos()
	w.open()
	if n := w.among(t); n != 0 && len(w.r) >= n {
		w.cut()
		return true
	}
	w.back(at)
	return false
}

// steps returns the steps that remove a suffix of each table, for or.
func (w *arWord) steps(ts ...*sbSuffixes) []func() bool {
	fs := make([]func() bool, len(ts))
	for i, t := range ts {
		fs[i] = func() bool { return w.step(t) }
	}
	return fs
}

// verbSuffixes removes object pronouns and then a person ending, or a
// person ending alone.
func (w *arWord) verbSuffixes() bool {
	if !w.verb {
		return false
	}
	return w.or(
		func() bool {
			if !w.step(arVerb1) {
				return false
			}
			for w.step(arVerb1) {
			}
			return w.or(append(w.steps(arVerb2a, arVerb2c), w.next)...)
		},
		func() bool { return w.step(arVerb2b) },
		func() bool { return w.step(arVerb2a) },
	)
}

// nounSuffixes removes a feminine ة, or a possessive and then a plural
// or dual ending, or such an ending alone; then a nisba ي must follow.
func (w *arWord) nounSuffixes() bool {
	if !w.noun {
		return false
	}
	w.try(func() bool {
		return w.or(
			func() bool { return w.step(arTehM) },
			func() bool {
				return !w.defined && w.step(arNoun1a) && w.or(append(w.steps(arNoun2a, arNoun2b, arNoun2c), w.next)...)
			},
			func() bool { return w.step(arNoun1b) && w.or(w.steps(arNoun2a, arNoun2b, arNoun2c)...) },
			func() bool { return !w.defined && w.step(arNoun2a) },
			func() bool { return w.step(arNoun2b) },
		)
	})
	return w.step(arNisba)
}

// alefMaqsura writes a final ى as ي.
func (w *arWord) alefMaqsura() bool {
	w.open()
	if !w.eq("ى") {
		return false
	}
	w.shut()
	w.set("ي")
	return true
}

// prefixes removes the prefixes, reading from the word's start: a
// doubled hamza, a conjunction (ف, و), then an article, a preposition or
// a future or present verb prefix. As in the algorithm, a prefix that is
// replaced moves the place the next is looked for past what replaced it.
func (w *arWord) prefixes() {
	c := 0
	// swap replaces the longest prefix at c of table by its value, in a
	// word longer than longer.
	swap := func(table map[string]string, longer int) bool {
		for k := min(3, len(w.r)-c); k > 0; k-- {
			to, ok := table[string(w.r[c:c+k])]
			switch {
			case !ok:
				continue
			case to == "=":
				return true
			case len(w.r) <= longer:
				return false
			}
			w.r = append(w.r[:c:c], append([]rune(to), w.r[c+k:]...)...)
			c += utf8.RuneCountInString(to)
			return true
		}
		return false
	}
	swap(arDoubleHamza, 3)
	if c < len(w.r) && (w.r[c] == 'ف' || w.r[c] == 'و') && len(w.r) > 3 && (c+1 == len(w.r) || w.r[c+1] != 'ا') {
		w.r = append(w.r[:c], w.r[c+1:]...)
	}
	if a := arArticle(w.r[c:]); a > 0 && len(w.r) > a+2 {
		w.r = append(w.r[:c], w.r[c+a:]...)
		return
	}
	if w.noun && swap(arNounPrefix, 3) {
		return
	}
	if w.verb {
		swap(arFuture, 4)
		swap(arPresent, 4)
	}
}

// arArticle returns the length of the article r begins with (ال, لل,
// بال, كال), or 0.
func arArticle(r []rune) int {
	for _, a := range []string{"بال", "كال", "لل", "ال"} {
		if strings.HasPrefix(string(r), a) {
			return utf8.RuneCountInString(a)
		}
	}
	return 0
}

package ft

import (
	"slices"
	"unicode/utf8"
)

// Yiddish stemming: the Snowball Yiddish algorithm of Assaf Urieli
// (snowballstem.org/algorithms/yiddish/stemmer.html), for the YIVO
// spelling. The prelude writes double letters (וו, וי, יי) as their
// ligatures and final letters as ordinary ones and drops the vowel
// points; a past participle's ge- and a separable prefix's ge- or tsu-
// are marked; R1 begins at least three letters past a prefix. Then
// plural, adjective, verb and noun endings go in R1, some irregular past
// participles become their stem, and the ge- and tsu- marks go last.

var (
	yiVowel     = vowelSet("אויעױײ")
	yiConsonant = vowelSet("בגדהזחטךכלםמןנסףפץצקרשתװ")
	yiPoint     = vowelSet("\u05b0\u05b1\u05b2\u05b3\u05b4\u05b5\u05b6\u05b7\u05b8\u05b9\u05bb\u05bc\u05bf\u05c1\u05c2")
	yiFinal     = map[rune]rune{'ך': 'כ', 'ם': 'מ', 'ן': 'נ', 'ף': 'פ', 'ץ': 'צ'}
	yiPrefix    = suffixTable("אדורכ דורכ אהינ אהער אװעק מיט אנטקעגנ אקעגנ אנידער אראפ ארױס ארױפ ארומ ארײנ ארונטער אריבער נאכ פארבײ אהײמ אפיר פארױס פונאנדער צוזאמענ צונױפ צוריק אױס אױפ אומ אונטער איבער אײנ אנ אפ בײ פאר צו אנט בא דער צע")
	yiHebrew    = suffixTable("שפר שטר שטש דזש") // three consonants of Yiddish, not a Hebrew root

	// The suffixes of the first step, by what is done: 1 removed in R1,
	// 2 kept, 3 -ies to -ie, 4 removed and an irregular stem set right,
	// 5 -t- endings, 6 -os to -h, 7 -ist, 8 an irregular participle.
	yiSuffix = newSuffixes(
		"ערס ענ נס ענערס עס ע נ ס עמ ער ט עט עטנ עטס עטע עטער ונג הײט קײט יקײט שאפט יזמ יזמענ ימ "+
			"עלעכ עלע לעכ עלעס עלענ יסטנ סטו סטער סטע סטנ סט",
		"יע", "יעס", "ענע ענעמ ענער ענס", "טנ טע טער טס טנס טענע טענעמ טענער", "ות", "יסט",
		"גײנ גאנגענ נומענ שריבנ GEמיטנ GEביטנ GEביסנ װיזנ טריבנ GEליטנ קליבנ ריבנ GEריסנ שװיגנ שמיסנ שניטנ בונדנ װוטשנ זונגנ טרונקנ צװונגנ שלונגנ בױגנ הױבנ פארלױרנ שטאנענ שװױרנ בראכט")
	yiIrregular = map[string]string{
		"גײנ":     "גײ",
		"גאנגענ":  "גײ",
		"נומענ":   "נעמ",
		"שריבנ":   "שרײב",
		"GEמיטנ":  "מײד",
		"GEביטנ":  "בײט",
		"GEביסנ":  "בײס",
		"װיזנ":    "װײז",
		"טריבנ":   "טרײב",
		"GEליטנ":  "לײט",
		"קליבנ":   "קלײב",
		"ריבנ":    "רײב",
		"GEריסנ":  "רײס",
		"שװיגנ":   "שװײג",
		"שמיסנ":   "שמײס",
		"שניטנ":   "שנײד",
		"בונדנ":   "בינד",
		"װוטשנ":   "װיטש",
		"זונגנ":   "זינג",
		"טרונקנ":  "טרינק",
		"צװונגנ":  "צװינג",
		"שלונגנ":  "שלינג",
		"בױגנ":    "בײג",
		"הױבנ":    "הײב",
		"פארלױרנ": "פארליר",
		"שטאנענ":  "שטײ",
		"שװױרנ":   "שװער",
		"בראכט":   "ברענג",
	}
	yiStems = map[string]string{
		"גאנג":   "גײ",
		"נומ":    "נעמ",
		"מיט":    "מײד",
		"ביט":    "בײט",
		"ביס":    "בײס",
		"װיז":    "װײז",
		"טריב":   "טרײב",
		"ליט":    "לײט",
		"קליב":   "קלײב",
		"ריב":    "רײב",
		"ריס":    "רײס",
		"שװיג":   "שװײג",
		"שמיס":   "שמײס",
		"שניט":   "שנײד",
		"שריב":   "שרײב",
		"בונד":   "בינד",
		"װוטש":   "װיטש",
		"זונג":   "זינג",
		"טרונק":  "טרינק",
		"צװונג":  "צװינג",
		"שלונג":  "שלינג",
		"בױג":    "בײג",
		"הױב":    "הײב",
		"פארלױר": "פארליר",
		"שטאנ":   "שטײ",
		"שװױר":   "שװער",
	}
	yiStemTable = yiKeys(yiStems)
	yiNoun      = newSuffixes("ונג הײט קײט יקײט שאפט", "ל")
	yiAdjective = newSuffixes("יג יק יש ניק דיק נדיק ענדיק", "בליק גליק")
)

// yiWord is a Yiddish word being stemmed, with the start of its R1.
type yiWord struct {
	*sbCursor
	p1 int
}

// stemYiddish returns the Yiddish stem of the word s.
func stemYiddish(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	r, p1 := yiRegions(yiPrelude([]rune(s)))
	w := &yiWord{sbCursor: &sbCursor{r: r}, p1: p1}
	w.endings()
	// The ge- and tsu- marks go, from the end.
	r = w.r
	for i := len(r); i > 0; {
		switch {
		case i >= 2 && string(r[i-2:i]) == "GE":
			r, i = slices.Delete(r, i-2, i), i-2
		case i >= 3 && string(r[i-3:i]) == "TSU":
			r, i = slices.Delete(r, i-3, i), i-3
		default:
			i--
		}
	}
	return string(r)
}

// yiPrelude writes וו, וי and יי as ligatures (unless a point says they
// are two letters), final letters as ordinary ones, and drops the points.
func yiPrelude(r []rune) []rune {
	out := make([]rune, 0, len(r))
	for i := 0; i < len(r); i++ {
		if i+1 < len(r) {
			var to, unless rune
			switch string(r[i : i+2]) {
			case "וו":
				to, unless = 'װ', '\u05bc'
			case "וי":
				to, unless = 'ױ', '\u05b4'
			case "יי":
				to, unless = 'ײ', '\u05b4'
			}
			if to != 0 && (i+2 == len(r) || r[i+2] != unless) {
				out = append(out, to)
				i++
				continue
			}
		}
		if to, ok := yiFinal[r[i]]; ok {
			out = append(out, to)
		} else {
			out = append(out, r[i])
		}
	}
	return slices.DeleteFunc(out, yiPoint)
}

// yiRegions marks a past participle's ge- and a separable prefix's ge-
// or tsu- (as GE, TSU), and returns the word and the start of R1: after
// three consonants, or the first non-vowel after a vowel, and at least
// three letters past the prefixes.
func yiRegions(r []rune) ([]rune, int) {
	at := func(i int, s string) bool {
		return i <= len(r) && slices.Equal(r[i:min(len(r), i+utf8.RuneCountInString(s))], []rune(s))
	}
	swap := func(i int, from, to string) {
		r = slices.Replace(r, i, i+utf8.RuneCountInString(from), []rune(to)...)
	}
	c := 0
	if at(0, "גע") && !at(2, "לט") && !at(2, "בנ") && len(r) > 2 {
		swap(0, "גע", "GE")
		c = 2
	}
	for k := min(len(r)-c, 8); k > 0; k-- {
		if yiPrefix[string(r[c:c+k])] == 0 {
			continue
		}
		rest := string(r[c+k:])
		switch {
		case rest == "צוגנ" || rest == "צוקט" || rest == "צוקנ" || at(c+k, "געבנ"):
			c += k
		case at(c+k, "גע"):
			swap(c+k, "גע", "GE")
			c += k + 2
		case at(c+k, "צו"):
			swap(c+k, "צו", "TSU")
			c += k + 3
		}
		break
	}
	if len(r)-c < 3 {
		return r, len(r)
	}
	x := c + 3
	if yiHebrew[string(r[c:c+3])] != 0 {
		c += 3
	}
	if c+3 <= len(r) && yiConsonant(r[c]) && yiConsonant(r[c+1]) && yiConsonant(r[c+2]) {
		return r, c + 3 // a Hebrew root's three consonants
	}
	i := c
	for i < len(r) && !yiVowel(r[i]) {
		i++
	}
	for i++; i < len(r) && yiVowel(r[i]); i++ {
	}
	if i >= len(r) {
		return r, len(r)
	}
	return r, max(i, x)
}

// inR1 reports whether the cursor is in R1; nearR1 whether it is no
// more than the width of גיס before it (counted, as Snowball does, in
// the bytes of UTF-8).
func (w *yiWord) inR1() bool { return w.c >= w.p1 }
func (w *yiWord) nearR1() bool {
	return len(string(w.r[:w.p1])) <= len(string(w.r[:w.c]))+len("גיס")
}

// endings removes the endings, in three steps.
func (w *yiWord) endings() {
	w.c = len(w.r)
	w.open()
	a := w.among(yiSuffix)
	w.shut()
	switch a {
	case 1:
		if w.inR1() {
			w.del()
		}
	case 3:
		if w.inR1() {
			w.set("יע")
		}
	case 4:
		if w.inR1() {
			w.del()
			w.open()
			if w.among(yiStemTable) != 0 {
				w.shut()
				w.set(yiStems[string(w.r[w.bra:w.ket])])
			}
		}
	case 5: // -tn, -te, ...: the t stays before R1; -brakht becomes -breng
		if w.inR1() {
			w.del()
		} else {
			w.set("ט")
		}
		w.open()
		if w.eq("בראכ") {
			w.try(func() bool { return w.eq("גע") })
			w.shut()
			w.set("ברענג")
		}
	case 6:
		if w.inR1() {
			w.set("ה")
		}
	case 7: // -ist, but -gist and -shist become -gis and -shis near R1
		if p := w.prev(); p == 'ג' || p == 'ש' {
			w.c--
			if w.nearR1() {
				w.set("יס")
			}
		} else if w.inR1() {
			w.del()
		}
	case 8:
		w.set(yiIrregular[string(w.r[w.bra:w.ket])])
	}

	w.c = len(w.r)
	w.open()
	switch w.among(yiNoun) {
	case 1:
		w.shut()
		if w.inR1() {
			w.del()
		}
	case 2: // a diminutive -l after a consonant
		w.shut()
		if w.inR1() && w.in(yiConsonant) {
			w.del()
		}
	}

	w.c = len(w.r)
	w.open()
	if w.among(yiAdjective) == 1 {
		w.shut()
		if w.inR1() {
			w.del()
		}
	}
}

// yiKeys returns a suffix table of the keys of m.
func yiKeys(m map[string]string) *sbSuffixes {
	t := map[string]int{}
	for k := range m {
		t[k] = 1
	}
	return suffixesOf(t)
}

package ft

import (
	"strings"
	"unicode/utf8"
)

// Russian stemming: the Snowball Russian algorithm
// (snowballstem.org/algorithms/russian/stemmer.html). Every suffix it
// removes lies in RV, after the word's first vowel.

var (
	ruVowel  = vowelSet("аеиоуыэюя")
	ruGerund = suffixTable("в вши вшись", "ив ивши ившись ыв ывши ывшись")
	ruAdj    = suffixTable("ее ие ые ое ими ыми ей ий ый ой ем им ым ом его ого ему ому их ых ую юю ая яя ою ею")
	ruPart   = suffixTable("ем нн вш ющ щ", "ивш ывш ующ")
	ruRefl   = suffixTable("ся сь")
	ruVerb   = suffixTable("ла на ете йте ли й л ем н ло но ет ют ны ть ешь нно",
		"ила ыла ена ейте уйте ите или ыли ей уй ил ыл им ым ен ило ыло ено ят ует уют ит ыт ены ить ыть ишь ую ю")
	ruNoun = suffixTable("а ев ов ие ье е иями ями ами еи ии и ией ей ой ий й иям ям ием ем ам ом о у ах иях ях ы ь " +
		"ию ью ю ия ья я")
	ruDeriv = suffixTable("ост ость")
	ruTidy  = suffixTable("ейш ейше", "н", "ь")
)

// stemRussian returns the Russian stem of the lower-case word s.
func stemRussian(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := &sbWord{r: []rune(strings.ReplaceAll(s, "ё", "е"))}
	r := w.r
	w.rv, w.r2 = len(r), len(r)
	for i, c := range r {
		if ruVowel(c) {
			w.rv = i + 1
			w.r2 = pastVC(r, pastVC(r, 0, ruVowel), ruVowel)
			break
		}
	}
	// afterAYa reports whether suffix suf follows а or я within RV.
	afterAYa := func(suf string) bool {
		st := w.start(suf)
		return st-1 >= w.rv && (w.r[st-1] == 'а' || w.r[st-1] == 'я')
	}
	// group1or2 removes a suffix of a two-group table: the first group's
	// only after а or я. It reports whether it removed one.
	group1or2 := func(table map[string]int) bool {
		suf, a := w.longest(table, w.rv)
		if a == 0 || a == 1 && !afterAYa(suf) {
			return false
		}
		w.cut(suf)
		return true
	}

	if !group1or2(ruGerund) {
		if suf, a := w.longest(ruRefl, w.rv); a != 0 {
			w.cut(suf)
		}
		if suf, a := w.longest(ruAdj, w.rv); a != 0 {
			w.cut(suf)
			group1or2(ruPart)
		} else if !group1or2(ruVerb) {
			if suf, a := w.longest(ruNoun, w.rv); a != 0 {
				w.cut(suf)
			}
		}
	}
	if w.ends("и") && w.inRV("и") {
		w.cut("и")
	}
	if suf, a := w.longest(ruDeriv, w.rv); a != 0 && w.inR2(suf) {
		w.cut(suf)
	}
	switch suf, a := w.longest(ruTidy, w.rv); a {
	case 1:
		w.cut(suf)
		if w.ends("нн") && w.start("нн") >= w.rv {
			w.r = w.r[:len(w.r)-1]
		}
	case 2:
		if w.ends("нн") && w.start("нн") >= w.rv {
			w.r = w.r[:len(w.r)-1]
		}
	case 3:
		w.cut(suf)
	}
	return string(w.r)
}

package ft

import (
	"strings"
	"unicode/utf8"
)

// Russian stemming: the Snowball Russian algorithm
// (snowballstem.org/algorithms/russian/stemmer.html). Every suffix it
// removes lies in RV, after the word's first vowel.

var (
	ruVowel = vowelSet("аеиоуыэюя")
	// ruAfterAYa holds where а or я, in RV, stands before the suffix.
	ruAfterAYa = func(w *sbWord, at int) bool { return at-1 >= w.rv && (w.r[at-1] == 'а' || w.r[at-1] == 'я') }
	ruGerund   = newStep(inRV,
		sbRule{suffixes: "в вши вшись", when: ruAfterAYa},
		sbRule{suffixes: "ив ивши ившись ыв ывши ывшись"})
	ruAdj = newStep(inRV, sbRule{suffixes: "ее ие ые ое ими ыми ей ий ый ой ем им ым ом его ого ему ому их ых ую юю " +
		"ая яя ою ею", then: ruPart.try})
	ruPart = newStep(inRV,
		sbRule{suffixes: "ем нн вш ющ щ", when: ruAfterAYa},
		sbRule{suffixes: "ивш ывш ующ"})
	ruRefl = newStep(inRV, sbRule{suffixes: "ся сь"})
	ruVerb = newStep(inRV,
		sbRule{suffixes: "ла на ете йте ли й л ем н ло но ет ют ны ть ешь нно", when: ruAfterAYa},
		sbRule{suffixes: "ила ыла ена ейте уйте ите или ыли ей уй ил ыл им ым ен ило ыло ено ят ует уют ит ыт ены " +
			"ить ыть ишь ую ю"})
	ruNoun = newStep(inRV, sbRule{suffixes: "а ев ов ие ье е иями ями ами еи ии и ией ей ой ий й иям ям ием ем ам ом " +
		"о у ах иях ях ы ь ию ью ю ия ья я"})
	ruI     = newStep(inRV, sbRule{suffixes: "и"})
	ruDeriv = newStep(inRV, sbRule{suffixes: "ост ость", in: inR2})
	ruNN    = newStep(inRV, sbRule{suffixes: "нн", to: "н"})
	ruTidy  = newStep(inRV,
		sbRule{suffixes: "ейш ейше", then: ruNN.try},
		sbRule{suffixes: "н", when: func(w *sbWord, at int) bool { return at-1 >= w.rv && w.r[at-1] == 'н' }},
		sbRule{suffixes: "ь"})
)

// stemRussian returns the Russian stem of the lower-case word s.
func stemRussian(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	w := newWord(strings.ReplaceAll(s, "ё", "е"))
	r := w.r
	w.rv, w.r2 = len(r), len(r)
	for i, c := range r {
		if ruVowel(c) {
			w.rv = i + 1
			w.r2 = pastVC(r, pastVC(r, 0, ruVowel), ruVowel)
			break
		}
	}
	if ruGerund.apply(w) == 0 {
		ruRefl.apply(w)
		if ruAdj.apply(w) == 0 && ruVerb.apply(w) == 0 {
			ruNoun.apply(w)
		}
	}
	ruI.apply(w)
	ruDeriv.apply(w)
	ruTidy.apply(w)
	return string(w.r)
}

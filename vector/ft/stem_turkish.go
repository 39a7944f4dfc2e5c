package ft

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Turkish stemming: the Snowball Turkish algorithm of Evren Kapusuz
// Çilden (snowballstem.org/algorithms/turkish/stemmer.html), after
// Eryiğit and Adalı's affix stripping analyser. It removes a chain of
// nominal verb suffixes, then a chain of noun suffixes, each suffix only
// when its vowel agrees with the stem's last vowel, and then restores a
// stem's final consonant (kitab -> kitap, ked -> kedi).

var (
	trVowel = vowelSet("aeıioöuü")
	trU     = vowelSet("ıiuü")
	// trHarmony gives, for a suffix's vowel, the vowels the stem's last
	// may be.
	trHarmony = map[rune]func(rune) bool{
		'a': vowelSet("aıou"), 'e': vowelSet("eiöü"), 'ı': vowelSet("aı"), 'i': vowelSet("ei"),
		'o': vowelSet("ou"), 'u': vowelSet("ou"), 'ö': vowelSet("öü"), 'ü': vowelSet("öü"),
	}
)

// trSuffix is one of the algorithm's suffix classes: its forms, whether
// it must agree with the stem's vowels, and the letter it may take
// before it ('y', 'n' or 's' after a vowel, 'U' for a vowel after a
// consonant; 0 for none).
type trSuffix struct {
	forms    *sbSuffixes
	harmony  bool
	optional rune
}

func trForms(forms string, harmony bool, optional rune) *trSuffix {
	return &trSuffix{forms: newSuffixes(forms), harmony: harmony, optional: optional}
}

var (
	trPossessives = trForms("mız miz muz müz nız niz nuz nüz m n", false, 'U')
	trSU          = trForms("ı i u ü", true, 's')
	trLArI        = trForms("leri ları", false, 0)
	trYU          = trForms("ı i u ü", true, 'y')
	trNU          = trForms("nı ni nu nü", true, 0)
	trNUn         = trForms("ın in un ün", true, 'n')
	trYA          = trForms("a e", true, 'y')
	trNA          = trForms("na ne", true, 0)
	trDA          = trForms("da de ta te", true, 0)
	trNdA         = trForms("nda nde", true, 0)
	trDAn         = trForms("dan den tan ten", true, 0)
	trNdAn        = trForms("ndan nden", true, 0)
	trYlA         = trForms("la le", true, 'y')
	trKi          = trForms("ki", false, 0)
	trNcA         = trForms("ca ce", true, 'n')
	trYUm         = trForms("ım im um üm", true, 'y')
	trSUn         = trForms("sın sin sun sün", true, 0)
	trYUz         = trForms("ız iz uz üz", true, 'y')
	trSUnUz       = trForms("sınız siniz sunuz sünüz", false, 0)
	trLAr         = trForms("ler lar", true, 0)
	trNUz         = trForms("nız niz nuz nüz", true, 0)
	trDUr         = trForms("tır tir tur tür dır dir dur dür", true, 0)
	trCAsInA      = trForms("casına cesine", false, 0)
	trYDU         = trForms("tım tim tum tüm dım dim dum düm tın tin tun tün dın din dun dün "+
		"tık tik tuk tük dık dik duk dük tı ti tu tü dı di du dü", true, 'y')
	trYsA  = trForms("sam san sak sem sen sek sa se", false, 'y')
	trYmUs = trForms("mış miş muş müş", true, 'y')
	trYken = trForms("ken", false, 'y')
)

// trWord is a Turkish word being stemmed; noun says whether the noun
// suffixes are still to be removed.
type trWord struct {
	*sbCursor
	noun bool
}

// stemTurkish returns the Turkish stem of the lower-case word s.
func stemTurkish(s string) string {
	if !utf8.ValidString(s) {
		return s
	}
	// A proper noun's suffix follows an apostrophe (Türkiye'dir); leading
	// apostrophes go too.
	s = strings.TrimLeft(s, "'")
	if r := []rune(s); len(r) > 2 {
		if i := slices.Index(r[2:], '\''); i >= 0 {
			s = string(r[:2+i])
		}
	}
	vowels := 0
	for _, c := range s {
		if trVowel(c) {
			vowels++
		}
	}
	if vowels < 2 {
		return s
	}
	w := &trWord{sbCursor: newCursor(s)}
	w.do(w.nominalVerb)
	if !w.noun { // after a plural -lAr, the stem is as it is
		return string(w.r)
	}
	w.back(0)
	w.do(w.nounChain)
	if len(w.r) == 0 || string(w.r) == "ad" || string(w.r) == "soyad" {
		return string(w.r)
	}
	w.back(0)
	w.do(w.appendU)
	switch w.r[len(w.r)-1] {
	case 'b':
		w.r[len(w.r)-1] = 'p'
	case 'c':
		w.r[len(w.r)-1] = 'ç'
	case 'd':
		w.r[len(w.r)-1] = 't'
	case 'ğ':
		w.r[len(w.r)-1] = 'k'
	}
	return string(w.r)
}

// is moves the cursor back over a suffix of the class.
func (w *trWord) is(x *trSuffix) bool {
	if x.harmony && !w.harmonious() {
		return false
	}
	if w.among(x.forms) == 0 {
		return false
	}
	switch x.optional {
	case 'U':
		return w.optional(trU, func(c rune) bool { return !trVowel(c) })
	case 0:
		return true
	}
	return w.optional(func(c rune) bool { return c == x.optional }, trVowel)
}

// harmonious reports whether the last vowel before the cursor agrees
// with a vowel of the stem before it.
func (w *trWord) harmonious() bool {
	at := w.c
	defer func() { w.c = at }()
	if !w.gopastIn(trVowel) {
		return false
	}
	return w.gotoIn(trHarmony[w.r[w.c]])
}

// optional takes the letter x before a suffix when a letter of after
// precedes it; without x, the letter before the one before the suffix
// must be of after.
func (w *trWord) optional(x, after func(rune) bool) bool {
	p := w.c
	if p-2 < w.lb || !after(w.r[p-2]) {
		return false
	}
	if x(w.r[p-1]) {
		w.c--
	}
	return true
}

// any moves back over a suffix of one of the classes, tried in turn.
func (w *trWord) any(xs ...*trSuffix) bool {
	for _, x := range xs {
		at := w.pos()
		if w.is(x) {
			return true
		}
		w.back(at)
	}
	return false
}

// nominalVerb removes a chain of nominal verb suffixes, and clears noun
// after a plural -lAr.
func (w *trWord) nominalVerb() bool {
	w.open()
	w.noun = true
	ymUs := func() bool { return w.is(trYmUs) }
	ok := w.or(
		func() bool { return w.any(trYmUs, trYDU, trYsA, trYken) },
		func() bool {
			return w.is(trCAsInA) && w.or(func() bool { return w.any(trSUnUz, trLAr, trYUm, trSUn, trYUz) }, yes) && ymUs()
		},
		func() bool {
			if !w.is(trLAr) {
				return false
			}
			w.cut()
			w.try(func() bool { w.open(); return w.any(trDUr, trYDU, trYsA, trYmUs) })
			w.noun = false
			return true
		},
		func() bool { return w.is(trNUz) && w.any(trYDU, trYsA) },
		func() bool {
			if !w.any(trSUnUz, trYUz, trSUn, trYUm) {
				return false
			}
			w.cut()
			w.try(func() bool { w.open(); return ymUs() })
			return true
		},
		func() bool {
			if !w.is(trDUr) {
				return false
			}
			w.cut()
			w.try(func() bool {
				w.open()
				return w.or(func() bool { return w.any(trSUnUz, trLAr, trYUm, trSUn, trYUz) }, yes) && ymUs()
			})
			return true
		},
	)
	if ok {
		w.cut()
	}
	return ok
}

// drop removes a suffix of one of the classes that ends at the cursor,
// then runs the steps that follow it under try.
func (w *trWord) drop(then func() bool, xs ...*trSuffix) bool {
	w.open()
	if !w.any(xs...) {
		return false
	}
	w.cut()
	if then != nil {
		w.try(then)
	}
	return true
}

// lArKi removes -lAr and then a chain ending in -ki, which must follow.
func (w *trWord) lArKi() bool {
	w.open()
	if !w.is(trLAr) {
		return false
	}
	w.cut()
	return w.ki()
}

// possessiveLArKi removes a possessive or -sU, then perhaps -lAr and a
// chain ending in -ki.
func (w *trWord) possessiveLArKi() bool { return w.drop(w.lArKi, trPossessives, trSU) }

// tail removes the suffix of a class back to the slice's right end, set
// before, then runs the steps that follow it under try.
func (w *trWord) tail(x *trSuffix, then func() bool) func() bool {
	return func() bool {
		if !w.is(x) {
			return false
		}
		w.cut()
		if then != nil {
			w.try(then)
		}
		return true
	}
}

// ki removes a chain of noun suffixes that ends in -ki.
func (w *trWord) ki() bool {
	w.open()
	if !w.is(trKi) {
		return false
	}
	return w.or(
		func() bool {
			if !w.is(trDA) {
				return false
			}
			w.cut()
			w.try(func() bool {
				w.open()
				return w.or(w.tail(trLAr, w.ki), w.tail(trPossessives, w.lArKi))
			})
			return true
		},
		func() bool {
			if !w.is(trNUn) {
				return false
			}
			w.cut()
			w.try(func() bool {
				w.open()
				return w.or(w.tail(trLArI, nil), w.possessiveLArKi, w.ki)
			})
			return true
		},
		func() bool {
			return w.is(trNdA) && w.or(w.tail(trLArI, nil), w.tail(trSU, w.lArKi), w.ki)
		},
	)
}

// nounChain removes a chain of noun suffixes.
func (w *trWord) nounChain() bool {
	return w.or(
		func() bool { return w.drop(w.ki, trLAr) },
		func() bool {
			return w.drop(func() bool {
				return w.or(func() bool { return w.drop(nil, trLArI) }, w.possessiveLArKi, w.lArKi)
			}, trNcA)
		},
		func() bool {
			w.open()
			return w.any(trNdA, trNA) && w.or(w.tail(trLArI, nil), w.tail(trSU, w.lArKi), w.ki)
		},
		func() bool {
			w.open()
			return w.any(trNdAn, trNU) && w.or(w.tail(trSU, w.lArKi), func() bool { return w.is(trLArI) })
		},
		func() bool {
			return w.drop(func() bool {
				w.open()
				return w.or(w.tail(trPossessives, w.lArKi), w.tail(trLAr, w.ki), w.ki)
			}, trDAn)
		},
		func() bool {
			return w.drop(func() bool { return w.or(w.lArKi, w.possessiveLArKi, w.ki) }, trNUn, trYlA)
		},
		func() bool { return w.drop(nil, trLArI) },
		w.ki,
		func() bool {
			return w.drop(func() bool {
				w.open()
				if !w.or(w.tail(trPossessives, func() bool { w.open(); return w.is(trLAr) }),
					func() bool { return w.is(trLAr) }) {
					return false
				}
				w.cut()
				return w.ki()
			}, trDA, trYU, trYA)
		},
		w.possessiveLArKi,
	)
}

// appendU gives a stem that ends in d or g back the vowel (harmonious
// with the stem's last) that the steps most likely took: kedim -> kedi.
func (w *trWord) appendU() bool {
	w.open()
	w.shut()
	if !w.eq("d") && !w.eq("g") || !w.gopastIn(trVowel) {
		return false
	}
	switch w.r[w.c] {
	case 'a', 'ı':
		w.set("ı")
	case 'e', 'i':
		w.set("i")
	case 'o', 'u':
		w.set("u")
	default:
		w.set("ü")
	}
	return true
}

package ft

import "unicode/utf8"

// A cursor over a word, for the Snowball stemmers whose steps try one
// suffix chain after another and back off when a chain breaks (Turkish,
// Greek, Lithuanian and the others of stem_<language>.go that use it).
// It works as a Snowball program's backward mode does: the cursor c
// moves from the word's end towards lb; [ marks the right end of the
// slice to change (ket) and ] its left end (bra); a failed alternative
// puts the cursor back where it was, counted from the word's end, so
// that what an earlier step deleted stays deleted.

// sbCursor is a word being stemmed, with its cursor and slice.
type sbCursor struct {
	r        []rune
	c, lb    int // the cursor, and how far back it may go
	bra, ket int // the slice that del and set change
}

// newCursor returns a cursor at the end of s.
func newCursor(s string) *sbCursor {
	r := []rune(s)
	return &sbCursor{r: r, c: len(r), bra: len(r), ket: len(r)}
}

// pos returns the cursor's place counted from the word's end, and back
// puts it there again.
func (w *sbCursor) pos() int    { return len(w.r) - w.c }
func (w *sbCursor) back(at int) { w.c = len(w.r) - at }

// eq moves the cursor back over s when the letters before it are s.
func (w *sbCursor) eq(s string) bool {
	i := w.c
	for len(s) > 0 {
		c, size := utf8.DecodeLastRuneInString(s)
		i--
		if i < w.lb || w.r[i] != c {
			return false
		}
		s = s[:len(s)-size]
	}
	w.c = i
	return true
}

// in moves the cursor back over one letter of the group v.
func (w *sbCursor) in(v func(rune) bool) bool {
	if w.c > w.lb && v(w.r[w.c-1]) {
		w.c--
		return true
	}
	return false
}

// prev returns the letter before the cursor, or 0 at the limit.
func (w *sbCursor) prev() rune {
	if w.c > w.lb {
		return w.r[w.c-1]
	}
	return 0
}

// among moves the cursor back over the longest suffix of the word up to
// the cursor that is a key of table, and returns its action (0, and the
// cursor where it was, when none is).
func (w *sbCursor) among(table map[string]int) int {
	var buf [16 * utf8.UTFMax]byte
	for k := min(w.c-w.lb, 16); k > 0; k-- {
		b := buf[:0]
		for _, c := range w.r[w.c-k : w.c] {
			b = utf8.AppendRune(b, c)
		}
		if a, ok := table[string(b)]; ok {
			w.c -= k
			return a
		}
	}
	return 0
}

// gotoIn moves the cursor back until the letter before it is in v (goto
// in Snowball); gopastIn also moves back over that letter.
func (w *sbCursor) gotoIn(v func(rune) bool) bool {
	for i := w.c; i > w.lb; i-- {
		if v(w.r[i-1]) {
			w.c = i
			return true
		}
	}
	return false
}

func (w *sbCursor) gopastIn(v func(rune) bool) bool {
	if w.gotoIn(v) {
		w.c--
		return true
	}
	return false
}

// open marks the cursor as the slice's right end ([), shut as its left
// end (]).
func (w *sbCursor) open() { w.ket = w.c }
func (w *sbCursor) shut() { w.bra = w.c }

// set replaces the slice by s, keeping the cursor where it was relative
// to the letters around it; del deletes the slice; cut is ] delete.
func (w *sbCursor) set(s string) {
	with := []rune(s)
	adj := len(with) - (w.ket - w.bra)
	w.r = append(w.r[:w.bra:w.bra], append(with, w.r[w.ket:]...)...)
	switch {
	case w.c >= w.ket:
		w.c += adj
	case w.c > w.bra:
		w.c = w.bra
	}
	w.ket = w.bra + len(with)
}

func (w *sbCursor) del() { w.set("") }
func (w *sbCursor) cut() { w.shut(); w.del() }

// or runs the steps in turn until one succeeds, putting the cursor back
// after each that fails.
func (w *sbCursor) or(steps ...func() bool) bool {
	for _, f := range steps {
		at := w.pos()
		if f() {
			return true
		}
		w.back(at)
	}
	return false
}

// try runs f and puts the cursor back if it fails; it always succeeds.
func (w *sbCursor) try(f func() bool) bool {
	at := w.pos()
	if !f() {
		w.back(at)
	}
	return true
}

// test runs f and puts the cursor back; do also ignores f's result.
func (w *sbCursor) test(f func() bool) bool {
	at := w.pos()
	ok := f()
	w.back(at)
	return ok
}

func (w *sbCursor) do(f func() bool) bool { w.test(f); return true }

// yes is the step that always succeeds (Snowball's true).
func yes() bool { return true }

// next moves the cursor back over one letter.
func (w *sbCursor) next() bool {
	if w.c > w.lb {
		w.c--
		return true
	}
	return false
}

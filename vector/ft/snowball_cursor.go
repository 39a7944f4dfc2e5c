package ft

import "unicode/utf8"

// A cursor over a word, for the Snowball stemmers whose steps try one
// suffix chain after another and back off when a chain breaks (Turkish,
// Arabic, Tamil, Yiddish), and suffix tables that try only the lengths
// they have (sbSuffixes, Greek's too). The cursor works as a Snowball
// program's backward mode does: the cursor c
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
// the cursor that is in the table, and returns its action (0, and the
// cursor where it was, when none is).
func (w *sbCursor) among(t *sbSuffixes) int {
	k, a := t.find(w.r, w.lb, w.c)
	w.c -= k
	return a
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

// sbSuffixes is a suffix table (as suffixTable makes) that also knows
// its longest suffix and the letters its suffixes end with, so that a
// lookup tries only the lengths it has, and none for a word whose last
// letter ends no suffix.
type sbSuffixes struct {
	m    map[string]int
	max  int
	last map[rune]bool
}

// newSuffixes builds a suffix table: each group of suffixes (separated
// by spaces) gets the action of its place, counting from 1.
func newSuffixes(groups ...string) *sbSuffixes { return suffixesOf(suffixTable(groups...)) }

// suffixesOf makes a table of the suffixes and actions of m.
func suffixesOf(m map[string]int) *sbSuffixes {
	t := &sbSuffixes{m: m, last: map[rune]bool{}}
	for s := range t.m {
		t.max = max(t.max, utf8.RuneCountInString(s))
		if c, _ := utf8.DecodeLastRuneInString(s); c != utf8.RuneError {
			t.last[c] = true
		}
	}
	return t
}

// find returns the length and action of the longest suffix of r[:end]
// in the table that begins at or after from; 0, 0 when none.
func (t *sbSuffixes) find(r []rune, from, end int) (int, int) {
	if t == nil {
		return 0, 0
	}
	n := min(t.max, 16, end-max(from, 0))
	if n <= 0 || !t.last[r[end-1]] {
		return 0, 0
	}
	var buf [16 * utf8.UTFMax]byte // the last n letters' bytes
	var at [16]int                 // where each of them begins in buf
	b := buf[:0]
	for i := 0; i < n; i++ {
		at[i] = len(b)
		b = utf8.AppendRune(b, r[end-n+i])
	}
	for k := n; k > 0; k-- {
		if a, ok := t.m[string(b[at[n-k]:])]; ok {
			return k, a
		}
	}
	return 0, 0
}

// has returns the action of the whole of r, if it is in the table.
func (t *sbSuffixes) has(r []rune) int {
	if t == nil || len(r) > t.max {
		return 0
	}
	return t.m[string(r)]
}

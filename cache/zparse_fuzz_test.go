package cache

import (
	"math"
	"testing"
)

// FuzzZSetArgs feeds arbitrary arguments to the sorted-set score and range
// parsers: none panics, no NaN gets through, a score that parses reads
// the same as a range bound, and a formatted score parses back to itself.
func FuzzZSetArgs(f *testing.F) {
	for _, s := range []string{"1", "-2.5", "(3", "(", "", " 1", "inf", "-inf", "+inf", "(-inf", "nan", "(nan",
		"1e400", "1e-400", "0x10", "0x1p-3", "1_0", "[a", "(b", "-", "+", "+x", "--1", "4e-324", "1e", ".5", "5."} {
		f.Add([]byte(s), []byte("+inf"))
	}
	f.Fuzz(func(t *testing.T, a, b []byte) {
		if v, err := ParseScore(a); err == nil {
			if math.IsNaN(v) {
				t.Fatalf("ParseScore(%q) = NaN", a)
			}
			r, err := ParseScoreRange(a, a)
			if err != nil || r.Min != v || r.Max != v || r.MinEx || r.MaxEx {
				t.Fatalf("score %q = %v but as a range %+v %v", a, v, r, err)
			}
			back, err := ParseScore([]byte(FormatScore(v)))
			if err != nil || back != v {
				t.Fatalf("score %q = %v formats as %q, reads back %v %v", a, v, FormatScore(v), back, err)
			}
		}
		if r, err := ParseScoreRange(a, b); err == nil {
			if math.IsNaN(r.Min) || math.IsNaN(r.Max) {
				t.Fatalf("range %q %q has NaN: %+v", a, b, r)
			}
			if r.MinEx != (len(a) > 0 && a[0] == '(') {
				t.Fatalf("range %q: exclusive %v", a, r.MinEx)
			}
		}
		if r, err := ParseLexRange(a, b); err == nil {
			if r.Min.Inf == 0 && (len(a) == 0 || string(a[1:]) != r.Min.S) {
				t.Fatalf("lex %q read as %+v", a, r.Min)
			}
			_ = r.empty()
		} else if len(a) > 0 && (a[0] == '[' || a[0] == '(') && len(b) > 0 && (b[0] == '[' || b[0] == '(') {
			t.Fatalf("lex %q %q refused: %v", a, b, err)
		}
	})
}

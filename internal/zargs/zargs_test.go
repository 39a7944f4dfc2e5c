package zargs

import (
	"slices"
	"strconv"
	"strings"
	"testing"
)

func words(s string) [][]byte {
	var out [][]byte
	for _, w := range strings.Fields(s) {
		out = append(out, []byte(w))
	}
	return out
}

func floatWeight(b []byte) (float64, bool) {
	f, err := strconv.ParseFloat(string(b), 64)
	return f, err == nil
}

func TestParseCombine(t *testing.T) {
	for _, tc := range []struct {
		rest       string
		diff       bool
		withScores bool
		want       Combine
		msg        string
	}{
		{rest: "", withScores: true},
		{rest: "weights 2 3 aggregate MAX withscores", withScores: true, want: Combine{Weights: []float64{2, 3}, Agg: Max, WithScores: true}},
		{rest: "AGGREGATE min AGGREGATE sum", want: Combine{Agg: Sum}},
		{rest: "AGGREGATE min", want: Combine{Agg: Min}},
		{rest: "WEIGHTS 1", msg: msgSyntax},
		{rest: "WEIGHTS 1 x", msg: msgWeightFloat},
		{rest: "AGGREGATE avg", msg: msgSyntax},
		{rest: "AGGREGATE", msg: msgSyntax},
		{rest: "WITHSCORES", msg: msgSyntax},
		{rest: "WEIGHTS 1 2", diff: true, withScores: true, msg: msgSyntax},
		{rest: "AGGREGATE MAX", diff: true, msg: msgSyntax},
		{rest: "withscores", diff: true, withScores: true, want: Combine{WithScores: true}},
	} {
		got, msg := ParseCombine(words(tc.rest), 2, tc.diff, tc.withScores, floatWeight)
		if msg != tc.msg || got.Agg != tc.want.Agg || got.WithScores != tc.want.WithScores || !slices.Equal(got.Weights, tc.want.Weights) {
			t.Errorf("%q (diff %v): got %+v %q, want %+v %q", tc.rest, tc.diff, got, msg, tc.want, tc.msg)
		}
	}
}

// FuzzParseCombine: any words parse without a panic into one weight per
// key or none, or into an error and nothing.
func FuzzParseCombine(f *testing.F) {
	f.Add("WEIGHTS 1 2 AGGREGATE MIN WITHSCORES", uint8(2), false)
	f.Add("AGGREGATE", uint8(1), true)
	f.Add("WEIGHTS 1", uint8(3), false)
	f.Fuzz(func(t *testing.T, s string, nkeys uint8, diff bool) {
		c, msg := ParseCombine(words(s), int(nkeys), diff, true, floatWeight)
		if msg != "" {
			if c.Weights != nil || c.Agg != Sum || c.WithScores {
				t.Fatalf("%q: error %q with %+v", s, msg, c)
			}
			return
		}
		if c.Weights != nil && len(c.Weights) != int(nkeys) {
			t.Fatalf("%q: %d weights for %d keys", s, len(c.Weights), nkeys)
		}
		if diff && (c.Weights != nil || c.Agg != Sum) {
			t.Fatalf("%q: ZDIFF took %+v", s, c)
		}
	})
}

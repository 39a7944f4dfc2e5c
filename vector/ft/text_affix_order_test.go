package ft

import (
	"reflect"
	"testing"
)

// TestAffixOrder checks the walk against traces of RediSearch 2.8's
// trie walk worked by hand (trie.c containsIterate): an infix match from
// an earlier letter yields its whole subtree first, a word holding an
// infix twice is found twice, a suffix is found at the word's end node,
// and MAXEXPANSIONS keeps the first finds.
func TestAffixOrder(t *testing.T) {
	for _, tc := range []struct {
		words []string
		core  string
		infix bool
		max   int
		want  []string
	}{
		// *ab*: from "a" the match runs a-b into abz's branch; only then
		// does the walk start again at aa and find aab.
		{[]string{"aab", "abz"}, "ab", true, 10, []string{"abz", "aab"}},
		{[]string{"aab", "abz"}, "ab", true, 1, []string{"abz"}},
		{[]string{"abab"}, "ab", true, 10, []string{"abab", "abab"}},
		{[]string{"ab", "cab", "xab"}, "ab", true, 10, []string{"ab", "cab", "xab"}},
		// *ab: ab ends the match at its last letter before the walk
		// starts again from aa.
		{[]string{"aab", "ab"}, "ab", false, 10, []string{"ab", "aab"}},
		{[]string{"aab", "ab", "zab"}, "ab", false, 2, []string{"ab", "aab"}},
	} {
		got, complete := affixOrder(tc.words, tc.core, tc.infix, tc.max)
		if !complete || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("affixOrder(%v, %q, infix %v, %d) = %v, %v; want %v", tc.words, tc.core, tc.infix, tc.max, got, complete, tc.want)
		}
	}
	// cutExpansion keeps each word once, in the order found; a prefix
	// keeps the alphabetically first.
	if got := cutExpansion("*ab*", []string{"aab", "abab", "abz"}, 2); !reflect.DeepEqual(got, []string{"abab", "abz"}) {
		t.Errorf("cutExpansion *ab* = %v", got)
	}
	if got := cutExpansion("ab*", []string{"ab", "abab", "abz"}, 2); !reflect.DeepEqual(got, []string{"ab", "abab"}) {
		t.Errorf("cutExpansion ab* = %v", got)
	}
	// A word list that makes the walk exponential stops at the budget
	// and keeps the sorted cut.
	long := "ab"
	for len(long) < 80 {
		long += "ab"
	}
	if got := cutExpansion("*ab", []string{long}, 5); !reflect.DeepEqual(got, []string{long}) {
		t.Errorf("cutExpansion over a long word = %v", got)
	}
}

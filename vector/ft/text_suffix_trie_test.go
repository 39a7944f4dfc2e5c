package ft

import (
	"reflect"
	"testing"
)

// TestSuffixTrieFinds: keys in letter order, the words of one key in the
// order indexed (a word under each of its suffixes, itself included),
// a word once per suffix holding the infix (so twice for abab's ab), suffixes of one letter not keyed (src/suffix.c).
func TestSuffixTrieFinds(t *testing.T) {
	ix := &Index{schema: &Schema{}}
	ix.suffix = map[string]uint64{"zab": 0, "abab": 1, "ab": 2, "b": 3, "cab": 4}
	for _, tc := range []struct {
		core  string
		infix bool
		max   int
		want  []string
	}{
		// key ab: zab, abab (its second ab), ab, cab; then key abab.
		{"ab", true, 10, []string{"zab", "abab", "ab", "cab", "abab"}},
		{"ab", true, 2, []string{"zab", "abab"}},
		{"ab", false, 10, []string{"zab", "abab", "ab", "cab"}},
		{"b", false, 10, []string{"b"}},
		{"ba", true, 10, []string{"abab"}},
	} {
		if got := ix.suffixTrieFinds(tc.core, tc.infix, tc.max); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("suffixTrieFinds(%q, infix %v, %d) = %v, want %v", tc.core, tc.infix, tc.max, got, tc.want)
		}
	}
}

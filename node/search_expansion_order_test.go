package node

import (
	"context"
	"reflect"
	"testing"
)

// TestFTExpansionOrder: when MAXEXPANSIONS cuts an infix or suffix
// expansion, the words kept are those RediSearch's trie walk finds first
// (vector/ft/text_affix_order.go), not the alphabetically first: for
// *ab* over aab and abz the walk finds abz first; a prefix keeps the
// alphabetically first.
func TestFTExpansionOrder(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	do := doer(t, c)
	do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT")
	do("HSET", "d:1", "t", "aab")
	do("HSET", "d:2", "t", "abz")
	do("HSET", "d:3", "t", "abc")
	do("FT.CONFIG", "SET", "MAXEXPANSIONS", "1")
	t.Cleanup(func() { c.Do(ctx, "FT.CONFIG", "SET", "MAXEXPANSIONS", "200") })
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"*ab*", []string{"d:3"}}, // the walk: abc, abz, then aab
		{"ab*", []string{"d:3"}},
		{"*ab", []string{"d:1"}},
	} {
		if got := replyKeysSorted(do("FT.SEARCH", "idx", tc.query, "NOCONTENT")); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("FT.SEARCH %q under MAXEXPANSIONS 1: %v, want %v", tc.query, got, tc.want)
		}
	}
	do("FT.CONFIG", "SET", "MAXEXPANSIONS", "2")
	if got := replyKeysSorted(do("FT.SEARCH", "idx", "*ab*", "NOCONTENT")); !reflect.DeepEqual(got, []string{"d:2", "d:3"}) {
		t.Errorf("FT.SEARCH *ab* under MAXEXPANSIONS 2: %v, want [d:2 d:3] (alphabetically: aab, abc)", got)
	}
}

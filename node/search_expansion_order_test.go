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

// TestFTExpansionOrderSuffixTrie: with a WITHSUFFIXTRIE field, suffix and
// infix terms expand from the suffix trie (vector/ft/text_suffix_trie.go):
// the words whose suffixes start with the infix, suffixes in letter order
// and the words of one suffix in the order they were indexed; the words of
// the other fields are not in it. Documents and counts from RediSearch
// 2.8's tests/pytests/test_contains.py test_misc1 (doc7 and doc8 added
// here); the orders under MAXEXPANSIONS follow src/suffix.c
// (addSuffixTrie appends a word to the list of each of its suffixes,
// Suffix_IterateContains walks the keys from the infix's node, children
// in letter order) and charIterCb in src/query.c (stops at
// MAXEXPANSIONS words).
func TestFTExpansionOrderSuffixTrie(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	do := doer(t, c)
	do("FT.CREATE", "idx", "SCHEMA", "t", "TEXT", "WITHSUFFIXTRIE", "SORTABLE", "u", "TEXT")
	for i, w := range []string{"world", "keyword", "doctorless", "anteriorly", "colorlessness", "floorless", "aimless"} {
		do("HSET", "doc"+string(rune('1'+i)), "t", w)
	}
	do("HSET", "doc8", "u", "orbit")
	t.Cleanup(func() { c.Do(ctx, "FT.CONFIG", "SET", "MAXEXPANSIONS", "200") })
	for _, tc := range []struct {
		max   string
		query string
		want  []string
	}{
		{"200", "*orld*", []string{"doc1"}},
		{"200", "*orl*", []string{"doc1", "doc3", "doc4", "doc5", "doc6"}},
		{"200", "*or*", []string{"doc1", "doc2", "doc3", "doc4", "doc5", "doc6"}}, // not doc8's orbit: no suffix trie
		{"200", "*orld", []string{"doc1"}},
		{"200", "*ess", []string{"doc3", "doc5", "doc6", "doc7"}},
		{"200", "*less", []string{"doc3", "doc6", "doc7"}},
		{"200", "@u:orb*", []string{"doc8"}},
		// *or*: keys ord (keyword), orld (world), orless (doctorless,
		// floorless), orlessness (colorlessness), orly (anteriorly).
		{"2", "*or*", []string{"doc1", "doc2"}},
		{"3", "*or*", []string{"doc1", "doc2", "doc3"}},
		{"4", "*or*", []string{"doc1", "doc2", "doc3", "doc6"}},
		{"5", "*or*", []string{"doc1", "doc2", "doc3", "doc5", "doc6"}},
		// *less: key less holds doctorless, floorless, aimless in that order.
		{"1", "*less", []string{"doc3"}},
		{"2", "*less", []string{"doc3", "doc6"}},
	} {
		do("FT.CONFIG", "SET", "MAXEXPANSIONS", tc.max)
		if got := replyKeysSorted(do("FT.SEARCH", "idx", tc.query, "NOCONTENT")); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("FT.SEARCH %q under MAXEXPANSIONS %s: %v, want %v", tc.query, tc.max, got, tc.want)
		}
	}
	// A word leaves the trie with its last document: indexed again, it
	// comes after the others.
	do("DEL", "doc3")
	do("HSET", "doc3", "t", "doctorless")
	do("FT.CONFIG", "SET", "MAXEXPANSIONS", "2")
	if got := replyKeysSorted(do("FT.SEARCH", "idx", "*less", "NOCONTENT")); !reflect.DeepEqual(got, []string{"doc6", "doc7"}) {
		t.Errorf("FT.SEARCH *less after doctorless came back: %v, want [doc6 doc7]", got)
	}
}

// TestFTInfoSuffixTrieFlags: FT.INFO lists WITHSUFFIXTRIE and NOSTEM
// after SORTABLE, as RediSearch 2.8's tests/pytests/test_contains.py
// testWITHSUFFIXTRIEParamText and testWITHSUFFIXTRIEParamTag expect.
func TestFTInfoSuffixTrieFlags(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	do := doer(t, c)
	for _, tc := range []struct {
		schema []any
		want   []any
	}{
		{[]any{"t", "TEXT", "WITHSUFFIXTRIE"}, []any{"identifier", "t", "attribute", "t", "type", "TEXT", "WEIGHT", "1", "WITHSUFFIXTRIE"}},
		{[]any{"t", "TEXT", "WITHSUFFIXTRIE", "SORTABLE"}, []any{"identifier", "t", "attribute", "t", "type", "TEXT", "WEIGHT", "1", "SORTABLE", "WITHSUFFIXTRIE"}},
		{[]any{"t", "TEXT", "WITHSUFFIXTRIE", "NOSTEM"}, []any{"identifier", "t", "attribute", "t", "type", "TEXT", "WEIGHT", "1", "NOSTEM", "WITHSUFFIXTRIE"}},
		{[]any{"t", "TEXT", "NOSTEM", "WITHSUFFIXTRIE"}, []any{"identifier", "t", "attribute", "t", "type", "TEXT", "WEIGHT", "1", "NOSTEM", "WITHSUFFIXTRIE"}},
		{[]any{"t", "TAG", "WITHSUFFIXTRIE"}, []any{"identifier", "t", "attribute", "t", "type", "TAG", "SEPARATOR", ",", "WITHSUFFIXTRIE"}},
		{[]any{"t", "TAG", "WITHSUFFIXTRIE", "SORTABLE"}, []any{"identifier", "t", "attribute", "t", "type", "TAG", "SEPARATOR", ",", "SORTABLE", "WITHSUFFIXTRIE"}},
	} {
		do("FLUSHALL")
		do(append([]any{"FT.CREATE", "idx", "SCHEMA"}, tc.schema...)...)
		info := do("FT.INFO", "idx").([]any)
		for i := 0; i+1 < len(info); i += 2 {
			if info[i] == "attributes" {
				if got := info[i+1].([]any); len(got) != 1 || !reflect.DeepEqual(got[0], tc.want) {
					t.Errorf("FT.CREATE idx SCHEMA %v: attributes %v, want [%v]", tc.schema, got, tc.want)
				}
			}
		}
		do("FT.DROPINDEX", "idx")
	}
}

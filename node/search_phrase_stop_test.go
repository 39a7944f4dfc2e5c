package node

import (
	"context"
	"slices"
	"testing"
)

// TestFTPhraseStopWordDialect1: in DIALECT 1 (the default) a stop word as
// an exact phrase's first or second word is RediSearch 2.8's syntax error
// at that word (its DIALECT 1 grammar reads a phrase as two words, then
// words or stop words); later stop words are dropped. FT.SEARCH,
// FT.AGGREGATE, FT.EXPLAIN and FT.PROFILE answer it alike; DIALECT 2,
// NOSTOPWORDS and an index without stop words do not fail.
func TestFTPhraseStopWordDialect1(t *testing.T) {
	c, do := stopWordsNode(t)
	ctx := context.Background()
	for _, tc := range []struct {
		index, query, err string
	}{
		{"def", `"the lord"`, "Syntax error at offset 1 near the"},
		{"def", `"lord the rings"`, "Syntax error at offset 6 near the"},
		{"def", `"The"`, "Syntax error at offset 1 near The"},
		{"def", `tale @t:"lord  of the rings"`, "Syntax error at offset 15 near of"},
		{"def", `"lord rings" | "a tale"`, "Syntax error at offset 16 near a"},
		{"own", `"the rings"`, "Syntax error at offset 5 near rings"},
	} {
		for _, cmd := range [][]any{
			{"FT.SEARCH", tc.index, tc.query},
			{"FT.SEARCH", tc.index, tc.query, "DIALECT", "1"},
			{"FT.AGGREGATE", tc.index, tc.query},
			{"FT.EXPLAIN", tc.index, tc.query},
			{"FT.PROFILE", tc.index, "SEARCH", "QUERY", tc.query},
		} {
			if err := c.Do(ctx, cmd...).Err(); err == nil || err.Error() != tc.err {
				t.Errorf("%v: error %v, want %q", cmd, err, tc.err)
			}
		}
	}
	for _, tc := range []struct {
		args []any
		want []string
	}{
		{[]any{"def", `"lord rings the"`}, []string{"d:1", "d:2"}},
		{[]any{"def", `"lord the rings"`, "DIALECT", "2"}, nil}, // the phrase "lord the rings": the index holds no "the"
		{[]any{"def", `"the lord"`, "NOSTOPWORDS"}, nil},
		{[]any{"none", `"the lord"`}, []string{"d:1"}},
		{[]any{"own", `"a tale"`}, []string{"d:3"}}, // own's stop words are lord and rings only
		{[]any{"def", `tale "lord rings"`}, nil},
	} {
		n, keys := stopKeys(t, do, tc.args...)
		if n != int64(len(tc.want)) || !slices.Equal(keys, tc.want) {
			t.Errorf("FT.SEARCH %v = %d %v, want %v", tc.args, n, keys, tc.want)
		}
	}
}

package node

import (
	"context"
	"slices"
	"testing"
)

// stopKeys runs FT.SEARCH ... NOCONTENT and returns the total and keys.
func stopKeys(t *testing.T, do func(args ...any) ([]any, error), args ...any) (int64, []string) {
	t.Helper()
	res, err := do(append(append([]any{"FT.SEARCH"}, args...), "NOCONTENT")...)
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	var keys []string
	for _, k := range res[1:] {
		keys = append(keys, k.(string))
	}
	slices.Sort(keys)
	return res[0].(int64), keys
}

// TestFTStopWords: the default English stop words are neither indexed nor
// searched (a query of stop words only matches nothing, a phrase skips
// them); STOPWORDS n replaces the list, STOPWORDS 0 turns it off, and
// FT.INFO lists a given list under stopwords_list.
func TestFTStopWords(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	do := func(args ...any) ([]any, error) { return c.Do(ctx, args...).Slice() }
	for _, args := range [][]any{
		{"FT.CREATE", "def", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT"},
		{"FT.CREATE", "none", "STOPWORDS", "0", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT"},
		{"FT.CREATE", "own", "STOPWORDS", "2", "Lord", "rings", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT"},
		{"HSET", "d:1", "t", "the lord of the rings"},
		{"HSET", "d:2", "t", "lord rings"},
		{"HSET", "d:3", "t", "a tale"},
	} {
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	for _, tc := range []struct {
		index, query string
		want         []string
	}{
		{"def", "the", nil},
		{"def", "the | a", nil},
		{"def", "@t:(of the)", nil},
		{"def", "the lord", []string{"d:1", "d:2"}},
		{"def", `"lord rings of the"`, []string{"d:1", "d:2"}}, // DIALECT 1: not as a phrase's first two words
		{"def", `"lord rings"`, []string{"d:1", "d:2"}},
		{"def", "tale -the", []string{"d:3"}},
		{"def", "th*", nil},
		{"none", "the", []string{"d:1"}},
		{"none", `"lord rings"`, []string{"d:2"}},
		{"none", "a", []string{"d:3"}},
		{"own", "the", []string{"d:1"}},
		{"own", "lord", nil},
		{"own", "tale rings", []string{"d:3"}},
	} {
		n, keys := stopKeys(t, do, tc.index, tc.query)
		if n != int64(len(tc.want)) || !slices.Equal(keys, tc.want) {
			t.Errorf("FT.SEARCH %s %q = %d %v, want %v", tc.index, tc.query, n, keys, tc.want)
		}
	}
	info := func(index string) map[string]any {
		res, err := do("FT.INFO", index)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]any{}
		for i := 0; i+1 < len(res); i += 2 {
			m[res[i].(string)] = res[i+1]
		}
		return m
	}
	if v, ok := info("def")["stopwords_list"]; ok {
		t.Errorf("default index FT.INFO stopwords_list = %v, want none", v)
	}
	if v, ok := info("none")["stopwords_list"].([]any); !ok || len(v) != 0 {
		t.Errorf("STOPWORDS 0 FT.INFO stopwords_list = %v, want []", info("none")["stopwords_list"])
	}
	if v := info("own")["stopwords_list"]; !slices.Equal(v.([]any), []any{"lord", "rings"}) {
		t.Errorf("FT.INFO stopwords_list = %v, want [lord rings]", v)
	}
	// The default list: "with" and "will" are stop words, "without" is not.
	if err := c.HSet(ctx, "d:4", "t", "with will without").Err(); err != nil {
		t.Fatal(err)
	}
	if n, keys := stopKeys(t, do, "def", "with | will"); n != 0 {
		t.Errorf("FT.SEARCH def with|will = %v, want none", keys)
	}
	if _, keys := stopKeys(t, do, "def", "without"); !slices.Equal(keys, []string{"d:4"}) {
		t.Errorf("FT.SEARCH def without = %v, want [d:4]", keys)
	}
}

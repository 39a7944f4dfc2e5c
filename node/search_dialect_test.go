package node

import (
	"context"
	"slices"
	"testing"
)

// TestFTDialectGrammar: FT.SEARCH and FT.AGGREGATE read a query in its
// DIALECT, else in FT.CONFIG's DEFAULT_DIALECT (1): DIALECT 1 scopes a
// run of words to the field before it, negates the whole run after -,
// and binds | more tightly than the clauses side by side (the examples
// of RediSearch's documentation of dialects).
func TestFTDialectGrammar(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	do := func(args ...any) ([]any, error) { return c.Do(ctx, args...).Slice() }
	for _, args := range [][]any{
		{"FT.CREATE", "idx", "SCHEMA", "name", "TEXT", "body", "TEXT"},
		{"HSET", "d:1", "name", "james brown"},
		{"HSET", "d:2", "name", "james", "body", "brown"},
		{"HSET", "d:3", "body", "hello"},
		{"HSET", "d:4", "body", "world"},
		{"HSET", "d:5", "body", "hello world"},
		{"HSET", "d:6", "body", "goodbye"},
		{"HSET", "d:7", "body", "goodbye moon"},
		{"HSET", "d:8", "body", "hello world moon"},
	} {
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	all := []string{"d:1", "d:2", "d:3", "d:4", "d:5", "d:6", "d:7", "d:8"}
	without := func(out ...string) []string {
		return slices.DeleteFunc(slices.Clone(all), func(k string) bool { return slices.Contains(out, k) })
	}
	for _, tc := range []struct {
		query  string
		v1, v2 []string
	}{
		{"@name:james brown", []string{"d:1"}, []string{"d:1", "d:2"}},
		{"-hello world", without("d:5", "d:8"), []string{"d:4"}},
		{`hello world | "goodbye" moon`, []string{"d:7", "d:8"}, []string{"d:5", "d:7", "d:8"}},
	} {
		for _, run := range []struct {
			args []any
			want []string
		}{
			{[]any{"idx", tc.query}, tc.v1},
			{[]any{"idx", tc.query, "DIALECT", "1"}, tc.v1},
			{[]any{"idx", tc.query, "DIALECT", "2"}, tc.v2},
		} {
			n, keys := stopKeys(t, do, run.args...)
			if n != int64(len(run.want)) || !slices.Equal(keys, run.want) {
				t.Errorf("FT.SEARCH %q = %d %v, want %v", run.args, n, keys, run.want)
			}
		}
		// FT.AGGREGATE reads it alike.
		res, err := do("FT.AGGREGATE", "idx", tc.query, "DIALECT", "2")
		if err != nil || res[0].(int64) != int64(len(tc.v2)) {
			t.Errorf("FT.AGGREGATE %q DIALECT 2 = %v, %v; want %d rows", tc.query, res, err, len(tc.v2))
		}
		if res, err = do("FT.AGGREGATE", "idx", tc.query); err != nil || res[0].(int64) != int64(len(tc.v1)) {
			t.Errorf("FT.AGGREGATE %q = %v, %v; want %d rows", tc.query, res, err, len(tc.v1))
		}
	}
	// DEFAULT_DIALECT 2 reads a query that names none as DIALECT 2.
	if err := c.Do(ctx, "FT.CONFIG", "SET", "DEFAULT_DIALECT", "2").Err(); err != nil {
		t.Fatal(err)
	}
	if n, keys := stopKeys(t, do, "idx", "@name:james brown"); n != 2 || !slices.Equal(keys, []string{"d:1", "d:2"}) {
		t.Errorf("under DEFAULT_DIALECT 2: %d %v, want d:1 d:2", n, keys)
	}
}

package node

import (
	"context"
	"testing"
)

// TestFTEmptyQuery: an empty query string (or blanks only) is a query
// that matches nothing in either dialect, as RediSearch 2.8's grammars
// accept it (its null node): FT.SEARCH answers [0] (RediSearch's
// test.py testSearch), FT.EXPLAIN "<empty>" (test.py's explain cases,
// DIALECT 2), FT.AGGREGATE no rows and FT.PROFILE an EMPTY iterator.
// It used to be a syntax error.
func TestFTEmptyQuery(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	for _, args := range [][]any{
		{"FT.CREATE", "idx", "ON", "HASH", "SCHEMA", "title", "TEXT", "n", "NUMERIC"},
		{"HSET", "doc1", "title", "hello world", "n", "1"},
		{"HSET", "doc2", "title", "hello another world", "n", "2"},
	} {
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	for _, q := range []string{"", " ", " \t "} {
		for _, dialect := range []string{"1", "2"} {
			res, err := c.Do(ctx, "FT.SEARCH", "idx", q, "DIALECT", dialect).Slice()
			if err != nil || len(res) != 1 || res[0] != int64(0) {
				t.Errorf("FT.SEARCH idx %q DIALECT %s = %v, %v; want [0]", q, dialect, res, err)
			}
			res, err = c.Do(ctx, "FT.SEARCH", "idx", q, "NOSTOPWORDS", "FILTER", "n", "0", "10", "DIALECT", dialect).Slice()
			if err != nil || len(res) != 1 || res[0] != int64(0) {
				t.Errorf("FT.SEARCH idx %q NOSTOPWORDS FILTER DIALECT %s = %v, %v; want [0]", q, dialect, res, err)
			}
			plan, err := c.Do(ctx, "FT.EXPLAIN", "idx", q, "DIALECT", dialect).Text()
			if err != nil || plan != "<empty>\n" {
				t.Errorf("FT.EXPLAIN idx %q DIALECT %s = %q, %v; want <empty>", q, dialect, plan, err)
			}
			rows, err := c.Do(ctx, "FT.AGGREGATE", "idx", q, "LOAD", "1", "@title", "DIALECT", dialect).Slice()
			if err != nil || len(rows) != 1 || rows[0] != int64(0) {
				t.Errorf("FT.AGGREGATE idx %q DIALECT %s = %v, %v; want [0]", q, dialect, rows, err)
			}
		}
	}
	// The default dialect (1) too, and FT.PROFILE's iterator.
	if res, err := c.Do(ctx, "FT.SEARCH", "idx", "").Slice(); err != nil || len(res) != 1 || res[0] != int64(0) {
		t.Errorf("FT.SEARCH idx \"\" = %v, %v; want [0]", res, err)
	}
	res, err := c.Do(ctx, "FT.PROFILE", "idx", "SEARCH", "QUERY", "", "NOCONTENT").Slice()
	if err != nil || len(res) != 2 {
		t.Fatalf("FT.PROFILE of \"\": %v, %v", res, err)
	}
	var it []any
	for _, e := range res[1].([]any) {
		if kv, ok := e.([]any); ok && len(kv) == 2 && kv[0] == "Iterators profile" {
			it, _ = kv[1].([]any)
		}
	}
	if len(it) < 2 || it[0] != "Type" || it[1] != "EMPTY" {
		t.Errorf("FT.PROFILE of \"\": iterators %v, want an EMPTY one", it)
	}
}

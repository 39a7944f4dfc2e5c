package node

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestFTTermAndTagParams: in DIALECT 2 a "$name" where a word or a tag
// value may stand takes its value from PARAMS, as RediSearch 2.8's
// param_term and param_term_case do: each query answers as the same query
// with the value written in (a term lower-cased, a tag as given), a
// missing parameter is "No such parameter", and an escaped or quoted $
// stays a literal. DIALECT 1 has no parameters: "$" is a syntax error.
func TestFTTermAndTagParams(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA",
		"title", "TEXT", "body", "TEXT", "color", "TAG", "n", "NUMERIC").Err(); err != nil {
		t.Fatal(err)
	}
	docs := map[string][]any{
		"d:1": {"title", "hello world", "body", "green apples", "color", "red", "n", 1},
		"d:2": {"title", "goodbye world", "body", "red apples", "color", "blue", "n", 2},
		"d:3": {"title", "hello moon", "body", "pears", "color", "$c", "n", 3},
	}
	for k, v := range docs {
		if err := c.HSet(ctx, k, v...).Err(); err != nil {
			t.Fatal(err)
		}
	}
	keys := func(args ...any) string {
		args = append(args, "NOCONTENT", "SORTBY", "n", "DIALECT", "2")
		total, ks := ftKeys(t, c, args...)
		slices.Sort(ks)
		return itoa(total) + ":" + strings.Join(ks, ",")
	}
	cases := []struct {
		literal, query string
		params         []any
	}{
		{"hello", "$w", []any{"w", "hello"}},
		{"hello", "$w", []any{"w", "HeLLo"}},
		{"@title:hello", "@title:$w", []any{"w", "hello"}},
		{"world -@title:goodbye", "$a -@title:$b", []any{"a", "world", "b", "goodbye"}},
		{"hello | apples", "$a | $b", []any{"a", "hello", "b", "apples"}},
		{"@color:{red}", "@color:{$c}", []any{"c", "red"}},
		{"@color:{red | blue}", "@color:{$c | blue}", []any{"c", "red"}},
		{"@color:{red | blue}", "@color:{$x|$y}", []any{"x", "red", "y", "blue"}},
		{"@color:{\\$c}", "@color:{\\$c}", []any{"c", "red"}},
		{"@title:hello @color:{red}", "@title:$t @color:{$c}", []any{"t", "hello", "c", "red"}},
	}
	for _, tc := range cases {
		want := keys(tc.literal)
		if want == "0:" {
			t.Fatalf("%s finds nothing: the case tests nothing", tc.literal)
		}
		args := append([]any{tc.query, "PARAMS", len(tc.params)}, tc.params...)
		if got := keys(args...); got != want {
			t.Errorf("%s PARAMS %v: %s, want %s (as %s)", tc.query, tc.params, got, want, tc.literal)
		}
	}
	for _, q := range []string{"$w", "@title:$w", "@color:{$w}"} {
		err := c.Do(ctx, "FT.SEARCH", "idx", q, "PARAMS", "2", "x", "hello", "DIALECT", "2").Err()
		if err == nil || err.Error() != "No such parameter `w`" {
			t.Errorf("%s without its parameter: %v", q, err)
		}
	}
	if err := c.Do(ctx, "FT.SEARCH", "idx", "$w", "PARAMS", "2", "w", "hello", "DIALECT", "1").Err(); err == nil ||
		!strings.HasPrefix(err.Error(), "Syntax error at offset 0") {
		t.Errorf("$w in DIALECT 1: %v", err)
	}
	// FT.AGGREGATE reads them too.
	res, err := c.Do(ctx, "FT.AGGREGATE", "idx", "@color:{$c} $w", "PARAMS", "4", "c", "red", "w", "apples",
		"GROUPBY", "0", "REDUCE", "COUNT", "0", "AS", "n", "DIALECT", "2").Slice()
	if err != nil || len(res) != 2 {
		t.Fatalf("FT.AGGREGATE with term and tag parameters: %v, %v", res, err)
	}
	if row, _ := res[1].([]any); len(row) != 2 || row[1] != "1" {
		t.Errorf("FT.AGGREGATE count: %v, want 1", res[1])
	}
}

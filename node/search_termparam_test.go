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

// TestFTAffixAndFuzzyParams: DIALECT 2 takes a parameter in a prefix,
// suffix, infix, fuzzy or wildcard term too ("$p*", "*$p", "*$p*",
// "%$p%", "%%$p%%", "%%%$p%%%", "w'$p'", and an affix in a tag list), as
// RediSearch 2.8's lexer reads "$name" there: each answers as the term
// with the value written in (RediSearch's test_search_params.py
// test_fuzzy, test_contains.py test_params, test.py
// testPrefixNodeCaseSensitive, test_wildcard.py).
func TestFTAffixAndFuzzyParams(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA",
		"name", "TEXT", "color", "TAG", "n", "NUMERIC").Err(); err != nil {
		t.Fatal(err)
	}
	docs := [][]any{
		{"d:1", "name", "Fozzie Bear", "color", "Dark Red", "n", 1},
		{"d:2", "name", "Beaker", "color", "red", "n", 2},
		{"d:3", "name", "Beard", "color", "blue", "n", 3},
		{"d:4", "name", "Rizzo the Rat world", "color", "bluish", "n", 4},
	}
	for _, d := range docs {
		if err := c.HSet(ctx, d[0].(string), d[1:]...).Err(); err != nil {
			t.Fatal(err)
		}
	}
	keys := func(args ...any) string {
		args = append(args, "NOCONTENT", "SORTBY", "n", "DIALECT", "2")
		total, ks := ftKeys(t, c, args...)
		return itoa(total) + ":" + strings.Join(ks, ",")
	}
	for _, tc := range []struct{ literal, query, value string }{
		{"@name:(%Bear%)", "@name:(%$p%)", "Bear"},
		{"@name:(%%Bear%%)", "@name:(%%$p%%)", "Bear"},
		{"@name:(%%%Fozzi%%%)", "@name:(%%%$p%%%)", "Fozzi"},
		{"%Rat%", "%$p%", "Rat"},
		{"%%%Beakr%%%", "%%%$p%%%", "BEAKR"},
		{"wor*", "$p*", "wor"},
		{"@name:bea*", "@name:$p*", "Bea"},
		{"*orl*", "*$p*", "orl"},
		{"*rld", "*$p", "rld"},
		{"@name:(*eak | *ard)", "@name:(*$p | *ard)", "eak"},
		{"@color:{re*}", "@color:{$p*}", "re"},
		{"@color:{*lu*}", "@color:{*$p*}", "LU"},
		{"@color:{*red}", "@color:{*$p}", "red"},
		{"w'*ea?er'", "w'$p'", "*ea?er"}, // test_wildcard.py's w'$wcq'
		{"@name:(w'fo*')", "@name:(w'$p')", "Fo*"},
	} {
		want := keys(tc.literal)
		if want == "0:" {
			t.Fatalf("%s finds nothing: the case tests nothing", tc.literal)
		}
		if got := keys(tc.query, "PARAMS", "2", "p", tc.value); got != want {
			t.Errorf("%s PARAMS p %s: %s, want %s (as %s)", tc.query, tc.value, got, want, tc.literal)
		}
	}
	for _, q := range []string{"@name:(%$w%)", "$w*", "*$w*", "@color:{*$w}"} {
		err := c.Do(ctx, "FT.SEARCH", "idx", q, "PARAMS", "2", "p", "x", "DIALECT", "2").Err()
		if err == nil || err.Error() != "No such parameter `w`" {
			t.Errorf("%s without its parameter: %v", q, err)
		}
	}
	// A fuzzy term's marks must pair up around the parameter too.
	for _, q := range []string{"%$p%%", "%%$p%", "%$p*%"} {
		err := c.Do(ctx, "FT.SEARCH", "idx", q, "PARAMS", "2", "p", "x", "DIALECT", "2").Err()
		if err == nil || !strings.HasPrefix(err.Error(), "Syntax error at offset") {
			t.Errorf("%s: %v, want a syntax error", q, err)
		}
	}
	plan, err := c.Do(ctx, "FT.EXPLAIN", "idx", "%%$p%% $q*", "PARAMS", "4", "p", "Bear", "q", "Wor", "DIALECT", "2").Text()
	if want := "INTERSECT {\n  FUZZY{bear}\n  PREFIX{wor*}\n}\n"; err != nil || plan != want {
		t.Errorf("FT.EXPLAIN of parameter affixes: %q, %v; want %q", plan, err, want)
	}
}

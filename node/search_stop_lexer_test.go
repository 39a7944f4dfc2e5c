package node

import (
	"context"
	"slices"
	"testing"
)

// TestFTStopWordsEndRuns: stop words shape a query as RediSearch 2.8's
// parsers read them. DIALECT 1's lexer marks a stop word, which ends a
// run of words: "@f:hello the world" scopes hello alone (world is
// anywhere), "@f:the hello world" scopes nothing, "hello the world |
// moon" is hello (world | moon). In its tag lists a stop word is a tag
// of its own; as the first or second word of several it ends the list
// early (the brace is then a syntax error, near the last word: the text
// of RediSearch's tag documentation, PR 1928); it is dropped after. DIALECT 2 reads a tag of several words as a run whose
// stop words go from the third word on ("{to be or not}" is "to be").
// NOSTOPWORDS has none. (RediSearch 2.8's v1 lexer.rl and parser.y,
// v2 parser.y's termlist; its PR 5572 shows 2.8's DIALECT 2 plan of
// "@t2:{with as the an}": with, as.)
func TestFTStopWordsEndRuns(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	do := func(args ...any) ([]any, error) { return c.Do(ctx, args...).Slice() }
	for _, args := range [][]any{
		{"FT.CREATE", "idx", "PREFIX", "1", "d:", "SCHEMA", "f", "TEXT", "g", "TEXT", "tags", "TAG"},
		{"HSET", "d:1", "f", "hello", "g", "world"},
		{"HSET", "d:2", "f", "hello world"},
		{"HSET", "d:3", "g", "hello world", "tags", "big red"},
		{"HSET", "d:4", "g", "moon", "tags", "to be"},
		{"HSET", "d:5", "tags", "big red the"},
	} {
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	for _, tc := range []struct {
		query, dialect string
		extra          []any
		want           []string
	}{
		{"@f:hello the world", "1", nil, []string{"d:1", "d:2"}},
		{"@f:hello x world", "1", []any{"NOSTOPWORDS"}, nil}, // the run, as before
		{"@f:the hello world", "1", nil, []string{"d:1", "d:2", "d:3"}},
		{"hello the world | moon", "1", nil, []string{"d:1", "d:2", "d:3"}},
		{"hello world | moon", "1", nil, []string{"d:1", "d:2", "d:3", "d:4"}},
		{"@tags:{big red the}", "1", nil, []string{"d:3"}},
		{"@tags:{big red the}", "1", []any{"NOSTOPWORDS"}, []string{"d:5"}},
		{"@tags:{the | big red}", "1", nil, []string{"d:3"}},
		{"@tags:{big red the}", "2", nil, []string{"d:3"}},
		{"@tags:{to be or not}", "2", nil, []string{"d:4"}},
		{"@tags:{to be or not}", "2", []any{"NOSTOPWORDS"}, nil},
		{"@tags:{the x | big red}", "1", []any{"NOSTOPWORDS"}, []string{"d:3"}},
	} {
		args := append([]any{"idx", tc.query, "DIALECT", tc.dialect}, tc.extra...)
		n, keys := stopKeys(t, do, args...)
		if n != int64(len(tc.want)) || !slices.Equal(keys, tc.want) {
			t.Errorf("FT.SEARCH %q = %d %v, want %v", args, n, keys, tc.want)
		}
	}
	for _, tc := range []struct{ query, want string }{
		{"@tags:{the x}", "Syntax error at offset 12 near x"},
		{"@tags:{x the}", "Syntax error at offset 12 near the"},
		{"@tags:{big | red the}", "Syntax error at offset 20 near the"},
		{"@tags:{ to be or not to be }", "Syntax error at offset 27 near be"}, // RediSearch's documentation
	} {
		for _, cmd := range []string{"FT.SEARCH", "FT.AGGREGATE", "FT.EXPLAIN"} {
			if err := c.Do(ctx, cmd, "idx", tc.query, "DIALECT", "1").Err(); err == nil || err.Error() != tc.want {
				t.Errorf("%s %q DIALECT 1: %v, want %q", cmd, tc.query, err, tc.want)
			}
		}
	}
	// A parameter's value is no word the parser checks: "hello $w" with
	// w "the" looks for "the" too (which no document holds), as
	// RediSearch 2.8's grammar makes a parameter a term unchecked.
	for _, tc := range []struct {
		query string
		extra []any
		want  []string
	}{
		{"hello the", nil, []string{"d:1", "d:2", "d:3"}},
		{"hello $w", []any{"PARAMS", "2", "w", "the"}, nil},
		{"hello $w", []any{"PARAMS", "2", "w", "world"}, []string{"d:1", "d:2", "d:3"}},
	} {
		args := append([]any{"idx", tc.query, "DIALECT", "2"}, tc.extra...)
		n, keys := stopKeys(t, do, args...)
		if n != int64(len(tc.want)) || !slices.Equal(keys, tc.want) {
			t.Errorf("FT.SEARCH %q = %d %v, want %v", args, n, keys, tc.want)
		}
	}
	explain := func(args ...any) string {
		t.Helper()
		s, err := c.Do(ctx, append([]any{"FT.EXPLAIN", "idx"}, args...)...).Text()
		if err != nil {
			t.Fatalf("FT.EXPLAIN %v: %v", args, err)
		}
		return s
	}
	// "@f:hello the world" in DIALECT 1 is "@f:hello world" in DIALECT 2.
	if got, want := explain("@f:hello the world", "DIALECT", "1"), explain("@f:hello world", "DIALECT", "2"); got != want {
		t.Errorf("FT.EXPLAIN @f:hello the world DIALECT 1:\n%s\nwant\n%s", got, want)
	}
	if got, want := explain("@tags:{with as the an}", "DIALECT", "2"), explain("@tags:{with as}", "DIALECT", "2"); got != want {
		t.Errorf("FT.EXPLAIN @tags:{with as the an} DIALECT 2:\n%s\nwant\n%s", got, want)
	}
}

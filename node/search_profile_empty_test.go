package node

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

// profileIterators returns FT.PROFILE idx SEARCH QUERY query NOCONTENT's
// iterators profile without its times (each checked to be there).
func profileIterators(t *testing.T, do func(args ...any) ([]any, error), query string) any {
	t.Helper()
	res, err := do("FT.PROFILE", "idx", "SEARCH", "QUERY", query, "NOCONTENT")
	if err != nil || len(res) != 2 {
		t.Fatalf("FT.PROFILE %q = %v, %v", query, res, err)
	}
	for _, e := range res[1].([]any) {
		if kv, ok := e.([]any); ok && len(kv) == 2 && kv[0] == "Iterators profile" {
			return dropTimes(t, kv[1])
		}
	}
	t.Fatalf("FT.PROFILE %q: no iterators profile in %v", query, res[1])
	return nil
}

func dropTimes(t *testing.T, v any) any {
	t.Helper()
	it, ok := v.([]any)
	if !ok {
		return v
	}
	out := []any{}
	for i := 0; i < len(it); i++ {
		if it[i] == "Time" && i+1 < len(it) {
			i++
			continue
		}
		out = append(out, dropTimes(t, it[i]))
	}
	return out
}

// TestFTProfileEmptyIterator: in FT.PROFILE a term the index does not
// hold (in the clause's fields) has no iterator, as in RediSearch 2.8:
// alone, under NOT or OPTIONAL it is an EMPTY iterator, a union leaves it
// out (and is its other clause when one is left), an intersection lists
// it as a null, and an expansion to no word is EMPTY too. The expected
// lists are RediSearch's (its test_profile.py and test_issues.py cases,
// times left out).
func TestFTProfileEmptyIterator(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	do := func(args ...any) ([]any, error) { return c.Do(ctx, args...).Slice() }
	for _, args := range [][]any{
		{"FT.CREATE", "idx", "SCHEMA", "t1", "TEXT", "t2", "TEXT", "tg", "TAG"},
		{"HSET", "d:1", "t1", "foo", "t2", "bar", "tg", "x"},
		{"HSET", "d:2", "t1", "hello", "tg", "y"},
	} {
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	empty := []any{"Type", "EMPTY", "Counter", int64(0)}
	text := func(term string) []any {
		return []any{"Type", "TEXT", "Term", term, "Counter", int64(1), "Size", int64(1)}
	}
	for _, tc := range []struct {
		query string
		want  any
	}{
		{"redis", empty},
		{"@t1:bar", empty},
		{"bar", text("bar")},
		// (vcache counts a clause over every document: the NOT's 2 is
		// RediSearch's 1, the reads the intersection made of it.)
		{"foo -redis", []any{"Type", "INTERSECT", "Counter", int64(1), "Child iterators",
			text("foo"),
			[]any{"Type", "NOT", "Counter", int64(2), "Child iterator", empty}}},
		{"~redis", []any{"Type", "OPTIONAL", "Counter", int64(2), "Child iterator", empty}},
		{"foo|redis", text("foo")},
		{"redis|@t1:bar", empty},
		{"foo|bar|redis", []any{"Type", "UNION", "Query type", "UNION", "Counter", int64(1), "Child iterators", text("foo"), text("bar")}},
		{"foo redis", []any{"Type", "INTERSECT", "Counter", int64(0), "Child iterators", text("foo"), nil}},
		{"zz*", empty},
		{"%%zzzz%%", empty},
		{"@tg:{nope}", empty},
		{"@tg:{x|nope}", []any{"Type", "UNION", "Query type", "TAG", "Counter", int64(1), "Child iterators",
			[]any{"Type", "TAG", "Term", "x", "Counter", int64(1), "Size", int64(1)}}},
	} {
		if got := profileIterators(t, do, tc.query); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("FT.PROFILE %q iterators = %#v\nwant %#v", tc.query, got, tc.want)
		}
	}

	// RESP3: the intersection's missing clause is a null there too.
	rc := tn.raw(t)
	rc.Do3("HELLO", "3")
	got := rc.Do3("FT.PROFILE", "idx", "SEARCH", "QUERY", "foo redis", "NOCONTENT")
	if !strings.Contains(got, "Child iterators\r\n*2\r\n%") || !strings.Contains(got, "_\r\n") {
		t.Errorf("RESP3 FT.PROFILE \"foo redis\" = %q, want a null among the child iterators", got)
	}
}

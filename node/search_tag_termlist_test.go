package node

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestFTParamValuesAsRediSearch28: a $parameter's value is read as
// RediSearch 2.8 reads it: a term's through its rm_normalize (up to a NUL
// byte, a backslash before punctuation or a blank dropped, lower-cased), a
// tag's unescaped the same way when looked up, a wildcard's pattern as
// given.
func TestFTParamValuesAsRediSearch28(t *testing.T) {
	c, keys := termListIndex(t)
	ctx := context.Background()
	for _, tc := range []struct {
		query  string
		params []any
		want   string
	}{
		{"$w", []any{"w", "Hello\x00junk"}, "1:d:1"},
		{"@title:$w*", []any{"w", "HEL\x00x"}, "1:d:1"},
		{"@color:{$c}", []any{"c", `A\-B`}, "1:d:1"},
		{"@color:{$c*}", []any{"c", `a\-`}, "1:d:1"},
		{"@color:{w'$p'}", []any{"p", "a-*"}, "1:d:1"},
	} {
		args := append([]any{tc.query, "PARAMS", len(tc.params)}, tc.params...)
		if got := keys(args...); got != tc.want {
			t.Errorf("%q PARAMS %q: %s, want %s", tc.query, tc.params, got, tc.want)
		}
	}
	plan, err := c.Do(ctx, "FT.EXPLAIN", "idx", "@title:$w", "PARAMS", "2", "w", `Moon\,Walk\z`, "DIALECT", "2").Text()
	if want := "@title:moon,walk\\z\n"; err != nil || plan != want {
		t.Errorf("FT.EXPLAIN @title:$w with w Moon\\,Walk\\z: %q, %v; want %q", plan, err, want)
	}
}

// TestFTTagTermLists: a tag written as several words is RediSearch 2.8's
// term list in both dialects: FT.EXPLAIN shows it as an INTERSECT of its
// words, each word is lower-cased (on a CASESENSITIVE field too) and, in
// DIALECT 2, a $parameter among them takes its value from PARAMS, read as
// a term's.
func TestFTTagTermLists(t *testing.T) {
	c, keys := termListIndex(t)
	ctx := context.Background()
	for _, tc := range []struct {
		query   string
		dialect int
		want    string
	}{
		{"@color:{with as}", 2, "TAG:@color {\n  INTERSECT {\n    with\n    as\n  }\n}\n"},
		{"@color:{Big Y}", 1, "TAG:@color {\n  INTERSECT {\n    big\n    y\n  }\n}\n"},
		{"@color:{Big Y | red}", 2, "TAG:@color {\n  INTERSECT {\n    big\n    y\n  }\n  red\n}\n"},
		{`@color:{big\ y}`, 2, "TAG:@color {\n  big\\ y\n}\n"},
	} {
		plan, err := c.Do(ctx, "FT.EXPLAIN", "idx", tc.query, "DIALECT", tc.dialect).Text()
		if err != nil || plan != tc.want {
			t.Errorf("FT.EXPLAIN %q DIALECT %d:\n got %q, %v\nwant %q", tc.query, tc.dialect, plan, err, tc.want)
		}
	}
	plan, err := c.Do(ctx, "FT.EXPLAIN", "idx", "@color:{$x y}", "PARAMS", "2", "x", `B\-IG`, "DIALECT", "2").Text()
	if want := "TAG:@color {\n  INTERSECT {\n    b-ig\n    y\n  }\n}\n"; err != nil || plan != want {
		t.Errorf("FT.EXPLAIN @color:{$x y}:\n got %q, %v\nwant %q", plan, err, want)
	}
	for _, tc := range []struct {
		query  string
		params []any
		want   string
	}{
		{"@color:{$x y}", []any{"x", "BIG"}, "1:d:2"},
		{"@color:{big $x}", []any{"x", "Y"}, "1:d:2"},
		{"@color:{red | $x y}", []any{"x", "big"}, "1:d:2"},
		{"@cs:{Big Y}", nil, "1:d:2"},  // looked up as "big y"
		{`@cs:{Big\ Y}`, nil, "1:d:1"}, // one term, as written
		{"@cs:{$x Y}", []any{"x", "BIG"}, "1:d:2"},
	} {
		args := []any{tc.query}
		if tc.params != nil {
			args = append(args, "PARAMS", len(tc.params))
			args = append(args, tc.params...)
		}
		if got := keys(args...); got != tc.want {
			t.Errorf("%q PARAMS %q: %s, want %s", tc.query, tc.params, got, tc.want)
		}
	}
	if err := c.Do(ctx, "FT.SEARCH", "idx", "@color:{$x y}", "PARAMS", "2", "z", "a", "DIALECT", "2").Err(); err == nil ||
		err.Error() != "No such parameter `x`" {
		t.Errorf("@color:{$x y} without x: %v", err)
	}
}

// termListIndex makes index idx over d:1 and d:2 and returns a client and
// a function giving a DIALECT 2 FT.SEARCH's count and keys ("n:k1,k2").
func termListIndex(t *testing.T) (*redis.Client, func(args ...any) string) {
	t.Helper()
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	for _, args := range [][]any{
		{"FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA", "title", "TEXT", "NOSTEM",
			"color", "TAG", "cs", "TAG", "CASESENSITIVE"},
		{"HSET", "d:1", "title", "hello world", "color", "a-b", "cs", "Big Y"},
		{"HSET", "d:2", "title", "moon", "color", "big y", "cs", "big y"},
	} {
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	return c, func(args ...any) string {
		args = append(append([]any{}, args...), "NOCONTENT", "DIALECT", "2")
		total, ks := ftKeys(t, c, args...)
		slices.Sort(ks)
		return itoa(total) + ":" + strings.Join(ks, ",")
	}
}

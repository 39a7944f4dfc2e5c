package node

import (
	"context"
	"slices"
	"testing"
)

// TestFTNestedFieldScopes: in DIALECT 1 (the default), a field scope
// inside another field's scope
// keeps only the fields both name, as RediSearch ANDs a clause's field
// mask with each scope around it: "@a|b:(@b|c:x)" looks in b alone,
// "@a:(@b:x)" nowhere (FT.EXPLAIN's "@NULL:", FT.PROFILE's EMPTY
// iterator); field names match in any case.
func TestFTNestedFieldScopes(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	do := func(args ...any) ([]any, error) { return c.Do(ctx, args...).Slice() }
	for _, args := range [][]any{
		{"FT.CREATE", "idx", "SCHEMA", "a", "TEXT", "b", "TEXT", "c", "TEXT"},
		{"HSET", "d:1", "a", "x"},
		{"HSET", "d:2", "b", "x"},
		{"HSET", "d:3", "c", "x", "a", "y"},
	} {
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"@a|b:(@b|c:x)", []string{"d:2"}},
		{"@a:(@b:x)", nil},
		{"@a|b:(@b:x | @c:x)", []string{"d:2"}},
		{"@a:(@A:x)", []string{"d:1"}},
		{"@a|b|c:(@b|c:(@c:x))", []string{"d:3"}},
		{"@a|b:(@b|c:(@c:x))", nil},
		{"@a|c:(y @c:x)", []string{"d:3"}},
		{"@a:(y @c:x)", nil},
		{"@b|c:(@a|b|c:x)", []string{"d:2", "d:3"}},
	} {
		n, keys := stopKeys(t, do, "idx", tc.query)
		if n != int64(len(tc.want)) || !slices.Equal(keys, tc.want) {
			t.Errorf("FT.SEARCH idx %q = %d %v, want %v", tc.query, n, keys, tc.want)
		}
	}
	for _, tc := range []struct{ query, want string }{
		{"@a|b:(@b|c:x)", "@b:x\n"},
		{"@a:(@b:x)", "@NULL:x\n"},
	} {
		got, err := c.Do(ctx, "FT.EXPLAIN", "idx", tc.query, "VERBATIM").Text()
		if err != nil || got != tc.want {
			t.Errorf("FT.EXPLAIN idx %q VERBATIM = %q, %v; want %q", tc.query, got, err, tc.want)
		}
	}
	// DIALECT 2 has no nested scopes: a field modifier inside one is a
	// syntax error (TestFTDialect2Refusals).
	if err := c.Do(ctx, "FT.EXPLAIN", "idx", "@a:(@b:x y)", "VERBATIM", "DIALECT", "2").Err(); err == nil ||
		err.Error() != "Syntax error at offset 4 near b" {
		t.Errorf("FT.EXPLAIN idx \"@a:(@b:x y)\" VERBATIM DIALECT 2: %v, want a syntax error at @b", err)
	}
	// DIALECT 1 (the default) scopes the run "x y" to b, then to a.
	if got, err := c.Do(ctx, "FT.EXPLAIN", "idx", "@a:(@b:x y)", "VERBATIM").Text(); err != nil ||
		got != "@NULL:INTERSECT {\n  @NULL:x\n  @NULL:y\n}\n" {
		t.Errorf("FT.EXPLAIN idx \"@a:(@b:x y)\" VERBATIM = %q, %v; want x and y in no field", got, err)
	}
	if got := profileIterators(t, do, "@a:(@b:x)"); !slices.Equal(got.([]any), []any{"Type", "EMPTY", "Counter", int64(0)}) {
		t.Errorf("FT.PROFILE @a:(@b:x) iterators = %v, want EMPTY", got)
	}
}

package node

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/vcache/vcache/internal/testutil"
)

// TestFTConfigExpansions: FT.CONFIG's MINPREFIX (default 2) and
// MAXEXPANSIONS (default 200, one value with MAXPREFIXEXPANSIONS) are
// settable and gettable as in RediSearch 2.8, and a query honours them:
// a prefix or suffix word shorter than MINPREFIX matches nothing (no
// error, as RediSearch), and a prefix, suffix or fuzzy term expands to
// at most MAXEXPANSIONS words, which FT.PROFILE shows with RediSearch's
// warning.
func TestFTConfigExpansions(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	do := func(args ...any) ([]any, error) { return c.Do(ctx, args...).Slice() }
	get := func(name string) any {
		t.Helper()
		res, err := do("FT.CONFIG", "GET", name)
		if err != nil || len(res) != 1 {
			t.Fatalf("FT.CONFIG GET %s = %v, %v", name, res, err)
		}
		return res[0]
	}
	set := func(name, value, wantErr string) {
		t.Helper()
		err := c.Do(ctx, "FT.CONFIG", "SET", name, value).Err()
		if wantErr == "" && err != nil || wantErr != "" && (err == nil || err.Error() != wantErr) {
			t.Errorf("FT.CONFIG SET %s %s: %v, want %q", name, value, err, wantErr)
		}
	}
	for name, want := range map[string]string{"MINPREFIX": "2", "MAXEXPANSIONS": "200", "MAXPREFIXEXPANSIONS": "200"} {
		if got := get(name); !reflect.DeepEqual(got, []any{name, want}) {
			t.Errorf("FT.CONFIG GET %s = %v, want [%s %s]", name, got, name, want)
		}
	}
	set("MINPREFIX", "0", "Bad arguments for MINPREFIX: Value is outside acceptable bounds")
	set("MAXEXPANSIONS", "0", "Bad arguments for MAXEXPANSIONS: Value is outside acceptable bounds")
	set("MAXPREFIXEXPANSIONS", "-1", "Bad arguments for MAXPREFIXEXPANSIONS: Value is outside acceptable bounds")
	set("MAXEXPANSIONS", "many", "Bad arguments for MAXEXPANSIONS: Could not convert argument to expected type")

	if err := c.Do(ctx, "FT.CREATE", "idx", "SCHEMA", "t", "TEXT", "u", "TEXT").Err(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10; i++ {
		if err := c.HSet(ctx, fmt.Sprintf("d:%d", i), "t", fmt.Sprintf("w%d", i), "u", fmt.Sprintf("v%d", i)).Err(); err != nil {
			t.Fatal(err)
		}
	}
	count := func(query string) int64 {
		t.Helper()
		res, err := do("FT.SEARCH", "idx", query, "NOCONTENT", "LIMIT", "0", "0")
		if err != nil {
			t.Fatalf("FT.SEARCH %q: %v", query, err)
		}
		agg, err := do("FT.AGGREGATE", "idx", query, "LIMIT", "0", "100")
		if err != nil || int64(len(agg)-1) != res[0].(int64) {
			t.Errorf("FT.AGGREGATE %q: %d rows, %v; FT.SEARCH counts %v", query, len(agg)-1, err, res[0])
		}
		return res[0].(int64)
	}
	type want struct {
		query string
		n     int64
	}
	check := func(stage string, cases []want) {
		t.Helper()
		for _, tc := range cases {
			if got := count(tc.query); got != tc.n {
				t.Errorf("%s: FT.SEARCH %q matches %d, want %d", stage, tc.query, got, tc.n)
			}
		}
	}
	check("defaults", []want{{"w*", 0}, {"*0", 0}, {"*w0*", 1}, {"w1*", 1}, {"%w1%", 10}, {"@u:w*", 0}})
	set("MINPREFIX", "1", "")
	check("MINPREFIX 1", []want{{"w*", 10}, {"*0", 1}, {"@t:*0", 1}, {"@u:w*", 0}, {"*1 | *2", 2}})
	set("MAXEXPANSIONS", "3", "")
	if got := get("MAXPREFIXEXPANSIONS"); !reflect.DeepEqual(got, []any{"MAXPREFIXEXPANSIONS", "3"}) {
		t.Errorf("FT.CONFIG GET MAXPREFIXEXPANSIONS after MAXEXPANSIONS 3 = %v", got)
	}
	// "%w1%" is v1, w0, w1 (of v1, w0..w9); "w* | *9" each expands on
	// its own.
	check("MAXEXPANSIONS 3", []want{{"w*", 3}, {"%w1%", 2}, {"@t:%w1%", 3}, {"*0", 1}, {"@t:*w*", 3}, {"w* | *9", 4}})
	reader := func(term string) []any {
		return []any{"Type", "TEXT", "Term", term, "Counter", int64(1), "Size", int64(1)}
	}
	if got, want := profileIterators(t, do, "w*"), []any{"Type", "UNION", "Query type", "PREFIX - w", "Counter", int64(3),
		"Warning", "Max prefix expansion reached", "Child iterators", reader("w0"), reader("w1"), reader("w2")}; !reflect.DeepEqual(got, want) {
		t.Errorf("FT.PROFILE w* iterators = %#v\nwant %#v", got, want)
	}
	if got, want := profileIterators(t, do, "%w1%"), []any{"Type", "UNION", "Query type", "FUZZY - w1", "Counter", int64(2),
		"Warning", "Max prefix expansion reached", "Child iterators", reader("v1"), reader("w0"), reader("w1")}; !reflect.DeepEqual(got, want) {
		t.Errorf("FT.PROFILE %%w1%% iterators = %#v\nwant %#v", got, want)
	}
	set("MAXPREFIXEXPANSIONS", "200", "")
	set("MINPREFIX", "3", "")
	check("MINPREFIX 3", []want{{"w1*", 0}, {"*w1", 0}, {"%w1%", 10}})
	if got := profileIterators(t, do, "w1*"); !reflect.DeepEqual(got, []any{"Type", "EMPTY", "Counter", int64(0)}) {
		t.Errorf("FT.PROFILE w1* under MINPREFIX 3 = %#v, want EMPTY", got)
	}
}

// TestFTContainsNeedsSuffixTrie: a suffix or infix term scoped to a TEXT
// field without WITHSUFFIXTRIE, in an index with a suffix trie, is
// RediSearch 2.8's error.
func TestFTContainsNeedsSuffixTrie(t *testing.T) {
	testutil.CheckFTContainsNoSuffixTrie(t, startNode(t, nil).addr, "cs")
}

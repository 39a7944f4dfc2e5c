package node

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestFTNumericRangeParams: @n:[$lo $hi] takes its bounds from PARAMS
// in FT.SEARCH and FT.AGGREGATE, with '(' exclusiveness and infinities
// as RediSearch 2.8 reads them, and its errors for a missing or
// non-numeric parameter.
func TestFTNumericRangeParams(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "key", "SCHEMA", "numval", "NUMERIC").Err(); err != nil {
		t.Fatal(err)
	}
	for i, v := range []string{"101", "102", "103", "104", "105"} {
		if err := c.HSet(ctx, "key"+string(rune('1'+i)), "numval", v).Err(); err != nil {
			t.Fatal(err)
		}
	}
	sorted := func(args ...any) string {
		args = append(args, "NOCONTENT", "SORTBY", "numval", "DIALECT", "2")
		total, keys := ftKeys(t, c, args...)
		return strings.Join(append([]string{itoa(total)}, keys...), ",")
	}
	cases := []struct {
		literal string
		query   string
		params  []any
		want    string
	}{
		{"@numval:[102 104]", "@numval:[$min $max]", []any{"min", "102", "max", "104"}, "3,key2,key3,key4"},
		{"@numval:[(102 104]", "@numval:[($min $max]", []any{"min", "102", "max", "104"}, "2,key3,key4"},
		{"@numval:[102 (104]", "@numval:[$min ($max]", []any{"min", "102", "max", "104"}, "2,key2,key3"},
		{"@numval:[(102 (104]", "@numval:[($min ($max]", []any{"min", "102", "max", "104"}, "1,key3"},
		{"@numval:[(102 +inf]", "@numval:[($min $max]", []any{"min", "102", "max", "+inf"}, "3,key3,key4,key5"},
		{"@numval:[(102 +inf]", "@numval:[($lo +inf]", []any{"lo", "102"}, "3,key3,key4,key5"},
		{"@numval:[-inf, (105]", "@numval:[$min ($max]", []any{"min", "-inf", "max", "105"}, "4,key1,key2,key3,key4"},
		{"@numval:[-inf 102]", "@numval:[-$min $max]", []any{"min", "inf", "max", "102"}, "2,key1,key2"},
		{"@numval:[-103 102]", "@numval:[-$min $max]", []any{"min", "103", "max", "102"}, "2,key1,key2"},
	}
	for _, tc := range cases {
		lit := sorted(tc.literal)
		if lit != tc.want {
			t.Fatalf("%s: %s, want %s", tc.literal, lit, tc.want)
		}
		args := append([]any{tc.query, "PARAMS", len(tc.params)}, tc.params...)
		if got := sorted(args...); got != tc.want {
			t.Fatalf("%s PARAMS %v: %s, want %s (as %s)", tc.query, tc.params, got, tc.want, tc.literal)
		}
	}
	// FT.AGGREGATE reads the same bounds.
	res, err := c.Do(ctx, "FT.AGGREGATE", "idx", "@numval:[($lo $hi]", "PARAMS", "4", "lo", "102", "hi", "104",
		"GROUPBY", "0", "REDUCE", "COUNT", "0", "AS", "n", "DIALECT", "2").Slice()
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || fmt.Sprint(res[1]) != "[n 2]" {
		t.Fatalf("FT.AGGREGATE count over ($lo $hi]: %v", res)
	}
	errs := []struct {
		args []any
		want string
	}{
		{[]any{"FT.SEARCH", "idx", "@numval:[$min $max]", "PARAMS", "2", "min", "1", "DIALECT", "2"}, "No such parameter `max`"},
		{[]any{"FT.SEARCH", "idx", "@numval:[$min 200]", "DIALECT", "2"}, "No such parameter `min`"},
		{[]any{"FT.SEARCH", "idx", "@numval:[$min $max]", "PARAMS", "4", "min", "abc", "max", "1", "DIALECT", "2"}, "Bad lower range: abc"},
		{[]any{"FT.SEARCH", "idx", "@numval:[$min $max]", "PARAMS", "4", "min", "102", "max", "-inf", "DIALECT", "2"}, "Bad upper range: -inf"},
		{[]any{"FT.SEARCH", "idx", "@numval:[$min $max]", "PARAMS", "4", "min", "+inf", "max", "1", "DIALECT", "2"}, "Bad lower range: +inf"},
		{[]any{"FT.SEARCH", "idx", "@numval:[$min $max]", "PARAMS", "4", "min", "1", "max", "1e999", "DIALECT", "2"}, "Bad upper range: 1e999"},
		{[]any{"FT.AGGREGATE", "idx", "@numval:[$min $max]", "PARAMS", "4", "min", "1", "max", "x1", "DIALECT", "2"}, "Bad upper range: x1"},
		{[]any{"FT.AGGREGATE", "idx", "@numval:[$lo 5]", "PARAMS", "2", "min", "1", "DIALECT", "2"}, "No such parameter `lo`"},
		// DIALECT 1 (the default) has no $parameters.
		{[]any{"FT.SEARCH", "idx", "@numval:[$min 200]", "PARAMS", "2", "min", "1"}, "Syntax error at offset 9 near min"},
		{[]any{"FT.AGGREGATE", "idx", "@numval:[($lo 5]", "PARAMS", "2", "lo", "1"}, "Syntax error at offset 10 near lo"},
	}
	for _, e := range errs {
		err := c.Do(ctx, e.args...).Err()
		if err == nil || err.Error() != e.want {
			t.Fatalf("%v: error %v, want %q", e.args, err, e.want)
		}
	}
	// The server still answers after the errors.
	if got := sorted("@numval:[$a $a]", "PARAMS", "2", "a", "105"); got != "1,key5" {
		t.Fatalf("[$a $a]: %s", got)
	}
}

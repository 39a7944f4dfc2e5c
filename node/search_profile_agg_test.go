package node

import (
	"context"
	"fmt"
	"testing"
)

// TestFTProfileAggregate: FT.PROFILE idx AGGREGATE QUERY ... answers
// FT.AGGREGATE's reply and then the profile, each result processor
// counting the rows that leave it.
func TestFTProfileAggregate(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA", "n", "NUMERIC", "SORTABLE", "k", "TAG").Err(); err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		c.HSet(ctx, fmt.Sprintf("d:%d", i), "n", i, "k", []string{"a", "b", "c"}[i%3])
	}
	agg := []any{"@n:[10 +inf]", "GROUPBY", "1", "@k", "REDUCE", "COUNT", "0", "AS", "c", "SORTBY", "2", "@k", "ASC", "LIMIT", "0", "2"}
	want, err := c.Do(ctx, append([]any{"FT.AGGREGATE", "idx"}, agg...)...).Slice()
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Do(ctx, append([]any{"FT.PROFILE", "idx", "AGGREGATE", "QUERY"}, agg...)...).Slice()
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || fmt.Sprint(res[0]) != fmt.Sprint(want) {
		t.Fatalf("results %v, want FT.AGGREGATE's %v", res[0], want)
	}
	prof := res[1].([]any)
	if len(prof) != 5 || fmt.Sprint(prof[0].([]any)[0]) != "Total profile time" || fmt.Sprint(prof[3].([]any)[0]) != "Iterators profile" {
		t.Fatalf("profile %v", prof)
	}
	iter := prof[3].([]any)[1].([]any)
	if fmt.Sprint(iter[:2]) != "[Type NUMERIC]" || iter[len(iter)-1] != int64(20) {
		t.Fatalf("iterators profile %v", iter)
	}
	procs := prof[4].([]any)
	var got []string
	for _, p := range procs[1:] {
		f := p.([]any)
		got = append(got, fmt.Sprint(f[1], "=", f[5]))
	}
	if fmt.Sprint(got) != "[Index=20 Grouper=3 Sorter=2]" {
		t.Fatalf("result processors %v", got)
	}
	// LIMITED is accepted; a cursor is not; errors as for SEARCH.
	if _, err := c.Do(ctx, "FT.PROFILE", "idx", "AGGREGATE", "LIMITED", "QUERY", "*").Slice(); err != nil {
		t.Fatal(err)
	}
	for args, want := range map[string][]any{
		"The QUERY keyword is expected":      {"FT.PROFILE", "idx", "AGGREGATE", "LIMITED", "*"},
		"FT.PROFILE does not support cursor": {"FT.PROFILE", "idx", "AGGREGATE", "QUERY", "*", "WITHCURSOR"},
		"nosuch: no such index":              {"FT.PROFILE", "nosuch", "AGGREGATE", "QUERY", "*"},
	} {
		if err := c.Do(ctx, want...).Err(); err == nil || err.Error() != args {
			t.Errorf("%v: %v, want %q", want, err, args)
		}
	}
}

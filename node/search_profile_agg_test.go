package node

import (
	"context"
	"fmt"
	"testing"

	"github.com/vcache/vcache/internal/testutil"
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

// TestFTProfileResp3: to a RESP3 client FT.PROFILE answers RediSearch's
// map {"Results": the FT.SEARCH or FT.AGGREGATE map, "Profile": map},
// times as doubles, iterators and result processors as maps.
func TestFTProfileResp3(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA", "n", "NUMERIC", "SORTABLE", "k", "TAG").Err(); err != nil {
		t.Fatal(err)
	}
	for i := range 12 {
		c.HSet(ctx, fmt.Sprintf("d:%d", i), "n", i, "k", []string{"a", "b"}[i%2])
	}
	c3 := jsonClients(t, tn)["resp3"]
	for _, tc := range []struct {
		kind  string
		args  []any
		total int64
		procs string
	}{
		{"SEARCH", []any{"@k:{a} @n:[4 +inf]", "SORTBY", "n", "WITHSCORES"}, 4, "[Index Scorer Sorter Loader]"},
		{"AGGREGATE", []any{"@n:[(5 +inf]", "GROUPBY", "1", "@k", "REDUCE", "COUNT", "0", "AS", "c"}, 2, "[Index Grouper]"},
	} {
		want, err := c3.Do(ctx, append([]any{"FT." + tc.kind, "idx"}, tc.args...)...).Result()
		if err != nil {
			t.Fatal(err)
		}
		v, err := c3.Do(ctx, append([]any{"FT.PROFILE", "idx", tc.kind, "QUERY"}, tc.args...)...).Result()
		if err != nil {
			t.Fatal(err)
		}
		m, ok := v.(map[any]any)
		if !ok || len(m) != 2 {
			t.Fatalf("%s: RESP3 FT.PROFILE %#v", tc.kind, v)
		}
		res, ok := m["Results"].(map[any]any)
		if !ok || fmt.Sprint(res) != fmt.Sprint(want) || res["total_results"] != tc.total {
			t.Fatalf("%s: Results %#v\nwant FT.%s's %#v", tc.kind, m["Results"], tc.kind, want)
		}
		prof, ok := m["Profile"].(map[any]any)
		if !ok {
			t.Fatalf("%s: Profile %#v", tc.kind, m["Profile"])
		}
		if _, ok := prof["Total profile time"].(float64); !ok {
			t.Fatalf("%s: Total profile time %#v", tc.kind, prof["Total profile time"])
		}
		iters, ok := prof["Iterators profile"].([]any)
		if !ok || len(iters) != 1 {
			t.Fatalf("%s: Iterators profile %#v", tc.kind, prof["Iterators profile"])
		}
		root := iters[0].(map[any]any)
		if _, ok := root["Time"].(float64); !ok || root["Type"] == nil {
			t.Fatalf("%s: iterator %#v", tc.kind, root)
		}
		var procs []string
		for _, p := range prof["Result processors profile"].([]any) {
			pm := p.(map[any]any)
			if _, ok := pm["Counter"].(int64); !ok {
				t.Fatalf("%s: processor %#v", tc.kind, pm)
			}
			procs = append(procs, fmt.Sprint(pm["Type"]))
		}
		if fmt.Sprint(procs) != tc.procs {
			t.Fatalf("%s: processors %v, want %s", tc.kind, procs, tc.procs)
		}
	}
	// The AND of two clauses: the root iterator's children are maps too.
	v, err := c3.Do(ctx, "FT.PROFILE", "idx", "SEARCH", "QUERY", "@k:{a} @n:[4 +inf]", "NOCONTENT").Result()
	if err != nil {
		t.Fatal(err)
	}
	root := v.(map[any]any)["Profile"].(map[any]any)["Iterators profile"].([]any)[0].(map[any]any)
	kids, ok := root["Child iterators"].([]any)
	if root["Type"] != "INTERSECT" || !ok || len(kids) != 2 || kids[0].(map[any]any)["Type"] != "TAG" || kids[1].(map[any]any)["Counter"] != int64(8) {
		t.Fatalf("INTERSECT iterator %#v", root)
	}
}

// TestFTProfileLimited: FT.PROFILE SEARCH [LIMITED] on a node
// (testutil.CheckFTProfileLimited; cmd/vcache runs it through the
// proxy).
func TestFTProfileLimited(t *testing.T) {
	testutil.CheckFTProfileLimited(t, startNode(t, nil).addr, "prof")
}

package testutil

import (
	"context"
	"testing"
)

// CheckFTExpandDialect checks, through addr (a node, or the proxy over
// several), that FORMAT EXPAND reads the query in the client's dialect:
// DEFAULT_DIALECT (1) when it names none, so "(*)" is DIALECT 1's syntax
// error there and in DIALECT 1, and every document in DIALECT 3; and that
// a DIALECT below 3 after FORMAT EXPAND is RediSearch 2.8's error. The
// index is prefix, ON JSON over FTJSONDocs.
func CheckFTExpandDialect(t *testing.T, addr, prefix string) {
	t.Helper()
	ctx := context.Background()
	c2, c3 := protoClients(t, addr)
	createFTJSON(t, c2, prefix)
	const v1Error = "Syntax error at offset 1 near "
	for _, args := range [][]any{
		{"FT.SEARCH", prefix, "(*)", "FORMAT", "EXPAND"},
		{"FT.SEARCH", prefix, "(*)", "FORMAT", "EXPAND", "DIALECT", "1"},
		{"FT.SEARCH", prefix, "(*)", "DIALECT", "2", "FORMAT", "EXPAND", "DIALECT", "1"},
		{"FT.AGGREGATE", prefix, "(*)", "LOAD", "1", "@num", "FORMAT", "EXPAND"},
		{"FT.AGGREGATE", prefix, "(*)", "LOAD", "1", "@num", "FORMAT", "EXPAND", "WITHCURSOR", "COUNT", "1"},
	} {
		want := v1Error
		if args[len(args)-2] == "DIALECT" {
			want = "EXPAND format requires dialect 3 or greater"
		}
		if err := c3.Do(ctx, args...).Err(); err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %q", args, err, want)
		}
	}
	// A DIALECT before FORMAT EXPAND is not checked: its grammar reads
	// the query.
	if err := c3.Do(ctx, "FT.SEARCH", prefix, "(*)", "DIALECT", "1", "FORMAT", "EXPAND").Err(); err == nil || err.Error() != v1Error {
		t.Errorf("DIALECT 1 FORMAT EXPAND: %v, want %q", err, v1Error)
	}
	for _, args := range [][]any{
		{"FT.SEARCH", prefix, "(*)", "FORMAT", "EXPAND", "DIALECT", "3"},
		{"FT.SEARCH", prefix, "(*)", "DIALECT", "2", "FORMAT", "EXPAND"},
	} {
		res, err := c3.Do(ctx, args...).Result()
		m, _ := res.(map[any]any)
		if err != nil || m["total_results"] != int64(len(FTJSONDocs)) {
			t.Errorf("%q = %#v, %v; want %d results", args, res, err, len(FTJSONDocs))
		}
	}
	res, err := c3.Do(ctx, "FT.AGGREGATE", prefix, "(*)", "LOAD", "1", "@num", "FORMAT", "EXPAND", "DIALECT", "3").Result()
	if m, _ := res.(map[any]any); err != nil || m["total_results"] == nil {
		t.Errorf("FT.AGGREGATE (*) FORMAT EXPAND DIALECT 3 = %#v, %v", res, err)
	}
}

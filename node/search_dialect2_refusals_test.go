package node

import (
	"context"
	"testing"
)

// TestFTDialect2Refusals: DIALECT 2 refuses what RediSearch 2.8's
// DIALECT 2 grammar refuses, in FT.SEARCH, FT.AGGREGATE and FT.EXPLAIN:
// a field modifier where only text may stand (inside "@f:(...)", right
// after "@f:"), a bare * but as the whole query, and a KNN clause after
// clauses side by side, joined by | or under - or ~ (RediSearch's
// test_parser.py test_modifier_v2 and test_dialect.py check that these
// fail; the offsets and texts follow from its lexer and grammar).
// Parenthesized, the KNN query runs.
func TestFTDialect2Refusals(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	for _, args := range [][]any{
		{"FT.CREATE", "idx", "SCHEMA", "t1", "TEXT", "NOSTEM", "title", "TEXT", "num", "NUMERIC",
			"v", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2"},
		{"HSET", "d:1", "t1", "hello world", "title", "a", "num", "5", "v", blob32(0, 0)},
		{"HSET", "d:2", "t1", "hello", "title", "b", "num", "50", "v", blob32(1, 0)},
	} {
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	blob := blob32(0, 0)
	for _, tc := range []struct{ query, want string }{
		{"@title:(@num:[0 10])", "Syntax error at offset 8 near num"},
		{"@title:@num:[0 10]", "Syntax error at offset 7 near num"},
		{"@t1:(hello -@title:a)", "Syntax error at offset 12 near title"},
		{"@t1:hello world=>[KNN 10 @v $B]", "Syntax error at offset 17 near >["},
		{"@t1:hello | @title:a=>[KNN 10 @v $B]", "Syntax error at offset 22 near >["},
		{"-@title:b=>[KNN 10 @v $B]", "Syntax error at offset 11 near >["},
		// A bare * stands only as the whole query ("*", "(*)").
		{"@t1:(*)", "Syntax error at offset 5 near t1"},
		{"hello * world", "Syntax error at offset 6 near hello"},
		{"* hello", "Syntax error at offset 2 near hello"},
		{"(*) | -hello", "Syntax error at offset 4 near "},
	} {
		for _, cmd := range [][]any{
			{"FT.SEARCH", "idx", tc.query, "PARAMS", "2", "B", blob, "DIALECT", "2"},
			{"FT.AGGREGATE", "idx", tc.query, "PARAMS", "2", "B", blob, "DIALECT", "2"},
			{"FT.EXPLAIN", "idx", tc.query, "PARAMS", "2", "B", blob, "DIALECT", "2"},
		} {
			if err := c.Do(ctx, cmd...).Err(); err == nil || err.Error() != tc.want {
				t.Errorf("%s %q: %v, want %q", cmd[0], tc.query, err, tc.want)
			}
		}
	}
	// DIALECT 1 reads the nested scopes.
	for _, q := range []string{"@title:(@num:[0 10])", "@title:@num:[0 10]", "@t1:(hello -@title:a)"} {
		if err := c.Do(ctx, "FT.SEARCH", "idx", q, "DIALECT", "1").Err(); err != nil {
			t.Errorf("FT.SEARCH %q DIALECT 1: %v", q, err)
		}
	}
	if n, err := c.Do(ctx, "FT.SEARCH", "idx", "((*))", "NOCONTENT", "DIALECT", "2").Slice(); err != nil || len(n) != 3 || n[0] != int64(2) {
		t.Errorf("FT.SEARCH ((*)): %v, %v; want both documents", n, err)
	}
	// test_modifier_v2's plan of the parenthesized query.
	plan, err := c.Do(ctx, "FT.EXPLAIN", "idx", "@t1:(hello world)=>[KNN 10 @v $B]", "PARAMS", "2", "B", "#blob#", "DIALECT", "2").Text()
	want := "VECTOR {\n  @t1:INTERSECT {\n    @t1:hello\n    @t1:world\n  }\n} => {K=10 nearest vectors to `$B` in vector index associated with field @v, yields distance as `__v_score`}\n"
	if err != nil || plan != want {
		t.Errorf("FT.EXPLAIN @t1:(hello world)=>[KNN]:\n got %q, %v\nwant %q", plan, err, want)
	}
	res, err := c.Do(ctx, "FT.SEARCH", "idx", "@t1:(hello world)=>[KNN 10 @v $B]", "PARAMS", "2", "B", blob, "NOCONTENT", "DIALECT", "2").Slice()
	if err != nil || len(res) != 2 || res[0] != int64(1) || res[1] != "d:1" {
		t.Errorf("FT.SEARCH @t1:(hello world)=>[KNN]: %v, %v; want d:1", res, err)
	}
}

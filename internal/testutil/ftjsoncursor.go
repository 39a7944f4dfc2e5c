package testutil

import (
	"context"
	"reflect"
	"testing"
)

// CheckFTJSONCursorExpand creates an index ON JSON named prefix over
// prefix:1..3 (FTJSONDocs) at addr and reads FT.AGGREGATE ... FORMAT
// EXPAND WITHCURSOR COUNT 1 to its end over RESP3: as in RediSearch 2.8,
// where a cursor keeps its request's format, every FT.CURSOR READ answers
// its row in the first batch's shape (each value a native RESP3 structure
// of every match, the result map saying "EXPAND"), and the last read
// answers cursor 0. A RESP2 read of such a cursor answers the JSON texts.
func CheckFTJSONCursorExpand(t *testing.T, addr, prefix string) {
	t.Helper()
	ctx := context.Background()
	c2, c3 := protoClients(t, addr)
	createFTJSON(t, c2, prefix)
	batch := func(num int64, str string, arr ...any) map[any]any {
		row := map[any]any{"num": []any{num}, "str": []any{str}, "arr": []any{arr}}
		return map[any]any{"attributes": []any{}, "format": "EXPAND", "total_results": int64(3), "warning": []any{},
			"results": []any{map[any]any{"extra_attributes": row, "values": []any{}}}}
	}
	want := []map[any]any{
		batch(1, "foo", int64(1), 2.1, 3.14),
		batch(2, "bar", int64(3), int64(4), nil),
		batch(3, "baaz", int64(5), int64(6), int64(7)),
	}
	got, err := c3.Do(ctx, "FT.AGGREGATE", prefix, "*", "LOAD", "3", "@num", "@str", "@arr",
		"SORTBY", "2", "@num", "ASC", "FORMAT", "EXPAND", "WITHCURSOR", "COUNT", "1").Result()
	for i := range want {
		if err != nil {
			t.Fatalf("batch %d: %v", i+1, err)
		}
		pair, ok := got.([]any)
		if !ok || len(pair) != 2 {
			t.Fatalf("batch %d = %#v, want [results, cursor]", i+1, got)
		}
		if !reflect.DeepEqual(pair[0], want[i]) {
			t.Errorf("batch %d:\n got %#v\nwant %#v", i+1, pair[0], want[i])
		}
		id, _ := pair[1].(int64)
		if last := i == len(want)-1; last != (id == 0) {
			t.Fatalf("batch %d: cursor %#v", i+1, pair[1])
		}
		if id != 0 {
			got, err = c3.Do(ctx, "FT.CURSOR", "READ", prefix, id).Result()
		}
	}

	// The first batch over RESP3, the rest read over RESP2: the rows'
	// JSON texts of every match.
	got, err = c3.Do(ctx, "FT.AGGREGATE", prefix, "*", "LOAD", "1", "@num", "SORTBY", "2", "@num", "ASC",
		"FORMAT", "EXPAND", "WITHCURSOR", "COUNT", "2").Result()
	pair, ok := got.([]any)
	if err != nil || !ok || len(pair) != 2 {
		t.Fatalf("FT.AGGREGATE WITHCURSOR COUNT 2 = %#v, %v", got, err)
	}
	v, err := c2.Do(ctx, "FT.CURSOR", "READ", prefix, pair[1]).Result()
	if wantV := []any{[]any{int64(3), []any{"num", "[3]"}}, int64(0)}; err != nil || !reflect.DeepEqual(v, wantV) {
		t.Errorf("RESP2 FT.CURSOR READ of an EXPAND cursor = %#v, %v; want %#v", v, err, wantV)
	}
}

package testutil

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// FTJSONDocs are the JSON documents CheckFTJSONReturn indexes (those of
// RediSearch 2.8's tests of FORMAT EXPAND), by key suffix.
var FTJSONDocs = []string{
	`{"arr":[1.0,2.1,3.14],"num":1,"str":"foo","sub":{"s1":false},"sub2":{"arr":[10,20,33.33]},"empty_arr":[],"empty_obj":{}}`,
	`{"arr":[3,4,null],"num":2,"str":"bar","sub":{"s2":true},"sub2":{"arr":[40,50,66.66]},"empty_arr":[],"empty_obj":{}}`,
	`{"arr":[5,6,7],"num":3,"str":"baaz","sub":{"s3":false},"sub2":{"arr":[70,80,99.99]},"empty_arr":[],"empty_obj":{}}`,
}

// CheckFTJSONReturn creates an index ON JSON named prefix over prefix:1..3
// at addr and checks, as RediSearch 2.8 replies them: RETURN of JSONPaths
// the schema lacks and of "$", first matches (DIALECT 1 and 2) and every
// match (DIALECT 3), the SORTBY field before "$", and FORMAT EXPAND's
// RESP3 structures for FT.SEARCH and FT.AGGREGATE (which computes with
// the first match), with its errors (RESP2, a hash index).
func CheckFTJSONReturn(t *testing.T, addr, prefix string) {
	t.Helper()
	ctx := context.Background()
	c2, c3 := protoClients(t, addr)
	createFTJSON(t, c2, prefix, "$..arr[*]", "AS", "multi", "NUMERIC")
	if err := c2.Do(ctx, "FT.CREATE", prefix+"h", "ON", "HASH", "PREFIX", "1", prefix+"h:", "SCHEMA", "num", "NUMERIC").Err(); err != nil {
		t.Fatal(err)
	}
	k1, k2 := prefix+":1", prefix+":2"
	check := func(what string, c *redis.Client, want any, args ...any) {
		t.Helper()
		got, err := c.Do(ctx, append([]any{"FT.SEARCH", prefix, "*"}, args...)...).Result()
		if err != nil {
			got = "error: " + err.Error()
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: FT.SEARCH %v\n got %#v\nwant %#v", what, args, got, want)
		}
	}
	page := []any{"SORTBY", "num", "LIMIT", "0", "2"}
	with := func(args ...any) []any { return append(append([]any(nil), page...), args...) }
	ret := []any{"RETURN", "6", "$.arr[?(@>2)]", "str", "multi", "arr", "empty_arr", "empty_obj"}

	check("default fields", c2, []any{int64(3),
		k1, []any{"num", "1", "$", FTJSONDocs[0]},
		k2, []any{"num", "2", "$", FTJSONDocs[1]}}, with()...)
	check("RETURN paths, first match", c2, []any{int64(3),
		k1, []any{"$.arr[?(@>2)]", "2.1", "str", "foo", "multi", "1", "arr", "[1.0,2.1,3.14]"},
		k2, []any{"$.arr[?(@>2)]", "3", "str", "bar", "multi", "3", "arr", "[3,4,null]"}}, with(ret...)...)
	check("RETURN paths, every match", c2, []any{int64(3),
		k1, []any{"$.arr[?(@>2)]", "[2.1,3.14]", "str", `["foo"]`, "multi", "[1.0,2.1,3.14,10,20,33.33]", "arr", "[[1.0,2.1,3.14]]"},
		k2, []any{"$.arr[?(@>2)]", "[3,4]", "str", `["bar"]`, "multi", "[3,4,null,40,50,66.66]", "arr", "[[3,4,null]]"}},
		with(append(ret, "DIALECT", "3")...)...)
	check("RETURN $ AS and nested paths", c2, []any{int64(3),
		k1, []any{"doc", FTJSONDocs[0], "$.sub", `{"s1":false}`, "s1", "0", "n", "1"},
		k2, []any{"doc", FTJSONDocs[1], "$.sub", `{"s2":true}`, "n", "2"}},
		with("RETURN", "10", "$", "AS", "doc", "$.sub", "$.sub.s1", "AS", "s1", "$.num", "AS", "n")...)
	check("RETURN $ with DIALECT 3", c2, []any{int64(3),
		k1, []any{"$", "[" + FTJSONDocs[0] + "]"}, k2, []any{"$", "[" + FTJSONDocs[1] + "]"}},
		with("RETURN", "1", "$", "DIALECT", "3")...)
	check("EXPAND in RESP2", c2, "error: EXPAND format is only supported with RESP3", with("FORMAT", "EXPAND")...)

	results := func(format string, attrs ...map[any]any) map[any]any {
		var res []any
		for i, a := range attrs {
			res = append(res, map[any]any{"id": fmt.Sprintf("%s:%d", prefix, i+1), "extra_attributes": a, "values": []any{}})
		}
		return map[any]any{"attributes": []any{}, "format": format, "results": res, "total_results": int64(3), "warning": []any{}}
	}
	doc := func(arr []any, num int64, str, sub string, subv int64, arr2 []any) map[any]any {
		return map[any]any{"arr": arr, "num": num, "str": str, "sub": map[any]any{sub: subv},
			"sub2": map[any]any{"arr": arr2}, "empty_arr": []any{}, "empty_obj": map[any]any{}}
	}
	doc1 := doc([]any{int64(1), 2.1, 3.14}, 1, "foo", "s1", 0, []any{int64(10), int64(20), 33.33})
	doc2 := doc([]any{int64(3), int64(4), nil}, 2, "bar", "s2", 1, []any{int64(40), int64(50), 66.66})
	check("FORMAT STRING in RESP3", c3, results("STRING",
		map[any]any{"num": "1", "$": FTJSONDocs[0]}, map[any]any{"num": "2", "$": FTJSONDocs[1]}), with("FORMAT", "STRING")...)
	check("FORMAT EXPAND, whole documents", c3, results("EXPAND",
		map[any]any{"num": []any{int64(1)}, "$": []any{doc1}}, map[any]any{"num": []any{int64(2)}, "$": []any{doc2}}),
		with("FORMAT", "EXPAND")...)
	check("FORMAT EXPAND, RETURN", c3, results("EXPAND",
		map[any]any{"$.arr[?(@>2)]": []any{2.1, 3.14}, "str": []any{"foo"},
			"multi": []any{int64(1), 2.1, 3.14, int64(10), int64(20), 33.33}, "arr": []any{[]any{int64(1), 2.1, 3.14}}},
		map[any]any{"$.arr[?(@>2)]": []any{int64(3), int64(4)}, "str": []any{"bar"},
			"multi": []any{int64(3), int64(4), nil, int64(40), int64(50), 66.66}, "arr": []any{[]any{int64(3), int64(4), nil}}}),
		with(append(ret, "FORMAT", "EXPAND", "DIALECT", "3")...)...)

	agg := func(what string, c *redis.Client, want any, args ...any) {
		t.Helper()
		got, err := c.Do(ctx, append([]any{"FT.AGGREGATE", prefix, "*"}, args...)...).Result()
		if err != nil {
			got = "error: " + err.Error()
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: FT.AGGREGATE %v\n got %#v\nwant %#v", what, args, got, want)
		}
	}
	load := []any{"LOAD", "6", "$.arr[?(@>2)]", "str", "multi", "arr", "empty_arr", "empty_obj", "SORTBY", "2", "@str", "DESC", "LIMIT", "0", "2"}
	agg("LOAD paths, first match", c2, []any{int64(3),
		[]any{"$.arr[?(@>2)]", "2.1", "str", "foo", "multi", "1", "arr", "[1.0,2.1,3.14]"},
		[]any{"$.arr[?(@>2)]", "3", "str", "bar", "multi", "3", "arr", "[3,4,null]"}}, load...)
	agg("LOAD paths, every match", c2, []any{int64(3),
		[]any{"$.arr[?(@>2)]", "[2.1,3.14]", "str", `["foo"]`, "multi", "[1.0,2.1,3.14,10,20,33.33]", "arr", "[[1.0,2.1,3.14]]"},
		[]any{"$.arr[?(@>2)]", "[3,4]", "str", `["bar"]`, "multi", "[3,4,null,40,50,66.66]", "arr", "[[3,4,null]]"}},
		append(load, "DIALECT", "3")...)
	agg("LOAD * of a JSON index", c2, []any{int64(3), []any{"$", FTJSONDocs[0], "num", "1"}, []any{"$", FTJSONDocs[1], "num", "2"}},
		"LOAD", "*", "SORTBY", "2", "@num", "ASC", "LIMIT", "0", "2")
	agg("EXPAND in RESP2", c2, "error: EXPAND format is only supported with RESP3", "FORMAT", "EXPAND")
	rows := func(format string, attrs ...map[any]any) map[any]any {
		var res []any
		for _, a := range attrs {
			res = append(res, map[any]any{"extra_attributes": a, "values": []any{}})
		}
		return map[any]any{"attributes": []any{}, "format": format, "results": res, "total_results": int64(3), "warning": []any{}}
	}
	agg("FORMAT EXPAND, LOAD *", c3, rows("EXPAND",
		map[any]any{"num": []any{int64(1)}, "$": []any{doc1}}, map[any]any{"num": []any{int64(2)}, "$": []any{doc2}}),
		"LOAD", "*", "SORTBY", "2", "@num", "ASC", "LIMIT", "0", "2", "FORMAT", "EXPAND")
	agg("FORMAT EXPAND, LOAD paths", c3, rows("EXPAND",
		map[any]any{"$.arr[?(@>2)]": []any{2.1, 3.14}, "str": []any{"foo"},
			"multi": []any{int64(1), 2.1, 3.14, int64(10), int64(20), 33.33}, "arr": []any{[]any{int64(1), 2.1, 3.14}}},
		map[any]any{"$.arr[?(@>2)]": []any{int64(3), int64(4)}, "str": []any{"bar"},
			"multi": []any{int64(3), int64(4), nil, int64(40), int64(50), 66.66}, "arr": []any{[]any{int64(3), int64(4), nil}}}),
		append(load, "FORMAT", "EXPAND")...)
	agg("FORMAT EXPAND sorts by the first match", c3, rows("EXPAND",
		map[any]any{"multi": []any{int64(5), int64(6), int64(7), int64(70), int64(80), 99.99}},
		map[any]any{"multi": []any{int64(3), int64(4), nil, int64(40), int64(50), 66.66}}),
		"LOAD", "1", "multi", "SORTBY", "2", "@multi", "DESC", "LIMIT", "0", "2", "FORMAT", "EXPAND")

	got, err := c3.Do(ctx, "FT.SEARCH", prefix+"h", "*", "FORMAT", "EXPAND").Result()
	if err == nil || !strings.Contains(err.Error(), "EXPAND format is only supported with JSON") {
		t.Errorf("FORMAT EXPAND on a hash index = %#v, %v; want RediSearch's error", got, err)
	}
	got, err = c3.Do(ctx, "FT.AGGREGATE", prefix+"h", "*", "FORMAT", "EXPAND").Result()
	if err == nil || !strings.Contains(err.Error(), "EXPAND format is only supported with JSON") {
		t.Errorf("FT.AGGREGATE FORMAT EXPAND on a hash index = %#v, %v; want RediSearch's error", got, err)
	}
}

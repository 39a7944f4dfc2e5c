package testutil

import (
	"context"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"
)

// CheckFTResp3 creates an index over prefix (also its name) at addr and
// checks FT.SEARCH, FT.AGGREGATE and FT.CURSOR READ replies through
// go-redis: RediSearch's result maps in RESP3 (go-redis hands them over
// raw with UnstableResp3), the flat arrays in RESP2.
func CheckFTResp3(t *testing.T, addr, prefix string) {
	t.Helper()
	ctx := context.Background()
	c2, c3 := protoClients(t, addr)
	if err := c2.Do(ctx, "FT.CREATE", prefix, "ON", "HASH", "PREFIX", "1", prefix+":", "SCHEMA",
		"t", "TEXT", "n", "NUMERIC", "SORTABLE").Err(); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		if err := c2.HSet(ctx, fmt.Sprintf("%s:%d", prefix, i), "t", "hello", "n", i).Err(); err != nil {
			t.Fatal(err)
		}
	}

	v, err := c3.Do(ctx, "FT.SEARCH", prefix, "hello", "SORTBY", "n", "LIMIT", "0", "2").Result()
	if err != nil {
		t.Fatal(err)
	}
	m, ok := v.(map[any]any)
	if !ok || m["total_results"] != int64(3) || m["format"] != "STRING" || fmt.Sprint(m["attributes"], m["warning"]) != "[] []" {
		t.Fatalf("RESP3 FT.SEARCH = %#v, want RediSearch's map with total_results 3", v)
	}
	res, _ := m["results"].([]any)
	if len(res) != 2 {
		t.Fatalf("RESP3 FT.SEARCH results = %#v, want 2", m["results"])
	}
	first, _ := res[0].(map[any]any)
	attrs, _ := first["extra_attributes"].(map[any]any)
	if first["id"] != prefix+":1" || attrs["t"] != "hello" || attrs["n"] != "1" || fmt.Sprint(first["values"]) != "[]" {
		t.Errorf("RESP3 FT.SEARCH first result = %#v", res[0])
	}

	v, err = c3.Do(ctx, "FT.SEARCH", prefix, "hello", "WITHSCORES", "NOCONTENT", "SORTBY", "n", "DESC").Result()
	if err != nil {
		t.Fatal(err)
	}
	m, _ = v.(map[any]any)
	res, _ = m["results"].([]any)
	if len(res) != 3 {
		t.Fatalf("RESP3 FT.SEARCH WITHSCORES NOCONTENT = %#v", v)
	}
	first, _ = res[0].(map[any]any)
	if _, isFloat := first["score"].(float64); !isFloat || first["id"] != prefix+":3" || first["extra_attributes"] != nil {
		t.Errorf("RESP3 FT.SEARCH WITHSCORES NOCONTENT first result = %#v, want id, a double score, no attributes", res[0])
	}

	v, err = c3.Do(ctx, "FT.AGGREGATE", prefix, "*", "LOAD", "1", "@n", "SORTBY", "2", "@n", "ASC", "WITHCURSOR", "COUNT", "2").Result()
	if err != nil {
		t.Fatal(err)
	}
	pair, _ := v.([]any)
	if len(pair) != 2 {
		t.Fatalf("RESP3 FT.AGGREGATE WITHCURSOR = %#v, want [map, cursor]", v)
	}
	m, _ = pair[0].(map[any]any)
	res, _ = m["results"].([]any)
	cursor, _ := pair[1].(int64)
	if len(res) != 2 || cursor == 0 {
		t.Fatalf("RESP3 FT.AGGREGATE WITHCURSOR COUNT 2 = %#v", v)
	}
	if row, _ := res[0].(map[any]any); fmt.Sprint(row["extra_attributes"]) != "map[n:1]" {
		t.Errorf("RESP3 FT.AGGREGATE first row = %#v", res[0])
	}
	v, err = c3.Do(ctx, "FT.CURSOR", "READ", prefix, cursor).Result()
	if err != nil {
		t.Fatal(err)
	}
	pair, _ = v.([]any)
	if len(pair) != 2 {
		t.Fatalf("RESP3 FT.CURSOR READ = %#v", v)
	}
	m, _ = pair[0].(map[any]any)
	if res, _ = m["results"].([]any); len(res) != 1 || pair[1] != int64(0) {
		t.Errorf("RESP3 FT.CURSOR READ = %#v, want the last row and cursor 0", v)
	}

	// RESP2 keeps the flat arrays, and errors stay errors in both.
	a, err := c2.Do(ctx, "FT.SEARCH", prefix, "hello", "NOCONTENT", "SORTBY", "n").Slice()
	if err != nil || fmt.Sprint(a) != fmt.Sprintf("[3 %[1]s:1 %[1]s:2 %[1]s:3]", prefix) {
		t.Errorf("RESP2 FT.SEARCH NOCONTENT = %v, %v", a, err)
	}
	for _, c := range []*redis.Client{c2, c3} {
		if err := c.Do(ctx, "FT.SEARCH", prefix+"-none", "hello").Err(); err == nil {
			t.Errorf("FT.SEARCH of an unknown index: no error")
		}
	}
}

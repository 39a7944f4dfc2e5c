package node

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
)

// loadShop creates idx over p:* with n products: brand b<i%4>, price i,
// title "item <i>".
func loadShop(t *testing.T, c *redis.Client, n int) {
	t.Helper()
	ctx := context.Background()
	if err := c.Do(ctx, "FT.CREATE", "shop", "ON", "HASH", "PREFIX", "1", "p:", "SCHEMA",
		"brand", "TAG", "price", "NUMERIC", "SORTABLE", "title", "TEXT").Err(); err != nil {
		t.Fatal(err)
	}
	pipe := c.Pipeline()
	for i := 0; i < n; i++ {
		pipe.HSet(ctx, fmt.Sprintf("p:%d", i), "brand", fmt.Sprintf("b%d", i%4), "price", i, "title", fmt.Sprintf("item %d", i))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestAggregateGoRedisGroupBy(t *testing.T) {
	c := startNode(t, nil).client2(t)
	loadShop(t, c, 20)
	ctx := context.Background()
	res, err := c.FTAggregateWithArgs(ctx, "shop", "*", &redis.FTAggregateOptions{
		Steps: []redis.FTAggregateStep{
			{GroupBy: &redis.FTAggregateGroupBy{Fields: []interface{}{"@brand"}, Reduce: []redis.FTAggregateReducer{
				{Reducer: redis.SearchCount, As: "n"},
				{Reducer: redis.SearchSum, Args: []interface{}{"@price"}, As: "total"},
				{Reducer: redis.SearchAvg, Args: []interface{}{"@price"}, As: "avg"},
				{Reducer: redis.SearchToList, Args: []interface{}{"@price"}, As: "prices"},
			}}},
			{SortBy: &redis.FTAggregateSortByStep{Fields: []redis.FTAggregateSortBy{{FieldName: "@total", Desc: true}}}},
		},
		LimitOffset: 0, Limit: 3,
	}).Result()
	if err != nil {
		t.Fatal(err)
	}
	// Brands b0..b3 hold prices i%4==b: sums 40+4b*... b3: 3+7+...+19 = 55.
	if res.Total != 4 || len(res.Rows) != 3 {
		t.Fatalf("total %d, %d rows: %+v", res.Total, len(res.Rows), res.Rows)
	}
	want := []struct{ brand, n, total, avg string }{{"b3", "5", "55", "11"}, {"b2", "5", "50", "10"}, {"b1", "5", "45", "9"}}
	for i, w := range want {
		f := res.Rows[i].Fields
		if f["brand"] != w.brand || f["n"] != w.n || f["total"] != w.total || f["avg"] != w.avg {
			t.Errorf("row %d: %v, want %+v", i, f, w)
		}
		if l, ok := f["prices"].([]interface{}); !ok || len(l) != 5 {
			t.Errorf("row %d: prices %v", i, f["prices"])
		}
	}
}

func TestAggregateApplyFilterSortLimit(t *testing.T) {
	c := startNode(t, nil).client2(t)
	loadShop(t, c, 20)
	ctx := context.Background()
	v, err := c.Do(ctx, "FT.AGGREGATE", "shop", "@brand:{b1|b2}", "LOAD", "2", "@title", "@price",
		"APPLY", "@price * 10", "AS", "p10", "APPLY", "upper(@title)", "AS", "T",
		"FILTER", "@p10 >= 50 && @p10 < 170", "SORTBY", "2", "@p10", "DESC", "LIMIT", "1", "2").Slice()
	if err != nil {
		t.Fatal(err)
	}
	// b1|b2 prices 5,6,9,10,13,14 pass the filter; descending: 14,13,10,...; skip 1 take 2.
	want := []any{int64(10),
		[]any{"title", "item 13", "price", "13", "p10", "130", "T", "ITEM 13"},
		[]any{"title", "item 10", "price", "10", "p10", "100", "T", "ITEM 10"}}
	if fmt.Sprint(v) != fmt.Sprint(want) {
		t.Fatalf("got %v\nwant %v", v, want)
	}
	// Errors in RediSearch's words.
	for _, tc := range []struct {
		args []any
		want string
	}{
		{[]any{"APPLY", "@nope + 1", "AS", "x"}, "Property `nope` not loaded nor in schema"},
		{[]any{"APPLY", "nosuch(@price)", "AS", "x"}, "Unknown function name 'nosuch'"},
		{[]any{"GROUPBY", "1", "brand"}, "Bad arguments for GROUPBY: Unknown property `brand`. Did you mean `@brand`?"},
		{[]any{"GROUPBY", "1", "@brand", "REDUCE", "BOGUS", "0"}, "No such reducer: BOGUS"},
		{[]any{"SORTBY", "2", "@price", "SIDEWAYS"}, "MISSING ASC or DESC after sort field (SIDEWAYS)"},
		{[]any{"BOGUS"}, "Unknown argument `BOGUS` at position 1 for <main>"},
		{[]any{"GROUPBY", "1", "@brand", "LOAD", "1", "@title"}, "LOAD cannot be applied after projectors or reducers"},
	} {
		err := c.Do(ctx, append([]any{"FT.AGGREGATE", "shop", "*"}, tc.args...)...).Err()
		if err == nil || err.Error() != tc.want {
			t.Errorf("%v: got %v, want %q", tc.args, err, tc.want)
		}
	}
}

// TestAggregateCursorPaging reads a WITHCURSOR result in pages: every row
// exactly once, then cursor 0, after which the cursor is gone.
func TestAggregateCursorPaging(t *testing.T) {
	c := startNode(t, nil).client2(t)
	const n = 53
	loadShop(t, c, n)
	ctx := context.Background()
	v, err := c.Do(ctx, "FT.AGGREGATE", "shop", "*", "LOAD", "1", "@price", "WITHCURSOR", "COUNT", "10").Slice()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	reads := 0
	for {
		if len(v) != 2 {
			t.Fatalf("cursor reply %v", v)
		}
		page := v[0].([]any)
		if page[0].(int64) != n {
			t.Fatalf("total %v", page[0])
		}
		if len(page)-1 > 10 {
			t.Fatalf("%d rows in a page of 10", len(page)-1)
		}
		for _, r := range page[1:] {
			seen[r.([]any)[1].(string)]++
		}
		id := v[1].(int64)
		if id == 0 {
			break
		}
		if reads++; reads > n {
			t.Fatal("cursor never ends")
		}
		count := "10"
		if reads == 2 {
			count = "7" // COUNT on READ overrides the cursor's
		}
		v, err = c.Do(ctx, "FT.CURSOR", "READ", "shop", id, "COUNT", count).Slice()
		if err != nil {
			t.Fatal(err)
		}
		if reads == 2 && len(v[0].([]any)) != 8 {
			t.Fatalf("READ COUNT 7 gave %d rows", len(v[0].([]any))-1)
		}
	}
	if len(seen) != n {
		t.Fatalf("%d distinct rows, want %d", len(seen), n)
	}
	for i := 0; i < n; i++ {
		if seen[strconv.Itoa(i)] != 1 {
			t.Fatalf("price %d read %d times", i, seen[strconv.Itoa(i)])
		}
	}
	// A deleted cursor is gone; an unknown one is not found.
	v, err = c.Do(ctx, "FT.AGGREGATE", "shop", "*", "LOAD", "1", "@price", "WITHCURSOR", "COUNT", "1").Slice()
	if err != nil {
		t.Fatal(err)
	}
	id := v[1].(int64)
	if err := c.Do(ctx, "FT.CURSOR", "DEL", "shop", id).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, "FT.CURSOR", "READ", "shop", id).Err(); err == nil || err.Error() != "Cursor not found" {
		t.Fatalf("READ after DEL: %v", err)
	}
	if err := c.Do(ctx, "FT.CURSOR", "DEL", "shop", id).Err(); err == nil || err.Error() != "Cursor does not exist" {
		t.Fatalf("DEL after DEL: %v", err)
	}
}

package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/testutil"
)

// aggRows returns an FT.AGGREGATE reply's first element and its rows as
// redis-cli would print each row, in reply order.
func aggRows(t *testing.T, v resp.Value) (int64, []string) {
	t.Helper()
	if v.Kind == resp.Error {
		return -1, []string{string(v.Str)}
	}
	if v.Kind != resp.Array || len(v.Elems) == 0 || v.Elems[0].Kind != resp.Integer {
		t.Fatalf("not an FT.AGGREGATE reply: %s", testutil.CLI(v))
	}
	rows := make([]string, 0, len(v.Elems)-1)
	for _, e := range v.Elems[1:] {
		rows = append(rows, testutil.CLI(e))
	}
	return v.Elems[0].Int, rows
}

// TestAggregateThroughProxySameAsOneNode loads the same documents into one
// node and, through the proxy, into three: every pipeline must give the
// same rows on both paths (in the same order where the pipeline orders
// them), so the proxy's merge of the shards' partial groups is exact.
func TestAggregateThroughProxySameAsOneNode(t *testing.T) {
	direct := testutil.Dial(t, startNode(t))
	via := testutil.Dial(t, serveProxyOver(t, startNode(t), startNode(t), startNode(t)))
	both := func(args ...string) {
		t.Helper()
		if d, p := direct.Do(args...), via.Do(args...); d != p || strings.HasPrefix(d, "-") {
			t.Fatalf("%q: direct %q, proxy %q", args, d, p)
		}
	}
	both("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "v", "VECTOR", "FLAT", "6",
		"TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2", "title", "TEXT", "price", "NUMERIC", "brand", "TAG")
	brands := []string{"sony", "lg", "apple", "acme", "zed"}
	for i := 0; i < 60; i++ {
		blob := make([]byte, 8)
		binary.LittleEndian.PutUint32(blob, math.Float32bits(float32(i)))
		binary.LittleEndian.PutUint32(blob[4:], math.Float32bits(float32(i%7)))
		both("HSET", fmt.Sprintf("doc:%d", i), "v", string(blob), "title", fmt.Sprintf("item %d", i),
			"price", strconv.Itoa((i*37)%101), "brand", brands[i%len(brands)])
	}
	q := make([]byte, 8)
	binary.LittleEndian.PutUint32(q, math.Float32bits(10.3))
	binary.LittleEndian.PutUint32(q[4:], math.Float32bits(3.1))

	cases := []struct {
		ordered bool
		args    []string
	}{
		{false, []string{"*", "GROUPBY", "1", "@brand", "REDUCE", "COUNT", "0", "AS", "n", "REDUCE", "SUM", "1", "@price", "AS", "s",
			"REDUCE", "AVG", "1", "@price", "AS", "a", "REDUCE", "MIN", "1", "@price", "AS", "lo", "REDUCE", "MAX", "1", "@price", "AS", "hi",
			"REDUCE", "STDDEV", "1", "@price", "AS", "sd", "REDUCE", "COUNT_DISTINCT", "1", "@price", "AS", "cd",
			"REDUCE", "QUANTILE", "2", "@price", "0.5", "AS", "med", "REDUCE", "FIRST_VALUE", "4", "@title", "BY", "@price", "DESC", "AS", "top"}},
		{true, []string{"*", "GROUPBY", "1", "@brand", "REDUCE", "COUNT", "0", "AS", "n", "REDUCE", "SUM", "1", "@price", "AS", "s",
			"APPLY", "@s / @n", "AS", "mean", "SORTBY", "2", "@mean", "DESC", "LIMIT", "1", "3"}},
		{true, []string{"*", "GROUPBY", "1", "@brand", "REDUCE", "COUNT", "0", "AS", "n", "FILTER", "@n > 11", "SORTBY", "2", "@brand", "ASC"}},
		{true, []string{"@brand:{sony|lg}", "LOAD", "2", "@title", "@price", "APPLY", "upper(@title)", "AS", "T",
			"FILTER", "@price >= 20 && @price < 90", "SORTBY", "4", "@price", "DESC", "@title", "ASC", "LIMIT", "2", "5"}},
		{true, []string{"*", "SORTBY", "2", "@price", "ASC", "MAX", "7"}},
		{true, []string{"*", "LOAD", "1", "@__key", "SORTBY", "2", "@__key", "ASC", "LIMIT", "0", "100"}},
		{true, []string{"*=>[KNN 5 @v $B AS dist]", "PARAMS", "2", "B", string(q), "LOAD", "1", "@title",
			"SORTBY", "2", "@dist", "ASC", "DIALECT", "2"}},
		{false, []string{"*=>[KNN 8 @v $B AS dist]", "PARAMS", "2", "B", string(q), "GROUPBY", "1", "@brand",
			"REDUCE", "TOLIST", "1", "@title", "AS", "titles", "REDUCE", "COUNT", "0", "AS", "n", "DIALECT", "2"}},
		{false, []string{"*", "GROUPBY", "0", "REDUCE", "COUNT", "0", "AS", "n", "REDUCE", "COUNT_DISTINCTISH", "1", "@brand", "AS", "b"}},
		{true, []string{"*", "LIMIT", "0", "0"}},
		{true, []string{"*", "GROUPBY", "1", "@brand", "REDUCE", "COUNT", "0", "APPLY", "@nope + 1", "AS", "x"}},
		{true, []string{"*", "GROUPBY", "1", "@brand", "REDUCE", "SUM", "1", "@missing"}},
	}
	for _, c := range cases {
		args := append([]string{"FT.AGGREGATE", "idx"}, c.args...)
		direct.Send(args...)
		via.Send(args...)
		dv, err := direct.ReadValue()
		if err != nil {
			t.Fatal(err)
		}
		pv, err := via.ReadValue()
		if err != nil {
			t.Fatal(err)
		}
		dn, drows := aggRows(t, dv)
		pn, prows := aggRows(t, pv)
		if !c.ordered {
			slices.Sort(drows)
			slices.Sort(prows)
		}
		if dn != pn || !slices.Equal(drows, prows) {
			t.Errorf("FT.AGGREGATE %q:\n node:  %d %q\n proxy: %d %q", c.args, dn, drows, pn, prows)
		}
		if dn >= 0 && len(drows) == 0 && c.args[len(c.args)-1] != "0" {
			t.Errorf("FT.AGGREGATE %q: no rows", c.args)
		}
	}

	// A cursor through the proxy: every row exactly once.
	seen := map[string]int{}
	args := []string{"FT.AGGREGATE", "idx", "*", "LOAD", "1", "@title", "WITHCURSOR", "COUNT", "7"}
	for reads := 0; ; reads++ {
		if reads > 20 {
			t.Fatal("the proxy's cursor never ends")
		}
		via.Send(args...)
		v, err := via.ReadValue()
		if err != nil || v.Kind != resp.Array || len(v.Elems) != 2 {
			t.Fatalf("cursor reply %s (%v)", testutil.CLI(v), err)
		}
		_, rows := aggRows(t, v.Elems[0])
		for _, r := range rows {
			seen[r]++
		}
		if v.Elems[1].Int == 0 {
			break
		}
		args = []string{"FT.CURSOR", "READ", "idx", strconv.FormatInt(v.Elems[1].Int, 10)}
	}
	if len(seen) != 60 {
		t.Fatalf("%d rows through the proxy's cursor", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Fatalf("%s read %d times", k, n)
		}
	}
}

package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/testutil"
)

// aggCases are the pipelines compared between one node and the proxy:
// GROUPBY with every mergeable reducer, with and without SORTBY and
// LIMIT, rows without GROUPBY, and (cursor true) WITHCURSOR.
var aggCases = []struct {
	ordered, cursor bool
	args            []string
}{
	{false, false, []string{"*", "GROUPBY", "1", "@brand", "REDUCE", "COUNT", "0", "AS", "n",
		"REDUCE", "COUNT_DISTINCT", "1", "@price", "AS", "cd", "REDUCE", "SUM", "1", "@price", "AS", "s",
		"REDUCE", "AVG", "1", "@price", "AS", "a", "REDUCE", "TOLIST", "1", "@title", "AS", "titles",
		"REDUCE", "FIRST_VALUE", "4", "@title", "BY", "@price", "ASC", "AS", "cheapest"}},
	{true, false, []string{"*", "GROUPBY", "1", "@brand", "REDUCE", "COUNT", "0", "AS", "n",
		"REDUCE", "SUM", "1", "@price", "AS", "s", "SORTBY", "2", "@s", "DESC", "LIMIT", "0", "2"}},
	{true, false, []string{"*", "GROUPBY", "1", "@brand", "REDUCE", "COUNT", "0", "AS", "n", "LIMIT", "1", "2"}},
	{false, false, []string{"*", "GROUPBY", "0", "REDUCE", "COUNT", "0", "AS", "n",
		"REDUCE", "COUNT_DISTINCT", "1", "@brand", "AS", "brands", "REDUCE", "AVG", "1", "@price", "AS", "a"}},
	{false, false, []string{"@price:[10 60]", "GROUPBY", "2", "@brand", "@price", "REDUCE", "COUNT", "0", "AS", "n"}},
	{true, false, []string{"*", "SORTBY", "2", "@price", "DESC", "MAX", "5"}},
	{true, false, []string{"*", "LOAD", "1", "@title", "SORTBY", "4", "@price", "ASC", "@title", "ASC", "LIMIT", "3", "6"}},
	{true, false, []string{"*", "LIMIT", "0", "0"}},
	{true, false, []string{"*", "GROUPBY", "1", "@brand", "REDUCE", "COUNT", "0", "AS", "n", "LIMIT", "0", "0"}},
	{true, false, []string{"*", "FILTER", "@price > 50", "SORTBY", "2", "@price", "ASC", "LIMIT", "2", "3"}},
	{false, false, []string{"*", "APPLY", "@price % 3", "AS", "m", "GROUPBY", "1", "@m", "REDUCE", "SUM", "1", "@price", "AS", "s",
		"GROUPBY", "0", "REDUCE", "COUNT", "0", "AS", "groups", "REDUCE", "SUM", "1", "@s", "AS", "all"}},
	{true, false, []string{"*", "SORTBY", "2", "@nope", "ASC"}},
	{true, false, []string{"@brand:{nothing}", "GROUPBY", "1", "@brand", "REDUCE", "COUNT", "0", "AS", "n"}},
	{true, false, []string{"*", "SORTBY", "2", "@price", "ASC", "GROUPBY", "1", "@brand", "REDUCE", "FIRST_VALUE", "1", "@price", "AS", "p", "SORTBY", "2", "@brand", "ASC"}},
	{true, false, []string{"@brand:{sony}", "LOAD", "1", "@__key", "SORTBY", "2", "@__key", "ASC", "LIMIT", "0", "100"}},
	{false, true, []string{"*", "GROUPBY", "1", "@brand", "REDUCE", "COUNT", "0", "AS", "n",
		"REDUCE", "SUM", "1", "@price", "AS", "s"}},
	{true, true, []string{"*", "LOAD", "1", "@__key", "SORTBY", "2", "@__key", "ASC", "MAX", "1000"}},
}

// aggAll sends an FT.AGGREGATE and, for a cursor, reads it to the end;
// it returns the total and the rows as redis-cli prints them.
func aggAll(t *testing.T, c *testutil.Conn, cursor bool, args ...string) (int64, []string) {
	t.Helper()
	args = append([]string{"FT.AGGREGATE", "idx"}, args...)
	if cursor {
		args = append(args, "WITHCURSOR", "COUNT", "4")
	}
	var all []string
	total := int64(-2)
	for reads := 0; ; reads++ {
		if reads > 100 {
			t.Fatal("cursor never ends")
		}
		c.Send(args...)
		v, err := c.ReadValue()
		if err != nil {
			t.Fatal(err)
		}
		if !cursor || v.Kind != resp.Array || len(v.Elems) != 2 {
			sortListValues(&v)
			return aggRows(t, v)
		}
		sortListValues(&v.Elems[0])
		n, rows := aggRows(t, v.Elems[0])
		if total == -2 {
			total = n
		} else if n != total {
			t.Errorf("%q: cursor total %d then %d", args, total, n)
		}
		all = append(all, rows...)
		if v.Elems[1].Int == 0 {
			return total, all
		}
		args = []string{"FT.CURSOR", "READ", "idx", strconv.FormatInt(v.Elems[1].Int, 10)}
	}
}

// sortListValues sorts the array values (TOLIST's, a set in any order)
// in the rows of an FT.AGGREGATE reply.
func sortListValues(v *resp.Value) {
	if v.Kind != resp.Array {
		return
	}
	for _, row := range v.Elems[1:] {
		for _, f := range row.Elems {
			if f.Kind == resp.Array {
				slices.SortFunc(f.Elems, func(a, b resp.Value) int { return strings.Compare(string(a.Str), string(b.Str)) })
			}
		}
	}
}

// loadAggDocs creates the index and 40 documents through each of conns.
func loadAggDocs(t *testing.T, conns ...*testutil.Conn) {
	t.Helper()
	brands := []string{"sony", "lg", "apple", "acme"}
	for _, c := range conns {
		if r := c.Do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA",
			"title", "TEXT", "price", "NUMERIC", "SORTABLE", "brand", "TAG"); r != "+OK\r\n" {
			t.Fatalf("FT.CREATE: %q", r)
		}
		for i := 0; i < 40; i++ {
			if r := c.Do("HSET", fmt.Sprintf("doc:%d", i), "title", fmt.Sprintf("item %02d", i),
				"price", strconv.Itoa((i*37)%101), "brand", brands[i%len(brands)]); strings.HasPrefix(r, "-") {
				t.Fatalf("HSET: %q", r)
			}
		}
	}
}

func compareAgg(t *testing.T, direct, via *testutil.Conn) {
	t.Helper()
	for _, c := range aggCases {
		dn, drows := aggAll(t, direct, c.cursor, c.args...)
		pn, prows := aggAll(t, via, c.cursor, c.args...)
		if !c.ordered {
			slices.Sort(drows)
			slices.Sort(prows)
		}
		if dn != pn || !slices.Equal(drows, prows) {
			t.Errorf("FT.AGGREGATE %q cursor=%v:\n node:  %d %q\n proxy: %d %q", c.args, c.cursor, dn, drows, pn, prows)
		}
	}
}

// TestAggregateProxyMergeSameAsOneNode compares every case between one
// node holding all the documents and the proxy over three.
func TestAggregateProxyMergeSameAsOneNode(t *testing.T) {
	direct := testutil.Dial(t, startNode(t))
	via := testutil.Dial(t, serveProxyOver(t, startNode(t), startNode(t), startNode(t)))
	loadAggDocs(t, direct, via)
	compareAgg(t, direct, via)
}

// TestAggregateDocumentOnTwoNodesOnce: while a shard splits or a replica
// is promoted, a document can be held and indexed by two nodes that both
// answer for it. Through the proxy it must count once: the groups, the
// reducers (COUNT, SUM, AVG, TOLIST, COUNT_DISTINCT, FIRST_VALUE) and the
// total are those of one node holding every document once.
func TestAggregateDocumentOnTwoNodesOnce(t *testing.T) {
	direct := testutil.Dial(t, startNode(t))
	nodes := []string{startNode(t), startNode(t), startNode(t)}
	via := testutil.Dial(t, serveProxyOver(t, nodes...))
	loadAggDocs(t, direct, via)
	// Every third document is also on the next node, indexed there: a
	// copy an import made, or a promoted replica kept.
	for _, addr := range nodes {
		if r, _ := testutil.Do(addr, "FT.INFO", "idx"); strings.HasPrefix(r, "-") {
			t.Fatalf("FT.INFO on %s: %q", addr, r)
		}
	}
	for i := 0; i < 40; i += 3 {
		key := fmt.Sprintf("doc:%d", i)
		owner := -1
		for j, addr := range nodes {
			if r, _ := testutil.Do(addr, "EXISTS", key); r == ":1\r\n" {
				owner = j
			}
		}
		if owner < 0 {
			t.Fatalf("%s on no node", key)
		}
		c := testutil.Dial(t, nodes[owner])
		c.Send("HGETALL", key)
		v, err := c.ReadValue()
		if err != nil || len(v.Elems) == 0 {
			t.Fatalf("HGETALL %s: %v", key, err)
		}
		args := []string{"HSET", key}
		for _, e := range v.Elems {
			args = append(args, string(e.Str))
		}
		if r, _ := testutil.Do(nodes[(owner+1)%len(nodes)], args...); strings.HasPrefix(r, "-") {
			t.Fatalf("copy %s: %q", key, r)
		}
	}
	// The copies are there: a node asked directly counts them.
	sum := int64(0)
	for _, addr := range nodes {
		c := testutil.Dial(t, addr)
		c.Send("FT.AGGREGATE", "idx", "*", "LIMIT", "0", "0")
		v, err := c.ReadValue()
		if err != nil || len(v.Elems) == 0 {
			t.Fatalf("FT.AGGREGATE on %s: %v", addr, err)
		}
		sum += v.Elems[0].Int
	}
	if sum != 54 {
		t.Fatalf("the nodes hold %d documents in all, want 40 + 14 copies", sum)
	}
	compareAgg(t, direct, via)
}

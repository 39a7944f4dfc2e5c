package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/testutil"
)

// TestFTProfileAggregateThroughProxy: FT.PROFILE ... AGGREGATE through
// the proxy over three nodes answers the same results as FT.AGGREGATE
// on one node holding every document, then one profile per shard.
func TestFTProfileAggregateThroughProxy(t *testing.T) {
	direct := testutil.Dial(t, startNode(t))
	via := testutil.Dial(t, serveProxyOver(t, startNode(t), startNode(t), startNode(t)))
	for _, c := range []*testutil.Conn{direct, via} {
		c.Do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA", "n", "NUMERIC", "SORTABLE", "k", "TAG")
		for i := range 90 {
			c.Do("HSET", fmt.Sprintf("d:%d", i), "n", fmt.Sprint(i), "k", []string{"a", "b", "c"}[i%3])
		}
	}
	q := []string{"@n:[($lo +inf]", "PARAMS", "2", "lo", "29", "GROUPBY", "1", "@k", "REDUCE", "COUNT", "0", "AS", "c",
		"REDUCE", "SUM", "1", "@n", "AS", "s", "SORTBY", "2", "@k", "ASC", "DIALECT", "2"}
	want := direct.Do(append([]string{"FT.AGGREGATE", "idx"}, q...)...)
	if !strings.HasPrefix(want, "*4\r\n:3\r\n") {
		t.Fatalf("FT.AGGREGATE on one node: %q", want)
	}
	raw := via.Do(append([]string{"FT.PROFILE", "idx", "AGGREGATE", "QUERY"}, q...)...)
	v, _, err := resp.Parse([]byte(raw))
	if err != nil || v.Kind != resp.Array || len(v.Elems) != 2 {
		t.Fatalf("FT.PROFILE through the proxy: %q %v", raw, err)
	}
	if got := string(v.Elems[0].AppendTo(nil)); got != want {
		t.Fatalf("results through the proxy:\n %q\nwant FT.AGGREGATE's on one node:\n %q", got, want)
	}
	prof := v.Elems[1]
	if len(prof.Elems) != 6 || string(prof.Elems[0].Str) != "Shard #1" || string(prof.Elems[4].Str) != "Shard #3" {
		t.Fatalf("profile through the proxy: %q", prof.AppendTo(nil))
	}
	if got := via.Do("FT.PROFILE", "idx", "AGGREGATE", "QUERY", "*", "WITHCURSOR"); got != "-FT.PROFILE does not support cursor\r\n" {
		t.Fatalf("WITHCURSOR through the proxy: %q", got)
	}
	if got, want := via.Do("FT.PROFILE", "idx", "AGGREGATE", "LIMITED", "*"), direct.Do("FT.PROFILE", "idx", "AGGREGATE", "LIMITED", "*"); got != want || !strings.HasPrefix(got, "-") {
		t.Fatalf("missing QUERY: proxy %q, node %q", got, want)
	}
	// RESP3: {"Results": FT.AGGREGATE's map, "Profile": {"Shard #1": ...}}.
	direct.Do3("HELLO", "3")
	via.Do3("HELLO", "3")
	want3 := direct.Do3(append([]string{"FT.AGGREGATE", "idx"}, q...)...)
	got3 := via.Do3(append([]string{"FT.PROFILE", "idx", "AGGREGATE", "QUERY"}, q...)...)
	if !strings.HasPrefix(got3, "%2\r\n$7\r\nResults\r\n"+want3+"$7\r\nProfile\r\n%3\r\n$8\r\nShard #1\r\n%5\r\n$18\r\nTotal profile time\r\n,") {
		t.Fatalf("RESP3 FT.PROFILE through the proxy:\n %.600q\nwant results %.300q", got3, want3)
	}
}

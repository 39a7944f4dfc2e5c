package main

import (
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/testutil"
)

// TestFTSharedStateThroughProxy: what RediSearch keeps per server and
// not per document reaches every node when changed through the proxy
// (dictionaries, synonyms, aliases, FT.CONFIG SET), and is read from any;
// suggestions are keys and live on the node of their key's slot, as
// RediSearch's coordinator routes FT.SUG* by key.
func TestFTSharedStateThroughProxy(t *testing.T) {
	addrs := []string{startNode(t), startNode(t), startNode(t)}
	via := testutil.Dial(t, serveProxyOver(t, addrs...))
	nodes := make([]*testutil.Conn, len(addrs))
	for i, a := range addrs {
		nodes[i] = testutil.Dial(t, a)
	}
	expect := func(c *testutil.Conn, want string, args ...string) {
		t.Helper()
		if got := c.Do(args...); got != want {
			t.Errorf("%s: %q, want %q", strings.Join(args, " "), got, want)
		}
	}
	everywhere := func(want string, args ...string) {
		t.Helper()
		for _, n := range nodes {
			expect(n, want, args...)
		}
	}
	expect(via, "+OK\r\n", "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT")
	expect(via, "+OK\r\n", "FT.CREATE", "idx2", "ON", "HASH", "PREFIX", "1", "e:", "SCHEMA", "t", "TEXT")

	expect(via, ":3\r\n", "FT.DICTADD", "dict", "alpha", "beta", "gamma")
	everywhere("*3\r\n$5\r\nalpha\r\n$4\r\nbeta\r\n$5\r\ngamma\r\n", "FT.DICTDUMP", "dict")
	expect(via, ":1\r\n", "FT.DICTADD", "dict", "alpha", "delta")
	expect(via, ":2\r\n", "FT.DICTDEL", "dict", "alpha", "beta", "nope")
	everywhere("*2\r\n$5\r\ndelta\r\n$5\r\ngamma\r\n", "FT.DICTDUMP", "dict")
	expect(via, "*2\r\n$5\r\ndelta\r\n$5\r\ngamma\r\n", "FT.DICTDUMP", "dict")

	expect(via, "+OK\r\n", "FT.SYNUPDATE", "idx", "g1", "car", "auto")
	everywhere(nodes[0].Do("FT.SYNDUMP", "idx"), "FT.SYNDUMP", "idx")
	if dump := nodes[2].Do("FT.SYNDUMP", "idx"); !strings.Contains(dump, "auto") || !strings.Contains(dump, "g1") {
		t.Errorf("FT.SYNDUMP on a node after FT.SYNUPDATE through the proxy: %q", dump)
	}

	expect(via, "+OK\r\n", "FT.ALIASADD", "al", "idx")
	everywhere("*1\r\n:0\r\n", "FT.SEARCH", "al", "*", "NOCONTENT")
	expect(via, "+OK\r\n", "FT.ALIASUPDATE", "al", "idx2")
	for _, n := range nodes {
		if info := n.Do("FT.INFO", "al"); !strings.Contains(info, "idx2") {
			t.Errorf("FT.INFO al on a node after FT.ALIASUPDATE through the proxy: %.80q", info)
		}
	}
	expect(via, "+OK\r\n", "FT.ALIASDEL", "al")
	for _, n := range nodes {
		if got := n.Do("FT.SEARCH", "al", "*"); !strings.HasPrefix(got, "-") {
			t.Errorf("FT.SEARCH al on a node after FT.ALIASDEL through the proxy: %q", got)
		}
	}

	expect(via, "+OK\r\n", "FT.CONFIG", "SET", "MINPREFIX", "3")
	everywhere("*1\r\n*2\r\n+MINPREFIX\r\n$1\r\n3\r\n", "FT.CONFIG", "GET", "MINPREFIX")
	expect(via, "*1\r\n*2\r\n+MINPREFIX\r\n$1\r\n3\r\n", "FT.CONFIG", "GET", "MINPREFIX")

	expect(via, ":1\r\n", "FT.SUGADD", "sug", "hello world", "1")
	expect(via, ":2\r\n", "FT.SUGADD", "sug", "help", "2")
	expect(via, "*2\r\n$4\r\nhelp\r\n$11\r\nhello world\r\n", "FT.SUGGET", "sug", "hel")
	holders := 0
	for _, n := range nodes {
		switch got := n.Do("FT.SUGLEN", "sug"); got {
		case ":2\r\n":
			holders++
		case ":0\r\n":
		default:
			t.Errorf("FT.SUGLEN on a node: %q", got)
		}
	}
	if holders != 1 {
		t.Errorf("%d nodes hold the suggestions, want the one of the key's slot", holders)
	}
	expect(via, ":1\r\n", "FT.SUGDEL", "sug", "help")
	expect(via, ":1\r\n", "FT.SUGLEN", "sug")
}

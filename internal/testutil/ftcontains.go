package testutil

import (
	"strconv"
	"testing"
)

// CheckFTContainsNoSuffixTrie checks, over addr (a node or a proxy),
// RediSearch 2.8's answer to suffix and infix terms (*ell, *ell*) against
// its suffix trie (tests/pytests/test_contains.py): in an index with a
// WITHSUFFIXTRIE TEXT field, such a term scoped to a TEXT field without
// it is the error "Contains query on fields without WITHSUFFIXTRIE
// support" (FT.SEARCH and FT.AGGREGATE); unscoped, scoped to the trie's
// field, shorter than MINPREFIX, a prefix term, or in an index without a
// suffix trie, it is no error. Keys and indexes are named
// from prefix.
func CheckFTContainsNoSuffixTrie(t *testing.T, addr, prefix string) {
	t.Helper()
	c := Dial(t, addr)
	idx, plain := prefix+"idx", prefix+"plain"
	for _, args := range [][]string{
		{"FT.CREATE", idx, "ON", "HASH", "PREFIX", "1", prefix + ":", "SCHEMA", "t1", "TEXT", "WITHSUFFIXTRIE", "t2", "TEXT", "g", "TAG"},
		{"FT.CREATE", plain, "ON", "HASH", "PREFIX", "1", prefix + ":", "SCHEMA", "t1", "TEXT", "t2", "TEXT"},
	} {
		if got := c.Do(args...); got != "+OK\r\n" {
			t.Fatalf("%v = %q", args, got)
		}
	}
	c.Do("HSET", prefix+":1", "t1", "hello", "t2", "hello", "g", "hello")
	doc := "*2\r\n:1\r\n$" + strconv.Itoa(len(prefix)+2) + "\r\n" + prefix + ":1\r\n"
	const errContains = "-Contains query on fields without WITHSUFFIXTRIE support\r\n"
	for _, q := range []struct{ index, query, want string }{
		{idx, "@t1:*ell*", doc},
		{idx, "@t1:*llo", doc},
		{idx, "*ell*", doc},
		{idx, "@t2:*ell*", errContains},
		{idx, "@t2:*llo", errContains},
		{idx, "@t1|t2:*ell*", errContains},
		{idx, "hello -@t2:*ell*", errContains},
		{idx, "@t2:*e*", "*1\r\n:0\r\n"}, // shorter than MINPREFIX: expands to nothing first
		{idx, "@t2:hel*", doc},
		{plain, "@t2:*ell*", doc},
	} {
		if got := c.Do("FT.SEARCH", q.index, q.query, "NOCONTENT"); got != q.want {
			t.Errorf("FT.SEARCH %s %q = %q, want %q", q.index, q.query, got, q.want)
		}
	}
	if got := c.Do("FT.AGGREGATE", idx, "@t2:*ell*"); got != errContains {
		t.Errorf("FT.AGGREGATE %s @t2:*ell* = %q, want %q", idx, got, errContains)
	}
}

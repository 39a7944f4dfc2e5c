package node

import "testing"

// TestRedisPyFTQuery runs redis-py 4.3.4 against the query language's
// RediSearch-compatible corners: DIALECT 1's phrase stop word error (and
// DIALECT 2 taking the phrase), nested field scopes that intersect, and
// MINPREFIX / MAXEXPANSIONS through config_get and config_set.
func TestRedisPyFTQuery(t *testing.T) {
	out := runRedisPy(t, "redis", "redispy_ftquery.py")
	want := "Syntax error at offset 1 near the\n" +
		"10 0\n" +
		"10 0\n" +
		"{'MINPREFIX': '2'} {'MAXEXPANSIONS': '200'} 0\n" +
		"{'MAXPREFIXEXPANSIONS': '4'} 4 4\n" +
		"Bad arguments for MINPREFIX: Value is outside acceptable bounds"
	if out != want {
		t.Fatalf("redis-py printed:\n%s\nwant:\n%s", out, want)
	}
}

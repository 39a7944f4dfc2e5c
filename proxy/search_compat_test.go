package proxy

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestFTTagValsUnion: through the proxy, FT.TAGVALS answers the union of
// every shard's values, sorted, though no shard holds them all.
func TestFTTagValsUnion(t *testing.T) {
	sc := startSearchCluster(t)
	if got := sc.c.do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "tv:", "SCHEMA", "kind", "TAG"); got != "+OK\r\n" {
		t.Fatalf("FT.CREATE = %q", got)
	}
	var want []string
	for i := range 9 {
		v := fmt.Sprintf("K%d", i)
		if got := sc.c.do("HSET", fmt.Sprintf("tv:%d", i), "kind", v); got != ":1\r\n" {
			t.Fatalf("HSET = %q", got)
		}
		want = append(want, strings.ToLower(v))
	}
	partial := 0
	for _, n := range sc.nodes {
		direct := dialRaw(t, n.addr)
		if got := parseArray(direct.do("FT.TAGVALS", "idx", "kind")); len(got) < len(want) {
			partial++
		}
	}
	if partial == 0 {
		t.Fatal("every shard holds every value: the test shows no union")
	}
	if got := parseArray(sc.c.do("FT.TAGVALS", "idx", "kind")); !slices.Equal(got, want) {
		t.Fatalf("FT.TAGVALS through the proxy = %v, want %v", got, want)
	}
	if got := sc.c.do("FT.TAGVALS", "nosuch", "kind"); got != "-Unknown Index name\r\n" {
		t.Fatalf("FT.TAGVALS nosuch = %q", got)
	}
}

// parseArray reads a RESP array of bulk strings.
func parseArray(raw string) []string {
	lines := strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n")
	var out []string
	for i := 1; i+1 < len(lines); i += 2 {
		out = append(out, lines[i+1])
	}
	return out
}

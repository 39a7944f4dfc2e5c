package node

import (
	"testing"

	"github.com/vcache/vcache/internal/command"
)

// TestUnknownIndexWordsAsSpecs: each search command that names an index
// answers an unknown one with the words its spec declares (NoIndex, which
// the proxy gives when its own ACL check finds no such index).
func TestUnknownIndexWordsAsSpecs(t *testing.T) {
	tn := startNode(t, nil)
	rc := tn.raw(t)
	lines := map[string][]string{
		"ft.search":      {"FT.SEARCH", "nosuch", "x"},
		"ft.aggregate":   {"FT.AGGREGATE", "nosuch", "x"},
		"ft.explain":     {"FT.EXPLAIN", "nosuch", "x"},
		"ft.explaincli":  {"FT.EXPLAINCLI", "nosuch", "x"},
		"ft.profile":     {"FT.PROFILE", "nosuch", "SEARCH", "QUERY", "x"},
		"ft.alter":       {"FT.ALTER", "nosuch", "SCHEMA", "ADD", "n", "NUMERIC"},
		"ft.info":        {"FT.INFO", "nosuch"},
		"ft.dropindex":   {"FT.DROPINDEX", "nosuch"},
		"ft.drop":        {"FT.DROP", "nosuch"},
		"ft.tagvals":     {"FT.TAGVALS", "nosuch", "t"},
		"ft.spellcheck":  {"FT.SPELLCHECK", "nosuch", "x"},
		"ft.aliasadd":    {"FT.ALIASADD", "a", "nosuch"},
		"ft.aliasupdate": {"FT.ALIASUPDATE", "a", "nosuch"},
		"ft.synupdate":   {"FT.SYNUPDATE", "nosuch", "g", "x"},
		"ft.syndump":     {"FT.SYNDUMP", "nosuch"},
		"ft.hybrid":      {"FT.HYBRID", "nosuch", "SEARCH", "x", "VSIM", "@v", "$q", "PARAMS", "2", "q", "abcd"},
	}
	for _, s := range command.Specs() {
		if s.NoIndex == "" {
			continue
		}
		args, ok := lines[s.Name]
		if !ok {
			t.Errorf("%s declares NoIndex: add a command line for it here", s.Name)
			continue
		}
		if got, want := rc.do(args...), "(error) "+s.UnknownIndexError([]byte("nosuch")); got != want {
			t.Errorf("%v = %s, want %s", args, got, want)
		}
	}
}

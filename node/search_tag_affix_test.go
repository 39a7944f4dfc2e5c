package node

import (
	"reflect"
	"strings"
	"testing"
)

// TestFTTagAffixes: a tag clause's tag with an unescaped * at its end,
// start or both ends matches the field's values with that prefix, suffix
// or infix, as in RediSearch 2.8 (@cat:{elec*}); an escaped star is the
// tag's own; a core under MINPREFIX (2) matches nothing; the field's case
// folding applies to the pattern; FT.EXPLAIN shows the affixes.
func TestFTTagAffixes(t *testing.T) {
	tn := startNode(t, nil)
	do := doer(t, tn.client2(t))
	do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA", "cat", "TAG", "code", "TAG", "CASESENSITIVE", "t", "TEXT")
	do("HSET", "d:1", "cat", "Electronics", "code", "AB-1")
	do("HSET", "d:2", "cat", "electric cars,tools", "code", "ab-2")
	do("HSET", "d:3", "cat", "books,e*", "code", "XAB")
	do("HSET", "d:4", "cat", "phones", "code", "AB-9")
	do("HSET", "d:5", "t", "Hardware store")
	do("HSET", "d:6", "t", "software")
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"@cat:{elec*}", []string{"d:1", "d:2"}},
		{"@cat:{ELEC*}", []string{"d:1", "d:2"}},
		{"@cat:{*ics}", []string{"d:1"}},
		{"@cat:{*ectr*}", []string{"d:1", "d:2"}},
		{"@cat:{*oo*}", []string{"d:2", "d:3"}},
		{"@cat:{phones | to*}", []string{"d:2", "d:4"}},
		{`@cat:{e\*}`, []string{"d:3"}},
		{"@cat:{e*}", nil}, // one letter: under MINPREFIX
		{"@cat:{electric\\ c*}", []string{"d:2"}},
		{"@code:{AB*}", []string{"d:1", "d:4"}},
		{"@code:{ab*}", []string{"d:2"}},
		{"@code:{*AB}", []string{"d:3"}},
		{"@cat:{elec*} @code:{*-2}", []string{"d:2"}},
		{"-@cat:{elec*}", []string{"d:3", "d:4", "d:5", "d:6"}},
		// Wildcards (RediSearch 2.6's w'...'): * any run, ? one character.
		{"@cat:{w'el?c*'}", []string{"d:1", "d:2"}},
		{"@cat:{w'*oo?s'}", []string{"d:2", "d:3"}},
		{`@cat:{w'e\*'}`, []string{"d:3"}},
		{"@cat:{w'e'}", nil},
		{"@code:{w'AB-?'}", []string{"d:1", "d:4"}},
		{"@t:w'har?ware'", []string{"d:5"}},
		{"w'*ware'", []string{"d:5", "d:6"}},
		{"@t:w'h*e' | @t:w'so?tw*'", []string{"d:5", "d:6"}},
	} {
		args := []any{"FT.SEARCH", "idx", tc.query, "NOCONTENT"}
		if strings.Contains(tc.query, "w'") {
			args = append(args, "DIALECT", "2") // DIALECT 1 has no wildcards
		}
		if got := replyKeysSorted(do(args...)); !reflect.DeepEqual(got, tc.want) && (len(got) > 0 || len(tc.want) > 0) {
			t.Errorf("FT.SEARCH %q: %v, want %v", tc.query, got, tc.want)
		}
	}
	explain, _ := do("FT.EXPLAIN", "idx", "@cat:{elec* | *ics | *ect* | books | w'b?oks'}", "DIALECT", "2").(string)
	if want := "TAG:@cat {\n  PREFIX{elec*}\n  SUFFIX{*ics}\n  INFIX{*ect*}\n  books\n  WILDCARD{b?oks}\n}\n"; explain != want {
		t.Errorf("FT.EXPLAIN = %q, want %q", explain, want)
	}
	if strings.Contains(explain, `\*`) {
		t.Errorf("FT.EXPLAIN kept an escape: %q", explain)
	}
}

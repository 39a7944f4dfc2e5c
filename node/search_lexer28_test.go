package node

import (
	"context"
	"sort"
	"strings"
	"testing"
)

// TestFTLexerAsRediSearch28: what RediSearch 2.8's query lexer and
// grammar make of punctuation, backslashes, fuzzy terms, tag lists and
// numbers, through FT.SEARCH and FT.EXPLAIN. Its lexer skips
// punctuation that starts no token ("*$" is "*", a $ naming nothing); a
// backslash escapes punctuation, a blank or a backslash only, and before
// anything else is such punctuation, between two words; a fuzzy term
// fails at the token its grammar stops at; a tag list holds one word,
// affix or pattern per value, or words only; FT.EXPLAIN shows tags and
// patterns as written (lower-cased and unescaped only when the query
// runs); DIALECT 2 does not stem a number, written or a parameter's.
func TestFTLexerAsRediSearch28(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	do := doer(t, c)
	do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT", "g", "TAG")
	do("HSET", "d:1", "t", "hello world", "g", "hello world,He-llo")
	do("HSET", "d:2", "t", "hel lo", "g", "hel lo,Foobar")
	do("HSET", "d:3", "t", "infinities nans footnote", "g", "x")
	// keys runs FT.SEARCH: its keys, sorted, or its error.
	keys := func(q string, args ...any) string {
		res, err := c.Do(ctx, append([]any{"FT.SEARCH", "idx", q, "NOCONTENT"}, args...)...).Slice()
		if err != nil {
			return "(error) " + err.Error()
		}
		var ks []string
		for _, k := range res[1:] {
			ks = append(ks, k.(string))
		}
		sort.Strings(ks)
		return strings.Join(ks, ",")
	}
	explain := func(q string, args ...any) string {
		s, err := c.Do(ctx, append([]any{"FT.EXPLAIN", "idx", q}, args...)...).Text()
		if err != nil {
			return "(error) " + err.Error()
		}
		return s
	}
	dialects := []string{"1", "2"}

	t.Run("percent and star", func(t *testing.T) {
		for _, d := range dialects {
			// "%*%": the grammar takes a word, number or $name after %; its
			// * is neither (at offset 1), and no text was recorded before.
			for _, tc := range []struct{ query, want string }{
				{"%*%", "(error) Syntax error at offset 1 near "},
				{"x %*%", "(error) Syntax error at offset 3 near x"},
				// "*$": the lexer skips a $ that names nothing: the query is
				// * ("(*)" is DIALECT 2's only). Punctuation between words
				// is skipped alike.
				{"*$", "d:1,d:2,d:3"},
				{"* $ !", "d:1,d:2,d:3"},
				{"hello , world !", "d:1"},
			} {
				if got := keys(tc.query, "DIALECT", d); got != tc.want {
					t.Errorf("FT.SEARCH %q DIALECT %s: %s, want %s", tc.query, d, got, tc.want)
				}
			}
		}
		if got := keys("(*) $", "DIALECT", "2"); got != "d:1,d:2,d:3" {
			t.Errorf("FT.SEARCH (*) $ DIALECT 2: %s, want every document", got)
		}
	})

	t.Run("backslash before a letter", func(t *testing.T) {
		// hel\lo is two words (the backslash escapes no punctuation), not
		// "hello"; in a tag list, the two words of one tag.
		want := "INTERSECT {\n  UNION {\n    hel\n    +hel(expanded)\n  }\n  UNION {\n    lo\n    +lo(expanded)\n  }\n}\n"
		for _, d := range dialects {
			for _, q := range []string{`hel\lo`, `@g:{hel\lo}`, `"hel\lo"`} {
				if got := keys(q, "DIALECT", d); got != "d:2" {
					t.Errorf("FT.SEARCH %s DIALECT %s: %s, want d:2", q, d, got)
				}
			}
			if got := explain(`hel\lo`, "DIALECT", d); got != want {
				t.Errorf("FT.EXPLAIN hel\\lo DIALECT %s:\n%s\nwant\n%s", d, got, want)
			}
		}
	})

	t.Run("explain as written", func(t *testing.T) {
		// A tag as written, escapes and case; an affix unescaped, in its
		// case; the lookup unescaped and folded.
		for _, d := range dialects {
			if got, want := explain(`@g:{He\-llo | Foo\ B*}`, "DIALECT", d), "TAG:@g {\n  He\\-llo\n  PREFIX{Foo B*}\n}\n"; got != want {
				t.Errorf("FT.EXPLAIN tags DIALECT %s: %q, want %q", d, got, want)
			}
			if got := keys(`@g:{He\-llo}`, "DIALECT", d); got != "d:1" {
				t.Errorf(`FT.SEARCH @g:{He\-llo} DIALECT %s: %s, want d:1`, d, got)
			}
		}
		// A tag's value or a pattern from PARAMS as given, a text pattern
		// as written; the pattern matches in any case.
		for _, tc := range []struct{ query, p, want string }{
			{"@g:{$p}", `He\-llo`, "TAG:@g {\n  He\\-llo\n}\n"},
			{"w'$p'", "Foo*", "WILDCARD{Foo*}\n"},
			{"w'FOO*'", "", "WILDCARD{FOO*}\n"},
		} {
			if got := explain(tc.query, "PARAMS", "2", "p", tc.p, "DIALECT", "2"); got != tc.want {
				t.Errorf("FT.EXPLAIN %q: %q, want %q", tc.query, got, tc.want)
			}
		}
		if got := keys("w'FOO*'", "DIALECT", "2"); got != "d:3" {
			t.Errorf("FT.SEARCH w'FOO*': %s, want d:3", got)
		}
	})

	t.Run("tag list forms", func(t *testing.T) {
		// "{hello wor*}": a word then an affix in one value is no form of
		// the grammar's; it stops at the affix, near its core.
		for _, tc := range []struct{ query, want string }{
			{"@g:{hello wor*}", "(error) Syntax error at offset 10 near wor"},
			{"@g:{x | hello wor*}", "(error) Syntax error at offset 14 near wor"},
			{"@g:{wor* hello}", "(error) Syntax error at offset 9 near hello"},
		} {
			if got := keys(tc.query, "DIALECT", "2"); got != tc.want {
				t.Errorf("FT.SEARCH %q DIALECT 2: %s, want %s", tc.query, got, tc.want)
			}
			if got := explain(tc.query, "DIALECT", "2"); got != tc.want {
				t.Errorf("FT.EXPLAIN %q DIALECT 2: %s, want %s", tc.query, got, tc.want)
			}
		}
	})

	t.Run("numbers verbatim", func(t *testing.T) {
		// A parameter whose value is a number is a verbatim term, not
		// stemmed (infinity would match infinities by their stem infin);
		// any other value is stemmed. So is a number written in the query.
		for _, tc := range []struct{ p, keys string }{{"infinity", ""}, {"nan", ""}, {"Infinities", "d:3"}, {"nans", "d:3"}} {
			if got := keys("$p", "PARAMS", "2", "p", tc.p, "DIALECT", "2"); got != tc.keys {
				t.Errorf("FT.SEARCH $p PARAMS p %s: %q, want %q", tc.p, got, tc.keys)
			}
		}
		for _, tc := range []struct{ query, p, want string }{
			{"$p", "123", "123\n"},
			{"$p", "-inf", "-inf\n"},
			{"hello $p", "1.2e-3", "INTERSECT {\n  UNION {\n    hello\n    +hello(expanded)\n  }\n  1.2e-3\n}\n"},
			{"$p", "cherry1", "UNION {\n  cherry1\n  +cherry1(expanded)\n}\n"},
			{"705", "x", "705\n"},
		} {
			if got := explain(tc.query, "PARAMS", "2", "p", tc.p, "DIALECT", "2"); got != tc.want {
				t.Errorf("FT.EXPLAIN %q PARAMS p %s: %q, want %q", tc.query, tc.p, got, tc.want)
			}
		}
	})
}

// TestFTLexerNumbers28: DIALECT 2 reads numbers as RediSearch 2.8.16's
// lexer does (signed with + or -, an exponent signed or not, "inf" in
// any case) and looks each up as written, not stemmed: "-5" is the term
// -5, no negation of 5, and "INF" matches no word the index folded. A
// word ends at punctuation ("hello.world" is two words); FT.EXPLAIN names
// suffix and infix terms SUFFIX and INFIX.
func TestFTLexerNumbers28(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	do := doer(t, c)
	do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT")
	do("HSET", "d:1", "t", "hello.world inf 3.14 -5 singing")
	do("HSET", "d:2", "t", "other words")
	for _, tc := range []struct{ query, want string }{
		{"hello.world", "d:1"},
		{"inf", "d:1"},
		{"INF", ""},
		{"-5", ""},
		{"- 5", "d:2"},
		{"-x", "d:1,d:2"},
		{"1.2e+3", ""},
		{"3.14", ""},
		{"*ing", "d:1"},
		{"*ngi*", "d:1"},
	} {
		res, err := c.Do(ctx, "FT.SEARCH", "idx", tc.query, "NOCONTENT", "DIALECT", "2").Slice()
		if err != nil {
			t.Errorf("FT.SEARCH %q: %v", tc.query, err)
			continue
		}
		var ks []string
		for _, k := range res[1:] {
			ks = append(ks, k.(string))
		}
		sort.Strings(ks)
		if got := strings.Join(ks, ","); got != tc.want {
			t.Errorf("FT.SEARCH %q: %q, want %q", tc.query, got, tc.want)
		}
	}
	for _, tc := range []struct{ query, want string }{
		{"-5", "-5\n"},
		{"@t:(*ing | *ngi*)", "@t:UNION {\n  @t:SUFFIX{*ing}\n  @t:INFIX{*ngi*}\n}\n"},
	} {
		if got, err := c.Do(ctx, "FT.EXPLAIN", "idx", tc.query, "DIALECT", "2").Text(); err != nil || got != tc.want {
			t.Errorf("FT.EXPLAIN %q: %q, %v; want %q", tc.query, got, err, tc.want)
		}
	}
}

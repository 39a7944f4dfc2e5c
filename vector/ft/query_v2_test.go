package ft

import "testing"

// TestDialect2Tokens: DIALECT 2 reads a query token by token as RediSearch
// 2.8's lexer splits it (src/query_parser/v2/lexer.rl): punctuation that
// starts no token is skipped, a backslash escapes punctuation, a blank or
// a backslash only; fuzzy terms and tag lists fail at the token the
// grammar (parser.y) stops at, near the text the lexer last recorded.
func TestDialect2Tokens(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		{"*$", "all"},
		{"(*) $ !", "all"},
		{"$", "null"},
		{"! , .", "null"},
		{"hello, world!", "and(text(:hello),text(:world))"},
		{`hel\lo`, "and(text(:hel),text(:lo))"},
		{`hel\\lo`, `text(:hel\lo)`},
		{`hel\-lo`, "text(:hel-lo)"},
		{`"hel\lo"`, "text(:hel,lo)"},
		{"% hello %", "text(:%hello%)"},
		{"@t:%%$p%%", "text(t:%%%%)"},
		{`@g:{hel\lo}`, "tag(g:hel lo)"},
		{`@g:{He\-llo | $p | *$p* | w'$p' | Big\ Y*}`, `tag(g:He-llo,$p,$p,$p,Big Y)`},
		{"@g:{a.b}", "tag(g:a b)"},
	} {
		n, _, err := ParseQuery(c.q)
		if err != nil {
			t.Errorf("%q: %v", c.q, err)
			continue
		}
		got := render(n)
		switch n.Kind {
		case qAll:
			got = "all"
		case qNull:
			got = "null"
		}
		if got != c.want {
			t.Errorf("%q: %s, want %s", c.q, got, c.want)
		}
	}
	for _, c := range []struct{ q, want string }{
		{"%*%", "Syntax error at offset 1 near "},
		{"a %b", "Syntax error at offset 3 near b"},
		{"a %b c%", "Syntax error at offset 5 near c"},
		{"%%%%a%%%%", "Syntax error at offset 3 near "},
		{"%$p*%", "Syntax error at offset 1 near p"},
		{"@g:{hello wor*}", "Syntax error at offset 10 near wor"},
		{"@g:{wor* hello}", "Syntax error at offset 9 near hello"},
		{"@g:{a w'b'}", "Syntax error at offset 8 near b"}, // a pattern records its text
		{"@g:{a-b}", "Syntax error at offset 5 near a"},
		{"@g:{a|}", "Syntax error at offset 6 near a"},
		{"@g:{}", "Syntax error at offset 4 near g"},
		{"@g:{'a'}", "Syntax error at offset 4 near a"},
		{"@g:{a", "Syntax error at offset 4 near a"},
		{"@g:{a|", "Syntax error at offset 5 near a"},
	} {
		if _, _, err := ParseQuery(c.q); err == nil || err.Error() != c.want {
			t.Errorf("%q: %v, want %q", c.q, err, c.want)
		}
	}
}

// TestExplainAsWritten: FT.EXPLAIN shows a tag and a pattern as the query
// wrote them, an affix unescaped, a number (written or a parameter's)
// verbatim in DIALECT 2 (RediSearch 2.8's query.c QueryNode_DumpSds,
// NewTokenNode_WithParams, QueryNode_EvalParamsCommon).
func TestExplainAsWritten(t *testing.T) {
	params := map[string][]byte{"n": []byte("1e5"), "w": []byte("Runs"), "t": []byte(`A\,b`), "h": []byte("0x1A"), "o": []byte("1e999")}
	for _, c := range []struct {
		q       string
		dialect int
		want    string
	}{
		{`@g:{He\-llo|HI}`, 1, "TAG:@g {\n  He\\-llo\n  HI\n}\n"},
		{`@g:{He\-llo|HI}`, 2, "TAG:@g {\n  He\\-llo\n  HI\n}\n"},
		{`@g:{Fo\ o*|*B\,r}`, 2, "TAG:@g {\n  PREFIX{Fo o*}\n  SUFFIX{*B,r}\n}\n"},
		{`@g:{w'A\?b'|$t}`, 2, "TAG:@g {\n  WILDCARD{A\\?b}\n  A\\,b\n}\n"},
		{"w'Fo?'", 2, "WILDCARD{Fo?}\n"},
		{"$n", 2, "1e5\n"},
		{"$h", 2, "0x1a\n"},
		{"$o", 2, "UNION {\n  1e999\n  +1e999(expanded)\n}\n"},
		{"$w", 2, "UNION {\n  runs\n  +run(expanded)\n  run(expanded)\n}\n"},
		{"inf 7", 2, "INTERSECT {\n  inf\n  7\n}\n"},
		{"7", 1, "UNION {\n  7\n  +7(expanded)\n}\n"},
	} {
		n, knn, err := parseResolved(c.q, c.dialect, nil, nil, params)
		if err != nil {
			t.Errorf("%q in DIALECT %d: %v", c.q, c.dialect, err)
			continue
		}
		if got := Explain(n, knn, nil); got != c.want {
			t.Errorf("%q in DIALECT %d:\n got %q\nwant %q", c.q, c.dialect, got, c.want)
		}
	}
}

// TestIsCNumber: a parameter's value is a number as strtod reads one,
// whole (RediSearch's ParseDouble).
func TestIsCNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"1": true, "-1.5": true, "+.5": true, "5.": true, "1e5": true, "1E-3": true, " 7": true, "": true,
		"inf": true, "-Infinity": true, "NaN": true, "-nan": true, "nan(x1)": true, "0x1A": true, "0x1.8p1": true,
		"0e9": true, "4e-320": true,
		"1e999": false, "1e-999": false, "0x": false, "1_000": false, "7 ": false, "1e": false, "infs": false,
		"--1": false, "abc": false, "cherry1": false, "1,5": false, "0x1p99999": false,
	} {
		if got := isCNumber(s); got != want {
			t.Errorf("isCNumber(%q) = %v, want %v", s, got, want)
		}
	}
}

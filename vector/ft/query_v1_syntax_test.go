package ft

import (
	"strings"
	"testing"
)

// invalid marks a query RediSearch refuses, with an error this test does
// not spell out.
const invalid = "!"

// checkDialect1 parses q in DIALECT 1 (with empty PARAMS, so that
// parameters and geo values are checked as a search checks them) and
// fails unless it parses when want is "", fails with any error when want
// is invalid, and fails with want otherwise.
func checkDialect1(t *testing.T, q, want string) {
	t.Helper()
	_, _, err := parseResolved(q, 1, nil, nil, map[string][]byte{})
	switch {
	case want == "" && err != nil:
		t.Errorf("%q in DIALECT 1: %v, want it to parse", q, err)
	case want == invalid && err == nil:
		t.Errorf("%q in DIALECT 1 parsed, want an error", q)
	case want != "" && want != invalid && (err == nil || err.Error() != want):
		t.Errorf("%q in DIALECT 1: %v, want %q", q, err, want)
	}
}

// TestDialect1RefusesDialect2Syntax: what DIALECT 2 added is a syntax
// error in DIALECT 1, at the token RediSearch 2.8's DIALECT 1 parser stops
// at, naming what its lexer last recorded, while DIALECT 2 reads it. The
// first cases are RediSearch 2.8's tests/cpptests/test_cpp_query.cpp
// testParser_delta and tests/pytests/test_dialect.py test_v1_vs_v2 (which
// check only that DIALECT 1 fails); "*=>[KNN 2 @vec $blob]" is the error
// of RediSearch issue 2723 and redis-py issue 2375, word for word. The
// offsets and texts of the others follow from its lexer and grammar.
func TestDialect1RefusesDialect2Syntax(t *testing.T) {
	for _, c := range []struct {
		q, v1 string
		v2ok  bool
	}{
		{"(*)", "Syntax error at offset 1 near ", true},
		{"$hello", "Syntax error at offset 0 near hello", false},
		{`"$hello"`, "Syntax error at offset 1 near hello", true},
		{"*=>[KNN 10 @vec_field $BLOB]", "Syntax error at offset 1 near >[", true},
		{"*=>[knn $K @vec_field $BLOB as as]", "Syntax error at offset 1 near >[", false},
		{"*=>[KNN $K @vec_field $BLOB AS score]", "Syntax error at offset 1 near >[", true},
		{"*=>[KNN $K @vec_field $BLOB foo bar x 5]", "Syntax error at offset 1 near >[", false},
		{"*=>[KNN 2 @vec $blob]", "Syntax error at offset 1 near >[", true},
		// tests/pytests/test_parser.py test_modifier_v1.
		{"@t1:hello world=>[KNN 10 @v $B]", "Syntax error at offset 17 near >[", false},
		{"@t1:(hello world)=>[KNN 10 @v $B]", "Syntax error at offset 19 near >[", true},
		// After "=>" the lexer records ">" and the byte after it.
		{"hello=>[KNN 2 @v $b]", "Syntax error at offset 7 near >[", true},
		{"(@t:{a})=>[KNN 2 @v $b]", "Syntax error at offset 10 near >[", true},
		{"* => [KNN 2 @v $b]", "Syntax error at offset 2 near > ", true},
		{"=>[KNN 2 @v $b]", "Syntax error at offset 0 near >[", false},
		// $parameters anywhere but an attribute's name.
		{"hello $w", "Syntax error at offset 6 near w", false},
		{"@t:$w", "Syntax error at offset 3 near w", false},
		{"@n:[$lo $hi]", "Syntax error at offset 4 near lo", true},
		{"@n:[(1 -$hi]", "Syntax error at offset 8 near hi", true},
		{"@g:[$lon 2 3 km]", "Syntax error at offset 4 near lon", true},
		{"@g:[1 2 3 $unit]", "Syntax error at offset 10 near unit", true},
		{"@t:{$x}", "Syntax error at offset 4 near x", true},
		{"@t:{a | $x}", "Syntax error at offset 8 near x", true},
		{"a=>{$weight: $w}", "Syntax error at offset 13 near w", false},
		{"%$x%", "Syntax error at offset 1 near x", false},
		{"%%$x%%", "Syntax error at offset 2 near x", false},
		{"a *$x*", "Syntax error at offset 2 near a", false},
		{`"a $x b"`, "Syntax error at offset 3 near x", false},
		{"'$x'", "Syntax error at offset 1 near x", false},
		// A range holds numbers: no vector range, no geometry.
		{"@v:[VECTOR_RANGE 0.1 $b]", "Syntax error at offset 4 near VECTOR_RANGE", true},
		{"@v:[VECTOR_RANGE $r $b]=>{$YIELD_DISTANCE_AS: d}", "Syntax error at offset 4 near VECTOR_RANGE", true},
		{"@geom:[WITHIN $poly]", "Syntax error at offset 7 near WITHIN", false},
	} {
		checkDialect1(t, c.q, c.v1)
		if c.v2ok {
			if _, _, err := ParseQueryDialect(c.q, 2); err != nil {
				t.Errorf("%q in DIALECT 2: %v", c.q, err)
			}
		}
	}
	// w'...' is DIALECT 2's wildcard; DIALECT 1 reads the word w and a
	// quoted word.
	n, _, err := ParseQueryDialect("w'fo?'", 1)
	if err != nil || strings.Contains(Explain(n, nil, nil), "WILDCARD") {
		t.Errorf("w'fo?' in DIALECT 1: %v %q, want no wildcard", err, Explain(n, nil, nil))
	}
}

// TestDialect1Grammar28: the DIALECT 1 queries of RediSearch 2.8's
// tests/cpptests/test_cpp_query.cpp testParser_v1 and testParser_delta
// that parse and those that fail (the failures' texts follow from its
// lexer and grammar); and its quirks: a tag list takes further "}" and
// "| value" after its closing brace, which it may lack, so "@t:{a} |
// @u:{b}" fails at "@u" (as users of NRediSearch found, RediSearch issue
// 2189, and answered "try DIALECT 2" in issue 3371); punctuation
// outside its tokens is skipped.
func TestDialect1Grammar28(t *testing.T) {
	for _, q := range []string{
		"hello", "*", "hello wor*", "hello world", "hello (world)", `"hello world"`, `"hello"`,
		`"\$hello"`, `"\@hello"`, `"hello world" "foo bar"`, `"hello world"|"foo bar"`,
		`"hello world" ("foo bar")`, `hello "foo bar" world`, "hello|hallo|yellow world",
		"(hello|world|foo) bar baz 123", "(hello|world|foo) (bar baz)", "@a:foo (@b:bar (@c:baz @d:gaz))",
		`(hello world|foo "bar baz") "bar baz" bbbb`, "@title:(barack obama)  @body:us|president",
		"@ti_tle:barack obama  @body:us", "@title:barack @body:obama",
		"@tit_le|bo_dy:barack @body|title|url|something_else:obama", "hello world&good+bye foo.bar",
		`@BusinessName:"Wells Fargo Bank, National Association"`, `@Business\:\-\ Name:Wells Fargo`,
		"@שלום:Wells Fargo", "foo -bar -(bar baz)", "(hello world)|(goodbye moon)",
		"@title:@num:[0 10]", "@title:(@num:[0 10])", "@t1:@t2:@t3:hello", "@t1|t2|t3:hello",
		"@title:(hello=>{$phonetic: true} world)", "hello ~world ~war", "hello ~(world war)", "-foo",
		"@title:-foo", "-@title:foo",
		"@loc:[15.1 -15 30 km]", "@loc:[15 -15.1 30 m]", "@loc:[15.03 -15.45 30 mi]", "@loc:[15.65 -15.65 30 ft]",
		"hello world -@loc:[15.65 -15.65 30 ft]", "@title:hello world ~@loc:[15.65 -15.65 30 ft]",
		"@loc:[15.65 -15.65 30 ft]|@loc:[15.65 -15.65 30 ft]", "hello (world @loc:[15.65 -15.65 30 ft])",
		"@number:[100 200]", "@number:[100 -200]", "@number:[(100 (200]", "@number:[100 inf]",
		"@number:[100 -inf]", "@number:[-inf +inf]", "@number:[-inf +inf]|@number:[100 200]",
		"@tags:{foo}", "@tags:{foo|bar baz|boo}", `@tags:{foo|bar\ baz|boo}`, "@tags:{foo*}",
		`@tags:{foo\-*}`, "@tags:{bar | foo*}", "@tags:{bar* | foo}", "@tags:{bar* | foo*}",
		"a for is", "a|for|is", "a little bit of party", "no-as", "~no~as", "(no -as) =>{$weight: 0.5}",
		"@foo:-as", "שלום עולם", "(foo bar) => {$weight: 0.5; $slop: 2}",
		"foo => {$weight: 0.5} bar => {$weight: 0.1}", "@title:(foo bar) => {$weight: 0.5; $slop: 2}",
		"@title:(conversation) (@title:(conversation the conversation))=>{$inorder: true;$slop: 0}",
		"(foo => {$weight: 0.5;}) | ((bar) => {$weight: 0.5})", "(foo => {$weight: 0.5;})  ((bar) => {}) => {}",
		"@tag:{foo | bar} => {$weight: 0.5;} ", "@num:[0 100] => {$weight: 0.5;} ",
		"@title:((hello world)|((hello world)|(hallo world|werld) | hello world werld))",
		"(hello world)|((hello world)|(hallo world|werld) | hello world werld)",
		"(hello|world) and \"another world\" (foo is bar) -(baz boo*)",
		"@title:{foo}}}}}", // "minor bug in v1"
		// The quirks.
		"@t:{foo", "@t:{a} | b", "@t:{a}}} | b c", "hello, world!",
	} {
		checkDialect1(t, q, "")
	}
	for _, c := range []struct{ q, want string }{
		{"@title:", "Syntax error at offset 6 near title"},
		{"@body:@title:", "Syntax error at offset 12 near title"},
		{"@body|title:@title:", "Syntax error at offset 18 near title"},
		{"@body|title", "Syntax error at offset 6 near title"},
		{"@loc:[190.65 -100.65 30 ft]", "Invalid GeoFilter lat/lon"},
		{"@loc:[50 50 -1 ft]", "Invalid GeoFilter radius"},
		{"@loc:[50 50 1 quoops]", "Invalid GeoFilter unit"},
		{"@loc:[50 50 1 1]", "Syntax error at offset 14 near 1"},
		{"@loc:[50 50 1]", "Syntax error at offset 13 near 1"},
		{"@loc:[190.65 -100.65 30 ft])", invalid},
		{"@number:[100 foo]", "Syntax error at offset 13 near foo"},
		{"@title:{{{{{foo}", "Syntax error at offset 8 near title"},
		{`@tags:{foo|bar\ baz|}`, `Syntax error at offset 20 near bar\ baz`},
		{`@tags:{foo|bar\ baz|`, `Syntax error at offset 19 near bar\ baz`},
		{`{foo|bar\ baz}`, "Syntax error at offset 0 near "},
		{"(foo", "Syntax error at offset 1 near foo"},
		{`"foo`, "Syntax error at offset 1 near foo"},
		{"()", "Syntax error at offset 1 near "},
		{"@tag:{foo | bar} => {$weight: -0.5;} ", "Invalid value (-0.5) for `weight`"},
		{"@tag:{foo | bar} => {$great: 0.5;} ", "Invalid attribute great"},
		{"@tag:{foo | bar} => {$great:;} ", "Syntax error at offset 28 near great"},
		{"@tag:{foo | bar} => {$:1;} ", "Syntax error at offset 22 near > "},
		{" => {$weight: 0.5;} ", "Syntax error at offset 1 near > "},
		// The quirks.
		{"@t:{a} | @u:{b}", "Syntax error at offset 9 near u"},
		{"@t:{a}|{b}", "Syntax error at offset 7 near a"},
		{"@t:{a-b}", "Syntax error at offset 7 near b"}, // @t:{a} -b, then }
		{`"a-b"`, "Syntax error at offset 2 near a"},
		{`""`, "Syntax error at offset 1 near "},
		{"x %%%%hat%%%%", "Syntax error at offset 5 near x"},
		{"%hat%%", "Syntax error at offset 5 near hat"},
		{"hello (", "Syntax error at offset 6 near hello"},
		{"* hello", "Syntax error at offset 2 near hello"},
		{"a *", "Syntax error at offset 2 near a"},
	} {
		checkDialect1(t, c.q, c.want)
	}
	// What the quirks read.
	for _, c := range []struct{ v1, v2 string }{
		{"@t:{a} | b", "@t:{a | b}"},
		{"@t:{a}}} | b c", "@t:{a | b c}"},
		{"@t:{foo", "@t:{foo}"},
		{"@t:{a b|c*|*d|*e*}", "@t:{a b|c*|*d|*e*}"},
		{"hello, world!", "hello world"},
		{"1.2e+3", "1.2 e 3"},
		{"@n:[(1 -2]", "@n:[(1 -2]"},
	} {
		n1, _, err := ParseQueryDialect(c.v1, 1)
		if err != nil {
			t.Fatalf("%q in DIALECT 1: %v", c.v1, err)
		}
		n2, _, err := ParseQueryDialect(c.v2, 2)
		if err != nil {
			t.Fatalf("%q in DIALECT 2: %v", c.v2, err)
		}
		stemNumbers(n2)
		if got, want := Explain(n1, nil, nil), Explain(n2, nil, nil); got != want {
			t.Errorf("%q in DIALECT 1:\n%s\nwant (%q)\n%s", c.v1, got, c.v2, want)
		}
	}
}

// BenchmarkParseQueryDialect parses typical filters in each dialect
// (DIALECT 1 lexes the query first, query_v1_lex.go).
func BenchmarkParseQueryDialect(b *testing.B) {
	queries := []string{
		"@genre:{drama|comedy} @year:[2000 (2010] -@title:(love story)",
		`hello world | "goodbye" moon`,
		"(@t:{a b})=>{$weight: 2} foo* %bar%",
	}
	for _, d := range []int{1, 2} {
		b.Run("DIALECT"+string(rune('0'+d)), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, _, err := ParseQueryDialect(queries[i%len(queries)], d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDialect1StopWords: a stop word ends a DIALECT 1 run of words and
// is a tag of its own in a tag list, as RediSearch 2.8's DIALECT 1 lexer
// marks it (query_v1_stop.go): "{ to be or not to be }" fails at its
// brace near "be", as RediSearch's tag documentation shows (its PR
// 1928); DIALECT 2 drops a multi-word tag's stop
// words from the third word on. Without stop words (NOSTOPWORDS) the
// runs are as before.
func TestDialect1StopWords(t *testing.T) {
	stop := func(w string) bool { return defaultStopSet[strings.ToLower(w)] }
	for _, c := range []struct {
		q       string
		dialect int
		want    string
	}{
		{"@f:x the y", 1, "and(text(f:x),text(:the),text(:y))"},
		{"@f:x THE y", 1, "and(text(f:x),text(:the),text(:y))"},
		{"@f:the x y", 1, "and(text(f:the),and(text(:x),text(:y)))"},
		{"@f:x y the z", 1, "and(text(f:x,y),text(:the),text(:z))"},
		{"x the y | z", 1, "and(text(:x),text(:the),or(text(:y),text(:z)))"},
		{"x w y | z", 1, "or(and(text(:x),text(:w),text(:y)),text(:z))"},
		{"-x the y", 1, "not(and(text(:x),text(:the),text(:y)))"},
		{"@g:{the | x}", 1, "tag(g:the,x)"},
		{"@g:{the x", 1, "and(tag(g:the),text(:x))"}, // the list ends after "the"
		{"@g:{x the", 1, "and(tag(g:x),text(:the))"},
		{"@g:{x y the z}", 1, "tag(g:x y z)"},
		{"@g:{x y the z}", 2, "tag(g:x y z)"},
		{"@g:{to be or not}", 2, "tag(g:to be)"},
		{"@g:{to\\ be or not}", 2, "tag(g:to be or)"},
		{"@g:{x the}", 2, "tag(g:x the)"},
		{"@f:x the y", 2, "and(text(f:x),text(:the),text(:y))"},
	} {
		n, _, err := parseQuery(c.q, c.dialect, stop)
		if err != nil {
			t.Errorf("%q in DIALECT %d: %v", c.q, c.dialect, err)
			continue
		}
		if got := render(n); got != c.want {
			t.Errorf("%q in DIALECT %d: tree %s, want %s", c.q, c.dialect, got, c.want)
		}
	}
	for _, c := range []struct{ q, want string }{
		{"@g:{the x}", "Syntax error at offset 9 near x"},
		{"@g:{x the}", "Syntax error at offset 9 near the"},
		{"@g:{ to be or not to be }", "Syntax error at offset 24 near be"},
	} {
		if _, _, err := parseQuery(c.q, 1, stop); err == nil || err.Error() != c.want {
			t.Errorf("%q in DIALECT 1: %v, want %q", c.q, err, c.want)
		}
		if _, _, err := parseQuery(c.q, 1, nil); err != nil {
			t.Errorf("%q in DIALECT 1 without stop words: %v", c.q, err)
		}
	}
	if n, _, err := parseQuery("@f:x the y", 1, nil); err != nil || render(n) != "text(f:x,the,y)" {
		t.Errorf("@f:x the y without stop words: %v, %v", n, err)
	}
}

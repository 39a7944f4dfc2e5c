package ft

import (
	"errors"
	"strings"
	"testing"
)

// TestParseQuerySyntax: the parse trees of RediSearch 2.8's full-text
// syntax beyond words and phrases (optional clauses, fuzzy terms, field
// scoped sub-queries, suffixes and infixes, $slop and $inorder).
func TestParseQuerySyntax(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		{"foo ~bar", "and(text(:foo),opt(text(:bar)))"},
		{"~(a | b) c", "and(opt(or(text(:a),text(:b))),text(:c))"},
		{"~@t:{x}", "opt(tag(t:x))"},
		{"%Hat% %%fo%% %%%abc%%%", "and(text(:%hat%),text(:%%fo%%),text(:%%%abc%%%))"},
		{"@t:%%hat%% | @t:(%a% b*)", "or(text(t:%%hat%%),text(t:%a%,b*))"},
		{"@t:(a | b -c)", "or(text(t:a),and(text(t:b),not(text(t:c))))"},
		{`@t:("a b" | c* ~%d%)`, "or(text(t:a,b),and(text(t:c*),opt(text(t:%d%))))"},
		{"@title|body:word", "text(title|body:word)"},
		{"@a|b|c:(x y)", "text(a|b|c:x,y)"},
		{"@t:((a b) | (c))", "or(text(t:a,b),text(t:c))"},
		{"*oes *HO* x", "and(text(:*oes),text(:*ho*),text(:x))"},
		{"@t:(*oes | sh*)", "or(text(t:*oes),text(t:sh*))"},
		{"@t:*un*", "text(t:*un*)"},
		// Single quotes read as double quotes (RediSearch 8.0; redis-om
		// sends "@title:'word'").
		{"(@t:'Eden')", "text(t:eden)"},
		{"'a b' c", "and(text(:a,b),text(:c))"},
	} {
		n, _, err := ParseQuery(c.q)
		if err != nil {
			t.Errorf("%q: %v", c.q, err)
			continue
		}
		if got := render(n); got != c.want {
			t.Errorf("%q: tree %s, want %s", c.q, got, c.want)
		}
	}
	// Nested field scopes are DIALECT 1's (DIALECT 2 refuses them:
	// TestDialect2Refusals).
	for _, c := range []struct{ q, want string }{
		{"@t:(a @u:b)", "and(text(t:a),text(\x00:b))"}, // no field in common: nullScope
		{"@t|u:(a @u|v:b)", "and(text(t|u:a),text(u:b))"},
		{"@t|u:(@v|U|t:(@t|u:b))", "text(t|u:b)"},
		{"@t:(x @g:{y} @n:[1 2])", "and(text(t:x),tag(g:y),num(n:1,2))"},
	} {
		n, _, err := ParseQueryDialect(c.q, 1)
		if err != nil {
			t.Errorf("%q in DIALECT 1: %v", c.q, err)
			continue
		}
		if got := render(n); got != c.want {
			t.Errorf("%q in DIALECT 1: tree %s, want %s", c.q, got, c.want)
		}
	}
	// A quoted word is exact: not stemmed.
	if n, _, err := ParseQuery("@t:'running'"); err != nil || !n.Phrase {
		t.Errorf("@t:'running': %+v, %v; want an exact phrase", n, err)
	}
}

// TestParseQuerySyntaxErrors: malformed new syntax is a syntax error at
// the offset RediSearch names.
func TestParseQuerySyntaxErrors(t *testing.T) {
	for _, c := range []struct {
		q      string
		offset int
	}{
		{"foo ~", 5},
		{"~)", 1},
		// A fuzzy term fails at the token its grammar stops at: a fourth
		// %, a token that is no word, number or $name, a missing %, or at
		// the end of the query its last token.
		{"a %%%%foo%%%%", 5},
		{"%foo%% x", 7},
		{"%foo x", 5},
		{"%% x", 3},
		{"%foo*%", 1},
		{"%*%", 1},
		{"@a|:x", 0},
		{"@a|b:{x}", 5},
		{"@a|b:[1 2]", 5},
		{"@t:(a", 5},
		{"@t:(a | )", 8},
		{"@t:*", 3},
		{"@t:* x", 3},
		{"@t:'abc", 3},
		{"a '' b", 2},
	} {
		_, _, err := ParseQuery(c.q)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v, want a SyntaxError", c.q, err)
			continue
		}
		if se.Offset != c.offset {
			t.Errorf("%q: %v, want offset %d", c.q, err, c.offset)
		}
	}
}

// TestDialect2Refusals: what RediSearch 2.8's DIALECT 2 grammar refuses
// and DIALECT 1's reads. Only text clauses may follow a field modifier
// there, so a field modifier inside "@f:(...)" or right after "@f:" is a
// syntax error at its '@', near the field's name (tests/cpptests/
// test_cpp_query.cpp testParser_v2 and tests/pytests/test_dialect.py
// check only that these fail: the offsets and texts follow from its
// lexer and grammar). A KNN clause after clauses side by side or joined
// by |, or after a clause under - or ~, is refused at its '[': the arrow
// binds more tightly than those and goes to the last clause, where only
// attributes ("=>{") may follow (tests/pytests/test_parser.py
// test_modifier_v2's "@t1:hello world=>[KNN 10 @v $B]"); the text is
// what the lexer last recorded, the arrow's from its '>'.
func TestDialect2Refusals(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		{"@title:(@num:[0 10])", "Syntax error at offset 8 near num"},
		{"@title:@num:[0 10]", "Syntax error at offset 7 near num"},
		{"@t1:@t2:@t3:hello", "Syntax error at offset 4 near t2"},
		{"@t:(a @u:b)", "Syntax error at offset 6 near u"},
		{"@t:(a | -(b @g:{x}))", "Syntax error at offset 12 near g"},
		{"@t:-@u:a", "Syntax error at offset 4 near u"},
		{`@t\ x:(y @a\:b\ c:z)`, `Syntax error at offset 9 near a\:b\ c`},
		{"@t1:hello world=>[KNN 10 @v $B]", "Syntax error at offset 17 near >["},
		{"hello world=>[KNN 10 @v $B]", "Syntax error at offset 13 near >["},
		{"a | b=>[KNN 10 @v $B]", "Syntax error at offset 7 near >["},
		{"-a=>[KNN 10 @v $B]", "Syntax error at offset 4 near >["},
		{"~a=>{$weight: 2}=>[KNN 10 @v $B]", "Syntax error at offset 18 near >["},
		{"@t:-a=>[KNN 10 @v $B]", "Syntax error at offset 7 near >["},
		{"a b=> [KNN 10 @v $B]", "Syntax error at offset 6 near > "},
	} {
		_, _, err := ParseQuery(c.q)
		if err == nil || err.Error() != c.want {
			t.Errorf("%q in DIALECT 2: %v, want %q", c.q, err, c.want)
		}
		if _, _, err := ParseQueryDialect(c.q, 1); err == nil && !strings.Contains(c.q, "KNN") {
			continue // DIALECT 1 reads the nested scopes
		} else if err == nil {
			t.Errorf("%q in DIALECT 1 parsed", c.q)
		}
	}
	// What it takes: one clause before the KNN clause, a parenthesized
	// group, attributes, and "-x" or "~x" after a field.
	for _, c := range []struct{ q, want string }{
		{"@t1:(hello world)=>[KNN 10 @v $B]", "text(t1:hello,world)"},
		{"(hello world)=>[KNN 10 @v $B]", "and(text(:hello),text(:world))"},
		{"@t:$w=>{$weight: 2}=>[KNN 10 @v $B]", "text(t:)"},
		{"@t:(-a)=>[KNN 10 @v $B]", "not(text(t:a))"},
		{"@g:{x}=>[KNN 10 @v $B]", "tag(g:x)"},
		{"@t:-a b", "and(not(text(t:a)),text(:b))"},
		{"@t:~a", "opt(text(t:a))"},
	} {
		n, _, err := ParseQuery(c.q)
		if err != nil {
			t.Errorf("%q in DIALECT 2: %v", c.q, err)
			continue
		}
		if got := render(n); got != c.want {
			t.Errorf("%q in DIALECT 2: tree %s, want %s", c.q, got, c.want)
		}
	}
}

// TestExplainSyntax: FT.EXPLAIN's text for the new node kinds.
func TestExplainSyntax(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		{"~@t:{x}", "OPTIONAL{\n  TAG:@t {\n    x\n  }\n}\n"},
		{"@t:%%hat%%", "@t:FUZZY{hat}\n"},
		{"@t|u:%ab%", "@t|u:FUZZY{ab}\n"},
		{"*oes @t:*ho*", "INTERSECT {\n  SUFFIX{*oes}\n  @t:INFIX{*ho*}\n}\n"},
		{"(@t:{a} @t:{b})=>{$slop: 1; $inorder: true}", "INTERSECT {\n  TAG:@t {\n    a\n  }\n  TAG:@t {\n    b\n  }\n} => { $slop: 1; $inorder: true; }\n"},
		{"(@t:{a} | @t:{b})=>{$inorder: true}", "UNION {\n  TAG:@t {\n    a\n  }\n  TAG:@t {\n    b\n  }\n} => { $inorder: true; }\n"},
	} {
		n, knn, err := ParseQuery(c.q)
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		if got := Explain(n, knn, nil); got != c.want {
			t.Errorf("%q:\n got %q\nwant %q", c.q, got, c.want)
		}
	}
}

// TestSlopWindows: the distance check on hand-made position lists.
func TestSlopWindows(t *testing.T) {
	for _, c := range []struct {
		pos     [][]uint32
		slop    int
		inOrder bool
		want    bool
	}{
		{[][]uint32{{1}, {2}}, 0, true, true},
		{[][]uint32{{2}, {1}}, 0, true, false},
		{[][]uint32{{2}, {1}}, 0, false, true},
		{[][]uint32{{2, 3}, {6}}, 1, false, false},
		{[][]uint32{{2, 3}, {6}}, 2, false, true},
		{[][]uint32{{6}, {2, 3}}, 100, true, false},
		{[][]uint32{{1, 10}, {12, 20}, {14}}, 2, true, true},
		{[][]uint32{{1, 10}, {12, 20}, {14}}, 1, true, false},
		{[][]uint32{{1, 10}, {11, 20}, {13}}, 1, true, true},
		{[][]uint32{{1, 10}, {11, 20}, {13}}, 0, true, false},
		{[][]uint32{{5}, {1, 9}, {7}}, 1, false, false},
		{[][]uint32{{5}, {1, 6}, {7}}, 0, false, true},
	} {
		var kids []*result
		for _, p := range c.pos {
			kids = append(kids, &result{kind: resTerm, pos: p})
		}
		kids = append(kids, &result{kind: resOther}) // no positions: left out
		if got := withinSlop(kids, c.slop, c.inOrder); got != c.want {
			t.Errorf("%v slop %d inorder %v: %v, want %v", c.pos, c.slop, c.inOrder, got, c.want)
		}
	}
}

// TestSlopAttrs: $slop and $inorder parse onto the node; bad values are
// RediSearch's errors.
func TestSlopAttrs(t *testing.T) {
	n, _, err := ParseQuery("(a b)=>{$slop: 2; $inorder: true}")
	if err != nil || !n.HasSlop || n.Slop != 2 || !n.InOrder {
		t.Fatalf("%+v %v", n, err)
	}
	for q, want := range map[string]string{
		"(a b)=>{$slop: x}":      "Invalid value (x) for `slop`",
		"(a b)=>{$slop: -1}":     "Invalid value (-1) for `slop`",
		"(a b)=>{$inorder: yes}": "Invalid value (yes) for `inorder`",
	} {
		if _, _, err := ParseQuery(q); err == nil || err.Error() != want {
			t.Errorf("%q: %v, want %q", q, err, want)
		}
	}
}

// TestGlobMatch: wildcard patterns' * (any run), ? (one character, a
// rune), \ (the next literally).
func TestGlobMatch(t *testing.T) {
	for _, c := range []struct {
		pat, s string
		want   bool
	}{
		{"h?llo", "hello", true}, {"h?llo", "hllo", false}, {"h*o", "ho", true}, {"h*o", "hello", true},
		{"h*o", "hellos", false}, {"*", "", true}, {"?", "", false}, {"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false}, {`e\*`, "e*", true}, {`e\*`, "ex", false}, {`\?`, "?", true},
		{"gr??en", "grüßen", true}, {"*ware", "software", true}, {"**a", "ba", true},
	} {
		if got := globMatch(c.pat, c.s); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v, want %v", c.pat, c.s, got, c.want)
		}
	}
	n, _, err := ParseQuery("@t:w'Fo?b*' w'x'")
	if err != nil || render(n) != "and(text(t:w'Fo?b*'),text(:w'x'))" { // as written: matched folded

		t.Errorf("parse of wildcards: %s, %v", render(n), err)
	}
	if _, _, err := ParseQuery("w'abc"); err == nil {
		t.Error("an unterminated wildcard parsed")
	}
}

// TestDialect1Grammar: a DIALECT 1 query parses as the DIALECT 2 query
// that spells its grouping out. The first four are the examples of
// RediSearch's documentation of dialects and of FT.EXPLAINCLI (whose
// example runs in the default dialect, 1); the others follow from its
// DIALECT 1 grammar's precedences (query_v1.go).
func TestDialect1Grammar(t *testing.T) {
	for _, c := range []struct{ v1, v2 string }{
		{"@name:James Brown", "@name:(James Brown)"},
		{"-hello world", "-(hello world)"},
		{`hello world | "goodbye" moon`, `((hello world) | "goodbye") moon`},
		{"(foo bar)|(hello world) @date:[100 200]|@date:[500 +inf]", "((foo bar)|(hello world)) (@date:[100 200]|@date:[500 +inf])"},
		{`-a "b"`, `(-a) "b"`},
		{"-a (b) c", "-(a b c)"},
		{`~a "b"`, `~(a "b")`},
		{"~a ~b", "(~a) (~b)"},
		{"~a -b", "~(a -b)"},
		{"@t:a | b c", "@t:(a | (b c))"},
		{`@t:a "b"`, `(@t:a) "b"`},
		{`x "y" | z`, `x ("y" | z)`},
		{"@t:a b 3", "(@t:(a b)) 3"},
		{"@t:a 3 b", "@t:(a 3 b)"},
		{"a | b | c d", "a | b | (c d)"},
		{"-a | b", "-(a | b)"},
		{"a -b c | d", "a -((b c) | d)"},
		{`a "b"=>{$weight: 2}`, `a ("b")=>{$weight: 2}`},
		{"a b=>{$weight: 2} c", "((a b)=>{$weight: 2}) c"},
		{"@t:a b* c", "(@t:a) b* c"},
		{"-a b* @t:c", "-(a b* @t:c)"},
		// RediSearch 2.8's tests/pytests/test_parser.py, its DIALECT 1 plans.
		{`hello world | goodbye "moon"`, `((hello world) | goodbye) "moon"`},
		{`"hello" "world" | "goodbye" "moon"`, `"hello" ("world" | "goodbye") "moon"`},
		{`("hello" "world")|(("hello" "world")|("hallo" "world"|"werld") | "hello" "world" "werld")`,
			`("hello" "world")|((("hello" "world")|("hallo" ("world"|"werld"))|"hello") "world" "werld")`},
		{"@t1:hello world @t2:howdy", "@t1:(hello world) @t2:howdy"},
		{"@t1:hello=>{$weight:5} world", "@t1:(hello=>{$weight:5}) world"},
		{`very simple | @t:hello @t2:{ free\ world } (@n:[1 2]|@n:[3 4]) (@g:[1.5 0.5 0.5 km] -@g:[2.5 1.5 0.5 km])`,
			`((very simple) | @t:hello) @t2:{ free\ world } (@n:[1 2]|@n:[3 4]) (@g:[1.5 0.5 0.5 km] -@g:[2.5 1.5 0.5 km])`},
		{`hello | "world" again`, `(hello | "world") again`},
		{`hello | -"world" again`, `hello | -("world" again)`},
		{`hello ~-"world" ~again`, `hello (~(-"world")) (~again)`},
	} {
		n1, k1, err := ParseQueryDialect(c.v1, 1)
		if err != nil {
			t.Fatalf("%q in DIALECT 1: %v", c.v1, err)
		}
		n2, k2, err := ParseQueryDialect(c.v2, 2)
		if err != nil {
			t.Fatalf("%q in DIALECT 2: %v", c.v2, err)
		}
		unboxExact(n2) // the one-word phrases of DIALECT 2 as DIALECT 1 writes them
		stemNumbers(n2)
		if got, want := Explain(n1, k1, nil), Explain(n2, k2, nil); got != want {
			t.Errorf("%q in DIALECT 1:\n%s\nwant (%q)\n%s", c.v1, got, c.v2, want)
		}
	}
	// * is a query of its own in DIALECT 1, never a clause.
	for _, q := range []string{"a *", "(*)", "@t:* x"} {
		var se *SyntaxError
		if _, _, err := ParseQueryDialect(q, 1); !errors.As(err, &se) {
			t.Errorf("%q in DIALECT 1: %v, want a syntax error", q, err)
		}
	}
}

// stemNumbers stems n's numbers as DIALECT 1 does (DIALECT 2 reads a
// number verbatim).
func stemNumbers(n *Node) {
	if n.Kind == qText {
		n.Verbatim = false
	}
	for _, k := range n.Kids {
		stemNumbers(k)
	}
}

// unboxExact marks n's one-word phrases as DIALECT 1 reads them.
func unboxExact(n *Node) {
	n.exactBox = false
	for _, k := range n.Kids {
		unboxExact(k)
	}
}

// TestExplainExactWord: DIALECT 2 writes a one-word phrase as a phrase,
// DIALECT 1 as the word (RediSearch 2.8's test_parser.py,
// test_and_or_v1 and _v2).
func TestExplainExactWord(t *testing.T) {
	q := `"hello" "world" | "goodbye" "moon"`
	for _, c := range []struct {
		dialect int
		want    string
	}{
		{1, "INTERSECT {\n  hello\n  UNION {\n    world\n    goodbye\n  }\n  moon\n}\n"},
		{2, "UNION {\n  INTERSECT {\n    EXACT {\n      hello\n    }\n    EXACT {\n      world\n    }\n  }\n" +
			"  INTERSECT {\n    EXACT {\n      goodbye\n    }\n    EXACT {\n      moon\n    }\n  }\n}\n"},
	} {
		n, knn, err := ParseQueryDialect(q, c.dialect)
		if err != nil {
			t.Fatal(err)
		}
		if got := Explain(n, knn, nil); got != c.want {
			t.Errorf("DIALECT %d:\n%s\nwant\n%s", c.dialect, got, c.want)
		}
	}
}

package ft

import (
	"errors"
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
		{"@t:(a @u:b)", "and(text(t:a),text(u:b))"},
		{"@t:(x @g:{y} @n:[1 2])", "and(text(t:x),tag(g:y),num(n:1,2))"},
		{"@t:((a b) | (c))", "or(text(t:a,b),text(t:c))"},
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
		{"a %%%%foo%%%%", 2},
		{"%foo%% x", 5},
		{"%foo x", 0},
		{"%% x", 0},
		{"%foo*%", 0},
		{"@a|:x", 0},
		{"@a|b:{x}", 5},
		{"@a|b:[1 2]", 5},
		{"@t:(a", 5},
		{"@t:(a | )", 8},
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

// TestExplainSyntax: FT.EXPLAIN's text for the new node kinds.
func TestExplainSyntax(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		{"~@t:{x}", "OPTIONAL{\n  TAG:@t {\n    x\n  }\n}\n"},
		{"@t:%%hat%%", "@t:FUZZY{hat}\n"},
		{"@t|u:%ab%", "@t|u:FUZZY{ab}\n"},
	} {
		n, knn, err := ParseQuery(c.q)
		if err != nil {
			t.Fatalf("%q: %v", c.q, err)
		}
		if got := Explain(n, knn); got != c.want {
			t.Errorf("%q:\n got %q\nwant %q", c.q, got, c.want)
		}
	}
}

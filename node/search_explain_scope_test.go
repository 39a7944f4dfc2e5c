package node

import "testing"

// TestFTExplainScopedGroup: FT.EXPLAIN writes a field modifier's scope
// before every clause it scoped, the group's UNION, INTERSECT and NOT
// included, as RediSearch 2.8 prints them; an unscoped group has none.
func TestFTExplainScopedGroup(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	do := doer(t, c)
	do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "d:", "SCHEMA", "title", "TEXT", "body", "TEXT")
	for _, tc := range []struct{ query, want string }{
		{"@title:(red|blue)", "@title:UNION {\n  @title:red\n  @title:blue\n}\n"},
		// DIALECT 1 (the default) negates the run of words after -.
		{"@title:(-red shoes)", "@title:NOT{\n  @title:INTERSECT {\n    @title:red\n    @title:shoes\n  }\n}\n"},
		{"@title:(red ~blue)", "@title:INTERSECT {\n  @title:red\n  @title:OPTIONAL{\n    @title:blue\n  }\n}\n"},
		{"(@title:red) | @body:blue", "UNION {\n  @title:red\n  @body:blue\n}\n"},
		{"@title:(@body:(red|blue))", "@NULL:UNION {\n  @NULL:red\n  @NULL:blue\n}\n"},
	} {
		if got := do("FT.EXPLAIN", "idx", tc.query, "VERBATIM"); got != tc.want {
			t.Errorf("FT.EXPLAIN %q:\n%s\nwant\n%s", tc.query, got, tc.want)
		}
	}
	// DIALECT 2 negates one clause.
	if got, want := do("FT.EXPLAIN", "idx", "@title:(-red shoes)", "VERBATIM", "DIALECT", "2"),
		"@title:INTERSECT {\n  @title:NOT{\n    @title:red\n  }\n  @title:shoes\n}\n"; got != want {
		t.Errorf("FT.EXPLAIN @title:(-red shoes) DIALECT 2:\n%s\nwant\n%s", got, want)
	}
}

// TestFTExplainFieldOrder: a field list is written in the schema's order,
// whatever order the query gave it in, and the stemmed forms of a term
// are scoped to the fields that stem. Expected plans from RediSearch 2.8's
// tests/pytests/test.py testStemmingWithModifierList (the schema below is
// that test's) and test_parser.py testModifierList.
func TestFTExplainFieldOrder(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	do := doer(t, c)
	do("FT.CREATE", "idx", "ON", "HASH", "SCHEMA", "body", "TEXT", "name", "TEXT", "NOSTEM",
		"body2", "TEXT", "name2", "TEXT", "NOSTEM")
	do("FT.CREATE", "idx2", "SCHEMA", "t1", "TEXT", "t2", "TEXT")
	for _, tc := range []struct{ index, query, want string }{
		{"idx", "@body:candy", "@body:UNION {\n  @body:candy\n  @body:+candi(expanded)\n  @body:candi(expanded)\n}\n"},
		{"idx", "@body|body2:candy", "@body|body2:UNION {\n  @body|body2:candy\n  @body|body2:+candi(expanded)\n  @body|body2:candi(expanded)\n}\n"},
		{"idx", "@name:candy", "@name:candy\n"},
		{"idx", "@name|name2:candy", "@name|name2:candy\n"},
		{"idx", "@body|name:candy", "@body|name:UNION {\n  @body|name:candy\n  @body:+candi(expanded)\n  @body:candi(expanded)\n}\n"},
		{"idx", "@name2|body|name:candy", "@body|name|name2:UNION {\n  @body|name|name2:candy\n  @body:+candi(expanded)\n  @body:candi(expanded)\n}\n"},
		{"idx", "@body2|body|name:candy", "@body|name|body2:UNION {\n  @body|name|body2:candy\n  @body|body2:+candi(expanded)\n  @body|body2:candi(expanded)\n}\n"},
		{"idx", "@body2|body|name|name2:candy", "@body|name|body2|name2:UNION {\n  @body|name|body2|name2:candy\n  @body|body2:+candi(expanded)\n  @body|body2:candi(expanded)\n}\n"},
		{"idx2", "@t1|t2:(text value)", "@t1|t2:INTERSECT {\n  @t1|t2:UNION {\n    @t1|t2:text\n    @t1|t2:+text(expanded)\n  }\n  @t1|t2:UNION {\n    @t1|t2:value\n    @t1|t2:+valu(expanded)\n    @t1|t2:valu(expanded)\n  }\n}\n"},
		{"idx2", "@t2|t1:(text value)", "@t1|t2:INTERSECT {\n  @t1|t2:UNION {\n    @t1|t2:text\n    @t1|t2:+text(expanded)\n  }\n  @t1|t2:UNION {\n    @t1|t2:value\n    @t1|t2:+valu(expanded)\n    @t1|t2:valu(expanded)\n  }\n}\n"},
	} {
		if got := do("FT.EXPLAIN", tc.index, tc.query); got != tc.want {
			t.Errorf("FT.EXPLAIN %s %q:\n%s\nwant\n%s", tc.index, tc.query, got, tc.want)
		}
	}
}

// TestFTExplainScopedFilters: in DIALECT 1 a field modifier scopes any
// clause, and FT.EXPLAIN writes the scope before a tag list and each of
// its tags; before a numeric range only "@NULL:", when the scopes share
// no TEXT field. The schema and the first two plans are RediSearch 2.8's
// tests/pytests/test_dialect.py test_v1_vs_v2 (which checks them with
// contains, the first as "@t1:@t2:@t3:hello"); the full lines follow RediSearch's plan writer
// (QueryNode_DumpSds in src/query.c writes the mask, "@NULL:" for an
// empty one, before every node but numeric, geo and id ones, and
// QueryNode_SetFieldMask ANDs a modifier's mask into a node and all its
// children, a tag list's tags included).
func TestFTExplainScopedFilters(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	do := doer(t, c)
	do("FT.CREATE", "idx", "SCHEMA", "title", "TAG", "t1", "TEXT", "t2", "TEXT", "t3", "TEXT", "num", "NUMERIC")
	for _, tc := range []struct{ query, want string }{
		{"@t1:(@t2:(@t3:hello))", "@NULL:hello\n"},
		{"@title:(@num:[0 10])", "@NULL:NUMERIC {0.000000 <= @num <= 10.000000}\n"},
		{"@t1:(@num:[0 10])", "NUMERIC {0.000000 <= @num <= 10.000000}\n"},
		{"@t1:(@title:{foo})", "@t1:TAG:@title {\n  @t1:foo\n}\n"},
		{"@t2|t1:(@title:{foo|bar} baz)", "@t1|t2:INTERSECT {\n  @t1|t2:TAG:@title {\n    @t1|t2:foo\n    @t1|t2:bar\n  }\n  @t1|t2:baz\n}\n"},
		{"@t1:(@t2:(@title:{foo}))", "@NULL:TAG:@title {\n  @NULL:foo\n}\n"},
		{"@title:{foo}", "TAG:@title {\n  foo\n}\n"},
	} {
		if got := do("FT.EXPLAIN", "idx", tc.query, "VERBATIM", "DIALECT", "1"); got != tc.want {
			t.Errorf("FT.EXPLAIN %q:\n%s\nwant\n%s", tc.query, got, tc.want)
		}
	}
}

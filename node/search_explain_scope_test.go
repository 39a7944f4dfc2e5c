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
		{"@title:(-red shoes)", "@title:INTERSECT {\n  @title:NOT{\n    @title:red\n  }\n  @title:shoes\n}\n"},
		{"@title:(red ~blue)", "@title:INTERSECT {\n  @title:red\n  @title:OPTIONAL{\n    @title:blue\n  }\n}\n"},
		{"(@title:red) | @body:blue", "UNION {\n  @title:red\n  @body:blue\n}\n"},
		{"@title:(@body:(red|blue))", "@NULL:UNION {\n  @NULL:red\n  @NULL:blue\n}\n"},
	} {
		if got := do("FT.EXPLAIN", "idx", tc.query, "VERBATIM"); got != tc.want {
			t.Errorf("FT.EXPLAIN %q:\n%s\nwant\n%s", tc.query, got, tc.want)
		}
	}
}

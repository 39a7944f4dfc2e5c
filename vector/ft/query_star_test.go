package ft

import "testing"

// TestDialect2BareStar: RediSearch 2.8's DIALECT 2 grammar takes a bare *
// only as the whole query (query_star.go). Elsewhere it fails at the *,
// and after the query's own * at the next token, naming the text its
// lexer last recorded (a * or a parenthesis records none); affixes,
// $name's affixes, 'verbatim' text and w'pattern' hold theirs.
func TestDialect2BareStar(t *testing.T) {
	for _, c := range []struct{ q, want string }{
		{"@t:(*)", "Syntax error at offset 4 near t"},
		{"a * b", "Syntax error at offset 2 near a"},
		{"* a", "Syntax error at offset 2 near a"},
		{"-*", "Syntax error at offset 1 near "},
		{"* *", "Syntax error at offset 2 near "},
		{"(*) | a", "Syntax error at offset 4 near "},
		{"((*)", "Syntax error at offset 3 near "},
		{"(*))", "Syntax error at offset 3 near "},
		{"*=>{$weight: 2}", "Syntax error at offset 3 near >{"},
		{"((*)=>[KNN 2 @v $B]", "Syntax error at offset 4 near >["},
		{"(*=>[KNN 2 @v $B])", "Syntax error at offset 2 near >["},
		{"@t:{*}", "Syntax error at offset 4 near t"},
		{"@t:{a|*}", "Syntax error at offset 6 near a"},
		{`"a *"`, "Syntax error at offset 3 near a"},
		{"*oes *HO* * x", "Syntax error at offset 10 near HO"},
		{"$x* *", "Syntax error at offset 4 near x"},
		{"w'ab' *", "Syntax error at offset 6 near ab"},
		{"**a", "Syntax error at offset 1 near a"},
		{"@n:[1 *]", "Syntax error at offset 6 near 1"},
		{"@t:(@n:[1 2] *)", "Syntax error at offset 4 near n"}, // the field modifier first
		{"* @t:(@n:[1 2])", "Syntax error at offset 2 near t"},
	} {
		if _, _, err := ParseQuery(c.q); err == nil || err.Error() != c.want {
			t.Errorf("%q in DIALECT 2: %v, want %q", c.q, err, c.want)
		}
	}
	for _, q := range []string{"*", "(*)", " ( ( * ) ) ", "*=>[KNN 2 @v $B]", "(*)=>[KNN 2 @v $B]",
		"a* *b *c* $x* *$x *$x*", `w'*' 'a*' @t:{a\*|w'*'|*b*}`, `a\*`} {
		if _, _, err := ParseQuery(q); err != nil {
			t.Errorf("%q in DIALECT 2: %v", q, err)
		}
	}
}

package ftargs

import (
	"reflect"
	"strings"
	"testing"
)

// words splits a line on spaces; "double quotes" group words.
func words(line string) [][]byte {
	var out [][]byte
	var cur strings.Builder
	quoted, any := false, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted, any = !quoted, true
		case r == ' ' && !quoted:
			if any {
				out = append(out, []byte(cur.String()))
			}
			cur.Reset()
			any = false
		default:
			cur.WriteRune(r)
			any = true
		}
	}
	if any {
		out = append(out, []byte(cur.String()))
	}
	return out
}

func TestParseErrorsAreRediSearchs(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{``, "No query string provided"},
		{`* BOGUS`, "Unknown argument `BOGUS` at position 1 for <main>"},
		{`* NOCONTENT LIMIT 0 5 bogus`, "Unknown argument `bogus` at position 5 for <main>"},
		{`* GROUPBY 1 @a`, "option `GROUPBY` is mutually exclusive with simple (i.e. search) options"},
		{`* LIMIT 0`, "LIMIT requires two arguments"},
		{`* LIMIT a 10`, "LIMIT needs two numeric arguments"},
		{`* LIMIT 0 -1`, "LIMIT needs two numeric arguments"},
		{`* LIMIT 0 1000001`, "LIMIT exceeds maximum of 1000000"},
		{`* LIMIT 1000001 10`, "OFFSET exceeds maximum of 1000000"},
		{`* SORTBY`, "Bad SORTBY arguments"},
		{`* SORTBY a SORTBY b`, "Multiple SORTBY steps are not allowed"},
		{`* SORTBY a DESC MAX 3`, "SORTBY MAX is not supported by FT.SEARCH"},
		{`* RETURN`, "Bad arguments for RETURN: Expected an argument, but none provided"},
		{`* RETURN x`, "Bad arguments for RETURN: Could not convert argument to expected type"},
		{`* RETURN -1`, "Bad arguments for RETURN: Value is outside acceptable bounds"},
		{`* RETURN 3 a b`, "Bad arguments for RETURN: Expected an argument, but none provided"},
		{`* RETURN 2 a AS`, "RETURN path AS name - must be accompanied with NAME"},
		{`* RETURN 3 a AS as`, "Alias for RETURN cannot be `AS`"},
		{`* PARAMS`, "Bad arguments for PARAMS: Expected an argument, but none provided"},
		{`* PARAMS 3 a 1 b`, "Parameters must be specified in PARAM VALUE pairs"},
		{`* PARAMS 0`, "Parameters must be specified in PARAM VALUE pairs"},
		{`* PARAMS 4 a 1 a 2`, "Duplicate parameter `a`"},
		{`* PARAMS 2 a 1 PARAMS 2 b 2`, "Multiple PARAMS are not allowed. Parameters can be defined only once"},
		{`* DIALECT`, "Need an argument for DIALECT"},
		{`* DIALECT 5`, "DIALECT requires a non negative integer >=1 and <= 4"},
		{`* DIALECT 0`, "DIALECT requires a non negative integer >=1 and <= 4"},
		{`* TIMEOUT`, "Need argument for TIMEOUT"},
		{`* TIMEOUT -5`, "TIMEOUT requires a non negative integer"},
		{`* SLOP`, "Bad arguments for SLOP: Expected an argument, but none provided"},
		{`* SLOP x`, "Bad arguments for SLOP: Could not convert argument to expected type"},
		{`* LANGUAGE`, "Bad arguments for LANGUAGE: Expected an argument, but none provided"},
		{`* INKEYS 2 a`, "Bad arguments for INKEYS: Expected an argument, but none provided"},
		{`* EXPLAINSCORE`, "EXPLAINSCORE must be accompanied with WITHSCORES"},
		{`* FILTER a 1`, "FILTER requires 3 arguments"},
		{`* FILTER a x 2`, "Bad lower range: x"},
		{`* FILTER a (1 (y`, "Bad upper range: y"},
		{`* GEOFILTER g 1 2 3`, "GEOFILTER requires 5 arguments"},
		{`* GEOFILTER g x 2 3 km`, "Bad arguments for <lon>: Could not convert argument to expected type"},
		{`* GEOFILTER g 1 2 3 parsec`, "Unknown distance unit parsec"},
		{`* SUMMARIZE FIELDS 3 a`, "Bad arguments for SUMMARIZE"},
		{`* HIGHLIGHT TAGS <b>`, "Bad arguments for HIGHLIGHT"},
		{`* FORMAT`, "Need an argument for FORMAT"},
		{`* FORMAT JSON`, "FORMAT JSON is not supported"},
		// The first error wins, in RediSearch's order: options, then
		// EXPLAINSCORE, then RETURN's aliases, then an unknown argument.
		{`* EXPLAINSCORE BOGUS`, "EXPLAINSCORE must be accompanied with WITHSCORES"},
		{`* RETURN 2 a AS BOGUS`, "RETURN path AS name - must be accompanied with NAME"},
	} {
		s, err := Parse(words(c.in))
		if err == nil {
			t.Errorf("%q: accepted as %+v", c.in, s)
		} else if err.Error() != c.want {
			t.Errorf("%q:\n got  %s\n want %s", c.in, err, c.want)
		}
	}
}

func TestParseValid(t *testing.T) {
	s, err := Parse(words(`"*=>[KNN $K @v $B EF_RUNTIME 50 AS d]" nocontent WithScores RETURN 5 title AS t d year ` +
		`SORTBY @year desc LIMIT 2.0 1e1 PARAMS 4 K 7 B xyz DIALECT 2 TIMEOUT 100 SLOP 2.5 INKEYS 1 k ` +
		`FILTER n (1 +inf SUMMARIZE FIELDS 1 t LEN 5 HIGHLIGHT WITHCOUNT`))
	if err != nil {
		t.Fatal(err)
	}
	want := &Search{
		Query: "*=>[KNN $K @v $B EF_RUNTIME 50 AS d]", NoContent: true, WithScores: true, Count: 1,
		Return:    []ReturnField{{"title", "t"}, {"d", "d"}, {"year", "year"}},
		HasSortBy: true, SortBy: "@year", SortDesc: true,
		HasLimit: true, Offset: 2, Num: 10,
		Params:  []Param{{"K", []byte("7")}, {"B", []byte("xyz")}},
		Dialect: 2, HasTimeout: true, Timeout: 100, HasSlop: true, Slop: 2,
		InKeys:  []string{"k"},
		Filters: []NumericFilter{{"n", "(1", "+inf"}},
		Snippets: []Snippet{{Fields: []string{"t"}, Frags: 3, Len: 5, Separator: "... "},
			{Highlight: true, Open: "<b>", Close: "</b>"}},
	}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got  %+v\nwant %+v", s, want)
	}
	k, err := QueryKNN(s.Query)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Resolve(s.ParamMap()); err != nil || k.K != 7 || k.Ef != 50 || k.ScoreField() != "d" {
		t.Errorf("KNN %+v, %v", k, err)
	}
	if off, num := (&Search{}).Limits(); off != 0 || num != 10 {
		t.Errorf("default LIMIT %d %d", off, num)
	}
}

func TestKNNErrors(t *testing.T) {
	for _, c := range []struct{ q, params, want string }{
		{"*=>[KNN 10 @v $B]", "", "No such parameter `B`"},
		{"*=>[KNN $K @v $B]", "B x", "No such parameter `K`"},
		{"*=>[KNN $K @v $B]", "K -1 B x", "Invalid numeric value (-1) for parameter `K`"},
		{"*=>[KNN 10 @v $B EF_RUNTIME $EF]", "B x EF 0", "Invalid numeric value (0) for parameter `EF`"},
		{"*=>[KNN ten @v $B]", "B x", "Syntax error at offset 8 near ten"},
		{"*=>KNN 10 @v $B", "B x", "Syntax error at offset 3 near KNN"},
	} {
		p := map[string][]byte{}
		f := strings.Fields(c.params)
		for i := 0; i+1 < len(f); i += 2 {
			p[f[i]] = []byte(f[i+1])
		}
		k, err := QueryKNN(c.q)
		if err == nil {
			err = k.Resolve(p)
		}
		if err == nil || err.Error() != c.want {
			t.Errorf("%q with %q: %v, want %s", c.q, c.params, err, c.want)
		}
	}
	for _, c := range []struct{ q, params, want string }{
		{"*=>[KNN 2 @v $B HYBRID_POLICY ADHOC_BF]", "B x", "Error parsing vector similarity parameters: hybrid query attributes were sent for a non-hybrid query"},
		{"*=>[KNN 2 @v $B]=>{$HYBRID_POLICY: $p}", "B x", "No such parameter `p`"},
		{"*=>[KNN 2 @v $B]=>{$BATCH_SIZE: $b}", "B x b 0", "Error parsing vector similarity parameters: Invalid value was given"},
		{"*=>[KNN 2 @v $B]=>{$EPSILON: 1}", "B x", "Error parsing vector similarity parameters: range query attributes were sent for a non-range query"},
		{"*=>[KNN 2 @v $B AS $s]=>{$YIELD_DISTANCE_AS: t}", "B x s one", "Distance field was specified twice for vector query: one and t"},
		{"*=>[KNN 2 @v $B]=>{$slop: 1; $nope: 2}", "B x", "Invalid attribute nope"},
		{"*=>[KNN 2 @v $B]=>{YIELD_DISTANCE_AS: d}", "B x", "Syntax error at offset 19 near YIELD_DISTANCE_AS:"},
		{"*=>[KNN 2 @v $B] junk", "B x", "Syntax error at offset 17 near junk"},
	} {
		p := map[string][]byte{}
		f := strings.Fields(c.params)
		for i := 0; i+1 < len(f); i += 2 {
			p[f[i]] = []byte(f[i+1])
		}
		k, err := QueryKNN(c.q)
		if err == nil {
			err = k.Resolve(p)
		}
		if err == nil {
			err = k.Check(false)
		}
		if err == nil || err.Error() != c.want {
			t.Errorf("%q with %q: %v, want %s", c.q, c.params, err, c.want)
		}
	}
	if got := RangeYields("@a:[VECTOR_RANGE 1 $B]=>{$YIELD_DISTANCE_AS: x} | @b:[VECTOR_RANGE 2 $B]=>{$weight: 1; $yield_distance_as: $n}=>[KNN 3 @v $B]",
		map[string][]byte{"n": []byte("y")}); strings.Join(got, ",") != "x,y" {
		t.Errorf("RangeYields: %v", got)
	}
	if k, err := QueryKNN("@a:{x}"); k != nil || err != nil {
		t.Errorf("no clause: %+v %v", k, err)
	}
}

// TestParseSnippets reads HIGHLIGHT's and SUMMARIZE's options as
// RediSearch 2.8's summarize_spec.c does: FIELDS first only (FIELDS 0 is
// no FIELDS), the others in any order, repeated (the last wins), up to
// the first word that is none of them; a clause's own defaults.
func TestParseSnippets(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []Snippet
	}{
		{`x HIGHLIGHT`, []Snippet{{Highlight: true, Open: "<b>", Close: "</b>"}}},
		{`x summarize`, []Snippet{{Frags: 3, Len: 20, Separator: "... "}}},
		{`x HIGHLIGHT FIELDS 2 a b tags [ ] TAGS < >`, []Snippet{{Highlight: true, Fields: []string{"a", "b"}, Open: "<", Close: ">"}}},
		{`x SUMMARIZE FIELDS 0 SEPARATOR "" LEN 0 FRAGS 70000 LEN 7`, []Snippet{{Frags: 70000, Len: 7}}},
		{`x SUMMARIZE LEN 3 HIGHLIGHT FIELDS 1 t SUMMARIZE FIELDS 1 u`, []Snippet{
			{Frags: 3, Len: 3, Separator: "... "},
			{Highlight: true, Fields: []string{"t"}, Open: "<b>", Close: "</b>"},
			{Fields: []string{"u"}, Frags: 3, Len: 20, Separator: "... "}}},
		// A word the clause does not know ends it: FRAGS is HIGHLIGHT's
		// no more than RETURN is.
		{`x HIGHLIGHT RETURN 1 t`, []Snippet{{Highlight: true, Open: "<b>", Close: "</b>"}}},
	} {
		s, err := Parse(words(c.in))
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(s.Snippets, c.want) {
			t.Errorf("%q:\n got  %+v\n want %+v", c.in, s.Snippets, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{`x HIGHLIGHT FRAGS 2`, "Unknown argument `FRAGS` at position 2 for <main>"},
		{`x SUMMARIZE TAGS a b`, "Unknown argument `TAGS` at position 2 for <main>"},
		{`x SUMMARIZE LEN 3 FIELDS 1 t`, "Unknown argument `FIELDS` at position 4 for <main>"},
		{`x SUMMARIZE FIELDS WITHSCORES`, "Bad arguments for SUMMARIZE"}, // RediSearch's test.py
		{`x HIGHLIGHT FIELDS WITHSCORES`, "Bad arguments for HIGHLIGHT"},
		{`x SUMMARIZE FRAGS -1`, "Bad arguments for SUMMARIZE"},
		{`x SUMMARIZE LEN 4294967296`, "Bad arguments for SUMMARIZE"},
		{`x SUMMARIZE SEPARATOR`, "Bad arguments for SUMMARIZE"},
		{`x HIGHLIGHT TAGS a`, "Bad arguments for HIGHLIGHT"},
		{`x INFIELDS 2 a`, "Bad arguments for INFIELDS: Expected an argument, but none provided"},
		{`x INKEYS x`, "Bad arguments for INKEYS: Could not convert argument to expected type"},
	} {
		if s, err := Parse(words(c.in)); err == nil || err.Error() != c.want {
			t.Errorf("%q: %+v, %v; want %s", c.in, s, err, c.want)
		}
	}
}

// FuzzParse checks that no input panics, and that whatever Parse accepts
// renders into arguments that parse back into the same Search.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		`"*=>[KNN 10 @emb $BLOB AS score]" PARAMS 2 BLOB x SORTBY score RETURN 2 title score LIMIT 0 10 DIALECT 2`,
		`"(@g:{a})=>[KNN $K @v $B]" NOCONTENT WITHSCORES PARAMS 4 K 3 B x`,
		`"@year:[2000 2010]" SUMMARIZE FIELDS 1 t FRAGS 2 LEN 5 HIGHLIGHT TAGS < > INKEYS 1 k FILTER y 1 2`,
		`* RETURN 3 a AS b GEOFILTER g 1 2 3 km LANGUAGE english SCORER BM25 PAYLOAD p FORMAT string`,
		`* LIMIT 0`, `* RETURN 2 a AS`, `* PARAMS 3 a b c`, `* BOGUS`, `* EXPLAINSCORE`, `* SORTBY`,
		`* SLOP 1.5 TIMEOUT 0 VERBATIM NOSTOPWORDS INORDER WITHSORTKEYS WITHPAYLOADS WITHOUTCOUNT`,
		`"" RETURN 0 SORTBY "" PARAMS 2 "" ""`,
		`"@v:[VECTOR_RANGE $r $B]=>{$YIELD_DISTANCE_AS: d; $EPSILON: 0.1}" PARAMS 4 r 1 B x SORTBY d`,
		`"(@g:{a})=>[KNN 5 @v $B HYBRID_POLICY ADHOC_BF]=>{$YIELD_DISTANCE_AS: $n; $BATCH_SIZE: 3}" PARAMS 4 B x n d`,
		`"@loc:[2.3 48.8 $r km]=>{$weight: 2}" PARAMS 2 r 5 GEOFILTER loc 1 2 3 mi`,
		`abraham HIGHLIGHT FIELDS 2 a b TAGS FIELDS TAGS SUMMARIZE FIELDS 0 LEN 3 FRAGS 70000 SEPARATOR "" LEN 4`,
		`x SUMMARIZE SEPARATOR SEPARATOR HIGHLIGHT TAGS "" "" INKEYS 0 INFIELDS 2 t t RETURN 1 t`,
		`x HIGHLIGHT FIELDS WITHSCORES`, `x SUMMARIZE FIELDS 1`, `x HIGHLIGHT TAGS a`, `x SUMMARIZE LEN -1`,
		`x SUMMARIZE LEN 3 FIELDS 1 t`, `x INKEYS 3 a b c NOCONTENT INFIELDS 1 b HIGHLIGHT SUMMARIZE`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := words(line)
		s, err := Parse(args)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("%q: empty error", line)
			}
			return
		}
		out := s.AppendArgs(nil)
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("%q parsed, rendered as %q, which fails: %v", line, out, err)
		}
		if !reflect.DeepEqual(s, back) {
			t.Fatalf("%q:\n parsed   %+v\n rendered %q\n reparsed %+v", line, s, out, back)
		}
		if k, err := QueryKNN(s.Query); err == nil && k != nil { // must not panic
			if k.Resolve(s.ParamMap()) == nil {
				k.Check(true)
			}
		}
		RangeYields(s.Query, s.ParamMap())
	})
}

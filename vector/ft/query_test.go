package ft

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestParseQuery(t *testing.T) {
	for _, c := range []struct {
		q    string
		want string // a rendering of the tree
		knn  string
	}{
		{"*", "all", ""},
		{"@genre:{drama|comedy}", "tag(genre:drama,comedy)", ""},
		{"@year:[2000 (2010]", "num(year:2000,2010)", ""},
		{"@year:[-inf +inf]", "num(year:-Inf,+Inf)", ""},
		{"@a:{x} @b:[1 2]", "and(tag(a:x),num(b:1,2))", ""},
		{"@a:{x} | @a:{y}", "or(tag(a:x),tag(a:y))", ""},
		{"-@a:{x}", "not(tag(a:x))", ""},
		{"(@a:{x} | @b:{y}) @c:[0 1]", "and(or(tag(a:x),tag(b:y)),num(c:0,1))", ""},
		{"hello world", "and(text(:hello),text(:world))", ""},
		{"@title:(red car)", "text(title:red,car)", ""},
		{"@t:{new\\ york}", "tag(t:new york)", ""},
		{"*=>[KNN 10 @emb $BLOB]", "all", "10 emb BLOB __emb_score"},
		{"(@g:{a})=>[KNN $K @v $q EF_RUNTIME $EF AS dist]", "tag(g:a)", "0 v q dist"},
		{"@y:[(1990 +inf]=>[KNN 5 @v $q]", "num(y:1990,+Inf)", "5 v q __v_score"},
		{"@v:[VECTOR_RANGE 0.5 $B]", "range(v:0.5.,B,)", ""},
		{"@v:[vector_range $r $B]=>{$YIELD_DISTANCE_AS: d; $EPSILON: 0.1}", "range(v:r,B,d)", ""},
		{"@g:{a} @v:[VECTOR_RANGE 1 $B]=>{$yield_distance_as: $n} | @loc:[2.3 48.8 5 km]",
			"or(and(tag(g:a),range(v:1.,B,n)),geo(loc:2.3,48.8,5,km))", ""},
		{"@loc:[$lon $lat $r $u]", "geo(loc:$lon,$lat,$r,$u)", ""},
		{"(@t:(a b)=>{$weight: 2; $slop: 1} -@loc:[1 2 3 mi])=>[KNN 3 @v $B HYBRID_POLICY BATCHES BATCH_SIZE 10]",
			"and(text(t:a,b),not(geo(loc:1,2,3,mi)))", "3 v B __v_score"},
		{"@v:[VECTOR_RANGE 1 $B]=>{$YIELD_DISTANCE_AS: r}=>[KNN 2 @v $B AS k]", "range(v:1.,B,r)", "2 v B k"},
	} {
		n, k, err := ParseQuery(c.q)
		if err != nil {
			t.Errorf("%q: %v", c.q, err)
			continue
		}
		if got := render(n); got != c.want {
			t.Errorf("%q: tree %s, want %s", c.q, got, c.want)
		}
		gotK := ""
		if k != nil {
			gotK = strings.Join([]string{itoa(k.K), k.Field, k.Param, k.ScoreField()}, " ")
		}
		if gotK != c.knn {
			t.Errorf("%q: knn %q, want %q", c.q, gotK, c.knn)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func render(n *Node) string {
	kids := func() string {
		var p []string
		for _, k := range n.Kids {
			p = append(p, render(k))
		}
		return strings.Join(p, ",")
	}
	switch n.Kind {
	case qAll:
		return "all"
	case qAnd:
		return "and(" + kids() + ")"
	case qOr:
		return "or(" + kids() + ")"
	case qNot:
		return "not(" + kids() + ")"
	case qOptional:
		return "opt(" + kids() + ")"
	case qTag:
		return "tag(" + n.Field + ":" + strings.Join(n.Tags, ",") + ")"
	case qNum:
		f := func(v float64) string {
			switch {
			case math.IsInf(v, 1):
				return "+Inf"
			case math.IsInf(v, -1):
				return "-Inf"
			}
			return strings.TrimRight(strings.TrimRight(formatF(v), "0"), ".")
		}
		return "num(" + n.Field + ":" + f(n.Lo) + "," + f(n.Hi) + ")"
	case qText:
		return "text(" + n.Field + ":" + strings.Join(n.Terms, ",") + ")"
	case qGeo:
		return "geo(" + n.Field + ":" + strings.Join(n.Geo.raw[:], ",") + ")"
	case qVecRange:
		r := n.Range
		radius := r.RadiusParam
		if radius == "" {
			radius = formatF(r.Radius)
		}
		return "range(" + n.Field + ":" + radius + "," + r.Param + "," + r.Yield + r.yieldParam + ")"
	}
	return "?"
}

func formatF(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) + "." }

func TestParseQueryErrors(t *testing.T) {
	for _, q := range []string{"@a:{x", "@a:[1", "@a:[x 2]", "(@a:{x}", "@:x", "*=>[KNN x @v $q]", "*=>[KNN 3 v $q]", "*=>KNN", "|", "@a:{}",
		"@v:[VECTOR_RANGE 1 B]", "@v:[VECTOR_RANGE $B]", "@v:[VECTOR_RANGE x $B]", "@v:[VECTOR 1 $B]", "@l:[1 x 3 km]", "@l:[1 2 3]",
		"@v:[VECTOR_RANGE 1 $B]=>{YIELD: d}", "@v:[VECTOR_RANGE 1 $B]=>{$EPSILON: 0.1", "@v:[VECTOR_RANGE 1 $B]=>{$a: }"} {
		_, _, err := ParseQuery(q)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v, want a SyntaxError", q, err)
		}
	}
}

func TestParseCreate(t *testing.T) {
	args := func(s string) [][]byte {
		var out [][]byte
		for _, w := range strings.Fields(s) {
			out = append(out, []byte(w))
		}
		return out
	}
	s, err := ParseCreate(args("idx ON HASH PREFIX 2 a: b: SCHEMA title TEXT WEIGHT 2 g TAG SEPARATOR ; y NUMERIC SORTABLE v VECTOR HNSW 10 TYPE FLOAT32 DIM 128 DISTANCE_METRIC COSINE M 32 EF_RUNTIME 50"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "idx" || len(s.Prefixes) != 2 || len(s.Fields) != 4 || s.Fields[1].Separator != ';' ||
		s.Fields[3].Vec.Dim != 128 || s.Fields[3].Vec.M != 32 || s.Fields[3].Vec.EfRuntime != 50 {
		t.Fatalf("parsed %+v", s)
	}
	for _, bad := range []string{
		"idx SCHEMA",
		"idx SCHEMA v VECTOR HNSW 6 TYPE FLOAT64 DIM 4 DISTANCE_METRIC L2",
		"idx SCHEMA v VECTOR HNSW 6 TYPE FLOAT32 DIM 0 DISTANCE_METRIC L2",
		"idx SCHEMA v VECTOR HNSW 6 TYPE FLOAT32 DIM 4 DISTANCE_METRIC HAMMING",
		"idx SCHEMA a TEXT a TAG",
		"idx SCHEMA a BLOB",
		"idx NOPE",
	} {
		if _, err := ParseCreate(args(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", " ", "*", "@genre:{a|b} @year:[2000 (2010]", "(@a:{x} | -@b:[1 2])=>[KNN 10 @v $q EF_RUNTIME 5 AS d]",
		"hello @t:(x y*)", "@t:{a\\ b}", "((((", "@y:[-inf +inf]=>[KNN $K @e $B]"} {
		f.Add(s)
	}
	// Stop words (stopwords.go).
	for _, s := range []string{`"the cat"`, `x @t:"cat\ the"`, `"cat dog the"`, "@t:(@g:x)", "@t:(y @t|u:(@u:x*))", "x*"} {
		f.Add(s)
	}
	for _, s := range []string{"the", "the lord -of", `"lord of the rings" | a`, `"the"`, `"of the rings"`, "(the)=>[KNN 2 @v $B]", "@t:(of the) | x", "-(the|a) z", "th* the"} {
		f.Add(s)
	}
	for _, s := range []string{"@v:[VECTOR_RANGE $r $B]=>{$YIELD_DISTANCE_AS: d; $EPSILON: $e}", "@l:[$a 2 $c km] | -@l:[1 2 3 mi]=>{$weight: 1}",
		"(@t:x @v:[VECTOR_RANGE 1 $B])=>[KNN 2 @v $B HYBRID_POLICY $p]=>{$BATCH_SIZE: 4}"} {
		f.Add(s)
	}
	// Phrases, weights, stems and prefixes (text.go, score.go).
	for _, s := range []string{`"running shoes"`, `@t:"x y" | z`, `(runs)=>{$weight: 2.5} -@t:"y\" x"`, `run* "" shoe`, `"a`, `@t:"`} {
		f.Add(s)
	}
	// Single quotes, tag affixes and wildcards.
	for _, s := range []string{"@t:'x'", "'a b' c", "@g:{elec* | *ics | *e\\* | w'a?b*'}", "w'*\\''", "@t:w'h?*'", "@g:{w''}", "@g:{*}"} {
		f.Add(s)
	}
	// Optional clauses, fuzzy, suffix and infix terms, field-scoped
	// sub-queries, $slop and $inorder (query_syntax_test.go).
	for _, s := range []string{"x ~y", "~(x | -%%y%%)", "@t:(x | -\"y z\" ~run*)", "@t|g:%%%ab%%%", "*oes *un* @t:*x",
		"(x y)=>{$slop: 1; $inorder: true}", "@t:(x (y z)=>{$inorder: false})", "%%%%a%%%%", "@t:(~%x% @g:{a})", "*\\x*"} {
		f.Add(s)
	}
	// Stop words ending runs and in tag lists (query_v1_stop.go).
	for _, s := range []string{"@t:x the y | z", "@t:the x y", "-x the y", "@g:{the x}", "@g:{x y the z | the}", "@g:{to be or not}", "x the | y"} {
		f.Add(s)
		f.Add(s + " ")
	}
	// DIALECT 2's refusals: modifiers in a field's text, KNN after
	// several clauses or under - and ~ (TestDialect2Refusals).
	for _, s := range []string{"@t:(a @g:{x})", "@t:@n:[1 2]", "@t:-@t:a", "@t:~(a | b)", "a b=>[KNN 2 @v $B]", "-a=> [KNN 2 @v $B]", "@t:-a=>{$weight: 2}=>[KNN 2 @v $B]", "@\\:(x @\\ :y)"} {
		f.Add(s)
		f.Add(s + " ")
	}
	// Parameters in affixes and fuzzy terms, and their near misses.
	for _, s := range []string{"%$a% | %%%$c%%%", "$r* *$c *$p* @t:(*$a)", "@g:{*$a* | $c*}", "%$a%%", "**$a", "$a**", "%$a*%", "*$ *", "w'$a' @t:w'$c'", "w'$' w'$a b'"} {
		f.Add(s)
		f.Add(s + " ")
	}
	// A bare * (query_star.go), parameters among a tag's words and in a
	// tag list's w'$name', escaped parameter values (query_param_value.go).
	for _, s := range []string{"@t:(*) | a * b", "* a", "((*)) | (*", "*=>{$weight: 2}", "(*)=>[KNN 2 @v $B]", "@g:{a|*} \"x *\"",
		"@g:{$a b | w'$c' | x $p y}", "@g:{with as} @t:{Big Y}", "$x* * w'ab' *"} {
		f.Add(s)
		f.Add(s + " ")
	}
	// Lexer-skipped punctuation, fuzzy terms' errors, backslashes that
	// escape nothing, tag lists of the DIALECT 2 grammar's forms only,
	// tags and patterns as written, numbers and numeric parameters
	// verbatim (query_v2.go).
	for _, s := range []string{"%*%", "*$", "(*)$", "hel\\lo", `"hel\lo" x`, "@g:{hel\\lo|a\\}", "@g:{hello wor*}", "@g:{wor* x}",
		"@g:{He\\-llo|Big\\ Y|1.5}", "w'Foo*' @t:w'B\\?r'", "@g:{w'Foo\\*' | *Ab* | He\\ l*}", "@g:{foo-bar|a.b|}", "hello , world $ !",
		"$a $c* 705 inf @t:(x 12)", "%%a% %%%%", "% a %", "@g:{$a|*$c|$x*|w'$p'|$a b}", "@g:{'a'}", "\\", "a\\", "*\\b"} {
		f.Add(s)
		f.Add(s + " ")
	}
	params := map[string][]byte{"r": []byte("1"), "B": []byte("xxxxxxxx"), "e": []byte("0.1"), "a": []byte("2"), "c": []byte("-1"), "p": []byte("BATCHES"), "x": []byte("A\\-b\x00c")}
	// DIALECT 1's grammar (query_v1.go).
	for _, s := range []string{"@name:James Brown", "-hello world", `hello world | "goodbye" moon`, "a 3 b 4 | ~c -d (e) f",
		"(foo bar)|(hello world) @date:[100 200]|@date:[500 +inf]", "@t:a | b c=>{$weight: 2} -x", "@t:* x", "a * b"} {
		f.Add(s)
	}
	// DIALECT 1's refusals and quirks (query_v1_syntax.go).
	for _, s := range []string{"*=>[KNN 2 @v $B]", "$x", `"$x"`, "@n:[$a 2]", "@g:{$x} @t:{a}}} | b", "@v:[VECTOR_RANGE 1 $B]",
		"a=>{$weight: 2; $slop: 1;}", "@g:{a b|c*|*d|*e*", "hello, world! 1.2e+3 -inf", "@t:{a} | @u:{b}", "%%x%% %y%%", "@l:[1 2 3 km]=>{}"} {
		f.Add(s)
		f.Add(s + " ") // the other dialect
	}
	// DIALECT 2's numbers, signed, with exponents, in any case; words
	// split at punctuation; suffix and infix terms (query_star.go).
	for _, s := range []string{"-5", "- 5 -x", "x -1.2e+3 +5", "1E3 INF -Inf +inf", "hello.world 3.14.15", "1e'3 1.e3 .5 5.",
		"-infinity -5abc --5 ~-5", "@t:-5 @t:(-5) %-5%", "*ing | *ell* | -5* | *+5* | *1e+3", "@g:{-5|1e+3|*-5|INF*}", "@n:[-INF +1E3]"} {
		f.Add(s)
		f.Add(s + " ")
	}
	f.Fuzz(func(t *testing.T, q string) {
		dialect := 1 + len(q)%2
		n, knn, err := ParseQueryDialect(q, dialect)
		if err == nil && n == nil {
			t.Fatal("no tree and no error")
		}
		// A query that is one DIALECT 2 number is that term, as written.
		if toks := v2Lex(q); dialect == 2 && err == nil && len(toks) == 1 && toks[0].kind == tNumber && q[toks[0].pos:toks[0].end] == strings.TrimSpace(q) {
			if got := Explain(n, knn, nil); got != strings.TrimSpace(q)+"\n" {
				t.Fatalf("number %q explained as %q", q, got)
			}
		}
		if dialect == 1 && err == nil && (knn != nil || refersToParams(n)) {
			t.Fatalf("%q in DIALECT 1 has a KNN clause or a parameter: %s", q, Explain(n, knn, nil))
		}
		// Resolving the parameters of whatever parsed must not panic, nor
		// must running it over a small index.
		if filter, knn, err := parseResolved(q, dialect, nil, nil, params); err == nil {
			checkTagShown(t, q, filter)
			Explain(filter, knn, nil)
			// DIALECT 1 or 2 (query_phrase_stop.go), small expansion
			// bounds (config_expansion.go), and the profile of the tree.
			ix := fuzzIndex(t)
			req := &SearchRequest{Query: q, Filter: filter, KNN: knn, Params: params, Num: 10, WithSortKeys: true, SortBy: "n",
				Dialect: dialect, Expansion: Expansion{Max: 1 + len(q)%3, MinPrefix: 1 + len(q)%2}}
			if _, err := ix.Search(req, func(string) (map[string][]byte, bool) { return map[string][]byte{"n": []byte("1")}, true }); err == nil {
				ix.ProfileIterators(req, ProfileOptions{Limited: len(q)%2 == 0})
			}
			// Every scorer, with its explanation, over the ranked results.
			res, err := fuzzIndex(t).Search(&SearchRequest{Query: q, Filter: filter, KNN: knn, Params: params, Num: 10, WithScores: true,
				Scorer: Scorer(len(q) % 7), ExplainScore: true, Payload: "ab"},
				func(string) (map[string][]byte, bool) { return map[string][]byte{"p": []byte("ab")}, true })
			if err == nil && res.Scored {
				for i := 1; i < len(res.Docs); i++ {
					if res.Docs[i].Score > res.Docs[i-1].Score && knn == nil {
						t.Fatalf("results not best first: %v", res.Docs)
					}
				}
			}
		}
		fuzzStopWords(t, q, params)
		// Read over the default stop words, as a node reads it (the
		// DIALECT 1 runs and tag lists they end: query_v1_stop.go).
		stop := func(w string) bool { return defaultStopSet[strings.ToLower(w)] }
		if n, _, err := parseQuery(q, dialect, stop); err == nil && n == nil {
			t.Fatal("no tree and no error over stop words")
		}
		if filter, knn, err := parseResolved(q, dialect, stop, nil, params); err == nil {
			req := &SearchRequest{Query: q, Filter: filter, KNN: knn, Params: params, Num: 10, Dialect: dialect, Stop: stop}
			fuzzIndex(t).Search(req, func(string) (map[string][]byte, bool) { return map[string][]byte{}, true })
		}
	})
}

// checkTagShown fails when a tag clause of n shows (FT.EXPLAIN) a text
// for other tags than it looks up.
func checkTagShown(t *testing.T, q string, n *Node) {
	t.Helper()
	if n == nil {
		return
	}
	if n.Kind == qTag && len(n.tagShown) != len(n.Tags) {
		t.Fatalf("%q: tags %q shown as %q", q, n.Tags, n.tagShown)
	}
	for _, k := range n.Kids {
		checkTagShown(t, q, k)
	}
}

// refersToParams reports whether the tree takes a value from PARAMS
// (DIALECT 2's, never DIALECT 1's).
func refersToParams(n *Node) bool {
	if n.LoParam != "" || n.HiParam != "" || n.Kind == qVecRange || n.termParam != "" || n.tagParam != nil {
		return true
	}
	if n.Geo != nil {
		for _, w := range n.Geo.raw {
			if strings.HasPrefix(w, "$") {
				return true
			}
		}
	}
	for _, k := range n.Kids {
		if refersToParams(k) {
			return true
		}
	}
	return false
}

// fuzzIndex is a small index with a field of every type.
func fuzzIndex(t *testing.T) *Index {
	t.Helper()
	var args [][]byte
	for _, w := range strings.Fields("idx SCHEMA t TEXT g TAG n NUMERIC l GEO v VECTOR FLAT 6 TYPE FLOAT32 DIM 2 DISTANCE_METRIC L2") {
		args = append(args, []byte(w))
	}
	s, err := ParseCreate(args)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := NewIndex(s)
	if err != nil {
		t.Fatal(err)
	}
	ix.Upsert("a", map[string][]byte{"t": []byte("x y running shoes"), "g": []byte("a"), "n": []byte("3"), "l": []byte("2,2"), "v": []byte("xxxxxxxx")})
	ix.Upsert("b", map[string][]byte{"t": []byte("z"), "l": []byte("1 2")})
	return ix
}

func FuzzParseCreate(f *testing.F) {
	f.Add("idx ON HASH PREFIX 1 d: SCHEMA t TEXT g TAG y NUMERIC v VECTOR HNSW 6 TYPE FLOAT32 DIM 4 DISTANCE_METRIC L2")
	f.Add("idx SCHEMA v VECTOR IVFFLAT 8 TYPE FLOAT32 DIM 4 DISTANCE_METRIC IP LISTS 4")
	f.Add("idx LANGUAGE german LANGUAGE_FIELD l SCORE 0.5 SCORE_FIELD s SCHEMA t TEXT NOSTEM WEIGHT 2")
	f.Fuzz(func(t *testing.T, s string) {
		var args [][]byte
		for _, w := range strings.Fields(s) {
			args = append(args, []byte(w))
		}
		if sc, err := ParseCreate(args); err == nil {
			if _, err := NewIndex(sc); err != nil {
				t.Fatalf("a schema that parsed could not make an index: %v", err)
			}
		}
	})
}

// fuzzStopWords checks the tree a search of q runs with: without
// NOSTOPWORDS no stop word is left in it (but the first two words of a
// phrase with DIALECT 2), a KNN query keeps a tree, and with and without
// it, it explains, searches and profiles without panicking; a query of
// stop words only profiles as an EMPTY iterator.
func fuzzStopWords(t *testing.T, q string, params map[string][]byte) {
	filter, knn, err := parseResolved(q, 2, nil, nil, params)
	if err != nil {
		return
	}
	ix := fuzzIndex(t)
	var check func(n *Node, dialect int)
	check = func(n *Node, dialect int) {
		if n.Kind == qText && !n.fromParam {
			for i, w := range n.Terms {
				if !strings.HasSuffix(w, "*") && ix.schema.isStopWord(w) && !(dialect >= 2 && n.Phrase && i < 2) {
					t.Fatalf("%q: stop word %q left in the tree", q, w)
				}
			}
		}
		for _, k := range n.Kids {
			check(k, dialect)
		}
	}
	for i, keep := range []bool{false, true, false} {
		req := &SearchRequest{Query: q, Filter: filter, KNN: knn, Params: params, Num: 10, NoStopWords: keep, Dialect: i}
		tree := ix.QueryTree(req)
		switch {
		case tree == nil && (keep || knn != nil) && filter.Kind != qNull:
			t.Fatalf("%q (NOSTOPWORDS %v): no tree", q, keep)
		case tree != nil && !keep:
			check(tree, req.Dialect)
		}
		Explain(tree, knn, nil)
		if _, err := ix.Search(req, func(string) (map[string][]byte, bool) { return map[string][]byte{}, true }); err != nil {
			continue
		}
		it := ix.ProfileIterators(req, ProfileOptions{})
		if tree == nil && (len(it) < 2 || it[1] != "EMPTY") {
			t.Fatalf("%q: stop words only, profiled as %v", q, it)
		}
	}
}

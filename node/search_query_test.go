package node

import (
	"context"
	"math"
	"reflect"
	"strings"
	"testing"
)

// queryCase is a query over textCorpus (search_text_test.go) and the
// documents it finds, best first, with their scores (nil: not checked).
type queryCase struct {
	name   string
	args   []any
	keys   []string
	scores []float64
}

func runQueryCases(t *testing.T, do func(args ...any) any, cases []queryCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]any{"FT.SEARCH", "docs"}, tc.args[0], "NOCONTENT", "WITHSCORES")
			args = append(args, tc.args[1:]...)
			keys, scores := scoredKeys(t, do(args...))
			if !reflect.DeepEqual(keys, tc.keys) {
				t.Fatalf("%v: keys %v, want %v (scores %v)", tc.args, keys, tc.keys, scores)
			}
			for i := range tc.scores {
				if math.Abs(scores[i]-tc.scores[i]) > 1e-9 {
					t.Fatalf("%v: scores %v, want %v", tc.args, scores, tc.scores)
				}
			}
		})
	}
}

// TestFTQueryOptional: ~clauses filter nothing and add to the score of the
// documents that match them (TFIDF, hand-worked on textCorpus: shoes is
// d:1 (3+2)/max 3, d:2 (3+2)/max 5; red adds 5 * idf 2 to d:2).
func TestFTQueryOptional(t *testing.T) {
	tn := startNode(t, nil)
	do := doer(t, tn.client2(t))
	loadTextCorpus(t, do)
	runQueryCases(t, do, []queryCase{
		{"without", []any{"shoes"}, []string{"d:1", "d:2"}, []float64{5.0 / 3, 1}},
		{"optional reorders", []any{"shoes ~red"}, []string{"d:2", "d:1"}, []float64{15.0 / 5, 5.0 / 3}},
		{"optional group", []any{"shoes ~(red | hats)"}, []string{"d:2", "d:1"}, []float64{15.0 / 5, 5.0 / 3}},
		{"optional alone matches all", []any{"~red"}, []string{"d:2", "d:1", "d:3", "d:4"}, []float64{2, 0, 0, 0}},
		{"optional field", []any{"shoes ~@title:fast"}, []string{"d:1", "d:2"}, []float64{5.0 / 3, 1}},
	})
	explain := do("FT.EXPLAIN", "docs", "shoes ~hats", "VERBATIM").(string)
	if !strings.Contains(explain, "OPTIONAL{\n    hats\n  }\n") {
		t.Fatalf("FT.EXPLAIN: %q", explain)
	}
	err := tn.client2(t).Do(context.Background(), "FT.SEARCH", "docs", "shoes ~", "DIALECT", "2").Err()
	if err == nil || !strings.HasPrefix(err.Error(), "Syntax error at offset 7") {
		t.Fatalf("shoes ~: %v", err)
	}
	// DIALECT 1 fails at the end of the query naming its last token.
	err = tn.client2(t).Do(context.Background(), "FT.SEARCH", "docs", "shoes ~").Err()
	if err == nil || err.Error() != "Syntax error at offset 6 near shoes" {
		t.Fatalf("shoes ~ in DIALECT 1: %v", err)
	}
}

// TestFTQueryFuzzy: %word% matches the dictionary's words within 1 edit,
// %%word%% 2, %%%word%%% 3, field-scoped where asked; TFIDF scores the
// words found (textCorpus: hats 3*idf 2/max 3; fast and a 1*2/3).
func TestFTQueryFuzzy(t *testing.T) {
	tn := startNode(t, nil)
	do := doer(t, tn.client2(t))
	loadTextCorpus(t, do)
	runQueryCases(t, do, []queryCase{
		{"distance 1", []any{"%hat%"}, []string{"d:4"}, []float64{2}},
		{"distance 2", []any{"%%hat%%"}, []string{"d:4", "d:1", "d:3"}, []float64{2, 2.0 / 3, 2.0 / 3}},
		{"field scoped", []any{"@title:%%hat%%"}, []string{"d:4"}, []float64{2}},
		{"exact word", []any{"%runs%"}, []string{"d:3"}, []float64{2.0 / 3}},
		// runs, runner (3 edits) in d:3; red and hats are 3 edits from runs.
		{"distance 3", []any{"%%%runs%%%"}, []string{"d:3", "d:2", "d:4"}, []float64{(1*2 + 3*2) / 3.0, 2, 2}},
		{"in an intersection", []any{"%shoe% %%rud%%"}, []string{"d:2"}, nil},
		{"no match", []any{"%xyzzy%"}, nil, nil},
	})
	if got := do("FT.EXPLAIN", "docs", "@title:%%hat%%").(string); got != "@title:FUZZY{hat}\n" {
		t.Fatalf("FT.EXPLAIN: %q", got)
	}
	// DIALECT 2 too fails at the fourth %, near nothing: no word before it.
	err := tn.client2(t).Do(context.Background(), "FT.SEARCH", "docs", "%%%%hat%%%%", "DIALECT", "2").Err()
	if err == nil || err.Error() != "Syntax error at offset 3 near " {
		t.Fatalf("four %%: %v", err)
	}
	// DIALECT 1 fails at the fourth %.
	err = tn.client2(t).Do(context.Background(), "FT.SEARCH", "docs", "x %%%%hat%%%%").Err()
	if err == nil || err.Error() != "Syntax error at offset 5 near x" {
		t.Fatalf("four %% in DIALECT 1: %v", err)
	}
}

// TestFTQueryFieldScope: @field:(sub-query) scopes every text clause
// inside (|, -, phrases, prefixes, fuzzy terms) to the field, and
// @a|b:word to either field (textCorpus; a term's frequency counts all
// its fields: runner 3 * idf 2 / max 3 in d:3, fast 1 * 2 / 3 in d:1).
func TestFTQueryFieldScope(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	do := doer(t, c)
	loadTextCorpus(t, do)
	runQueryCases(t, do, []queryCase{
		{"negation inside", []any{"@title:(shoes -red)"}, []string{"d:1"}, []float64{5.0 / 3}},
		{"negation is scoped", []any{"@body:(shoes -running)"}, []string{"d:2"}, nil}, // d:1's body has running
		{"or inside", []any{"@body:(runner | fast)"}, []string{"d:3", "d:1"}, []float64{2, 2.0 / 3}},
		{"phrase or word", []any{`@title:("red shoes" | running)`}, []string{"d:1", "d:2"}, nil},
		{"prefix inside", []any{"@title:(run* | hat*)"}, []string{"d:1", "d:3", "d:4"}, nil},
		{"fuzzy inside", []any{"@body:(%hat% | %%rune%%)"}, []string{"d:3", "d:4"}, nil},
		{"body only word", []any{"@title:warm"}, nil, nil},
		{"either field", []any{"@title|body:warm"}, []string{"d:4"}, []float64{2.0 / 3}},
		{"either field group", []any{"@title|body:(warm hats)"}, []string{"d:4"}, nil},
	})
	for _, tc := range []struct{ q, want string }{
		{"@title|body:{x}", "Syntax error at offset 12 near {x}"},
		{"@title:(shoes", "Syntax error at offset 13"},
		{"@nosuch|title:x", "Unknown field `nosuch`"},
	} {
		err := c.Do(context.Background(), "FT.SEARCH", "docs", tc.q, "DIALECT", "2").Err()
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.q, err, tc.want)
		}
	}
	// DIALECT 1 names the text its lexer last recorded: "{" records none,
	// and the end of the query names the last token.
	for _, tc := range []struct{ q, want string }{
		{"@title|body:{x}", "Syntax error at offset 12 near body"},
		{"@title:(shoes", "Syntax error at offset 8 near shoes"},
		{"@nosuch|title:x", "Unknown field `nosuch`"},
	} {
		err := c.Do(context.Background(), "FT.SEARCH", "docs", tc.q).Err()
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.q, err, tc.want)
		}
	}
	if got := do("FT.EXPLAIN", "docs", "@title|body:warm", "VERBATIM").(string); got != "@title|body:warm\n" {
		t.Fatalf("FT.EXPLAIN: %q", got)
	}
}

// TestFTQuerySlop: SLOP and INORDER, and the $slop and $inorder
// attributes, bound the distance and order of an intersection's words
// (textCorpus positions run on from title into body: d:1 running 1,5
// shoes 2,3 for 4 fast 6; d:2 red 1,3,4,5 shoes 2,6).
func TestFTQuerySlop(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	do := doer(t, c)
	loadTextCorpus(t, do)
	runQueryCases(t, do, []queryCase{
		{"no slop", []any{"shoes fast"}, []string{"d:1"}, []float64{7.0 / 9}},
		{"slop 1 too tight", []any{"shoes fast", "SLOP", "1"}, nil, nil},
		{"slop 2", []any{"shoes fast", "SLOP", "2"}, []string{"d:1"}, []float64{7.0 / 9}},
		{"slop any order", []any{"fast shoes", "SLOP", "2"}, []string{"d:1"}, nil},
		{"inorder", []any{"shoes fast", "INORDER"}, []string{"d:1"}, nil},
		{"inorder wrong order", []any{"fast shoes", "INORDER"}, nil, nil},
		{"adjacent", []any{"running shoes", "SLOP", "0", "INORDER"}, []string{"d:1"}, nil},
		{"reversed needs 1", []any{"shoes running", "SLOP", "0", "INORDER"}, nil, nil},
		{"reversed slop 1", []any{"shoes running", "SLOP", "1", "INORDER"}, []string{"d:1"}, nil},
		{"stem positions", []any{"run shoes", "SLOP", "0"}, []string{"d:1"}, nil},
		{"two docs", []any{"red shoes", "SLOP", "0"}, []string{"d:2"}, nil},
		{"attr", []any{"(shoes fast)=>{$slop: 2; $inorder: true}"}, []string{"d:1"}, nil},
		{"attr order", []any{"(fast shoes)=>{$slop: 2; $inorder: true}"}, nil, nil},
		{"attr tight", []any{"(shoes fast)=>{$slop: 1}"}, nil, nil},
		{"attr overrides SLOP", []any{"(shoes fast)=>{$slop: 2}", "SLOP", "0"}, []string{"d:1"}, nil},
		{"field group attr", []any{"@body:(shoes fast)=>{$slop: 1}"}, nil, nil},
		{"inner intersection", []any{"hats | (shoes fast)=>{$slop: 1}"}, []string{"d:4"}, nil},
	})
	if got := do("FT.EXPLAIN", "docs", "(shoes fast)=>{$slop: 2; $inorder: true}", "VERBATIM").(string); got !=
		"INTERSECT {\n  shoes\n  fast\n} => { $slop: 2; $inorder: true; }\n" {
		t.Fatalf("FT.EXPLAIN: %q", got)
	}
	err := c.Do(context.Background(), "FT.SEARCH", "docs", "(shoes fast)=>{$slop: x}").Err()
	if err == nil || err.Error() != "Invalid value (x) for `slop`" {
		t.Fatalf("bad $slop: %v", err)
	}
}

// TestFTQuerySuffixInfix: *word matches the words ending in word, *word*
// those containing it, without their stems (textCorpus: shoes 3 * idf 1,
// runner 3 * 2, runs 1 * 2, running 3 * 2, over each document's max).
func TestFTQuerySuffixInfix(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	do := doer(t, c)
	loadTextCorpus(t, do)
	runQueryCases(t, do, []queryCase{
		{"suffix", []any{"*oes"}, []string{"d:1", "d:2"}, []float64{1, 3.0 / 5}},
		{"infix", []any{"*unne*"}, []string{"d:3"}, []float64{2}},
		{"infix expands", []any{"*un*"}, []string{"d:3", "d:1"}, []float64{8.0 / 3, 2}},
		{"field suffix", []any{"@body:*ats"}, []string{"d:4"}, nil},
		{"field suffix miss", []any{"@title:*arm"}, nil, nil},
		// hats, shoes, runs: but a word shorter than MINPREFIX (2)
		// expands to nothing (TestFTConfigExpansions sets it to 1).
		{"one letter", []any{"*s"}, nil, nil},
		{"with a word", []any{"*oes red"}, []string{"d:2"}, nil},
	})
	if got := do("FT.EXPLAIN", "docs", "*oes | @body:*un*").(string); got != "UNION {\n  SUFFIX{*oes}\n  @body:INFIX{*un*}\n}\n" {
		t.Fatalf("FT.EXPLAIN: %q", got)
	}
	if err := c.Do(context.Background(), "FT.SEARCH", "docs", "@body:* x").Err(); err == nil || !strings.HasPrefix(err.Error(), "Syntax error at offset 6") {
		t.Fatalf("@body:*: %v", err)
	}
}

// TestFTQuerySpellcheckSkipsPatterns: FT.SPELLCHECK checks a query's plain
// words, not its fuzzy, suffix or infix terms.
func TestFTQuerySpellcheckSkipsPatterns(t *testing.T) {
	tn := startNode(t, nil)
	do := doer(t, tn.client2(t))
	loadTextCorpus(t, do)
	got := do("FT.SPELLCHECK", "docs", "%hatz% *unx* *zzq hatz")
	terms := got.([]any)
	if len(terms) != 1 || terms[0].([]any)[1] != "hatz" {
		t.Fatalf("FT.SPELLCHECK: %v", got)
	}
}

package node

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// stopWordsSetup makes the indexes of TestFTStopWords (def: the default
// list; none: STOPWORDS 0; own: STOPWORDS 2 lord rings) and a vector
// index, over the same documents.
func stopWordsSetup(t *testing.T, do func(args ...any) ([]any, error)) {
	t.Helper()
	for _, args := range [][]any{
		{"FT.CREATE", "def", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT"},
		{"FT.CREATE", "none", "STOPWORDS", "0", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT"},
		{"FT.CREATE", "own", "STOPWORDS", "2", "Lord", "rings", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT"},
		{"FT.CREATE", "vec", "PREFIX", "1", "d:", "SCHEMA", "t", "TEXT", "v", "VECTOR", "FLAT", "6", "TYPE", "FLOAT32", "DIM", "2", "DISTANCE_METRIC", "L2"},
		{"HSET", "d:1", "t", "the lord of the rings", "v", blob32(1, 0)},
		{"HSET", "d:2", "t", "lord rings", "v", blob32(2, 0)},
		{"HSET", "d:3", "t", "a tale", "v", blob32(3, 0)},
	} {
		if _, err := do(args...); err != nil && !strings.Contains(err.Error(), "redis: nil") {
			t.Fatalf("%v: %v", args, err)
		}
	}
}

// stopWordsNode starts a node holding stopWordsSetup's indexes and
// documents, and returns a RESP2 client of it and do, which sends a
// command on that client.
func stopWordsNode(t *testing.T) (*redis.Client, func(args ...any) ([]any, error)) {
	t.Helper()
	c := startNode(t, nil).client2(t)
	ctx := context.Background()
	do := func(args ...any) ([]any, error) { return c.Do(ctx, args...).Slice() }
	stopWordsSetup(t, func(args ...any) ([]any, error) { return nil, c.Do(ctx, args...).Err() })
	return c, do
}

// TestFTSearchNoStopWords: with NOSTOPWORDS a query keeps its stop words,
// which match only where the index indexed them (STOPWORDS 0, or a list
// without them), as RediSearch's NOSTOPWORDS: the default index holds no
// "the", so "the lord" matches nothing. FT.AGGREGATE takes it too; a KNN
// query whose filter is stop words only runs over every document.
func TestFTSearchNoStopWords(t *testing.T) {
	_, do := stopWordsNode(t)
	for _, tc := range []struct {
		index, query string
		keep         bool
		want         []string
	}{
		{"def", "the lord", false, []string{"d:1", "d:2"}},
		{"def", "the lord", true, nil},
		{"def", "the", true, nil},
		{"def", `"lord rings of the"`, false, []string{"d:1", "d:2"}},
		{"def", `"lord of the rings"`, true, nil},
		{"def", "lord -the", true, []string{"d:1", "d:2"}},
		{"def", "lord | the", true, []string{"d:1", "d:2"}},
		{"none", "the lord", true, []string{"d:1"}},
		{"none", `"lord of the rings"`, true, []string{"d:1"}},
		{"none", "a", true, []string{"d:3"}},
		{"own", "the lord", false, []string{"d:1"}},
		{"own", "the lord", true, nil},
		{"own", "tale rings", false, []string{"d:3"}},
		{"own", "tale rings", true, nil},
		{"own", "the", true, []string{"d:1"}},
	} {
		args := []any{tc.index, tc.query}
		if tc.keep {
			args = append(args, "NOSTOPWORDS")
		}
		n, keys := stopKeys(t, do, args...)
		if n != int64(len(tc.want)) || !slices.Equal(keys, tc.want) {
			t.Errorf("FT.SEARCH %v = %d %v, want %v", args, n, keys, tc.want)
		}
	}
	for _, tc := range []struct {
		args []any
		want int64
	}{
		{[]any{"def", "the lord"}, 2},
		{[]any{"def", "the lord", "NOSTOPWORDS"}, 0},
		{[]any{"none", "the lord", "NOSTOPWORDS", "LOAD", "1", "@t"}, 1},
	} {
		res, err := do(append([]any{"FT.AGGREGATE"}, tc.args...)...)
		if err != nil || len(res) == 0 || res[0] != tc.want || int64(len(res)-1) != tc.want {
			t.Errorf("FT.AGGREGATE %v = %v, %v; want %d rows", tc.args, res, err, tc.want)
		}
	}
	knn := func(extra ...any) []string {
		t.Helper()
		args := append([]any{"vec", "(the)=>[KNN 2 @v $B]", "PARAMS", "2", "B", blob32(0, 0), "DIALECT", "2", "SORTBY", "__v_score"}, extra...)
		_, keys := stopKeys(t, do, args...)
		return keys
	}
	if got := knn(); !slices.Equal(got, []string{"d:1", "d:2"}) {
		t.Errorf("(the)=>[KNN 2] = %v, want the 2 nearest [d:1 d:2]", got)
	}
	if got := knn("NOSTOPWORDS"); got != nil {
		t.Errorf("(the)=>[KNN 2] NOSTOPWORDS = %v, want none", got)
	}
}

// TestFTExplainProfileStopWords: FT.EXPLAIN, FT.EXPLAINCLI and FT.PROFILE
// show the query without its stop words (a query of stop words only is
// RediSearch's "<empty>" node and EMPTY iterator); NOSTOPWORDS keeps
// them. FT.SPELLCHECK parses its query with no stop word list, as
// RediSearch 2.8 does: a stop word the index does not hold is reported
// like any unknown term.
func TestFTExplainProfileStopWords(t *testing.T) {
	c, _ := stopWordsNode(t)
	ctx := context.Background()
	explain := func(args ...any) string {
		t.Helper()
		s, err := c.Do(ctx, append([]any{"FT.EXPLAIN"}, args...)...).Text()
		if err != nil {
			t.Fatalf("FT.EXPLAIN %v: %v", args, err)
		}
		return s
	}
	lord, rings := explain("def", "lord"), explain("def", "rings")
	if got := explain("def", "the lord"); got != lord {
		t.Errorf("FT.EXPLAIN def \"the lord\" = %q, want %q (as \"lord\")", got, lord)
	}
	if got, want := explain("def", "the"), "<empty>\n"; got != want {
		t.Errorf("FT.EXPLAIN def the = %q, want %q", got, want)
	}
	if got, want := explain("def", "lord of the rings"), explain("def", "lord rings"); got != want || !strings.HasPrefix(got, "INTERSECT {\n") {
		t.Errorf("FT.EXPLAIN def \"lord of the rings\" = %q, want %q", got, want)
	}
	if got, want := explain("def", "the lord", "NOSTOPWORDS"), explain("none", "the lord"); got != want || !strings.HasPrefix(got, "INTERSECT {\n") || !strings.Contains(got, "  the\n") {
		t.Errorf("FT.EXPLAIN def \"the lord\" NOSTOPWORDS = %q, want %q", got, want)
	}
	if got := explain("own", "the rings"); got != explain("none", "the") || strings.Contains(got, "rings") || rings == got {
		t.Errorf("FT.EXPLAIN own \"the rings\" = %q, want the plan of \"the\"", got)
	}
	if got := explain("vec", "(the)=>[KNN 2 @v $B]", "PARAMS", "2", "B", blob32(0, 0), "DIALECT", "2"); got != "VECTOR {K=2 nearest vectors to `$B` in vector index associated with field @v, yields distance as `__v_score`}\n" {
		t.Errorf("FT.EXPLAIN (the)=>[KNN] = %q", got)
	}
	cli, err := c.Do(ctx, "FT.EXPLAINCLI", "def", "the | of").Slice()
	if err != nil || !reflect.DeepEqual(cli, []any{"<empty>", ""}) {
		t.Errorf("FT.EXPLAINCLI def \"the | of\" = %#v, %v; want [<empty> \"\"]", cli, err)
	}

	iterators := func(query string, extra ...any) []any {
		t.Helper()
		res, err := c.Do(ctx, append([]any{"FT.PROFILE", "def", "SEARCH", "QUERY", query, "NOCONTENT"}, extra...)...).Slice()
		if err != nil || len(res) != 2 {
			t.Fatalf("FT.PROFILE %q: %v %v", query, res, err)
		}
		for _, e := range res[1].([]any) {
			if kv, ok := e.([]any); ok && len(kv) == 2 && kv[0] == "Iterators profile" {
				it, _ := kv[1].([]any)
				return it
			}
		}
		t.Fatalf("FT.PROFILE %q: no Iterators profile in %v", query, res[1])
		return nil
	}
	field := func(it []any, name string) any {
		for i := 0; i+1 < len(it); i += 2 {
			if it[i] == name {
				return it[i+1]
			}
		}
		return nil
	}
	if it := iterators("the"); field(it, "Type") != "EMPTY" || field(it, "Counter") != int64(0) {
		t.Errorf("FT.PROFILE of \"the\": iterators %v, want an EMPTY one", it)
	}
	if it := iterators("the lord"); field(it, "Type") != "TEXT" || field(it, "Term") != "lord" || field(it, "Counter") != int64(2) {
		t.Errorf("FT.PROFILE of \"the lord\": iterators %v, want lord's TEXT reader", it)
	}
	if it := iterators("the lord", "NOSTOPWORDS"); field(it, "Type") != "INTERSECT" || field(it, "Counter") != int64(0) {
		t.Errorf("FT.PROFILE of \"the lord\" NOSTOPWORDS: iterators %v, want an INTERSECT matching nothing", it)
	}

	// FT.SPELLCHECK: "the" is not in def's terms (nor any word one edit
	// away), so it is reported with no suggestion; none indexed it.
	spell := func(index, query string) []any {
		t.Helper()
		res, err := c.Do(ctx, "FT.SPELLCHECK", index, query).Slice()
		if err != nil {
			t.Fatalf("FT.SPELLCHECK %s %q: %v", index, query, err)
		}
		return res
	}
	if got, want := spell("def", "the lordd"), []any{
		[]any{"TERM", "the", []any{}},
		[]any{"TERM", "lordd", []any{[]any{"0.66666666666666663", "lord"}}},
	}; !reflect.DeepEqual(got, want) {
		t.Errorf("FT.SPELLCHECK def \"the lordd\" = %#v, want %#v", got, want)
	}
	if got := spell("none", "the"); len(got) != 0 {
		t.Errorf("FT.SPELLCHECK none the = %#v, want nothing misspelled", got)
	}
}

// TestFTStopWordsListInfo: FT.CREATE's STOPWORDS list replaces the
// default one end to end: FT.INFO's stopwords_list has each word once,
// lower-cased, in RediSearch's (sorted) trie order; the listed words are
// neither indexed nor searched, and "the" is an ordinary word again.
func TestFTStopWordsListInfo(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	do := func(args ...any) ([]any, error) { return c.Do(ctx, args...).Slice() }
	for _, args := range [][]any{
		{"FT.CREATE", "mine", "STOPWORDS", "5", "foo", "Bar", "foo", "fo", "baz", "PREFIX", "1", "m:", "SCHEMA", "t", "TEXT"},
		{"HSET", "m:1", "t", "the foo"},
		{"HSET", "m:2", "t", "bar fo baz"},
	} {
		if err := c.Do(ctx, args...).Err(); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	res, err := do("FT.INFO", "mine")
	if err != nil {
		t.Fatal(err)
	}
	var list any
	for i := 0; i+1 < len(res); i += 2 {
		if res[i] == "stopwords_list" {
			list = res[i+1]
			if res[i+2] != "dialect_stats" {
				t.Errorf("FT.INFO: stopwords_list followed by %v, want dialect_stats", res[i+2])
			}
		}
	}
	if want := []any{"bar", "baz", "fo", "foo"}; !reflect.DeepEqual(list, want) {
		t.Errorf("FT.INFO stopwords_list = %#v, want %#v", list, want)
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"the", []string{"m:1"}},
		{"foo", nil},
		{"BAR | baz", nil},
		{"the foo", []string{"m:1"}},
		{"the foo", nil}, // NOSTOPWORDS: foo is not indexed
	} {
		args := []any{"mine", tc.query}
		if tc.want == nil && tc.query == "the foo" {
			args = append(args, "NOSTOPWORDS")
		}
		if n, keys := stopKeys(t, do, args...); n != int64(len(tc.want)) || !slices.Equal(keys, tc.want) {
			t.Errorf("FT.SEARCH %v = %v, want %v", args, keys, tc.want)
		}
	}
}

// TestFTStopWordsPhraseDialect2: with DIALECT 2, RediSearch's grammar
// keeps the first two words of an exact phrase (and a quoted single
// word) even when they are stop words, and drops the later ones; the
// default index holds no stop word, so such a phrase matches nothing.
// FT.EXPLAIN shows the same phrase.
func TestFTStopWordsPhraseDialect2(t *testing.T) {
	c, do := stopWordsNode(t)
	ctx := context.Background()
	for _, tc := range []struct {
		index, query string
		want         []string
	}{
		{"def", `"the lord"`, nil},
		{"def", `"the"`, nil},
		{"def", `"lord of the rings"`, nil},
		{"def", `"lord rings the"`, []string{"d:1", "d:2"}},
		{"def", `"lord rings" | "the tale"`, []string{"d:1", "d:2"}},
		{"def", `@t:"lord rings the"`, []string{"d:1", "d:2"}},
		{"none", `"lord of the rings"`, []string{"d:1"}},
	} {
		n, keys := stopKeys(t, do, tc.index, tc.query, "DIALECT", "2")
		if n != int64(len(tc.want)) || !slices.Equal(keys, tc.want) {
			t.Errorf("FT.SEARCH %s %s DIALECT 2 = %v, want %v", tc.index, tc.query, keys, tc.want)
		}
	}
	got, err := c.Do(ctx, "FT.EXPLAIN", "def", `"lord rings the"`, "DIALECT", "2").Text()
	if want := "EXACT {\n  lord\n  rings\n}\n"; err != nil || got != want {
		t.Errorf("FT.EXPLAIN def \"lord rings the\" DIALECT 2 = %q, %v; want %q", got, err, want)
	}
	got, err = c.Do(ctx, "FT.EXPLAIN", "def", `"the lord of"`, "DIALECT", "2").Text()
	if want := "EXACT {\n  the\n  lord\n}\n"; err != nil || got != want {
		t.Errorf("FT.EXPLAIN def \"the lord of\" DIALECT 2 = %q, %v; want %q", got, err, want)
	}
}

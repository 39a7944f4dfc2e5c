package node

import (
	"context"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// searchIDs runs FT.SEARCH NOCONTENT through go-redis and returns the
// keys found, sorted.
func searchIDs(t *testing.T, c *redis.Client, index, query, lang string) []string {
	t.Helper()
	res, err := c.FTSearchWithArgs(context.Background(), index, query,
		&redis.FTSearchOptions{NoContent: true, Language: lang}).Result()
	if err != nil {
		t.Fatalf("FT.SEARCH %s %q LANGUAGE %q: %v", index, query, lang, err)
	}
	var out []string
	for _, d := range res.Docs {
		out = append(out, d.ID)
	}
	sort.Strings(out)
	return out
}

// searchVerbatimIDs runs FT.SEARCH NOCONTENT VERBATIM through go-redis
// and returns the keys found, sorted.
func searchVerbatimIDs(t *testing.T, c *redis.Client, index, query string) []string {
	t.Helper()
	res, err := c.FTSearchWithArgs(context.Background(), index, query,
		&redis.FTSearchOptions{NoContent: true, Verbatim: true}).Result()
	if err != nil {
		t.Fatalf("FT.SEARCH %s %q VERBATIM: %v", index, query, err)
	}
	var out []string
	for _, d := range res.Docs {
		out = append(out, d.ID)
	}
	sort.Strings(out)
	return out
}

// indexDefinition returns FT.INFO's index_definition as a map.
func indexDefinition(t *testing.T, do func(args ...any) any, index string) map[string]any {
	t.Helper()
	info := do("FT.INFO", index).([]any)
	for i := 0; i+1 < len(info); i += 2 {
		if info[i] == "index_definition" {
			def := info[i+1].([]any)
			m := map[string]any{}
			for j := 0; j+1 < len(def); j += 2 {
				m[def[j].(string)] = def[j+1]
			}
			return m
		}
	}
	t.Fatalf("FT.INFO %s: no index_definition in %v", index, info)
	return nil
}

// TestFTLanguageItalian follows RediSearch's own language tests: an
// index's LANGUAGE stems its documents and the queries that name no
// LANGUAGE, FT.SEARCH's LANGUAGE stems the query in another, and
// LANGUAGE_FIELD gives a document its own (an unknown one: the index's).
// Stems (Snowball's published ones): Italian arancia, arance -> aranc,
// ciliegia, ciliegie -> cilieg, orange -> orang; English orange,
// oranges -> orang, cherry, cherries -> cherri.
func TestFTLanguageItalian(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	do := doer(t, c)
	text := &redis.FieldSchema{FieldName: "word", FieldType: redis.SearchFieldTypeText}
	if err := c.FTCreate(ctx, "idx_it", &redis.FTCreateOptions{OnHash: true, Prefix: []any{"w:"}, DefaultLanguage: "italian"}, text).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.FTCreate(ctx, "idx_en", &redis.FTCreateOptions{OnHash: true, Prefix: []any{"w:"}}, text).Err(); err != nil {
		t.Fatal(err)
	}
	for k, w := range map[string]string{"w:1": "arancia", "w:2": "arance", "w:3": "orange", "w:4": "oranges", "w:5": "cherry", "w:6": "cherries"} {
		do("HSET", k, "word", w)
	}
	for _, tc := range []struct {
		index, query, lang string
		want               []string
	}{
		{"idx_it", "arancia", "", []string{"w:1", "w:2"}},
		{"idx_it", "arance", "", []string{"w:1", "w:2"}},
		{"idx_it", "arance", "ITALIAN", []string{"w:1", "w:2"}},
		{"idx_it", "arancia", "english", []string{"w:1"}},
		{"idx_it", "cherry", "english", []string{"w:5"}},
		{"idx_it", "cherries", "english", []string{"w:6"}},
		{"idx_it", "orange", "english", []string{"w:3"}},
		{"idx_it", "oranges", "english", []string{"w:3", "w:4"}},
		{"idx_en", "orange", "", []string{"w:3", "w:4"}},
		{"idx_en", "oranges", "english", []string{"w:3", "w:4"}},
		{"idx_en", "cherries", "", []string{"w:5", "w:6"}},
		{"idx_en", "oranges", "italian", []string{"w:4"}},
	} {
		if got := searchIDs(t, c, tc.index, tc.query, tc.lang); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("FT.SEARCH %s %s LANGUAGE %q: %v, want %v", tc.index, tc.query, tc.lang, got, tc.want)
		}
	}

	// LANGUAGE_FIELD: each document's own language, else the index's.
	do("FT.CREATE", "idx_lf", "ON", "HASH", "PREFIX", "1", "l:", "LANGUAGE", "italian", "LANGUAGE_FIELD", "__lang", "SCHEMA", "word", "TEXT")
	for _, d := range [][]string{
		{"l:1", "arancia", "italian"}, {"l:2", "arance", "italian"}, {"l:3", "ciliegia"}, {"l:4", "ciliegie"},
		{"l:5", "orange", "english"}, {"l:6", "oranges", "english"}, {"l:7", "cherry", "english"},
		{"l:8", "cherries", "english"}, {"l:9", "ciliegia", "klingon"},
	} {
		args := []any{"HSET", d[0], "word", d[1]}
		if len(d) == 3 {
			args = append(args, "__lang", d[2])
		}
		do(args...)
	}
	for _, tc := range []struct {
		query, lang string
		want        []string
	}{
		{"arancia", "", []string{"l:1", "l:2"}},
		{"arancia", "english", []string{"l:1"}},
		{"cherry", "english", []string{"l:7", "l:8"}},
		{"cherry", "", []string{"l:7"}},
		{"orange", "", []string{"l:5", "l:6"}},
		{"ciliegie", "", []string{"l:3", "l:4", "l:9"}}, // klingon: indexed in Italian
	} {
		if got := searchIDs(t, c, "idx_lf", tc.query, tc.lang); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("FT.SEARCH idx_lf %s LANGUAGE %q: %v, want %v", tc.query, tc.lang, got, tc.want)
		}
	}

	// FT.AGGREGATE stems in the same languages.
	for _, tc := range []struct {
		args []any
		want int
	}{{nil, 2}, {[]any{"LANGUAGE", "english"}, 1}} {
		rows := do(append([]any{"FT.AGGREGATE", "idx_it", "arancia", "LOAD", "1", "@word"}, tc.args...)...).([]any)
		if len(rows)-1 != tc.want {
			t.Errorf("FT.AGGREGATE idx_it arancia %v: %v, want %d rows", tc.args, rows, tc.want)
		}
	}

	// FT.EXPLAIN shows the expansion in the query's language.
	for _, tc := range []struct {
		args []any
		want string
	}{{nil, "+aranc(expanded)"}, {[]any{"LANGUAGE", "english"}, "+arancia(expanded)"}} {
		plan := do(append([]any{"FT.EXPLAIN", "idx_it", "arancia"}, tc.args...)...).(string)
		if !strings.Contains(plan, tc.want) {
			t.Errorf("FT.EXPLAIN idx_it arancia %v:\n%s\nwant %q", tc.args, plan, tc.want)
		}
	}

	// FT.INFO shows a default language other than English, and the
	// language field.
	if def := indexDefinition(t, do, "idx_it"); def["default_language"] != "italian" || def["language_field"] != nil {
		t.Errorf("FT.INFO idx_it index_definition: %v", def)
	}
	if def := indexDefinition(t, do, "idx_lf"); def["default_language"] != "italian" || def["language_field"] != "__lang" {
		t.Errorf("FT.INFO idx_lf index_definition: %v", def)
	}
	if def := indexDefinition(t, do, "idx_en"); def["default_language"] != nil || def["default_score"] != "1" {
		t.Errorf("FT.INFO idx_en index_definition: %v", def)
	}
	if _, err := c.FTInfo(ctx, "idx_lf").Result(); err != nil {
		t.Errorf("go-redis FTInfo: %v", err)
	}

	// Errors in RediSearch's words, the index looked up first.
	for _, tc := range []struct {
		args []any
		want string
	}{
		{[]any{"FT.SEARCH", "idx_it", "oranges", "LANGUAGE", "any_language"}, "No such language"},
		{[]any{"FT.AGGREGATE", "idx_it", "oranges", "LANGUAGE", "any_language"}, "No such language"},
		{[]any{"FT.SEARCH", "nosuch", "oranges", "LANGUAGE", "any_language"}, "nosuch: no such index"},
		{[]any{"FT.CREATE", "idx_xx", "ON", "HASH", "LANGUAGE", "any_invalid_language", "LANGUAGE_FIELD", "__lang", "SCHEMA", "word", "TEXT"}, "Invalid language"},
	} {
		if err := c.Do(ctx, tc.args...).Err(); err == nil || err.Error() != tc.want {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
}

// TestFTLanguagePairs: in each language vcache stems, an index in that
// language finds a document by another form of its word (pairs whose
// Snowball stems are published as equal).
func TestFTLanguagePairs(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	do := doer(t, c)
	for lang, pair := range map[string][2]string{
		"german":     {"häuser", "hauses"},
		"french":     {"continuer", "continuation"},
		"spanish":    {"corriendo", "corrieron"},
		"italian":    {"arancia", "arance"},
		"portuguese": {"cantando", "cantou"},
		"dutch":      {"boeken", "boek"},
		"swedish":    {"flickorna", "flicka"},
		"norwegian":  {"dagene", "dagen"},
		"danish":     {"husene", "huset"},
		"russian":    {"книги", "книгами"},
		"finnish":    {"elokuvaa", "elokuvaan"},
		// Added with stem_romanian.go and after.
		"romanian":   {"maşina", "maşinile"},
		"hungarian":  {"balesetben", "balesetekkel"},
		"catalan":    {"desplegament", "desplegaren"},
		"basque":     {"ezkontza", "ezkonduko"},
		"indonesian": {"pelajaran", "mempelajari"},
		"irish":      {"ngeallfaidh", "gheall"},
	} {
		p := lang + ":"
		if err := c.FTCreate(ctx, lang, &redis.FTCreateOptions{OnHash: true, Prefix: []any{p}, DefaultLanguage: lang},
			&redis.FieldSchema{FieldName: "t", FieldType: redis.SearchFieldTypeText}).Err(); err != nil {
			t.Fatal(err)
		}
		do("HSET", p+"1", "t", "ein "+pair[0])
		do("HSET", p+"2", "t", pair[1]+" zwei")
		for _, q := range pair {
			if got := searchIDs(t, c, lang, q, ""); !reflect.DeepEqual(got, []string{p + "1", p + "2"}) {
				t.Errorf("%s: FT.SEARCH %q: %v, want both documents", lang, q, got)
			}
		}
		if got := searchVerbatimIDs(t, c, lang, pair[0]); !reflect.DeepEqual(got, []string{p + "1"}) {
			t.Errorf("%s: FT.SEARCH %q VERBATIM (no stems): %v, want %s1", lang, pair[0], got, p)
		}
	}
}

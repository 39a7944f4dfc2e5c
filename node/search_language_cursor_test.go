package node

import (
	"context"
	"reflect"
	"testing"

	"github.com/redis/go-redis/v9"
)

// cursorLanguagePairs are, per language of vector/ft's moreStemmers, two
// forms of a word whose published Snowball stems are equal.
var cursorLanguagePairs = map[string][2]string{
	"turkish":    {"kitaplar", "kitabı"},
	"greek":      {"δρόμος", "δρόμοι"},
	"lithuanian": {"knygoje", "knygos"},
	"serbian":    {"године", "godinu"},
	"arabic":     {"الكتاب", "كتابها"},
	"armenian":   {"քաղաքի", "քաղաքներ"},
	"hindi":      {"किताबें", "किताबों"},
	"nepali":     {"अधिकारीहरुले", "अधिकारीको"},
	"tamil":      {"புத்தகங்கள்", "புத்தகத்தில்"},
	"yiddish":    {"קינדער", "קינד"},
}

// TestFTLanguageCursorStemmers: an index in each of these languages
// finds a document by another form of its word, VERBATIM (no stems) only
// by the form written; in an English index, documents whose
// LANGUAGE_FIELD names the language are stemmed in it, and so is a query
// whose LANGUAGE does.
func TestFTLanguageCursorStemmers(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	do := doer(t, c)
	do("FT.CREATE", "mixed", "ON", "HASH", "PREFIX", "1", "m:", "LANGUAGE_FIELD", "lang", "SCHEMA", "t", "TEXT")
	for lang, pair := range cursorLanguagePairs {
		p := lang + ":"
		if err := c.FTCreate(ctx, lang, &redis.FTCreateOptions{OnHash: true, Prefix: []any{p}, DefaultLanguage: lang},
			&redis.FieldSchema{FieldName: "t", FieldType: redis.SearchFieldTypeText}).Err(); err != nil {
			t.Fatal(err)
		}
		do("HSET", p+"1", "t", "x "+pair[0])
		do("HSET", p+"2", "t", pair[1]+" y")
		m := "m:" + lang + ":"
		do("HSET", m+"1", "t", pair[0], "lang", lang)
		do("HSET", m+"2", "t", pair[1], "lang", lang)
		for _, q := range pair {
			if got := searchIDs(t, c, lang, q, ""); !reflect.DeepEqual(got, []string{p + "1", p + "2"}) {
				t.Errorf("%s: FT.SEARCH %q: %v, want both documents", lang, q, got)
			}
			if got := searchIDs(t, c, "mixed", q, lang); !reflect.DeepEqual(got, []string{m + "1", m + "2"}) {
				t.Errorf("%s: FT.SEARCH mixed %q LANGUAGE %s: %v, want both documents", lang, q, lang, got)
			}
		}
		if got := searchVerbatimIDs(t, c, lang, pair[0]); !reflect.DeepEqual(got, []string{p + "1"}) {
			t.Errorf("%s: FT.SEARCH %q VERBATIM (no stems): %v, want %s1", lang, pair[0], got, p)
		}
	}
}

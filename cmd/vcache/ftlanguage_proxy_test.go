package main

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"sort"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/vector/ft"
)

// TestProxyLanguage: through the proxy over two nodes, an Italian index
// stems its documents and queries in Italian on both nodes, and
// FT.SEARCH's and FT.AGGREGATE's LANGUAGE reach the nodes (the proxy
// rebuilds FT.AGGREGATE's arguments for them). Italian stems arancia and
// arance to aranc; in English arancia is its own stem.
func TestProxyLanguage(t *testing.T) {
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: serveProxyOver(t, startNode(t), startNode(t)), Protocol: 2})
	defer c.Close()
	k1, k2 := "w:{"+halfTag(true)+"}1", "w:{"+halfTag(false)+"}2" // one on each node
	if err := c.FTCreate(ctx, "it", &redis.FTCreateOptions{OnHash: true, Prefix: []any{"w:"}, DefaultLanguage: "italian", LanguageField: "lang"},
		&redis.FieldSchema{FieldName: "word", FieldType: redis.SearchFieldTypeText}).Err(); err != nil {
		t.Fatal(err)
	}
	c.HSet(ctx, k1, "word", "arancia")
	c.HSet(ctx, k2, "word", "arance")
	sorted := func(ids ...string) []string { sort.Strings(ids); return ids }
	for _, tc := range []struct {
		lang string
		want []string
	}{{"", sorted(k1, k2)}, {"italian", sorted(k1, k2)}, {"english", []string{k1}}} {
		searchInLanguage(t, c, "it", "arancia", tc.lang, "@word", tc.want)
	}
	for _, args := range [][]any{
		{"FT.SEARCH", "it", "arancia", "LANGUAGE", "klingon"},
		{"FT.AGGREGATE", "it", "arancia", "LANGUAGE", "klingon"},
	} {
		if err := c.Do(ctx, args...).Err(); err == nil || err.Error() != "No such language" {
			t.Errorf("%v: error %v, want No such language", args, err)
		}
	}
	info, err := c.Do(ctx, "FT.INFO", "it").Slice()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(info); i += 2 {
		if info[i] == "index_definition" {
			def := fmt.Sprint(info[i+1])
			if want := "[key_type HASH prefixes [w:] default_language italian language_field lang default_score 1]"; def != want {
				t.Errorf("FT.INFO index_definition %s, want %s", def, want)
			}
		}
	}
}

// TestProxyChinese: through the proxy over two nodes, an index in
// Chinese segments the documents of both nodes, and a query's Chinese
// terms on both (FT.SEARCH, and FT.AGGREGATE's LANGUAGE on an index in
// English with a LANGUAGE_FIELD).
func TestProxyChinese(t *testing.T) {
	if _, _, err := ft.ChineseLexicon(); err != nil {
		msg := "no Chinese lexicon (apt-get install friso-dict): " + err.Error()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: serveProxyOver(t, startNode(t), startNode(t)), Protocol: 2})
	defer c.Close()
	k1, k2 := "cn:{"+halfTag(true)+"}1", "cn:{"+halfTag(false)+"}2" // one on each node
	text := &redis.FieldSchema{FieldName: "txt", FieldType: redis.SearchFieldTypeText}
	if err := c.FTCreate(ctx, "cn", &redis.FTCreateOptions{OnHash: true, Prefix: []any{"cn:"}, DefaultLanguage: "chinese"}, text).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.FTCreate(ctx, "lf", &redis.FTCreateOptions{OnHash: true, Prefix: []any{"cn:"}, LanguageField: "lang"}, text).Err(); err != nil {
		t.Fatal(err)
	}
	c.HSet(ctx, k1, "txt", "数据可以从主服务器向从服务器同步", "lang", "chinese")
	c.HSet(ctx, k2, "txt", "数据冗余对读取操作很有帮助", "lang", "chinese")
	sorted := func(ids ...string) []string { sort.Strings(ids); return ids }
	for _, tc := range []struct {
		index, query, lang string
		want               []string
	}{
		{"cn", "数据", "", sorted(k1, k2)},
		{"cn", "服务器", "", []string{k1}},
		{"cn", "冗余", "", []string{k2}},
		{"cn", "数", "", nil},
		{"lf", "主服务器", "chinese", []string{k1}},
		{"lf", "主服务器", "", nil},
	} {
		searchInLanguage(t, c, tc.index, tc.query, tc.lang, "@txt", tc.want)
	}
}

// searchInLanguage checks that FT.SEARCH index query [LANGUAGE lang]
// finds the documents want (sorted), and FT.AGGREGATE ... LOAD 1 load as
// many rows.
func searchInLanguage(t *testing.T, c *redis.Client, index, query, lang, load string, want []string) {
	t.Helper()
	ctx := context.Background()
	res, err := c.FTSearchWithArgs(ctx, index, query, &redis.FTSearchOptions{NoContent: true, Language: lang}).Result()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range res.Docs {
		got = append(got, d.ID)
	}
	if sort.Strings(got); !reflect.DeepEqual(got, want) {
		t.Errorf("FT.SEARCH %s %s LANGUAGE %q: %v, want %v", index, query, lang, got, want)
	}
	agg := []any{"FT.AGGREGATE", index, query, "LOAD", "1", load}
	if lang != "" {
		agg = append(agg, "LANGUAGE", lang)
	}
	rows, err := c.Do(ctx, agg...).Slice()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows)-1 != len(want) {
		t.Errorf("%v: %v, want %d rows", agg, rows, len(want))
	}
}

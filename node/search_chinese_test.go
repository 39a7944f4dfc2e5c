package node

import (
	"os"
	"reflect"
	"testing"

	"github.com/vcache/vcache/vector/ft"
)

// needChineseLexicon skips the test (fails it under CI) without the
// friso lexicon.
func needChineseLexicon(t *testing.T) {
	t.Helper()
	if _, _, err := ft.ChineseLexicon(); err != nil {
		msg := "no Chinese lexicon (apt-get install friso-dict): " + err.Error()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
}

var chineseDocs = map[string]string{
	"cn:1": "Redis支持主从同步。数据可以从主服务器向任意数量的从服务器上同步。",
	"cn:2": "中华人民共和国国务院总理今天在人民大会堂会见了来访的德国总理。",
	"cn:3": "研究生命起源是一项长期的科学工作",
	"cn:4": "南京市长江大桥于1968年建成通车，全长6772米。",
	"cn:5": "卡拉OK和KTV是年轻人喜欢的娱乐方式，他也会用c++编程。",
}

// TestFTChinese: an index in Chinese segments its documents into words as
// RediSearch does (friso's MMSEG), and a query's Chinese terms the same
// way: words find their documents, single characters inside words and
// punctuation find none, latin words inside Chinese text are words of
// their own; an English index keeps each run of Chinese text one token.
// LANGUAGE_FIELD and FT.SEARCH's LANGUAGE select Chinese per document and
// per query.
func TestFTChinese(t *testing.T) {
	needChineseLexicon(t)
	tn := startNode(t, nil)
	c := tn.client2(t)
	do := doer(t, c)
	do("FT.CREATE", "idx_cn", "ON", "HASH", "PREFIX", "1", "cn:", "LANGUAGE", "chinese", "SCHEMA", "txt", "TEXT")
	do("FT.CREATE", "idx_en", "ON", "HASH", "PREFIX", "1", "cn:", "SCHEMA", "txt", "TEXT")
	do("FT.CREATE", "idx_lf", "ON", "HASH", "PREFIX", "1", "cn:", "LANGUAGE_FIELD", "lang", "SCHEMA", "txt", "TEXT")
	for k, v := range chineseDocs {
		do("HSET", k, "txt", v, "lang", "chinese")
	}
	do("HSET", "cn:6", "txt", "数据库", "lang", "english") // one token in English
	for _, tc := range []struct {
		index, query, lang string
		want               []string
	}{
		{"idx_cn", "数据", "", []string{"cn:1"}},
		{"idx_cn", "服务器", "", []string{"cn:1"}},
		{"idx_cn", "主服务器", "", []string{"cn:1"}},
		{"idx_cn", "redis", "", []string{"cn:1"}},
		{"idx_cn", "Redis支持", "", []string{"cn:1"}},
		{"idx_cn", "人民大会堂", "", []string{"cn:2"}},
		{"idx_cn", "总理", "chinese", []string{"cn:2"}},
		{"idx_cn", "研究", "", []string{"cn:3"}},
		{"idx_cn", "生命", "", []string{"cn:3"}},
		{"idx_cn", "长江大桥", "", []string{"cn:4"}},
		{"idx_cn", "1968年", "", []string{"cn:4"}},
		{"idx_cn", "6772米", "", []string{"cn:4"}},
		{"idx_cn", "卡拉OK", "", []string{"cn:5"}},
		{"idx_cn", "ktv", "", []string{"cn:5"}},
		{"idx_cn", "数据|总理", "", []string{"cn:1", "cn:2"}},
		{"idx_cn", "数据 总理", "", nil},
		{"idx_cn", "-数据", "", []string{"cn:2", "cn:3", "cn:4", "cn:5", "cn:6"}},
		{"idx_cn", "@txt:生命", "", []string{"cn:3"}},
		{"idx_cn", "数据库", "", []string{"cn:6"}},
		// Characters inside words, punctuation, text the lexicon
		// splits differently: not words of any document.
		{"idx_cn", "数", "", nil},
		{"idx_cn", "桥", "", nil},
		{"idx_cn", "，", "", nil},
		{"idx_cn", "c", "", nil}, // c++ is dropped before Chinese text
		{"idx_cn", "数据|，", "", []string{"cn:1"}},
		{"idx_cn", "-，", "", []string{"cn:1", "cn:2", "cn:3", "cn:4", "cn:5", "cn:6"}},
		{"idx_cn", "@txt:(数据 ！)", "", nil},
		{"idx_cn", "数据", "VERBATIM", []string{"cn:1"}},
		{"idx_cn", "主服务器", "VERBATIM", nil},
		// English: a run of Chinese is one token.
		{"idx_en", "数据", "", nil},
		{"idx_en", "研究生命起源是一项长期的科学工作", "", []string{"cn:3"}},
		// A document's own language, and the query's.
		{"idx_lf", "主服务器", "chinese", []string{"cn:1"}},
		{"idx_lf", "主服务器", "", nil}, // one term in English
		{"idx_lf", "数据库", "", []string{"cn:6"}},
	} {
		args := []any{"FT.SEARCH", tc.index, tc.query, "NOCONTENT"}
		switch tc.lang {
		case "":
		case "VERBATIM":
			args = append(args, "VERBATIM")
		default:
			args = append(args, "LANGUAGE", tc.lang)
		}
		got := replyKeysSorted(do(args...))
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("FT.SEARCH %s %q %s: got %v, want %v", tc.index, tc.query, tc.lang, got, tc.want)
		}
	}
	// JSON documents too.
	do("FT.CREATE", "idx_json", "ON", "JSON", "PREFIX", "1", "j:", "LANGUAGE", "chinese", "SCHEMA", "$.txt", "AS", "txt", "TEXT")
	do("JSON.SET", "j:1", "$", `{"txt":"研究生命起源是一项长期的科学工作"}`)
	for q, want := range map[string][]string{"生命": {"j:1"}, "科学": {"j:1"}, "命": nil} {
		if got := replyKeysSorted(do("FT.SEARCH", "idx_json", q, "NOCONTENT")); !reflect.DeepEqual(got, want) {
			t.Errorf("FT.SEARCH idx_json %q: got %v, want %v", q, got, want)
		}
	}
	// A term of no word in the other commands.
	for _, args := range [][]any{
		{"FT.EXPLAIN", "idx_cn", "，"},
		{"FT.PROFILE", "idx_cn", "SEARCH", "QUERY", "，|数据"},
		{"FT.AGGREGATE", "idx_cn", "，", "LOAD", "1", "@txt"},
		{"FT.SPELLCHECK", "idx_cn", "数据，"},
	} {
		do(args...)
	}
	// FT.EXPLAIN shows a term's words.
	if got, want := do("FT.EXPLAIN", "idx_cn", "主服务器"), "INTERSECT {\n  主\n  服务器\n}\n"; got != want {
		t.Errorf("FT.EXPLAIN idx_cn 主服务器: got %q, want %q", got, want)
	}
	// The same through go-redis's own FT.SEARCH.
	if got := searchIDs(t, c, "idx_lf", "长江大桥", "chinese"); !reflect.DeepEqual(got, []string{"cn:4"}) {
		t.Errorf("go-redis FT.SEARCH idx_lf 长江大桥 LANGUAGE chinese: %v", got)
	}
}

// TestFTChineseNoLexicon: without a lexicon an index in Chinese still
// works, each CJK character a word.
func TestFTChineseNoLexicon(t *testing.T) {
	dir := t.TempDir()
	ft.SetChineseLexicon(dir)
	t.Cleanup(func() { ft.SetChineseLexicon("") })
	if _, _, err := ft.ChineseLexicon(); err == nil {
		t.Fatal("an empty directory loaded as a lexicon")
	}
	tn := startNode(t, nil)
	c := tn.client2(t)
	do := doer(t, c)
	if got, want := do("FT.CONFIG", "GET", "FRISOINI"), []any{[]any{"FRISOINI", dir}}; !reflect.DeepEqual(got, want) {
		t.Errorf("FT.CONFIG GET FRISOINI: got %v, want %v", got, want)
	}
	do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "cn:", "LANGUAGE", "chinese", "SCHEMA", "txt", "TEXT")
	do("HSET", "cn:1", "txt", "研究生命起源Redis")
	do("HSET", "cn:2", "txt", "长江大桥")
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"生", []string{"cn:1"}},
		{"生命", []string{"cn:1"}},
		{"redis", []string{"cn:1"}},
		{"桥", []string{"cn:2"}},
		{"大江", []string{"cn:2"}}, // every character, in any order
		{"生桥", nil},
	} {
		if got := replyKeysSorted(do("FT.SEARCH", "idx", tc.query, "NOCONTENT")); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("FT.SEARCH idx %q: got %v, want %v", tc.query, got, tc.want)
		}
	}
}

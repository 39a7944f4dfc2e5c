package ft

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeLexicon writes a small friso lexicon into a directory "dict" of a
// new temporary directory, with a friso.ini naming it relatively, and
// returns the ini's path. chars are the single characters'
// "char/null/frequency" lines.
func writeLexicon(t *testing.T, chars string) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "dict")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"friso.lex.ini": "# comment\n__LEX_CJK_WORDS__ :[\n    lex-main.lex;\n    lex-chars.lex;\n    lex-missing.lex;\n]\n" +
			"__LEX_CJK_UNITS__ :[\n    lex-units.lex;\n]\n__LEX_ECM_WORDS__:[\n    lex-ecmixed.lex;\n]\n" +
			"__LEX_CEM_WORDS__:[\n    lex-cemixed.lex;\n]\n__LEX_ENPUN_WORDS__:[\n    lex-en-pun.lex;\n]\n" +
			"__LEX_STOPWORDS__:[\n    lex-stopword.lex;\n]\n",
		// 研究 is listed twice: the later entry's frequency counts.
		"lex-main.lex": "#words\n研究/null/1\n研究生/null\n生命/null\n起源/null\n国际化\n国际/null\n主要/null\n要是/null\n" +
			"因为/null\n中华人民共和国国务院/null\n卡拉/null\n研究/null/7\nabc/null\n",
		"lex-chars.lex":    chars,
		"lex-units.lex":    "#units\n米\n",
		"lex-ecmixed.lex":  "b超/null\n",
		"lex-cemixed.lex":  "卡拉ok/null\n",
		"lex-en-pun.lex":   "c++\n",
		"lex-stopword.lex": "的\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ini := filepath.Join(root, "friso.ini")
	if err := os.WriteFile(ini, []byte("friso.charset = 0\nfriso.lex_dir = dict/\nfriso.mode = 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return ini
}

const testChars = "研/null/5\n究/null/5\n生/null/5\n命/null/5\n起/null/5\n源/null/5\n国/null/5\n际/null/5\n" +
	"化/null/5\n主/null/10\n要/null/5\n是/null/1000\n因/null/5\n为/null/5\n卡/null/5\n拉/null/5\n超/null/5\n长/null/5\n用/null/5\n写/null/5\n"

// TestChineseLexiconRules: a lexicon read through a friso.ini and its
// friso.lex.ini, and each of MMSEG's rules deciding a segmentation.
func TestChineseLexiconRules(t *testing.T) {
	ini := writeLexicon(t, testChars)
	lex, err := loadCNLexicon(ini)
	if err != nil {
		t.Fatal(err)
	}
	if lo, hi := lex.starting('研'); hi-lo != 3 { // 研, 研究, 研究生
		t.Errorf("words starting with 研: %d, want 3", hi-lo)
	}
	if at, _, found := lex.seek(0, lex.count(), "研究"); !found || lex.freq[at] != 7 {
		t.Errorf("研究: found %v, frequency %d; want the later entry's 7", found, lex.freq[at])
	}
	if _, _, found := lex.seek(0, lex.count(), "中华人民共和国国务院"); found {
		t.Error("a word longer than five characters kept")
	}
	for _, tc := range []struct{ in, want string }{
		{"研究生命起源", "研究 生命 起源"}, // equal lengths and averages: the smallest variance
		{"国际化", "国际化"},         // the largest average word length
		{"主要是因为", "主要 是 因为"},   // the larger frequency of the single character (是)
		{"研究生", "研究生"},         // the longest chunk
		{"卡拉OK", "卡拉ok"},       // a Chinese-English word
		{"b超", "b超"},           // an English-Chinese word
		{"3米长", "3米 长"},        // a number and its unit
		{"用c++写", "用 c++ 写"},   // c++ before CJK text: a segment RediSearch drops
		{"ABC，研究", "abc ， 研究"},
	} {
		if got := strings.Join(segWords(lex, tc.in), " "); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, got, tc.want)
		}
	}
	// Rule 4 the other way: 主 more frequent than 是.
	lex2, err := loadCNLexicon(writeLexicon(t, strings.Replace(testChars, "是/null/1000", "是/null/1", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(segWords(lex2, "主要是因为"), " "); got != "主 要是 因为" {
		t.Errorf("主要是因为 with 主 more frequent: got %q", got)
	}
	// What RediSearch indexes of c++ right before CJK text: nothing.
	var words []string
	segmentChinese(lex, "用c++写", func(s cnSegment) {
		if s.kind == cnWord {
			words = append(words, s.word)
		}
	})
	if got := strings.Join(words, " "); got != "用 写" {
		t.Errorf("用c++写 indexed as %q, want 用 写", got)
	}
	// The lexicon named by its directory and by its friso.lex.ini.
	dir := filepath.Join(filepath.Dir(ini), "dict")
	for _, p := range []string{dir, filepath.Join(dir, "friso.lex.ini")} {
		if l, err := loadCNLexicon(p); err != nil || l.count() != lex.count() {
			t.Errorf("%s: %v", p, err)
		}
	}
	if _, err := loadCNLexicon(filepath.Join(dir, "lex-main.lex")); err == nil {
		t.Error("a lexicon file loaded as an ini")
	}
}

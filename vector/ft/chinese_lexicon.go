package ft

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The lexicon of Chinese segmentation (chinese.go): friso's dictionary
// files, as RediSearch bundles them. A friso.ini names the lexicon's
// directory (friso.lex_dir); that directory's friso.lex.ini lists the
// files of each kind of word. The segmenter needs five kinds: CJK words
// (with the frequency of single characters, for MMSEG's fourth rule),
// single-character units after a number (3米), English-Chinese mixed
// words (b超), Chinese-English ones (卡拉ok) and words of letters and
// punctuation (c++). Names, stop words and synonyms are not used by
// RediSearch's segmentation.

// cnMaxWord is the longest CJK word the segmenter matches, in characters
// (friso's max_len as RediSearch sets it).
const cnMaxWord = 5

// cnLexicon holds the CJK words as sorted arrays, not a map: every word
// of at most cnMaxWord CJK characters, concatenated in byte order in
// words, word i being words[offs[i]:offs[i+1]], with its frequency in
// freq[i]; first indexes the words by their first character, and
// binary searches narrow that range to longer prefixes.
type cnLexicon struct {
	words string
	offs  []uint32
	freq  []uint32
	// first[r-firstBase] is the index of the first word starting with
	// character r, first[r-firstBase+1] the end of those words.
	first     []uint32
	firstBase rune
	// units, ecm, cem and enpun are the small lexicons, word as written.
	units, ecm, cem, enpun map[string]bool
}

// word returns the lexicon's word i.
func (l *cnLexicon) word(i int) string { return l.words[l.offs[i]:l.offs[i+1]] }

// count returns the number of CJK words.
func (l *cnLexicon) count() int { return len(l.freq) }

// starting returns the range [lo, hi) of the words starting with
// character r.
func (l *cnLexicon) starting(r rune) (lo, hi int) {
	i := int(r - l.firstBase)
	if i < 0 || i+1 >= len(l.first) {
		return 0, 0
	}
	return int(l.first[i]), int(l.first[i+1])
}

// seek returns the first word of [lo, hi) not before p, whether it starts
// with p, and whether it is p.
func (l *cnLexicon) seek(lo, hi int, p string) (at int, prefix, found bool) {
	a, b := lo, hi
	for a < b { // a binary search, without sort.Search's closure
		mid := int(uint(a+b) >> 1)
		if l.word(mid) < p {
			a = mid + 1
		} else {
			b = mid
		}
	}
	if a < hi {
		w := l.word(a)
		return a, strings.HasPrefix(w, p), w == p
	}
	return a, false, false
}

// bytes returns the memory the lexicon holds, roughly: the arrays, and
// the small maps at 64 bytes an entry.
func (l *cnLexicon) bytes() int {
	n := len(l.words) + 4*len(l.offs) + 4*len(l.freq) + 4*len(l.first)
	for _, m := range []map[string]bool{l.units, l.ecm, l.cem, l.enpun} {
		for w := range m {
			n += 64 + len(w)
		}
	}
	return n
}

// Kinds of friso lexicon the segmenter reads, by friso.lex.ini's names.
const (
	lexCJKWords = "__LEX_CJK_WORDS__"
	lexCJKUnits = "__LEX_CJK_UNITS__"
	lexECMWords = "__LEX_ECM_WORDS__"
	lexCEMWords = "__LEX_CEM_WORDS__"
	lexENPun    = "__LEX_ENPUN_WORDS__"
)

// cnLexiconDir returns the lexicon directory path names: path itself when
// it is a directory holding friso.lex.ini, the directory of a
// friso.lex.ini, else the friso.lex_dir of a friso.ini (relative to the
// ini's own directory unless absolute).
func cnLexiconDir(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if st.IsDir() {
		return path, nil
	}
	if filepath.Base(path) == "friso.lex.ini" {
		return filepath.Dir(path), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		key, val, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(key) != "friso.lex_dir" {
			continue
		}
		dir := strings.TrimSpace(val)
		if dir == "" {
			break
		}
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(filepath.Dir(path), dir)
		}
		return dir, nil
	}
	return "", fmt.Errorf("%s names no friso.lex_dir", path)
}

// loadCNLexicon loads the lexicon path names (cnLexiconDir).
func loadCNLexicon(path string) (*cnLexicon, error) {
	dir, err := cnLexiconDir(path)
	if err != nil {
		return nil, err
	}
	ini, err := os.ReadFile(filepath.Join(dir, "friso.lex.ini"))
	if err != nil {
		return nil, err
	}
	files := parseLexIni(ini)
	l := &cnLexicon{units: map[string]bool{}, ecm: map[string]bool{}, cem: map[string]bool{}, enpun: map[string]bool{}}
	small := map[string]map[string]bool{lexCJKUnits: l.units, lexECMWords: l.ecm, lexCEMWords: l.cem, lexENPun: l.enpun}
	cjk := map[string]uint32{}
	loaded := 0
	for _, f := range files {
		m, isSmall := small[f.kind]
		if f.kind != lexCJKWords && !isSmall {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			continue // friso too only warns of a missing file
		}
		loaded++
		readLexFile(data, func(word string, freq uint32) {
			if isSmall {
				m[word] = true
			} else if cjkWord(word) {
				cjk[word] = freq // a later file's entry replaces an earlier one's
			}
		})
	}
	if loaded == 0 || len(cjk) == 0 {
		return nil, errors.New("no CJK words in the lexicon at " + dir)
	}
	sorted := make([]string, 0, len(cjk))
	size := 0
	for w := range cjk {
		sorted = append(sorted, w)
		size += len(w)
	}
	sort.Strings(sorted)
	var b strings.Builder
	b.Grow(size)
	l.offs = make([]uint32, 0, len(sorted)+1)
	l.freq = make([]uint32, 0, len(sorted))
	for _, w := range sorted {
		l.offs = append(l.offs, uint32(b.Len()))
		b.WriteString(w)
		l.freq = append(l.freq, cjk[w])
	}
	l.offs = append(l.offs, uint32(b.Len()))
	l.words = b.String()
	lo, _ := utf8.DecodeRuneInString(sorted[0])
	hi, _ := utf8.DecodeRuneInString(sorted[len(sorted)-1])
	l.firstBase = lo
	l.first = make([]uint32, hi-lo+2)
	k := 0
	for r := lo; r <= hi+1; r++ {
		for k < len(sorted) {
			if c, _ := utf8.DecodeRuneInString(sorted[k]); c >= r {
				break
			}
			k++
		}
		l.first[r-lo] = uint32(k)
	}
	return l, nil
}

// lexFile is one lexicon file friso.lex.ini lists, and its kind.
type lexFile struct{ kind, name string }

// parseLexIni reads friso.lex.ini: "KIND :[" opens a list of file names
// (each up to a space, tab or ';'), a line ending in "]" closes it, and
// lines starting with '#' are comments.
func parseLexIni(data []byte) []lexFile {
	var out []lexFile
	kind := ""
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		if kind == "" {
			if strings.HasSuffix(line, "[") {
				k := strings.TrimLeft(line, " \t")
				if i := strings.IndexAny(k, " \t:"); i >= 0 {
					k = k[:i]
				}
				kind = k
			}
			continue
		}
		if strings.HasSuffix(line, "]") {
			kind = ""
			continue
		}
		name := strings.TrimLeft(line, " \t")
		if i := strings.IndexAny(name, " \t;"); i >= 0 {
			name = name[:i]
		}
		if name != "" {
			out = append(out, lexFile{kind, name})
		}
	}
	return out
}

// readLexFile calls add with each entry of a lexicon file: a line is
// "word", "word/synonyms" or "word/synonyms/frequency"; a line starting
// with '#' (longer than the '#' alone) is a comment.
func readLexFile(data []byte, add func(word string, freq uint32)) {
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || line[0] == '#' && len(line) > 1 {
			continue
		}
		parts := strings.SplitN(line, "/", 3)
		freq := uint32(0)
		if len(parts) == 3 {
			freq = uint32(int32(atoi(strings.SplitN(parts[2], "/", 2)[0])))
		}
		add(parts[0], freq)
	}
}

// atoi reads a number as C's atoi does: leading blanks, a sign, digits up
// to the first other byte; 0 for none.
func atoi(s string) int64 {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	end := 0
	if end < len(s) && (s[end] == '-' || s[end] == '+') {
		end++
	}
	for end < len(s) && s[end] >= '0' && s[end] <= '9' && end < 12 {
		end++
	}
	n, _ := strconv.ParseInt(s[:end], 10, 64)
	if n > math.MaxInt32 || n < math.MinInt32 {
		return 0
	}
	return n
}

// cjkWord reports whether w is 1 to cnMaxWord CJK characters (cnCJK),
// the only words the segmenter can match.
func cjkWord(w string) bool {
	n := 0
	for _, r := range w {
		if !cnCJK(r) {
			return false
		}
		n++
	}
	return n >= 1 && n <= cnMaxWord && utf8.ValidString(w)
}

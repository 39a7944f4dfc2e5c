package ft

import (
	"math"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Chinese text, as RediSearch 2.8 indexes and queries it (LANGUAGE
// chinese): not split at spaces and punctuation but segmented into words
// by friso's MMSEG in complex mode over friso's lexicon
// (chinese_lexicon.go). At each CJK character the segmenter takes every
// chunk of up to three lexicon words in a row (each of up to cnMaxWord
// characters) and keeps the chunks with the largest total length, then
// the largest average word length, then the smallest variance of word
// lengths, then the largest sum of the logarithms of the frequencies of
// their single-character words; the first word of the first chunk left
// is the next word. Latin letters and digits make words of their own,
// lower-cased and folded from full width, keeping the joining marks
// @%.#&+ inside them; a number takes a unit after it (3.14米); a lexicon
// word may mix the two (卡拉ok, b超). RediSearch drops punctuation,
// CJK characters the lexicon does not know, and letter-punctuation words
// (c++) met right before Chinese text; spaces, other scripts and
// symbols are dropped too. Chinese words are not stemmed.
//
// The lexicon loads when an index in Chinese is created (text.go) or
// else the first time Chinese text is segmented, from the
// path SetChineseLexicon gave, else from Debian's friso-dict package when
// installed. Without a lexicon every CJK character is a word of its own.

// cnKind is what a segment is.
type cnKind uint8

const (
	cnWord  cnKind = iota // a lexicon word, a latin word or number, a mixed word
	cnPunct               // punctuation, or a CJK character the lexicon lacks
	cnEnPun               // a letter-punctuation lexicon word (c++) right before CJK text
)

// cnSegment is one segment of a text: its word (latin folded to lower
// case and half width), kind, and the bytes [start, end) it came from.
type cnSegment struct {
	word       string
	kind       cnKind
	start, end int
}

// Debian's friso packages put these here.
const (
	debianFrisoIni   = "/etc/friso/friso.ini"
	debianFrisoLexes = "/usr/share/friso/dict/UTF-8"
)

// cnLexLoad is the outcome of loading the lexicon.
type cnLexLoad struct {
	lex *cnLexicon // nil: none could be loaded
	err error
}

var cnLex struct {
	mu   sync.Mutex // guards path and the loading
	path string     // set by SetChineseLexicon ("" for the default)
	done atomic.Pointer[cnLexLoad]
}

// SetChineseLexicon sets where the Chinese lexicon is loaded from: a
// friso.ini, a friso.lex.ini or the directory holding it ("" for the
// default: Debian's friso-dict when installed). It takes effect the next
// time Chinese text is segmented.
func SetChineseLexicon(path string) {
	cnLex.mu.Lock()
	cnLex.path = path
	cnLex.done.Store(nil)
	cnLex.mu.Unlock()
}

// chineseLexiconPath returns the path SetChineseLexicon gave.
func chineseLexiconPath() string {
	cnLex.mu.Lock()
	defer cnLex.mu.Unlock()
	return cnLex.path
}

// ChineseLexicon loads the Chinese lexicon if not yet done and reports
// its words and bytes, or why there is none.
func ChineseLexicon() (words, bytes int, err error) {
	l, err := chineseLexicon()
	if l == nil {
		return 0, 0, err
	}
	return l.count(), l.bytes(), nil
}

// chineseLexicon returns the lexicon, loading it the first time; nil
// when none could be loaded (and why).
func chineseLexicon() (*cnLexicon, error) {
	if d := cnLex.done.Load(); d != nil {
		return d.lex, d.err
	}
	cnLex.mu.Lock()
	defer cnLex.mu.Unlock()
	if d := cnLex.done.Load(); d != nil {
		return d.lex, d.err
	}
	path := cnLex.path
	if path == "" {
		path = debianFrisoLexes
		if _, err := os.Stat(debianFrisoIni); err == nil {
			path = debianFrisoIni
		}
	}
	d := &cnLexLoad{}
	d.lex, d.err = loadCNLexicon(path)
	cnLex.done.Store(d)
	return d.lex, d.err
}

// chineseTokens returns the words of text RediSearch indexes for
// Chinese: the segments but punctuation and letter-punctuation words.
func chineseTokens(text string) []string {
	lex, _ := chineseLexicon()
	var out []string
	segmentChinese(lex, text, func(s cnSegment) {
		if s.kind == cnWord {
			out = append(out, s.word)
		}
	})
	return out
}

// cnCJK reports whether u is a CJK character to friso: the unified
// ideographs, radicals, strokes, compatibility ideographs and forms.
func cnCJK(u rune) bool {
	return u >= 0x4E00 && u <= 0x9FBF || u >= 0x2E80 && u <= 0x2EFF || u >= 0x2F00 && u <= 0x2FDF ||
		u >= 0x31C0 && u <= 0x31EF || u >= 0x3300 && u <= 0x33FF || u >= 0x4DC0 && u <= 0x4DFF ||
		u >= 0xF900 && u <= 0xFAFF || u >= 0xFE30 && u <= 0xFE4F
}

// cnSpace: the space and the ideographic space separate words.
func cnSpace(u rune) bool { return u == ' ' || u == 0x3000 }

// cnFullLatin reports a full-width digit or letter.
func cnFullLatin(u rune) bool {
	return u >= 0xFF10 && u <= 0xFF19 || u >= 0xFF21 && u <= 0xFF3A || u >= 0xFF41 && u <= 0xFF5A
}

// cnHalf folds a full-width digit or letter to ASCII.
func cnHalf(u rune) rune {
	if cnFullLatin(u) {
		return u - 0xFEE0
	}
	return u
}

// cnEnPunct reports ASCII punctuation.
func cnEnPunct(u rune) bool {
	return u > 32 && u < 48 || u > 57 && u < 65 || u > 90 && u < 97 || u > 122 && u < 127
}

// cnCNPunct reports full-width punctuation and CJK symbols.
func cnCNPunct(u rune) bool {
	return u > 0xFF00 && u < 0xFF10 || u > 0xFF19 && u < 0xFF20 || u > 0xFF3A && u < 0xFF41 ||
		u > 0xFF5A && u < 0xFF66 || u >= 0x3001 && u <= 0x301F
}

// cnKeep reports the marks a latin word keeps inside it.
func cnKeep(u rune) bool {
	return u == '@' || u == '%' || u == '.' || u == '#' || u == '&' || u == '+'
}

// Kinds of ASCII character inside a latin word.
const (
	enOther = iota
	enSpace
	enDigit
	enLetter
	enPunct
)

func cnEnType(u rune) int {
	switch {
	case u > 126 || u < 32:
		return enOther
	case u == 32:
		return enSpace
	case u >= '0' && u <= '9':
		return enDigit
	case u >= 'A' && u <= 'Z' || u >= 'a' && u <= 'z':
		return enLetter
	}
	return enPunct
}

// cnSeg is one segmentation: the text, and the lexicon matches worked
// out at its recent positions. It reads the text as it goes, so its
// memory does not grow with the text.
type cnSeg struct {
	lex  *cnLexicon
	text string
	// memo caches, at slot p%len(memo), the lengths of the lexicon words
	// starting at byte p: bit k-1 for k characters; pos is p+1 (0:
	// empty). complex looks at most 15 characters ahead, well inside.
	memo [128]struct {
		pos int
		m   uint8
	}
	// chunks is complex's buffer.
	chunks []cnChunk
}

// at decodes the character at byte p: utf8.RuneError for an invalid
// byte, -1 and 0 past the end.
func (s *cnSeg) at(p int) (rune, int) {
	if p >= len(s.text) {
		return -1, 0
	}
	if c := s.text[p]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s.text[p:])
}

// cjkAt reports a CJK character at byte p (3 bytes in UTF-8).
func (s *cnSeg) cjkAt(p int) bool {
	u, _ := s.at(p)
	return cnCJK(u)
}

// segmentChinese segments text as friso does in complex mode (without
// synonyms or the secondary split of latin words, as RediSearch sets
// it), calling emit with each segment in order. lex nil segments CJK
// text by single characters. Like friso, it reads text up to a NUL byte.
func segmentChinese(lex *cnLexicon, text string, emit func(cnSegment)) {
	if i := strings.IndexByte(text, 0); i >= 0 {
		text = text[:i]
	}
	s := &cnSeg{lex: lex, text: text}
	n := len(text)
	for i := 0; i < n; {
		u, size := s.at(i)
		switch {
		case cnSpace(u):
			i += size
		case cnCJK(u):
			if !s.known(i) {
				emit(cnSegment{text[i : i+size], cnPunct, i, i + size})
				i += size
				continue
			}
			j := i + 3*s.complex(i)
			word := text[i:j]
			if j < n && text[j] < utf8.RuneSelf && (cnEnType(rune(text[j])) == enDigit || cnEnType(rune(text[j])) == enLetter) {
				// A latin word right after: a Chinese-English word (卡拉ok)?
				lat, k := s.latin(j)
				if s.lex != nil && s.lex.cem[word+lat.word] {
					emit(cnSegment{word + lat.word, cnWord, i, k})
				} else {
					emit(cnSegment{word, cnWord, i, j})
					emit(lat)
				}
				i = k
				continue
			}
			emit(cnSegment{word, cnWord, i, j})
			i = j
		case u >= 32 && u <= 126 || cnFullLatin(u):
			if cnEnPunct(u) {
				emit(cnSegment{text[i : i+size], cnPunct, i, i + size})
				i += size
				continue
			}
			lat, k := s.latin(i)
			emit(lat)
			i = k
		case cnCNPunct(u):
			emit(cnSegment{text[i : i+size], cnPunct, i, i + size})
			i += size
		default:
			i += size // other scripts, symbols, control characters
		}
	}
}

// known reports whether the CJK character at byte p is a lexicon word
// (any CJK character without a lexicon).
func (s *cnSeg) known(p int) bool { return s.matches(p)&1 != 0 }

// matches returns the lengths of the lexicon words at byte p, the start
// of a CJK character (bit k-1: k characters, all CJK).
func (s *cnSeg) matches(p int) uint8 {
	slot := &s.memo[p%len(s.memo)]
	if slot.pos == p+1 {
		return slot.m
	}
	var m uint8
	if s.lex == nil {
		m = 1
	} else {
		u, _ := s.at(p)
		lo, hi := s.lex.starting(u)
		for k := 1; k <= cnMaxWord && lo < hi && (k == 1 || s.cjkAt(p+3*(k-1))); k++ {
			// The words starting with k characters here begin at lo.
			at, prefix, found := s.lex.seek(lo, hi, s.text[p:p+3*k])
			if found {
				m |= 1 << (k - 1)
			}
			if !prefix {
				break
			}
			lo = at
		}
	}
	slot.pos, slot.m = p+1, m
	return m
}

// freq returns the lexicon frequency of the single CJK character at
// byte p.
func (s *cnSeg) freq(p int) uint32 {
	if s.lex == nil {
		return 1
	}
	u, _ := s.at(p)
	lo, hi := s.lex.starting(u)
	if at, _, found := s.lex.seek(lo, hi, s.text[p:p+3]); found {
		return s.lex.freq[at]
	}
	return 0
}

// cnChunk is up to three words in a row: their lengths in characters.
type cnChunk struct {
	n   int
	len [3]int
}

// complex returns the length in characters of the word MMSEG's complex
// mode takes at byte i (a lexicon word).
func (s *cnSeg) complex(i int) int {
	m1 := s.matches(i)
	if m1 == 1 {
		return 1
	}
	// next reports whether a chunk can go on k characters after i: a
	// CJK character the lexicon knows.
	next := func(k int) bool { return s.cjkAt(i+3*k) && s.known(i+3*k) }
	chunks := s.chunks[:0]
	defer func() { s.chunks = chunks[:0] }()
	for a := 1; a <= cnMaxWord; a++ {
		if m1&(1<<(a-1)) == 0 {
			continue
		}
		if !next(a) {
			chunks = append(chunks, cnChunk{1, [3]int{a}})
			continue
		}
		m2 := s.matches(i + 3*a)
		for b := 1; b <= cnMaxWord; b++ {
			if m2&(1<<(b-1)) == 0 {
				continue
			}
			if !next(a + b) {
				chunks = append(chunks, cnChunk{2, [3]int{a, b}})
				continue
			}
			m3 := s.matches(i + 3*(a+b))
			for c := 1; c <= cnMaxWord; c++ {
				if m3&(1<<(c-1)) != 0 {
					chunks = append(chunks, cnChunk{3, [3]int{a, b, c}})
				}
			}
		}
	}
	return s.best(i, chunks).len[0]
}

// best filters chunks by MMSEG's four rules, in friso's arithmetic:
// lengths in UTF-8 bytes (3 a CJK character), single precision.
func (s *cnSeg) best(i int, chunks []cnChunk) cnChunk {
	switch len(chunks) {
	case 0: // not reached: the word at i makes a chunk
		return cnChunk{1, [3]int{1}}
	case 1:
		return chunks[0]
	}
	total := func(c cnChunk) int { return 3 * (c.len[0] + c.len[1] + c.len[2]) }
	avg := func(c cnChunk) float32 { return float32(total(c)) / float32(c.n) }
	variance := func(c cnChunk) float32 {
		a := avg(c)
		var v float32
		for k := 0; k < c.n; k++ {
			d := float32(3*c.len[k]) - a
			v += d * d
		}
		return v / float32(c.n)
	}
	morph := func(c cnChunk) float32 {
		var m float32
		p := i
		for k := 0; k < c.n; k++ {
			if c.len[k] == 1 {
				m += float32(math.Log(float64(float32(s.freq(p)))))
			}
			p += 3 * c.len[k]
		}
		return m
	}
	keep := func(score func(cnChunk) float32, larger bool) {
		best := score(chunks[0])
		for _, c := range chunks[1:] {
			if v := score(c); larger && v > best || !larger && v < best {
				best = v
			}
		}
		kept := chunks[:0]
		for _, c := range chunks {
			if v := score(c); larger && v >= best || !larger && v <= best {
				kept = append(kept, c)
			}
		}
		chunks = kept
	}
	keep(func(c cnChunk) float32 { return float32(total(c)) }, true)
	if len(chunks) > 1 {
		keep(avg, true)
	}
	if len(chunks) > 1 {
		keep(variance, false)
	}
	if len(chunks) > 1 {
		keep(morph, true)
	}
	return chunks[0]
}

// cnMaxLatin is the byte length a latin word's text stays under
// (friso's token buffer).
const cnMaxLatin = 64

// latin reads the latin word (letters, digits, the kept marks inside)
// starting at byte i, a letter or digit; it returns the segment and the
// byte after it.
func (s *cnSeg) latin(i int) (cnSegment, int) {
	n := len(s.text)
	lower := func(u rune) rune {
		if u >= 'A' && u <= 'Z' {
			return u + 32
		}
		return u
	}
	u, size := s.at(i)
	buf := []byte{byte(lower(cnHalf(u)))}
	same := size == 1 && buf[0] == s.text[i] // buf is the text's bytes
	j := i + size
	space, cjk := false, false
	for j < n {
		u, size := s.at(j)
		u = cnHalf(u)
		t := cnEnType(u)
		if t == enSpace {
			space = true
			break
		}
		if t == enPunct && !cnKeep(u) {
			break
		}
		if t == enOther {
			cjk = cnCJK(u)
			break
		}
		if j-i+size >= cnMaxLatin {
			break
		}
		c := byte(lower(u))
		same = same && size == 1 && c == s.text[j]
		buf = append(buf, c)
		j += size
	}
	// Marks at the end are not part of the word, unless it is a
	// letter-punctuation lexicon word (c++); a % stays.
	enpun := false
	for len(buf) > 0 && buf[len(buf)-1] != '%' && cnEnPunct(rune(buf[len(buf)-1])) {
		if s.lex != nil && s.lex.enpun[string(buf)] {
			enpun = true
			break
		}
		buf = buf[:len(buf)-1]
		j-- // a mark is one byte
	}
	w := s.text[i:j]
	if !same {
		w = string(buf)
	}
	word := cnSegment{w, cnWord, i, j}
	if space || j == n {
		return word, j
	}
	if cjk {
		// An English-Chinese lexicon word (b超): the word and up to two
		// characters after it.
		match, end := "", j
		tmp := w
		for k, t := j, 0; k < n && t < 2; t++ {
			u, size := s.at(k)
			if cnSpace(u) {
				break
			}
			tmp += s.text[k : k+size]
			k += size
			if s.lex != nil && s.lex.ecm[tmp] {
				match, end = tmp, k
			}
		}
		if match != "" {
			return cnSegment{match, cnWord, i, end}, end
		}
		if enpun {
			word.kind = cnEnPun
			return word, j
		}
	}
	// A number takes a unit after it (3.14米, 30℃).
	if !enpun && s.lex != nil && (cnNumeric(w) || cnDecimal(w)) {
		if _, size := s.at(j); s.lex.units[s.text[j:j+size]] {
			word.word += s.text[j : j+size]
			j += size
			word.end = j
		}
	}
	return word, j
}

// cnNumeric reports a string of digits.
func cnNumeric(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

// cnDecimal reports a decimal number as friso does: no '.' at either
// end and exactly one inside, digits after the first character.
func cnDecimal(w string) bool {
	if w == "" || w[0] == '.' || w[len(w)-1] == '.' {
		return false
	}
	dots := 0
	for i := 1; i < len(w); i++ {
		switch {
		case w[i] == '.':
			dots++
		case w[i] < '0' || w[i] > '9':
			return false
		}
	}
	return dots == 1
}

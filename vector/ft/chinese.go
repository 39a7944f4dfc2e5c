package ft

import (
	"math"
	"os"
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
// The lexicon loads the first time Chinese text is segmented, from the
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
	for _, s := range segmentChinese(lex, text) {
		if s.kind == cnWord {
			out = append(out, s.word)
		}
	}
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

// cnSeg is one segmentation: the text decoded, and the lexicon matches
// worked out at each character.
type cnSeg struct {
	lex  *cnLexicon
	text string
	r    []rune // characters (utf8.RuneError for an invalid byte)
	off  []int  // byte offset of each character, and the text's length
	// match[i] caches the lengths (bit k-1 for k characters) of the
	// lexicon words starting at character i; bit 7 marks it worked out.
	match []uint8
	// chunks is complex's buffer.
	chunks []cnChunk
}

// segmentChinese segments text as friso does in complex mode (without
// synonyms or the secondary split of latin words, as RediSearch sets
// it). lex nil segments CJK text by single characters. Like friso, it
// reads text up to a NUL byte.
func segmentChinese(lex *cnLexicon, text string) []cnSegment {
	for i := 0; i < len(text); i++ {
		if text[i] == 0 {
			text = text[:i]
			break
		}
	}
	n := utf8.RuneCountInString(text)
	s := &cnSeg{lex: lex, text: text, r: make([]rune, 0, n), off: make([]int, 0, n+1)}
	for i := 0; i < len(text); {
		u, n := utf8.DecodeRuneInString(text[i:])
		s.r = append(s.r, u)
		s.off = append(s.off, i)
		i += n
	}
	s.off = append(s.off, len(text))
	s.match = make([]uint8, n)
	out := make([]cnSegment, 0, n/2+1)
	for i := 0; i < n; {
		u := s.r[i]
		switch {
		case cnSpace(u):
			i++
		case cnCJK(u):
			if !s.known(i) {
				out = append(out, s.seg(i, i+1, s.raw(i, i+1), cnPunct))
				i++
				continue
			}
			j := i + s.complex(i)
			word := s.raw(i, j)
			if j < n && s.r[j] < 0x80 && cnEnType(s.r[j]) >= enDigit && cnEnType(s.r[j]) <= enLetter {
				// A latin word right after: a Chinese-English word (卡拉ok)?
				lat, k := s.latin(j)
				if s.lex != nil && s.lex.cem[word+lat.word] {
					out = append(out, cnSegment{word + lat.word, cnWord, s.off[i], s.off[k]})
				} else {
					out = append(out, s.seg(i, j, word, cnWord), lat)
				}
				i = k
				continue
			}
			out = append(out, s.seg(i, j, word, cnWord))
			i = j
		case u >= 32 && u <= 126 || cnFullLatin(u):
			if cnEnPunct(u) {
				out = append(out, s.seg(i, i+1, s.raw(i, i+1), cnPunct))
				i++
				continue
			}
			lat, k := s.latin(i)
			out = append(out, lat)
			i = k
		case cnCNPunct(u):
			out = append(out, s.seg(i, i+1, s.raw(i, i+1), cnPunct))
			i++
		default:
			i++ // other scripts, symbols, control characters
		}
	}
	return out
}

func (s *cnSeg) raw(i, j int) string { return s.text[s.off[i]:s.off[j]] }

func (s *cnSeg) seg(i, j int, word string, kind cnKind) cnSegment {
	return cnSegment{word, kind, s.off[i], s.off[j]}
}

// known reports whether character i is a lexicon word (any CJK
// character without a lexicon).
func (s *cnSeg) known(i int) bool { return s.matches(i)&1 != 0 }

// matches returns the lengths of the lexicon words at character i (bit
// k-1: k characters, all CJK).
func (s *cnSeg) matches(i int) uint8 {
	if m := s.match[i]; m&0x80 != 0 {
		return m &^ 0x80
	}
	var m uint8
	if s.lex == nil {
		m = 1
	} else {
		lo, hi := s.lex.starting(s.r[i])
		for k := 1; k <= cnMaxWord && lo < hi && i+k <= len(s.r) && cnCJK(s.r[i+k-1]); k++ {
			// The words starting with k characters here begin at lo.
			at, prefix, found := s.lex.seek(lo, hi, s.raw(i, i+k))
			if found {
				m |= 1 << (k - 1)
			}
			if !prefix {
				break
			}
			lo = at
		}
	}
	s.match[i] = m | 0x80
	return m
}

// freq returns the lexicon frequency of the single character i.
func (s *cnSeg) freq(i int) uint32 {
	if s.lex == nil {
		return 1
	}
	lo, hi := s.lex.starting(s.r[i])
	if at, _, found := s.lex.seek(lo, hi, s.raw(i, i+1)); found {
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
// mode takes at character i (a lexicon word).
func (s *cnSeg) complex(i int) int {
	m1 := s.matches(i)
	if m1 == 1 {
		return 1
	}
	// next reports whether a chunk can go on at character p: a CJK
	// character the lexicon knows.
	next := func(p int) bool { return p < len(s.r) && cnCJK(s.r[p]) && s.known(p) }
	chunks := s.chunks[:0]
	defer func() { s.chunks = chunks[:0] }()
	for a := 1; a <= cnMaxWord; a++ {
		if m1&(1<<(a-1)) == 0 {
			continue
		}
		if !next(i + a) {
			chunks = append(chunks, cnChunk{1, [3]int{a}})
			continue
		}
		m2 := s.matches(i + a)
		for b := 1; b <= cnMaxWord; b++ {
			if m2&(1<<(b-1)) == 0 {
				continue
			}
			if !next(i + a + b) {
				chunks = append(chunks, cnChunk{2, [3]int{a, b}})
				continue
			}
			m3 := s.matches(i + a + b)
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
	if len(chunks) == 1 {
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
			p += c.len[k]
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

// cnMaxLatin is the byte length a latin word stays under (friso's
// token buffer).
const cnMaxLatin = 64

// latin reads the latin word (letters, digits, the kept marks inside)
// starting at character i, a letter or digit; it returns the segment and
// the character after it.
func (s *cnSeg) latin(i int) (cnSegment, int) {
	n := len(s.r)
	lower := func(u rune) rune {
		if u >= 'A' && u <= 'Z' {
			return u + 32
		}
		return u
	}
	buf := []byte{byte(lower(cnHalf(s.r[i])))}
	wlen := s.off[i+1] - s.off[i]
	j := i + 1
	space, cjk := false, false
	for ; j < n; j++ {
		u := cnHalf(s.r[j])
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
		b := s.off[j+1] - s.off[j]
		if wlen+b >= cnMaxLatin {
			break
		}
		buf = append(buf, byte(lower(u)))
		wlen += b
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
		j--
	}
	word := cnSegment{string(buf), cnWord, s.off[i], s.off[j]}
	if space || j == n {
		return word, j
	}
	if cjk {
		// An English-Chinese lexicon word (b超): the word and up to two
		// characters after it.
		match, end := "", j
		tmp := string(buf)
		for k := j; k < n && k < j+2 && !cnSpace(s.r[k]); k++ {
			tmp += s.raw(k, k+1)
			if s.lex != nil && s.lex.ecm[tmp] {
				match, end = tmp, k+1
			}
		}
		if match != "" {
			return cnSegment{match, cnWord, s.off[i], s.off[end]}, end
		}
		if enpun {
			word.kind = cnEnPun
			return word, j
		}
	}
	// A number takes a unit after it (3.14米, 30℃).
	if !enpun && s.lex != nil && (cnNumeric(word.word) || cnDecimal(word.word)) && j < n && s.lex.units[s.raw(j, j+1)] {
		word.word += s.raw(j, j+1)
		j++
		word.end = s.off[j]
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

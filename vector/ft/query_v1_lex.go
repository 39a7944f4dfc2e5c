package ft

import "sort"

// DIALECT 1's tokens. RediSearch's DIALECT 1 lexer splits a query into
// the tokens below (the longest match at each offset; of two as long,
// the one listed first), skipping spaces, control characters and any
// other punctuation. Its syntax errors name the offset of the token the
// parser stopped at and the text the lexer last recorded: a word, a
// number, a field or $name's name, or ">" and the byte after "=>";
// punctuation records none, so an error at "[" or ")" names the word (or
// arrow) before it, and one at the end of the query names its last
// token again.

type v1Kind uint8

const (
	tNumber    v1Kind = iota + 1 // 12, -1.5e-3, inf, -inf, +inf
	tModifier                    // @field
	tParam                       // $name
	tArrow                       // =>
	tQuote                       // "
	tOr                          // |
	tLP                          // (
	tRP                          // )
	tLB                          // {
	tRB                          // }
	tColon                       // :
	tSemicolon                   // ;
	tMinus                       // -
	tTilde                       // ~
	tStar                        // *
	tPercent                     // %
	tLSQB                        // [
	tRSQB                        // ]
	tTerm                        // a word
	tPrefix                      // word*
	tSuffix                      // *word
	tContains                    // *word*

	v1Skip v1Kind = 0xff // bytes the lexer skips (v1Next answers 0)
)

// v1Token is one token: its kind, its bytes [pos, end) and near, the
// text an error at it names.
type v1Token struct {
	kind     v1Kind
	pos, end int
	near     string
}

// v1Punct reports whether c is punctuation (C's ispunct).
func v1Punct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

// v1TermLen is the length of the word at s[i:] (0 for none): bytes other
// than punctuation, spaces and control characters, '_', and a backslash
// before punctuation, a space or a backslash.
func v1TermLen(s string, i int) int {
	j := i
	for j < len(s) {
		c := s[j]
		switch {
		case c == '\\' && j+1 < len(s) && (v1Punct(s[j+1]) || s[j+1] == ' ' || s[j+1] >= '\t' && s[j+1] <= '\r'):
			j += 2
		case c == '_' || c >= 0x80 || c > ' ' && c < 0x7f && !v1Punct(c):
			j++
		default:
			return j - i
		}
	}
	return j - i
}

// v1NumberLen is the length of the number at s[i:] (0 for none):
// -?digits(.digits)?([eE]-?digits)?.
func v1NumberLen(s string, i int) int {
	digits := func(j int) int {
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		return k - j
	}
	j := i
	if j < len(s) && s[j] == '-' {
		j++
	}
	n := digits(j)
	if n == 0 {
		return 0
	}
	j += n
	if j+1 < len(s) && s[j] == '.' {
		if n := digits(j + 1); n > 0 {
			j += 1 + n
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < len(s) && s[k] == '-' {
			k++
		}
		if n := digits(k); n > 0 {
			j = k + n
		}
	}
	return j - i
}

// v1InfLen is the length of inf, -inf or +inf at s[i:] (0 for none).
func v1InfLen(s string, i int) int {
	j := i
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		j++
	}
	if len(s)-j >= 3 && s[j:j+3] == "inf" {
		return j + 3 - i
	}
	return 0
}

// v1Single are the one-byte tokens.
var v1Single = [256]v1Kind{'"': tQuote, '|': tOr, '(': tLP, ')': tRP, '{': tLB, '}': tRB, ':': tColon,
	';': tSemicolon, '-': tMinus, '~': tTilde, '*': tStar, '%': tPercent, '[': tLSQB, ']': tRSQB}

// v1Next reads the token at s[i:]: its kind (0 for bytes the lexer
// skips) and length.
func v1Next(s string, i int) (v1Kind, int) {
	best, kind := 0, v1Kind(0)
	try := func(k v1Kind, n int) {
		if n > best {
			best, kind = n, k
		}
	}
	c := s[i]
	try(tNumber, v1NumberLen(s, i))
	if n := v1TermLen(s, i+1); n > 0 && c == '@' {
		try(tModifier, n+1)
	}
	if n := v1TermLen(s, i+1); n > 0 && c == '$' {
		try(tParam, n+1)
	}
	if c == '=' && i+1 < len(s) && s[i+1] == '>' {
		try(tArrow, 2)
	}
	try(tNumber, v1InfLen(s, i))
	if k := v1Single[c]; k != 0 {
		try(k, 1)
	}
	if c <= ' ' || c == 0x7f || v1Punct(c) {
		try(v1Skip, 1) // a space, a control character or other punctuation
	}
	term := v1TermLen(s, i)
	try(tTerm, term)
	num := v1NumberLen(s, i)
	for _, n := range [2]int{term, num} {
		if n > 0 && i+n < len(s) && s[i+n] == '*' {
			try(tPrefix, n+1)
		}
	}
	if c == '*' {
		for _, n := range [2]int{v1TermLen(s, i+1), v1NumberLen(s, i+1)} {
			if n == 0 {
				continue
			}
			try(tSuffix, n+1)
			if i+1+n < len(s) && s[i+1+n] == '*' {
				try(tContains, n+2)
			}
		}
	}
	if kind == v1Skip {
		kind = 0
	}
	return kind, best
}

// v1Lex splits q into DIALECT 1's tokens.
func v1Lex(q string) []v1Token {
	out := make([]v1Token, 0, min(len(q)/4+1, 64))
	near := "" // the text the lexer last recorded
	for i := 0; i < len(q); {
		kind, n := v1Next(q, i)
		t := v1Token{kind: kind, pos: i, end: i + n}
		switch kind {
		case 0:
			i += n
			continue
		case tNumber, tTerm:
			near = q[i : i+n]
		case tModifier, tParam, tSuffix:
			near = q[i+1 : i+n]
		case tPrefix:
			near = q[i : i+n-1]
		case tContains:
			near = q[i+1 : i+n-1]
		case tArrow:
			near = q[i+1 : min(i+3, len(q))]
		}
		if z := indexNUL(near); z >= 0 {
			near = near[:z] // the error's text ends at a NUL byte
		}
		t.near = near
		out = append(out, t)
		i += n
	}
	return out
}

func indexNUL(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return i
		}
	}
	return -1
}

// v1ErrorAt is DIALECT 1's syntax error for a parse that stops at offset
// at: at the token there (or the next one), or at the end of the query,
// which names the last token.
func v1ErrorAt(toks []v1Token, at int) *SyntaxError {
	i := v1TokenAt(toks, at)
	if i == len(toks) {
		if i == 0 {
			return &SyntaxError{}
		}
		i--
	}
	return &SyntaxError{Offset: toks[i].pos, Near: toks[i].near}
}

// v1TokenAt returns the index of the first token that ends after offset
// at, len(toks) when none does.
func v1TokenAt(toks []v1Token, at int) int {
	return sort.Search(len(toks), func(i int) bool { return toks[i].end > at })
}

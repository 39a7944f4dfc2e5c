package ft

import "strings"

// DIALECT 2's bare *. RediSearch 2.8's DIALECT 2 grammar takes a * that
// is no affix's (its lexer's STAR token) only as the whole query: "*",
// "(*)", "((*))", alone or before a KNN clause ("*=>[KNN ...]"). Anywhere
// else ("a * b", "@t:(*)", "-*", "@t:{*}", "\"a *\"") it is a syntax
// error at the *, and after the query's own * any other token is one at
// that token ("* a", "(*) | a", "*=>{$weight: 2}" at its brace). The
// error names the text the lexer last recorded, as DIALECT 1's do
// (query_v1_lex.go): a * records none, so "a * b" fails at offset 2 near
// a, and "-*" at offset 1 near nothing. The lexer is DIALECT 1's with
// DIALECT 2's own tokens: $name's affixes ($x*, *$x, *$x*), quoted
// 'verbatim' text, w'pattern' wildcards and its own numbers
// (v2NumberLen, v2InfLen), which affixes take as they take words.

// DIALECT 2's own tokens: quoted 'verbatim' text and a w'pattern'
// wildcard, which the lexer puts past its w' (tokenStart).
const (
	tVerbatim = tContains + 1 + iota
	tWildcard
)

// tokenStart is where token t begins in the query: a wildcard's w' lies
// before the offset its errors name.
func tokenStart(t v1Token) int {
	if t.kind == tWildcard {
		return t.pos - 2
	}
	return t.pos
}

// v2Next reads DIALECT 2's token at s[i:]: its kind (0 for bytes the
// lexer skips) and length.
func v2Next(s string, i int) (v1Kind, int) {
	kind, n := v1Next(s, i)
	try := func(k v1Kind, m int) {
		if m > n {
			kind, n = k, m
		}
	}
	c := s[i]
	if c == '$' {
		if m := v1TermLen(s, i+1); m > 0 && i+1+m < len(s) && s[i+1+m] == '*' {
			try(tPrefix, m+2)
		}
	}
	if c == '*' && i+1 < len(s) && s[i+1] == '$' {
		if m := v1TermLen(s, i+2); m > 0 {
			try(tSuffix, m+2)
			if i+2+m < len(s) && s[i+2+m] == '*' {
				try(tContains, m+3)
			}
		}
	}
	// DIALECT 2's numbers (RediSearch 2.8.16 on): a sign, + or -, an
	// exponent signed with +, - or (a quirk of the lexer) ', "inf" in
	// any case. Listed before the word, a number wins one as long ("5",
	// "INF", "1E3").
	for _, m := range [2]int{v2NumberLen(s, i), v2InfLen(s, i)} {
		if m > n || m == n && m > 0 && kind == tTerm {
			kind, n = tNumber, m
		}
	}
	if m := v2NumberLen(s, i); m > 0 && i+m < len(s) && s[i+m] == '*' {
		try(tPrefix, m+1)
	}
	if c == '*' {
		if m := v2NumberLen(s, i+1); m > 0 {
			try(tSuffix, m+1)
			if i+1+m < len(s) && s[i+1+m] == '*' {
				try(tContains, m+2)
			}
		}
	}
	open := i
	if c == 'w' {
		open++
	}
	if open < len(s) && s[open] == '\'' {
		if end := verbatimEnd(s, open); end > 0 {
			try(tVerbatim, end-i)
		}
	}
	return kind, n
}

// v2NumberLen is the length of DIALECT 2's number at s[i:] (0 for none):
// [+-]?digits(.digits)?([eE]['+-]?digits)?.
func v2NumberLen(s string, i int) int {
	j := i
	if j < len(s) && (s[j] == '-' || s[j] == '+') {
		j++
	}
	digits := func() int {
		k := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return j - k
	}
	if digits() == 0 {
		return 0
	}
	if j+1 < len(s) && s[j] == '.' && s[j+1] >= '0' && s[j+1] <= '9' {
		j++
		digits()
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-' || s[k] == '\'') {
			k++
		}
		if k < len(s) && s[k] >= '0' && s[k] <= '9' {
			j = k
			digits()
		}
	}
	return j - i
}

// v2InfLen is the length of inf, in any case, signed with + or - or not,
// at s[i:] (0 for none).
func v2InfLen(s string, i int) int {
	j := i
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		j++
	}
	if len(s)-j >= 3 && strings.EqualFold(s[j:j+3], "inf") {
		return j + 3 - i
	}
	return 0
}

// verbatimEnd returns the end of the quoted text whose opening quote is
// at s[open] (one byte at least, a backslash escaping any byte), 0 when
// it has no closing quote.
func verbatimEnd(s string, open int) int {
	for j := open + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '\'':
			if j == open+1 {
				return 0
			}
			return j + 1
		}
	}
	return 0
}

// v2Lex splits q into DIALECT 2's tokens, each with the text an error
// at it names.
func v2Lex(q string) []v1Token {
	var out []v1Token
	near := ""
	for i := 0; i < len(q); {
		kind, n := v2Next(q, i)
		end := i + n
		t := v1Token{kind: kind, pos: i, end: end}
		attr := func(at int) int { // 1 when a $ is at q[at]
			if at < end && q[at] == '$' {
				return 1
			}
			return 0
		}
		switch kind {
		case 0:
			i = end
			continue
		case tNumber, tTerm:
			near = q[i:end]
		case tModifier, tParam:
			near = q[i+1 : end]
		case tPrefix:
			near = q[i+attr(i) : end-1]
		case tSuffix:
			near = q[i+1+attr(i+1) : end]
		case tContains:
			near = q[i+1+attr(i+1) : end-1]
		case tArrow:
			near = q[i+1 : min(i+3, len(q))]
		case tVerbatim:
			if q[i] == 'w' { // a wildcard: the lexer puts it past w'
				t.kind, t.pos = tWildcard, i+2
				near = q[i+2+attr(i+2) : end-1]
			} else {
				near = q[i+1+attr(i+1) : end-1]
			}
		}
		if z := indexNUL(near); z >= 0 {
			near = near[:z]
		}
		t.near = near
		out = append(out, t)
		i = end
	}
	return out
}

// starError returns DIALECT 2's syntax error for a bare * in filter, the
// query before its KNN clause (knn) or the whole query q, nil when there
// is none; toks are filter's tokens.
func starError(q, filter string, toks []v1Token, knn bool) *SyntaxError {
	open := 0
	for open < len(toks) && toks[open].kind == tLP {
		open++
	}
	if open == len(toks) || toks[open].kind != tStar {
		for _, t := range toks {
			if t.kind == tStar {
				return &SyntaxError{Offset: t.pos, Near: t.near}
			}
		}
		return nil
	}
	// The query's own *: as many ) as (, then the end or a KNN clause.
	j := open + 1
	for ; open > 0 && j < len(toks) && toks[j].kind == tRP; j++ {
		open--
	}
	switch {
	case j < len(toks) && toks[j].kind == tArrow && open == 0:
		j++ // "=>" after the query's *, then "[" only
		if j == len(toks) {
			return v1ErrorAt(toks, len(filter))
		}
	case j < len(toks):
	case open == 0:
		return nil
	case knn:
		return &SyntaxError{Offset: len(filter), Near: q[len(filter)+1 : min(len(filter)+3, len(q))]}
	default:
		return v1ErrorAt(toks, len(filter))
	}
	return &SyntaxError{Offset: toks[j].pos, Near: toks[j].near}
}

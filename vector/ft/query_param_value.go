package ft

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// A $parameter's value as RediSearch 2.8 reads it. A term's (a word, a
// prefix, suffix, infix or fuzzy term, or a word of a tag written as
// several) goes through its rm_normalize: the value up to its first NUL
// byte, each backslash before punctuation or a blank dropped, lower-cased.
// A tag's is taken as given and unescaped the same way when it is looked
// up (tag_strtolower), lower-cased there unless the field is CASESENSITIVE.
// A wildcard's pattern keeps its escapes for the pattern's matcher.

// paramWord is the word a term's parameter value stands for.
func paramWord(v []byte) string {
	return strings.ToLower(unescapeValue(cutNUL(string(v))))
}

// cutNUL returns s up to its first NUL byte, as C reads a string.
func cutNUL(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

// isCNumber reports whether s reads as a number as RediSearch's
// ParseDouble reads one with strtod: all of s (after leading blanks;
// nothing at all reads as 0), decimal or hexadecimal, inf, infinity or
// nan in any case, but no overflow to infinity and no underflow to zero.
func isCNumber(s string) bool {
	t := strings.TrimLeft(s, " \t\n\v\f\r")
	if t == "" {
		return true
	}
	if strings.IndexByte(t, '_') >= 0 {
		return false // Go's digit separators, no C syntax
	}
	body := strings.TrimLeft(t, "+-")
	if len(t)-len(body) > 1 {
		return false
	}
	lower := strings.ToLower(body)
	if lower == "nan" {
		return true // signed too, as strtod reads it
	}
	if strings.HasPrefix(lower, "nan(") && strings.HasSuffix(lower, ")") {
		for _, c := range lower[4 : len(lower)-1] {
			if !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z') {
				return false
			}
		}
		return true // nan(chars)
	}
	hex := len(body) > 1 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')
	if hex && !strings.ContainsAny(body, "pP") {
		t += "p0" // Go wants a hexadecimal float's exponent, C does not
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return false // not a number, or an overflow (ERANGE)
	}
	if v != 0 || math.IsNaN(v) {
		return true
	}
	// Zero: written so, or an underflow (ERANGE) that ParseDouble refuses.
	digits := body
	if hex {
		digits = body[2:]
	}
	for i := 0; i < len(digits); i++ {
		switch c := digits[i]; {
		case !hex && (c == 'e' || c == 'E'), hex && (c == 'p' || c == 'P'):
			return true
		case c >= '1' && c <= '9', hex && (c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'):
			return false
		}
	}
	return true
}

// unescapeValue drops each backslash before ASCII punctuation or a blank
// (C's ispunct and isspace): a backslash before another loses it too.
func unescapeValue(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (v1Punct(s[i+1]) || isCSpace(s[i+1])) {
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// isCSpace reports whether c is a blank as C's isspace has it.
func isCSpace(c byte) bool {
	return c == ' ' || c >= '\t' && c <= '\r'
}

// tagWord is one word of a tag written as several (Node.tagWords): its
// text as RediSearch's term list keeps it, or the $parameter it names.
type tagWord struct {
	text, param string
}

// joinTagWords returns tags with each written as several words replaced
// by its words joined by blanks, the value it looks up.
func joinTagWords(tags []string, lists [][]tagWord) []string {
	for i, l := range lists {
		if l == nil || i >= len(tags) {
			continue
		}
		w := make([]string, len(l))
		for j, t := range l {
			w[j] = t.text
		}
		tags[i] = strings.Join(w, " ")
	}
	return tags
}

// resolveTagWords puts the values of the $parameters of n's tags written
// as several words in, each read as a term's.
func resolveTagWords(n *Node, params map[string][]byte) error {
	for _, l := range n.tagWords {
		for j, t := range l {
			if t.param == "" {
				continue
			}
			v, ok := params[t.param]
			if !ok {
				return fmt.Errorf("No such parameter `%s`", t.param)
			}
			l[j] = tagWord{text: paramWord(v)}
		}
	}
	n.Tags = joinTagWords(n.Tags, n.tagWords)
	return nil
}

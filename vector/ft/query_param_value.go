package ft

import (
	"fmt"
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
	s := string(v)
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return strings.ToLower(unescapeValue(s))
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

// newTagWord reads a word of a tag written as several, unescaped: a
// $parameter (isParam), a number as written, any other word lower-cased.
func newTagWord(w string, isParam bool) tagWord {
	if isParam {
		return tagWord{param: w[1:]}
	}
	if n := v1NumberLen(w, 0); n == len(w) {
		return tagWord{text: w}
	}
	return tagWord{text: strings.ToLower(w)}
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

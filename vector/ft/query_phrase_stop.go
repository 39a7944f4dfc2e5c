package ft

import "strings"

// DIALECT 1's phrases and stop words. RediSearch's DIALECT 1 grammar reads
// an exact phrase as two words, then any further words or stop words: a
// stop word as its first or second word is a syntax error there ("the
// cat", "cat the", and "the" alone, all fail at "the"), while later stop
// words are dropped ("cat dog the mouse" is the phrase "cat dog mouse").
// DIALECT 2 and up keep a phrase's first two words whatever they are
// (stopwords.go). NOSTOPWORDS, or an index without stop words, has none
// to fail on.

// tokenAt is a phrase term's offset in the query and its text as written.
type tokenAt struct {
	off int
	raw string
}

// phraseTokens finds the terms of the phrase whose opening quote is at
// open, ending before p.pos: each term's offset and raw text, nil when
// they do not line up with terms (tokens' word rule, byte for byte).
func (p *parser) phraseTokens(open int, terms []string) []tokenAt {
	var out []tokenAt
	start := -1
	flush := func(end int) {
		if start >= 0 {
			out = append(out, tokenAt{off: start, raw: p.s[start:end]})
			start = -1
		}
	}
	end := p.pos - 1 // the closing quote
	for i := open + 1; i < end; i++ {
		c := p.s[i]
		if c == '\\' && i+1 < end {
			if start < 0 && isTokenByte(p.s[i+1]) {
				start = i
			} else if !isTokenByte(p.s[i+1]) {
				flush(i)
			}
			i++
			continue
		}
		if isTokenByte(c) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(end)
	if len(out) != len(terms) {
		return nil
	}
	for i, t := range out {
		if strings.ToLower(unescapeToken(t.raw)) != terms[i] {
			return nil
		}
	}
	return out
}

// isTokenByte reports whether c is part of a token (tokens' rule).
func isTokenByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func unescapeToken(s string) string {
	return strings.ReplaceAll(s, `\`, "")
}

// phraseStopWordError returns DIALECT 1's syntax error for the first
// exact phrase of the tree (by offset) whose first or second word is a
// stop word, nil when there is none or the query keeps its stop words.
func (s *Schema) phraseStopWordError(n *Node, keep bool, dialect int) error {
	if n == nil || keep || dialect != 1 {
		return nil
	}
	var first *tokenAt
	var walk func(n *Node)
	walk = func(n *Node) {
		if n.Kind == qText && n.Phrase && len(n.at) == len(n.Terms) {
			for i := 0; i < len(n.Terms) && i < 2; i++ {
				if s.isStopWord(n.Terms[i]) {
					if first == nil || n.at[i].off < first.off {
						first = &n.at[i]
					}
					break
				}
			}
		}
		for _, k := range n.Kids {
			walk(k)
		}
	}
	walk(n)
	if first == nil {
		return nil
	}
	return &SyntaxError{Offset: first.off, Near: first.raw}
}

// CheckQuery returns the error RediSearch's grammar of req's dialect gives
// the parsed query over this index's stop words (DIALECT 1: a phrase
// starting with a stop word), nil when there is none.
func (ix *Index) CheckQuery(req *SearchRequest) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.schema.phraseStopWordError(req.Filter, req.NoStopWords, req.Dialect)
}

package ft

// DIALECT 1's stop words. RediSearch 2.8's DIALECT 1 lexer checks each
// word against the index's stop words (none with NOSTOPWORDS) and hands
// its grammar a stop word as a token of its own, which binds less
// tightly than a word. So a stop word ends a run of words: "@f:a the b"
// scopes a alone to f (b is unscoped), "@f:the a" scopes nothing, and
// "a the b | c" is a (b | c) where "a x b | c" is (a x b) | c; under -
// or ~ the run goes on ("-a the b" excludes a b). In a tag list a stop
// word is a tag of its own, or, in a tag of several words, dropped from
// the third word on; as a tag's first or second word of several it ends
// the list early (after it, or before it), as the grammar then reduces
// what it has, and the query goes on from there: "@g:{x the}" is a
// syntax error at its closing brace, near "the". A stop word is still
// dropped before the query runs (stopwords.go).

// v1StopAt reports whether token i is a word the lexer marks as a stop
// word: its text as written (escapes and all), in any case.
func (p *parser) v1StopAt(i int) bool {
	if p.stop == nil || i >= len(p.toks) || p.toks[i].kind != tTerm {
		return false
	}
	t := p.toks[i]
	return p.stop(p.s[t.pos:t.end])
}

// v1StopHere reports whether the token at p.pos is a stop word.
func (p *parser) v1StopHere() bool {
	i := v1TokenAt(p.toks, p.pos)
	return i < len(p.toks) && p.toks[i].pos == p.pos && p.v1StopAt(i)
}

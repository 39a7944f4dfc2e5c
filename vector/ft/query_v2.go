package ft

import (
	"slices"
	"strings"
)

// What DIALECT 2 reads token by token (v2Lex), as RediSearch 2.8's
// DIALECT 2 grammar does: fuzzy terms and tag lists. A syntax error is
// at the token its grammar stops at, near the text its lexer last
// recorded (query_v1_lex.go); at the end of the query, at the last token.

// v2Fuzzy reads the fuzzy term at p.pos, scoped to field: one to three %,
// a word, a number or a $parameter, as many % ("%*%" fails at its *, "%a"
// at its end, "%%%%a%%%%" at its fourth %).
func (p *parser) v2Fuzzy(field string) (*Node, error) {
	i := v1TokenAt(p.toks, p.pos)
	n := 0
	for ; p.v1Kind(i) == tPercent && n < 3; i++ {
		n++
	}
	k := p.v1Kind(i)
	if k != tTerm && k != tNumber && k != tParam {
		return nil, p.v1Err(i)
	}
	for j := 1; j <= n; j++ {
		if p.v1Kind(i+j) != tPercent {
			return nil, p.v1Err(i + j)
		}
	}
	p.pos = p.toks[i+n].end
	marks := strings.Repeat("%", n)
	if k == tParam {
		t := p.toks[i]
		return &Node{Kind: qText, Field: field, Terms: []string{marks + marks}, termParam: p.s[t.pos+1 : t.end], termCut: n}, nil
	}
	return &Node{Kind: qText, Field: field, Terms: []string{marks + strings.ToLower(p.v1Text(i)) + marks}}, nil
}

// isTagWord reports whether a token of kind k can be a word of a tag
// written as several.
func isTagWord(k v1Kind) bool {
	return k == tTerm || k == tNumber || k == tParam
}

// v2Tags reads the tag list whose "{" is at p.pos: values split by "|" up
// to "}", each one word, number or $parameter (a tag, looked up as
// written but for its escapes and case), one affix of a word or a
// $parameter (word*, *word, *word*), one w'pattern', or two words,
// numbers or $parameters or more (a term list: each word lower-cased but
// a number or a parameter, stop words dropped from the third on). Any
// other token there, or a value of any other form ("{hello wor*}",
// "{a-b}", "{a b|}"), is a syntax error at it.
func (p *parser) v2Tags(field string) (*Node, error) {
	i := v1TokenAt(p.toks, p.pos) + 1 // past the '{'
	n := &Node{Kind: qTag, Field: field}
	var affixes []uint8
	var params []string
	var lists [][]tagWord
	add := func(tag, shown, param string, a uint8, list []tagWord) {
		n.Tags, n.tagShown = append(n.Tags, tag), append(n.tagShown, shown)
		params, affixes, lists = append(params, param), append(affixes, a), append(lists, list)
	}
	var run []int // the tokens of the value being read
	for ; ; i++ {
		k := p.v1Kind(i)
		switch {
		case len(run) > 0 && (k == tOr || k == tRB):
			if len(run) == 1 {
				p.v2Tag(run[0], add)
			} else {
				p.v2TagWords(run, add)
			}
			run = run[:0]
			if k == tOr {
				continue
			}
		case len(run) == 0 && (isTagWord(k) || k == tPrefix || k == tSuffix || k == tContains || k == tWildcard),
			len(run) > 0 && isTagWord(p.v1Kind(run[0])) && isTagWord(k):
			run = append(run, i)
			continue
		default:
			return nil, p.v1Err(i)
		}
		break
	}
	p.pos = p.toks[i].end
	if slices.ContainsFunc(affixes, func(a uint8) bool { return a != 0 }) {
		n.tagAffix = affixes
	}
	if slices.ContainsFunc(params, func(s string) bool { return s != "" }) {
		n.tagParam = params
	}
	if slices.ContainsFunc(lists, func(l []tagWord) bool { return l != nil }) {
		n.tagWords = lists
		n.Tags = joinTagWords(n.Tags, lists)
	}
	return n, nil
}

// v2Tag adds the tag of one token, i: a word or a number (FT.EXPLAIN
// shows it as written), a $parameter, an affix (shown unescaped) or a
// w'pattern' (its escapes kept, for the pattern's matcher).
func (p *parser) v2Tag(i int, add func(tag, shown, param string, a uint8, list []tagWord)) {
	t := p.toks[i]
	raw := p.s[t.pos:t.end]
	switch t.kind {
	case tParam:
		add(raw, "", raw[1:], 0, nil)
	case tWildcard:
		pat := p.s[t.pos : t.end-1]
		param := ""
		if len(pat) > 1 && pat[0] == '$' && isParamName(pat[1:]) {
			param = pat[1:] // w'$name': the pattern comes from PARAMS
		}
		add(pat, pat, param, affixWildcard, nil)
	case tPrefix, tSuffix, tContains:
		a, lo, hi := uint8(0), t.pos, t.end
		if t.kind != tPrefix {
			a, lo = a|affixSuffix, lo+1
		}
		if t.kind != tSuffix {
			a, hi = a|affixPrefix, hi-1
		}
		if core := p.s[lo:hi]; core[0] == '$' {
			add(core, "", core[1:], a, nil) // $name*, *$name, *$name*
		} else {
			core = unescapeQuery(core)
			add(core, core, "", a, nil)
		}
	default:
		add(unescapeQuery(raw), raw, "", 0, nil)
	}
}

// v2TagWords adds the tag of the words of run, a term list.
func (p *parser) v2TagWords(run []int, add func(tag, shown, param string, a uint8, list []tagWord)) {
	var list []tagWord
	for j, i := range run {
		t := p.toks[i]
		raw := p.s[t.pos:t.end]
		switch {
		case t.kind == tParam:
			list = append(list, tagWord{param: raw[1:]})
		case t.kind == tNumber:
			list = append(list, tagWord{text: raw})
		case j >= 2 && p.stop != nil && p.stop(raw):
			// A stop word, dropped from the third word on.
		default:
			list = append(list, tagWord{text: strings.ToLower(unescapeQuery(raw))})
		}
	}
	add("", "", "", 0, list)
}

package ft

import (
	"slices"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/ftargs"
)

// What DIALECT 1 reads token by token (query_v1_lex.go), as RediSearch
// 2.8's DIALECT 1 grammar does. It has none of DIALECT 2's additions: no
// $parameters outside an attribute's name (a $name anywhere else is a
// syntax error at the $), no "=>[KNN ...]" (after "=>" only "{" may
// come), no [VECTOR_RANGE ...] or geometry clause (a range holds numbers
// only), no w'...' wildcards, no (*). What it has: "{$name: value; ...}"
// attributes whose values are words or numbers, ranges of two numbers
// (or three and a unit for a radius), each number after any "(" and
// "-", tag lists that need no closing brace and take further "}" and
// "| value" after one (so "@t:{a} | b" is the tag list a, b, and
// "@t:{a} | @u:{b}" a syntax error at "@u"), and phrases of words and
// numbers only.

// parseV1Query parses q in DIALECT 1: a lone * (nothing may follow it),
// else a query of clauses.
func parseV1Query(q string, stop func(string) bool) (*Node, error) {
	p := &parser{s: q, v1: true, toks: v1Lex(q), stop: stop}
	if len(p.toks) == 0 && !strings.Contains(q, "'") {
		return &Node{Kind: qNull}, nil // nothing its lexer reads as a token
	}
	if len(p.toks) > 0 && p.toks[0].kind == tStar {
		if len(p.toks) == 1 {
			return &Node{Kind: qAll}, nil
		}
		return nil, p.v1Err(1)
	}
	n, err := p.parseV1(0, v1None)
	if err != nil {
		return nil, err
	}
	if p.peek() != 0 {
		return nil, p.fail()
	}
	return n, nil
}

// v1Err is the syntax error at token i (len(p.toks): the end).
func (p *parser) v1Err(i int) error {
	if i < len(p.toks) {
		t := p.toks[i]
		return &SyntaxError{Offset: t.pos, Near: t.near}
	}
	return v1ErrorAt(p.toks, len(p.s))
}

// v1Kind returns the kind of token i, 0 past the end.
func (p *parser) v1Kind(i int) v1Kind {
	if i < len(p.toks) {
		return p.toks[i].kind
	}
	return 0
}

// v1Text is token i's text without its escapes.
func (p *parser) v1Text(i int) string {
	t := p.toks[i]
	return unescapeQuery(p.s[t.pos:t.end])
}

// unescapeQuery drops each escaping backslash.
func unescapeQuery(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// v1Attrs reads the "=>{...}" at p.pos and applies its attributes to n:
// ";"-separated $name: value pairs, a value a word or a number.
func (p *parser) v1Attrs(n *Node) error {
	i := v1TokenAt(p.toks, p.pos) // the arrow
	i++
	if p.v1Kind(i) != tLB {
		return p.v1Err(i)
	}
	var list []ftargs.Attr
	sep := true // at the list's start or after a ;
	for i++; ; i++ {
		switch k := p.v1Kind(i); {
		case k == tRB:
			p.pos = p.toks[i].end
			for _, a := range list {
				if err := n.applyAttr(a); err != nil {
					return err
				}
			}
			return nil
		case k == tSemicolon:
			sep = true
		case k == tParam && sep:
			if p.v1Kind(i+1) != tColon {
				return p.v1Err(i + 1)
			}
			if k := p.v1Kind(i + 2); k != tTerm && k != tNumber {
				return p.v1Err(i + 2)
			}
			name, val := p.toks[i], p.toks[i+2]
			list = append(list, ftargs.Attr{Name: p.s[name.pos+1 : name.end], Value: p.s[val.pos:val.end]})
			i, sep = i+2, false
		default:
			return p.v1Err(i)
		}
	}
}

// v1Number reads a range's number at token *i: any "(" (exclusive) and
// "-" (negated) before it.
func (p *parser) v1Number(i *int) (v float64, exclusive bool, err error) {
	neg := false
	for ; ; *i++ {
		switch p.v1Kind(*i) {
		case tLP:
			exclusive = true
			continue
		case tMinus:
			neg = !neg
			continue
		case tNumber:
			t := p.toks[*i]
			*i++
			v, _ = strconv.ParseFloat(p.s[t.pos:t.end], 64) // as strtod: an overflow is an infinity
			if neg {
				v = -v
			}
			return v, exclusive, nil
		}
		return 0, false, p.v1Err(*i)
	}
}

// v1Bracket reads the "[...]" at p.pos after "@field:": two numbers (a
// numeric range) or three and a unit (a geo radius).
func (p *parser) v1Bracket(field string) (*Node, error) {
	i := v1TokenAt(p.toks, p.pos) + 1
	var vals [3]float64
	var ex [3]bool
	for j := range 2 {
		var err error
		if vals[j], ex[j], err = p.v1Number(&i); err != nil {
			return nil, err
		}
	}
	switch p.v1Kind(i) {
	case tRSQB:
		p.pos = p.toks[i].end
		return &Node{Kind: qNum, Field: field, Lo: vals[0], Hi: vals[1], LoEx: ex[0], HiEx: ex[1]}, nil
	case tNumber, tLP, tMinus:
	default:
		return nil, p.v1Err(i)
	}
	var err error
	if vals[2], _, err = p.v1Number(&i); err != nil {
		return nil, err
	}
	if p.v1Kind(i) != tTerm {
		return nil, p.v1Err(i)
	}
	unit := p.toks[i]
	if i++; p.v1Kind(i) != tRSQB {
		return nil, p.v1Err(i)
	}
	p.pos = p.toks[i].end
	g := &GeoQuery{}
	for j, v := range vals {
		g.raw[j] = strconv.FormatFloat(v, 'g', -1, 64)
	}
	g.raw[3] = p.s[unit.pos:unit.end]
	if err := g.resolve(nil); err != nil {
		return nil, err
	}
	return &Node{Kind: qGeo, Field: field, Geo: g}, nil
}

// v1Tags reads the tag list at p.pos (after "@field:{"): values split by
// "|", each a run of words and numbers (one tag, its words joined by a
// space) or one affix (word*, *word, *word*). The list ends before the
// first token that cannot continue it: a closing brace is optional, and
// further closing braces or "| value" after one belong to the list.
// FT.EXPLAIN shows a tag of one word as written, an affix unescaped.
func (p *parser) v1Tags(field string) (*Node, error) {
	i := v1TokenAt(p.toks, p.pos) + 1
	var tags, shown, group []string
	var affixes []uint8
	var lists [][]tagWord // each tag's words when it has several
	first := ""           // the first word of group as written
	flush := func() {
		if group != nil {
			var list []tagWord
			show := first
			if len(group) > 1 {
				// RediSearch's DIALECT 1 term list lower-cases each word.
				list = make([]tagWord, len(group))
				for i, w := range group {
					list[i] = tagWord{text: strings.ToLower(w)}
				}
				show = ""
			}
			for len(lists) < len(tags) {
				lists = append(lists, nil) // an affix or a stop word: one term
			}
			tags, affixes = append(tags, strings.Join(group, " ")), append(affixes, 0)
			shown = append(shown, show)
			lists = append(lists, list)
			group = nil
		}
	}
	const (
		item   = iota // after { or |: a value must come
		words         // in a run of words
		closed        // after an affix, a stop word or a }
	)
	state := item
	for ; ; i++ {
		k := p.v1Kind(i)
		switch {
		case state == item && p.v1StopAt(i):
			// A tag of its own (query_v1_stop.go).
			tags, affixes = append(tags, p.v1Text(i)), append(affixes, 0)
			shown = append(shown, p.s[p.toks[i].pos:p.toks[i].end])
			state = closed
			continue
		case state == words && p.v1StopAt(i) && len(group) > 1:
			continue // dropped from a tag's third word on
		case state == words && p.v1StopAt(i):
			// A tag's second word: the list ends at the word before it,
			// and the query goes on from it (its brace is an error then).
		case state == item && (k == tTerm || k == tNumber):
			group, state = []string{p.v1Text(i)}, words
			first = p.s[p.toks[i].pos:p.toks[i].end]
			continue
		case state == item && (k == tPrefix || k == tSuffix || k == tContains):
			t := p.toks[i]
			a, lo, hi := uint8(0), t.pos, t.end
			if k != tPrefix {
				a, lo = a|affixSuffix, lo+1
			}
			if k != tSuffix {
				a, hi = a|affixPrefix, hi-1
			}
			tags, affixes = append(tags, unescapeQuery(p.s[lo:hi])), append(affixes, a)
			shown = append(shown, tags[len(tags)-1])
			state = closed
			continue
		case state == item:
			return nil, p.v1Err(i)
		case state == words && (k == tTerm || k == tNumber):
			group = append(group, p.v1Text(i))
			continue
		case k == tOr:
			flush()
			state = item
			continue
		case k == tRB:
			flush()
			state = closed
			continue
		}
		flush()
		break
	}
	if i < len(p.toks) {
		p.pos = p.toks[i].pos
	} else {
		p.pos = len(p.s)
	}
	n := &Node{Kind: qTag, Field: field, Tags: tags, tagShown: shown}
	if slices.ContainsFunc(affixes, func(a uint8) bool { return a != 0 }) {
		n.tagAffix = affixes
	}
	if slices.ContainsFunc(lists, func(l []tagWord) bool { return l != nil }) {
		for len(lists) < len(tags) {
			lists = append(lists, nil)
		}
		n.tagWords = lists
		n.Tags = joinTagWords(n.Tags, lists)
	}
	return n, nil
}

// v1Phrase reads the phrase whose opening quote is at p.pos: words and
// numbers up to the closing quote, at least one.
func (p *parser) v1Phrase(field string) (*Node, error) {
	open := v1TokenAt(p.toks, p.pos)
	var terms []string
	var at []tokenAt
	i := open + 1
	for ; p.v1Kind(i) != tQuote; i++ {
		if k := p.v1Kind(i); k != tTerm && k != tNumber {
			return nil, p.v1Err(i)
		}
		t := p.toks[i]
		words := tokens(p.v1Text(i))
		terms = append(terms, words...)
		if len(words) == 1 {
			at = append(at, tokenAt{off: t.pos, raw: p.s[t.pos:t.end]})
		}
	}
	if i == open+1 || len(terms) == 0 {
		return nil, p.v1Err(i)
	}
	if len(at) != len(terms) {
		at = nil
	}
	p.pos = p.toks[i].end
	return &Node{Kind: qText, Field: field, Terms: terms, Phrase: true, at: at}, nil
}

// v1Fuzzy reads the fuzzy term at p.pos: one to three %, a word or a
// number, as many %.
func (p *parser) v1Fuzzy() (string, error) {
	i := v1TokenAt(p.toks, p.pos)
	n := 0
	for ; p.v1Kind(i) == tPercent && n < 3; i++ {
		n++
	}
	if k := p.v1Kind(i); k != tTerm && k != tNumber {
		return "", p.v1Err(i)
	}
	w := strings.ToLower(p.v1Text(i))
	for j := 1; j <= n; j++ {
		if p.v1Kind(i+j) != tPercent {
			return "", p.v1Err(i + j)
		}
	}
	p.pos = p.toks[i+n].end
	marks := strings.Repeat("%", n)
	return marks + w + marks, nil
}

// v1ParamIn returns the error for a $parameter among the tokens of
// q[lo:hi], nil when there is none.
func (p *parser) v1ParamIn(lo, hi int) error {
	for i := v1TokenAt(p.toks, lo); i < len(p.toks) && p.toks[i].pos < hi; i++ {
		if p.toks[i].kind == tParam {
			return p.v1Err(i)
		}
	}
	return nil
}

package ft

import (
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/ftargs"
)

// kind is a filter node's kind.
type kind uint8

const (
	qAll kind = iota + 1
	qAnd
	qOr
	qNot
	qTag
	qNum
	qText
	qGeo
	qVecRange
	qOptional // ~clause: matches every document, adds to the score of those passing its child
	// qNull is the empty query ("", or blanks only): RediSearch's null
	// node, which both dialects' grammars accept and which matches
	// nothing, as a query of stop words only does (queryTree).
	qNull
	// qKeys is INKEYS: the documents of some keys (search_inkeys.go).
	qKeys
)

// Node is a parsed filter expression.
type Node struct {
	Kind  kind
	Kids  []*Node
	Field string   // alias; "" for a text term over every TEXT field
	Tags  []string // qTag: any of these
	// tagAffix marks the tags of Tags written with an unescaped * at
	// their start or end (affixPrefix, affixSuffix, both: an infix):
	// they match the field's values by their core (text_pattern.go).
	tagAffix []uint8
	// tagVals are the field's values the tag clause stands for once its
	// affixes are expanded (expandPatterns); nil until then.
	tagVals []string
	// tagShown holds, beside Tags, the text FT.EXPLAIN shows for each
	// tag, as RediSearch 2.8 keeps it until the query runs: a word or a
	// number as written (escapes and case), a $parameter's value as
	// given, an affix's core unescaped, a pattern as written ("": the
	// tag's value; a tag of several words shows tagWords).
	tagShown []string
	// tagParam names, beside Tags, the $parameter a tag was written as
	// ("" for a literal), and termParam the one a qText node's single
	// term was: DIALECT 2 reads "$name" there as a parameter, as
	// RediSearch 2.8's param_term and param_term_case do. resolveClauses
	// puts the values in (a term's lower-cased, a tag's as given). A
	// parameter term may be a prefix, suffix, infix or fuzzy term
	// ("$x*", "*$x", "*$x*", "%$x%"): Terms[0] then holds its marks
	// alone, and termCut is where the value goes between them.
	tagParam  []string
	termParam string
	// tagWords holds, beside Tags, the words of each tag written as
	// several (nil for a tag of one term): RediSearch 2.8 reads one as a
	// list of terms, each lower-cased (a number as written) or a
	// $parameter's (param), looks up the words joined by blanks and shows
	// them as an INTERSECT in FT.EXPLAIN.
	tagWords [][]tagWord
	termCut  int
	// fromParam marks a text term whose word came from PARAMS: RediSearch
	// checks the words it parses against the stop words, never a
	// parameter's value, so the term stays even if it is one.
	fromParam bool
	Lo        float64 // qNum bounds
	Hi        float64
	LoEx      bool
	HiEx      bool
	Terms     []string // qText: all of these words (a trailing * is a prefix)
	// Phrase marks an exact phrase ("a b"): its terms in a row, not
	// stemmed. Verbatim turns a text node's stemming off (VERBATIM, or a
	// LANGUAGE vcache does not stem).
	Phrase   bool
	Verbatim bool
	// exactBox marks a one-word phrase that FT.EXPLAIN writes as a
	// phrase ("EXACT {"), as RediSearch's DIALECT 2 grammar builds it
	// (DIALECT 1's is a plain term).
	exactBox bool
	// Weight is the clause's $weight attribute (0: not given, 1).
	Weight float64
	// scope is the field scope of a clause of clauses (AND, OR, NOT,
	// ~) that "@f:(...)" scoped, as FT.EXPLAIN shows it ("" for none:
	// query_scope.go); its text clauses carry the scope in Field.
	scope string
	// stems are the terms' stems, worked out once per query (text.go,
	// in English; language.go, in the query's language); nil until then.
	stems []string
	// expand holds the words each pattern term expands to, worked out
	// once per search (text_pattern.go); nil until then.
	expand map[string][]string

	// keys are an INKEYS clause's keys (qKeys), keyList them as given,
	// and keysShown what FT.EXPLAIN shows of them (search_inkeys.go).
	keys      map[string]struct{}
	keyList   []string
	keysShown string

	Geo   *GeoQuery // qGeo
	Range *VecRange // qVecRange

	// LoParam and HiParam name the $parameters a numeric range's bounds
	// come from ("" for a literal); a leading '-' before the '$' is kept.
	LoParam string
	HiParam string

	// Slop and InOrder are an intersection's $slop and $inorder (or
	// FT.SEARCH's SLOP and INORDER): its words at most Slop intervening
	// words apart (when HasSlop), in the query's order (slop.go).
	Slop    int
	HasSlop bool
	InOrder bool

	// at is where an exact phrase's terms are in the query (their
	// offsets and text as written), for DIALECT 1's stop word error
	// (query_phrase_stop.go); nil when unknown.
	at []tokenAt
}

// KNN is a query's "=>[KNN k @field $param ...]" clause; the grammar
// node and proxy share reads it.
type KNN = ftargs.KNN

// SyntaxError is a query syntax error with its position.
type SyntaxError = ftargs.SyntaxError

type parser struct {
	s   string
	pos int
	v1  bool // DIALECT 1's grammar (query_v1.go)
	// toks are the query's tokens as its dialect's lexer reads them
	// (query_v1_lex.go, query_star.go): the parser skips what lies
	// between them, as RediSearch's lexer skips blanks, control
	// characters and punctuation that starts no token.
	toks []v1Token
	// scoped counts the DIALECT 2 field scopes being read ("@f:(...)",
	// "@f:-x"): RediSearch 2.8's grammar takes text clauses only there,
	// so a field modifier inside one is a syntax error.
	scoped int
	// compound and unary say what the top level of a DIALECT 2 filter
	// was: clauses side by side or joined by |, or a clause under - or
	// ~. A KNN clause's arrow binds to the last clause of either, so
	// RediSearch 2.8 refuses "a b=>[KNN ...]" and "-a=>[KNN ...]".
	compound, unary bool
	// stop says whether a word is one of the index's stop words, as
	// RediSearch's lexer and grammar check them while they read a query
	// (nil: none, as with NOSTOPWORDS): a stop word ends a DIALECT 1 run
	// of words (query_v1_stop.go).
	stop func(string) bool
}

func (p *parser) fail() error {
	if p.v1 {
		return v1ErrorAt(p.toks, p.pos)
	}
	near := p.s[p.pos:]
	if len(near) > 16 {
		near = near[:16]
	}
	if f := strings.Fields(near); len(f) > 0 {
		near = f[0]
	}
	return &SyntaxError{Offset: p.pos, Near: near}
}

func (p *parser) skip() {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t' || p.s[p.pos] == '\n') {
		p.pos++
	}
	// Skip what the lexer skips, up to the next token (but a single
	// quote, which vcache reads as a quote).
	next := len(p.s)
	if i := v1TokenAt(p.toks, p.pos); i < len(p.toks) {
		next = tokenStart(p.toks[i])
	}
	for p.pos < next && p.s[p.pos] != '\'' {
		p.pos++
	}
}

func (p *parser) peek() byte {
	p.skip()
	if p.pos >= len(p.s) {
		return 0
	}
	return p.s[p.pos]
}

// ParseQuery parses an FT.SEARCH query string (DIALECT 2).
func ParseQuery(q string) (*Node, *KNN, error) {
	return ParseQueryDialect(q, 2)
}

// ParseQueryDialect parses an FT.SEARCH query string in the given
// dialect: 1 as RediSearch 2.8's DIALECT 1 grammar reads it (query_v1.go,
// query_v1_syntax.go: no KNN clause, no $parameters, no vector range),
// 2 and up as DIALECT 2's.
func ParseQueryDialect(q string, dialect int) (*Node, *KNN, error) {
	return parseQuery(q, dialect, nil)
}

// parseQuery is ParseQueryDialect over an index whose stop words stop
// tells (nil: none).
func parseQuery(q string, dialect int, stop func(string) bool) (*Node, *KNN, error) {
	if dialect == 1 {
		n, err := parseV1Query(q, stop)
		return n, nil, err // DIALECT 1 has no KNN clause
	}
	filter, knnPart := q, ""
	if i := ftargs.TopLevelArrow(q); i >= 0 {
		filter, knnPart = q[:i], q[i+2:]
	}
	var root *Node
	if strings.TrimSpace(q) == "" {
		return &Node{Kind: qNull}, nil, nil
	}
	toks := v2Lex(filter)
	if strings.TrimSpace(filter) == "*" || strings.TrimSpace(filter) == "" && knnPart != "" {
		root = &Node{Kind: qAll}
	} else if len(toks) == 0 && knnPart == "" && !strings.Contains(filter, "'") {
		return &Node{Kind: qNull}, nil, nil // nothing its lexer reads as a token ("$", "!?")
	} else {
		// A bare * fails where RediSearch's grammar stops at it, unless
		// the parse fails before (query_star.go).
		star := starError(q, filter, toks, knnPart != "")
		p := &parser{s: filter, toks: toks, stop: stop}
		n, err := p.parseOr(0)
		if err == nil && p.peek() != 0 {
			err = p.fail()
		}
		var syn *SyntaxError
		if star != nil && (err == nil || errors.As(err, &syn) && syn.Offset >= star.Offset) {
			return nil, nil, star
		}
		if err != nil {
			return nil, nil, err
		}
		if open := strings.IndexByte(knnPart, '['); (p.compound || p.unary) && open >= 0 &&
			strings.TrimSpace(knnPart[:open]) == "" {
			// The arrow went to the last clause, which wants attributes
			// ("=>{"): the error is at the '[', with the text RediSearch's
			// lexer last recorded, the arrow's from its '>'.
			at := len(filter) + 2 + open
			return nil, nil, &SyntaxError{Offset: at, Near: q[len(filter)+1 : min(len(filter)+3, len(q))]}
		}
		root = n
	}
	if knnPart == "" {
		return root, nil, nil
	}
	knn, err := ftargs.ParseKNN(knnPart, len(filter)+2)
	if err != nil {
		return nil, nil, err
	}
	return root, knn, nil
}

const maxDepth = 100

func (p *parser) parseOr(depth int) (*Node, error) {
	if depth > maxDepth {
		return nil, p.fail()
	}
	left, err := p.parseAnd(depth)
	if err != nil {
		return nil, err
	}
	kids := []*Node{left}
	for p.peek() == '|' {
		p.pos++
		right, err := p.parseAnd(depth)
		if err != nil {
			return nil, err
		}
		kids = append(kids, right)
	}
	if len(kids) == 1 {
		return left, nil
	}
	p.compound = p.compound || depth == 0
	return &Node{Kind: qOr, Kids: kids}, nil
}

func (p *parser) parseAnd(depth int) (*Node, error) {
	var kids []*Node
	for {
		c := p.peek()
		if c == 0 || c == ')' || c == '|' {
			break
		}
		n, err := p.parseUnary(depth)
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	switch len(kids) {
	case 0:
		return nil, p.fail()
	case 1:
		return kids[0], nil
	}
	p.compound = p.compound || depth == 0
	return &Node{Kind: qAnd, Kids: kids}, nil
}

// parseUnary parses a clause and the "=>{...}" attributes after it.
func (p *parser) parseUnary(depth int) (*Node, error) {
	n, err := p.parsePrimary(depth)
	if err != nil {
		return nil, err
	}
	if err := p.attrs(n); err != nil {
		return nil, err
	}
	return n, nil
}

func (p *parser) parsePrimary(depth int) (*Node, error) {
	if depth > maxDepth {
		return nil, p.fail()
	}
	c := p.peek()
	if c == '-' && p.numberHere() {
		c = 0 // "-5": a number, no negation (its lexer reads the sign)
	}
	switch c {
	case '-', '~':
		p.unary = p.unary || depth == 0
	}
	switch c {
	case '-':
		p.pos++
		n, err := p.parseUnary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &Node{Kind: qNot, Kids: []*Node{n}}, nil
	case '~':
		p.pos++
		n, err := p.parseUnary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &Node{Kind: qOptional, Kids: []*Node{n}}, nil
	case '(':
		p.pos++
		n, err := p.parseOr(depth + 1)
		if err != nil {
			return nil, err
		}
		if p.peek() != ')' {
			return nil, p.fail()
		}
		p.pos++
		return n, nil
	case '*':
		// A suffix or infix term, else a bare * ("*$" is one: a $ that
		// names nothing is punctuation its lexer skips).
		if p.pos+1 < len(p.s) && (isWordByte(p.s[p.pos+1]) || p.escapeAt(p.pos+1) ||
			!p.v1 && p.s[p.pos+1] == '$' && v1TermLen(p.s, p.pos+2) > 0) {
			break
		}
		p.pos++
		return &Node{Kind: qAll}, nil
	case '%':
		if !p.v1 {
			return p.v2Fuzzy("")
		}
	case '@':
		if p.scoped > 0 && !p.v1 {
			return nil, p.modifierError()
		}
		return p.parseField(depth)
	case '"', '\'':
		return p.parsePhrase("")
	}
	if n, ok, err := p.wildcardTerm(""); ok || err != nil {
		return n, err
	}
	if n, ok := p.paramTerm(""); ok {
		return n, nil
	}
	return p.textTerm("")
}

// textTerm reads a term (term) scoped to field. A number is a term
// DIALECT 2 does not stem, as RediSearch 2.8's grammar marks its NUMBER
// and SIZE terms verbatim.
func (p *parser) textTerm(field string) (*Node, error) {
	p.skip()
	start := p.pos
	w, err := p.term()
	if err != nil {
		return nil, err
	}
	n := &Node{Kind: qText, Field: field, Terms: []string{w}}
	if !p.v1 {
		i := v1TokenAt(p.toks, start)
		if i < len(p.toks) && p.toks[i].kind == tNumber && p.toks[i].pos == start && p.toks[i].end == p.pos {
			// As written: "INF" and "1E3" are looked up so, and match no
			// word the index folded.
			n.Terms[0], n.Verbatim = p.s[start:p.pos], true
		}
	}
	return n, nil
}

// numberHere reports whether DIALECT 2's lexer reads a number (or a
// number's prefix, "-5*") at p.pos: a sign there is the number's.
func (p *parser) numberHere() bool {
	if p.v1 {
		return false
	}
	i := v1TokenAt(p.toks, p.pos)
	return i < len(p.toks) && p.toks[i].pos == p.pos && (p.toks[i].kind == tNumber || p.toks[i].kind == tPrefix)
}

// paramTerm reads a DIALECT 2 parameter term scoped to field, if one
// starts here: "$name", or as RediSearch 2.8's lexer and grammar take a
// parameter in place of a word, a prefix "$name*", a suffix "*$name" or
// an infix "*$name*" (a fuzzy one, "%$name%", is v2Fuzzy's). Anything
// else is left for term, which reads or refuses it.
func (p *parser) paramTerm(field string) (*Node, bool) {
	p.skip()
	if p.v1 {
		return nil, false
	}
	start := p.pos
	before, after := 0, 0
	if p.pos < len(p.s) && p.s[p.pos] == '*' {
		before = 1
		p.pos++
	}
	name, ok := p.param()
	if !ok {
		p.pos = start
		return nil, false
	}
	if p.pos < len(p.s) && p.s[p.pos] == '*' {
		after = 1
		p.pos++
	}
	marks := strings.Repeat("*", before+after)
	return &Node{Kind: qText, Field: field, Terms: []string{marks}, termParam: name, termCut: before}, true
}

// param reads a "$name" if one starts here, and returns the name.
func (p *parser) param() (string, bool) {
	if p.pos >= len(p.s) || p.s[p.pos] != '$' {
		return "", false
	}
	end := p.pos + 1
	for end < len(p.s) && isParamByte(p.s[end]) {
		end++
	}
	if end == p.pos+1 {
		return "", false
	}
	name := p.s[p.pos+1 : end]
	p.pos = end
	return name, true
}

func isParamByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// wildcardTerm reads a wildcard term scoped to field, if one starts
// here: w'pattern', or w'$name', whose pattern PARAMS gives (RediSearch
// 2.8's lexer reads a '$' first in the quotes so).
func (p *parser) wildcardTerm(field string) (*Node, bool, error) {
	p.skip()
	start := p.pos
	w, ok, err := p.wildcard()
	if !ok || err != nil {
		return nil, ok, err
	}
	if name := p.s[start+3 : p.pos-1]; len(w) > 3 && w[2] == '$' && isParamName(name) {
		return &Node{Kind: qText, Field: field, Terms: []string{"w''"}, termParam: name, termCut: 2}, true, nil
	}
	return &Node{Kind: qText, Field: field, Terms: []string{w}}, true, nil
}

// wildcard reads a wildcard term, w'pattern' (as written: FT.EXPLAIN
// shows it so, and patternMatch folds its case), if one starts here.
func (p *parser) wildcard() (string, bool, error) {
	p.skip()
	if p.v1 {
		return "", false, nil // DIALECT 2's
	}
	if p.pos+1 >= len(p.s) || p.s[p.pos] != 'w' || p.s[p.pos+1] != '\'' {
		return "", false, nil
	}
	open := p.pos
	for i := p.pos + 2; i < len(p.s); i++ {
		switch p.s[i] {
		case '\\':
			i++
		case '\'':
			if i == p.pos+2 {
				return "", false, p.fail()
			}
			p.pos = i + 1
			return p.s[open:p.pos], true, nil
		}
	}
	return "", false, p.fail()
}

// term reads a query term, lower-cased: a word, a prefix (word*), a
// suffix (*word) or an infix (*word*); in DIALECT 1 a fuzzy term too
// (%word%, %%word%%, %%%word%%%: DIALECT 2's are v2Fuzzy's).
func (p *parser) term() (string, error) {
	p.skip()
	if p.pos < len(p.s) && p.s[p.pos] == '*' {
		if p.pos+1 >= len(p.s) || !isWordByte(p.s[p.pos+1]) && !p.escapeAt(p.pos+1) {
			return "", p.fail()
		}
		p.pos++
		return "*" + strings.ToLower(p.word()), nil
	}
	if p.v1 && p.pos < len(p.s) && p.s[p.pos] == '%' {
		return p.v1Fuzzy()
	}
	w := p.word()
	if w == "" {
		return "", p.fail()
	}
	return strings.ToLower(w), nil
}

// escapeAt reports whether the backslash at s[i] escapes the byte after
// it: punctuation, a blank or a backslash, as RediSearch's lexer reads
// an escaped character. Before anything else the backslash is
// punctuation the lexer skips, and the word before it ends there.
func (p *parser) escapeAt(i int) bool {
	return i+1 < len(p.s) && p.s[i] == '\\' && (v1Punct(p.s[i+1]) || isCSpace(p.s[i+1]))
}

// word reads a bare word (letters, digits, _, a trailing *; \ escapes
// what escapeAt says it does).
func (p *parser) word() string {
	p.skip()
	// The dialect's word, number or prefix token, when one starts here:
	// a word ends at punctuation its lexer skips ("hello.world" is two
	// words), and a number is as its lexer reads one ("3.14", "-5").
	if i := v1TokenAt(p.toks, p.pos); i < len(p.toks) && p.toks[i].pos == p.pos {
		if k := p.toks[i].kind; k == tTerm || k == tNumber || k == tPrefix {
			p.pos = p.toks[i].end
			return p.v1Text(i)
		}
	}
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if p.escapeAt(p.pos) {
			b.WriteByte(p.s[p.pos+1])
			p.pos += 2
			continue
		}
		if isWordByte(c) || (c == '*' && b.Len() > 0) {
			b.WriteByte(c)
			p.pos++
			continue
		}
		break
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// parseField parses a clause scoped to a field: "@f:" or, for text,
// "@f|g:" before a tag list, a range, a phrase, a term or a parenthesized
// sub-query whose text clauses it scopes to the fields.
func (p *parser) parseField(depth int) (*Node, error) {
	start := p.pos
	p.pos++ // '@'
	name := p.word()
	multi := false
	for name != "" && p.pos < len(p.s) && p.s[p.pos] == '|' {
		p.pos++
		next := p.word()
		if next == "" {
			p.pos = start
			return nil, p.fail()
		}
		name += "|" + next
		multi = true
	}
	if name == "" || p.pos >= len(p.s) || p.s[p.pos] != ':' {
		if !p.v1 {
			p.pos = start // DIALECT 1 fails at the token after the name
		}
		return nil, p.fail()
	}
	p.pos++
	switch c := p.peek(); {
	case multi && (c == '{' || c == '['):
		return nil, p.fail()
	case p.v1 && c == '{':
		return p.v1Tags(name)
	case p.v1 && c == '[':
		return p.v1Bracket(name)
	case c == '{':
		return p.v2Tags(name)
	case c == '[':
		return p.parseBracket(name)
	case p.v1:
		// DIALECT 1: the field scopes the clauses up to the next one
		// that binds less tightly than a field (query_v1.go).
		n, err := p.parseV1(depth+1, v1Modifier)
		if err != nil {
			return nil, err
		}
		return scopeText(n, name), nil
	case c == '"' || c == '\'':
		return p.parsePhrase(name)
	case c == '%':
		return p.v2Fuzzy(name)
	case c == '@':
		return nil, p.modifierError() // "@a:@b:x", DIALECT 1's only
	case c == '(':
		p.pos++
		p.scoped++
		n, err := p.parseOr(depth + 1)
		p.scoped--
		if err != nil {
			return nil, err
		}
		if p.peek() != ')' {
			return nil, p.fail()
		}
		p.pos++
		return scopeText(n, name), nil
	case c == '-' && !p.numberHere() || c == '~':
		// "@f:-x", "@f:~x": the operator over one text clause, scoped.
		p.unary = p.unary || depth == 0
		p.scoped++
		n, err := p.parsePrimary(depth + 1)
		p.scoped--
		if err != nil {
			return nil, err
		}
		return scopeText(n, name), nil
	}
	if n, ok, err := p.wildcardTerm(name); ok || err != nil {
		return n, err
	}
	if n, ok := p.paramTerm(name); ok {
		return n, nil
	}
	return p.textTerm(name)
}

// modifierError is DIALECT 2's syntax error at a field modifier where
// RediSearch 2.8's grammar takes a text clause only: at its '@', near the
// field's name as its lexer read it (letters, digits, _, bytes past
// 0x7f, escaped punctuation or blanks).
func (p *parser) modifierError() error {
	end := p.pos + 1
	for end < len(p.s) {
		if c := p.s[end]; c == '\\' && end+1 < len(p.s) && isEscapable(p.s[end+1]) {
			end += 2
		} else if isTokenByte(c) {
			end++
		} else {
			break
		}
	}
	if end == p.pos+1 {
		return p.fail()
	}
	return &SyntaxError{Offset: p.pos, Near: p.s[p.pos+1 : end]}
}

// isEscapable reports whether a backslash before c makes c part of a
// DIALECT 2 term: punctuation, a blank or a backslash.
func isEscapable(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c > ' ' && c < 0x7f && !isTokenByte(c)
}

// scopeText scopes the text clauses of sub-query n to field: one that
// names no field gets field, one that names its own keeps those of them
// field names too (intersectScope). An intersection of plain words (no
// number, which DIALECT 2 reads verbatim) becomes one text clause of
// them all.
func scopeText(n *Node, field string) *Node {
	if n.Kind == qText {
		n.Field = intersectScope(n.Field, field)
	}
	if n.Kind != qText {
		n.scope = intersectScope(n.scope, field)
	}
	if n.Kind == qTag || n.Kind == qNum || n.Kind == qGeo || n.Kind == qVecRange {
		return n // the scope only shows in FT.EXPLAIN
	}
	plain := n.Kind == qAnd && n.Weight == 0 && !n.slopSet()
	var terms []string
	for i, k := range n.Kids {
		n.Kids[i] = scopeText(k, field)
		k = n.Kids[i]
		plain = plain && k.Kind == qText && k.Field == field && !k.Phrase && !k.Verbatim && k.Weight == 0 && !k.slopSet() && k.termParam == ""
		terms = append(terms, k.Terms...)
	}
	if plain {
		return &Node{Kind: qText, Field: field, Terms: terms}
	}
	return n
}

func (p *parser) parseRange(field string) (*Node, error) {
	p.pos++ // '['
	n := &Node{Kind: qNum, Field: field}
	var param *string
	bound := func() (float64, bool, error) {
		p.skip()
		ex := false
		if p.pos < len(p.s) && p.s[p.pos] == '(' {
			ex = true
			p.pos++
		}
		start := p.pos
		for p.pos < len(p.s) && p.s[p.pos] != ' ' && p.s[p.pos] != ']' && p.s[p.pos] != ',' {
			p.pos++
		}
		tok := p.s[start:p.pos]
		if name := strings.TrimPrefix(strings.TrimPrefix(tok, "-"), "$"); len(name) < len(strings.TrimPrefix(tok, "-")) {
			if !isParamName(name) {
				p.pos = start
				return 0, false, p.fail()
			}
			*param = tok
			return 0, ex, nil
		}
		switch strings.ToLower(tok) {
		case "-inf":
			return math.Inf(-1), ex, nil
		case "+inf", "inf":
			return math.Inf(1), ex, nil
		}
		v, err := strconv.ParseFloat(tok, 64)
		if err != nil {
			p.pos = start
			return 0, false, p.fail()
		}
		return v, ex, nil
	}
	var err error
	param = &n.LoParam
	if n.Lo, n.LoEx, err = bound(); err != nil {
		return nil, err
	}
	if p.peek() == ',' {
		p.pos++
	}
	param = &n.HiParam
	if n.Hi, n.HiEx, err = bound(); err != nil {
		return nil, err
	}
	if p.peek() != ']' {
		return nil, p.fail()
	}
	p.pos++
	return n, nil
}

// phraseTermsV2 splits an exact phrase's text as DIALECT 2's lexer reads
// it (RediSearch 2.8.16 on): a number ("-5", "3.14", "1E3") at least as
// long as the word starting at the same place is one term, as written
// (its lexer prefers the number when they tie); the rest
// is split at spaces and punctuation and lower-cased, as tokens does.
func phraseTermsV2(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		w := i
		for w < len(s) && isTokenByte(s[w]) {
			w++
		}
		if n := v2NumberLen(s, i); n > 0 && n >= w-i {
			out = append(out, s[i:i+n])
			i += n
			continue
		}
		if w > i {
			out = append(out, strings.ToLower(s[i:w]))
			i = w
			continue
		}
		i++
	}
	return out
}

// parsePhrase parses an exact phrase in double quotes, or in single
// quotes as RediSearch reads them since 8.0 (and clients such as
// redis-om send for one word): its tokens, in a row, not stemmed.
func (p *parser) parsePhrase(field string) (*Node, error) {
	open := p.pos
	quote := p.s[p.pos]
	if p.v1 && quote == '"' {
		return p.v1Phrase(field)
	}
	p.pos++
	var b strings.Builder
	for {
		if p.pos >= len(p.s) {
			p.pos = open
			return nil, p.fail()
		}
		c := p.s[p.pos]
		if p.escapeAt(p.pos) {
			b.WriteByte(p.s[p.pos+1])
			p.pos += 2
			continue
		}
		if c == '\\' {
			c = ' ' // no escape: punctuation between two words
		}
		p.pos++
		if c == quote {
			break
		}
		b.WriteByte(c)
	}
	if p.v1 {
		if err := p.v1ParamIn(open, p.pos); err != nil {
			return nil, err
		}
	}
	var terms []string
	if p.v1 {
		terms = tokens(b.String())
	} else {
		terms = phraseTermsV2(b.String())
	}
	if len(terms) == 0 {
		p.pos = open
		return nil, p.fail()
	}
	return &Node{Kind: qText, Field: field, Terms: terms, Phrase: true, exactBox: !p.v1 && len(terms) == 1,
		at: p.phraseTokens(open, terms)}, nil
}

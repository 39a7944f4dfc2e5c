package ft

import "strings"

// DIALECT 1's grammar. RediSearch reads a DIALECT 1 query with an
// operator-precedence grammar whose conflicts its parser generator
// settles by the precedence of the next token against the rule at hand.
// What a user sees of it, against DIALECT 2 (where | binds least and
// every other operator takes one clause):
//
//   - A run of plain words is one clause: "@name:James Brown" looks for
//     both words in name, "-hello world" excludes documents with both.
//   - | takes the clause on each side of it and binds more tightly than
//     the juxtaposition of clauses: hello world | "goodbye" moon is
//     (hello world | "goodbye") moon.
//   - -, ~ and a field take what follows up to the first token that binds
//     no more tightly than they do: a field stops at anything but | (and
//     attributes), - at a quote, ~ or another -, ~ at another ~. So
//     "-a (b) c" excludes a b c, while -a "b" excludes a only.
//
// parseV1 reproduces that by precedence climbing over the token classes
// below, in the grammar's order (lowest first). A stop word is a class of
// its own, as RediSearch's lexer marks it (query_v1_stop.go).

// v1 token classes, by precedence.
const (
	v1None     = iota // binds nothing: the bottom of a parse
	v1End             // the end of the query or a closing parenthesis
	v1Tilde           // ~
	v1Quote           // " or '
	v1Minus           // -
	v1Number          // a number
	v1Stop            // a stop word of the index
	v1Term            // a word
	v1Prefix          // word*, *word, a wildcard w'...', *
	v1Percent         // %fuzzy%
	v1LP              // (
	v1Modifier        // @field:
	v1And             // the juxtaposition of two clauses
	v1Or              // |
	v1Arrow           // =>{attributes}
)

// v1Class classifies the next token without reading it.
func (p *parser) v1Class() int {
	c := p.peek()
	next := byte(0)
	if p.pos+1 < len(p.s) {
		next = p.s[p.pos+1]
	}
	switch c {
	case 0, ')':
		return v1End
	case '|':
		return v1Or
	case '-':
		return v1Minus
	case '~':
		return v1Tilde
	case '"', '\'':
		return v1Quote
	case '(':
		return v1LP
	case '@':
		return v1Modifier
	case '%':
		return v1Percent
	case '*':
		return v1Prefix
	case '=':
		if next == '>' {
			return v1Arrow
		}
		return v1Term
	case 'w':
		if next == '\'' {
			return v1Prefix
		}
	}
	save := p.pos
	w := p.word()
	p.pos = save
	switch {
	case strings.HasSuffix(w, "*"):
		return v1Prefix
	case isV1Number(w):
		return v1Number
	case p.v1StopHere():
		return v1Stop
	}
	return v1Term
}

// isV1Number reports whether w is a number as the lexer reads one
// (digits, an optional fraction and exponent).
func isV1Number(w string) bool {
	i, digits := 0, 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if digits == 0 {
		return false
	}
	if i < len(w) && w[i] == '.' {
		i++
		for i < len(w) && w[i] >= '0' && w[i] <= '9' {
			i++
		}
	}
	if i < len(w) && (w[i] == 'e' || w[i] == 'E') {
		i++
		if i < len(w) && (w[i] == '-' || w[i] == '+') {
			i++
		}
		start := i
		for i < len(w) && w[i] >= '0' && w[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(w)
}

// parseV1 parses a clause, then joins to it the clauses after it whose
// first token binds more tightly than min.
func (p *parser) parseV1(depth, min int) (*Node, error) {
	if depth > maxDepth {
		return nil, p.fail()
	}
	left, err := p.v1Clause(depth)
	if err != nil {
		return nil, err
	}
	for {
		c := p.v1Class()
		if c == v1End || c <= min {
			return left, nil
		}
		switch c {
		case v1Arrow:
			at := p.pos
			if err := p.attrs(left); err != nil {
				return nil, err
			}
			if p.pos == at {
				return nil, p.fail()
			}
		case v1Or:
			p.pos++
			right, err := p.parseV1(depth+1, v1Or)
			if err != nil {
				return nil, err
			}
			left = v1Join(left, right, qOr)
		default:
			right, err := p.parseV1(depth+1, v1And)
			if err != nil {
				return nil, err
			}
			left = v1Join(left, right, qAnd)
		}
	}
}

// v1Join is left k right (k: qAnd or qOr). As RediSearch adds a clause
// to an intersection (or union) that no field or attribute marks, right
// joins such a left as one more child.
func v1Join(left, right *Node, k kind) *Node {
	if left.Kind == k && left.scope == "" && left.Weight == 0 && !left.slopSet() {
		left.Kids = append(left.Kids, right)
		return left
	}
	return &Node{Kind: k, Kids: []*Node{left, right}}
}

// v1Clause parses one clause: a run of words, a prefix operator and its
// operand, a parenthesized query, a field and its operand, or any other
// single clause (a phrase, an affix, a fuzzy term).
func (p *parser) v1Clause(depth int) (*Node, error) {
	var n *Node
	var err error
	switch p.v1Class() {
	case v1End:
		return nil, p.fail()
	case v1Minus:
		p.pos++
		if n, err = p.parseV1(depth+1, v1Minus); err != nil {
			return nil, err
		}
		return &Node{Kind: qNot, Kids: []*Node{n}}, nil
	case v1Tilde:
		p.pos++
		if n, err = p.parseV1(depth+1, v1Tilde); err != nil {
			return nil, err
		}
		return &Node{Kind: qOptional, Kids: []*Node{n}}, nil
	case v1LP:
		p.pos++
		if n, err = p.parseV1(depth+1, v1None); err != nil {
			return nil, err
		}
		if p.peek() != ')' {
			return nil, p.fail()
		}
		p.pos++
		return n, nil
	case v1Term, v1Number:
		return p.v1Words()
	case v1Stop:
		w, err := p.term() // a clause of its own, dropped before the query runs
		if err != nil {
			return nil, err
		}
		return &Node{Kind: qText, Terms: []string{w}}, nil
	case v1Prefix:
		if p.s[p.pos] == '*' && (p.pos+1 >= len(p.s) || !isWordByte(p.s[p.pos+1]) && p.s[p.pos+1] != '\\') {
			return nil, p.fail() // * is a whole query of its own, never a clause
		}
	}
	return p.parsePrimary(depth)
}

// v1Words reads a run of plain words as one clause (their intersection):
// a word or number, then words, and a number only second (after two
// words a number binds less tightly than the run and starts a clause of
// its own). A stop word ends the run.
func (p *parser) v1Words() (*Node, error) {
	var kids []*Node
	for {
		w, err := p.term()
		if err != nil {
			return nil, err
		}
		kids = append(kids, &Node{Kind: qText, Terms: []string{w}})
		c := p.v1Class()
		if c != v1Term && !(c == v1Number && len(kids) == 1) {
			break
		}
	}
	if len(kids) == 1 {
		return kids[0], nil
	}
	return &Node{Kind: qAnd, Kids: kids}, nil
}

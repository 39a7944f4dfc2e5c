package ft

import (
	"fmt"
	"math"
	"strconv"
	"strings"
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
)

// Node is a parsed filter expression.
type Node struct {
	Kind  kind
	Kids  []*Node
	Field string   // alias; "" for a text term over every TEXT field
	Tags  []string // qTag: any of these
	Lo    float64  // qNum bounds
	Hi    float64
	LoEx  bool
	HiEx  bool
	Terms []string // qText: all of these words (a trailing * is a prefix)
}

// KNN is a query's "=>[KNN k @field $param ...]" clause.
type KNN struct {
	K, Ef, Probes int
	KParam        string // "$K" when k is a parameter
	EfParam       string
	Field         string
	Param         string // the parameter holding the query vector
	As            string // the score field's name
}

// ScoreField returns the name results carry the distance under.
func (k *KNN) ScoreField() string {
	if k.As != "" {
		return k.As
	}
	return "__" + k.Field + "_score"
}

// SyntaxError is a query syntax error with its position.
type SyntaxError struct {
	Offset int
	Near   string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("Syntax error at offset %d near %s", e.Offset, e.Near)
}

type parser struct {
	s   string
	pos int
}

func (p *parser) fail() error {
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
	filter, knnPart := q, ""
	if i := topLevelArrow(q); i >= 0 {
		filter, knnPart = q[:i], q[i+2:]
	}
	var root *Node
	if strings.TrimSpace(filter) == "*" || strings.TrimSpace(filter) == "" && knnPart != "" {
		root = &Node{Kind: qAll}
	} else {
		p := &parser{s: filter}
		n, err := p.parseOr(0)
		if err != nil {
			return nil, nil, err
		}
		if p.peek() != 0 {
			return nil, nil, p.fail()
		}
		root = n
	}
	if knnPart == "" {
		return root, nil, nil
	}
	knn, err := parseKNN(knnPart, len(filter)+2)
	if err != nil {
		return nil, nil, err
	}
	return root, knn, nil
}

// topLevelArrow finds "=>" outside parentheses, ranges and tag sets.
func topLevelArrow(s string) int {
	depth := 0
	for i := 0; i+1 < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '[', '{':
			// Skip to the closing bracket: "(" inside a range is an
			// exclusive bound, not a group.
			closer := byte(']')
			if s[i] == '{' {
				closer = '}'
			}
			for i+1 < len(s) && s[i+1] != closer {
				if s[i+1] == '\\' {
					i++
				}
				i++
			}
			i++
		case '(':
			depth++
		case ')':
			depth--
		case '=':
			if s[i+1] == '>' && depth == 0 {
				return i
			}
		}
	}
	return -1
}

func parseKNN(s string, base int) (*KNN, error) {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "[") || !strings.HasSuffix(t, "]") {
		return nil, &SyntaxError{Offset: base, Near: firstWord(t)}
	}
	w := strings.Fields(t[1 : len(t)-1])
	bad := func(i int) error {
		near := "]"
		if i < len(w) {
			near = w[i]
		}
		return &SyntaxError{Offset: base + strings.Index(s, near), Near: near}
	}
	if len(w) < 4 || !strings.EqualFold(w[0], "KNN") {
		return nil, bad(0)
	}
	k := &KNN{}
	if strings.HasPrefix(w[1], "$") {
		k.KParam = w[1][1:]
	} else if n, err := strconv.Atoi(w[1]); err == nil && n >= 0 {
		k.K = n
	} else {
		return nil, bad(1)
	}
	if !strings.HasPrefix(w[2], "@") || len(w[2]) < 2 {
		return nil, bad(2)
	}
	k.Field = w[2][1:]
	if !strings.HasPrefix(w[3], "$") || len(w[3]) < 2 {
		return nil, bad(3)
	}
	k.Param = w[3][1:]
	for i := 4; i < len(w); i += 2 {
		if i+1 >= len(w) {
			return nil, bad(i)
		}
		val := w[i+1]
		switch strings.ToUpper(w[i]) {
		case "EF_RUNTIME":
			if strings.HasPrefix(val, "$") {
				k.EfParam = val[1:]
			} else if n, err := strconv.Atoi(val); err == nil && n > 0 {
				k.Ef = n
			} else {
				return nil, bad(i + 1)
			}
		case "PROBES":
			n, err := strconv.Atoi(val)
			if err != nil || n <= 0 {
				return nil, bad(i + 1)
			}
			k.Probes = n
		case "AS":
			k.As = val
		case "EPSILON":
		default:
			return nil, bad(i)
		}
	}
	return k, nil
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return s
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
	return &Node{Kind: qAnd, Kids: kids}, nil
}

func (p *parser) parseUnary(depth int) (*Node, error) {
	if depth > maxDepth {
		return nil, p.fail()
	}
	switch p.peek() {
	case '-':
		p.pos++
		n, err := p.parseUnary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &Node{Kind: qNot, Kids: []*Node{n}}, nil
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
		p.pos++
		return &Node{Kind: qAll}, nil
	case '@':
		return p.parseField()
	}
	w := p.word()
	if w == "" {
		return nil, p.fail()
	}
	return &Node{Kind: qText, Terms: []string{strings.ToLower(w)}}, nil
}

// word reads a bare word (letters, digits, _, a trailing *; \ escapes).
func (p *parser) word() string {
	p.skip()
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '\\' && p.pos+1 < len(p.s) {
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
	return c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func (p *parser) parseField() (*Node, error) {
	start := p.pos
	p.pos++ // '@'
	name := p.word()
	if name == "" || p.pos >= len(p.s) || p.s[p.pos] != ':' {
		p.pos = start
		return nil, p.fail()
	}
	p.pos++
	switch p.peek() {
	case '{':
		return p.parseTags(name)
	case '[':
		return p.parseRange(name)
	case '(':
		p.pos++
		var terms []string
		for p.peek() != ')' {
			w := p.word()
			if w == "" {
				return nil, p.fail()
			}
			terms = append(terms, strings.ToLower(w))
		}
		p.pos++
		return &Node{Kind: qText, Field: name, Terms: terms}, nil
	}
	w := p.word()
	if w == "" {
		return nil, p.fail()
	}
	return &Node{Kind: qText, Field: name, Terms: []string{strings.ToLower(w)}}, nil
}

func (p *parser) parseTags(field string) (*Node, error) {
	open := p.pos
	p.pos++ // '{'
	var tags []string
	var b strings.Builder
	flush := func() {
		if t := strings.TrimSpace(b.String()); t != "" {
			tags = append(tags, t)
		}
		b.Reset()
	}
	for {
		if p.pos >= len(p.s) {
			p.pos = open
			return nil, p.fail()
		}
		c := p.s[p.pos]
		switch {
		case c == '\\' && p.pos+1 < len(p.s):
			b.WriteByte(p.s[p.pos+1])
			p.pos += 2
			continue
		case c == '|':
			flush()
		case c == '}':
			flush()
			p.pos++
			if len(tags) == 0 {
				return nil, p.fail()
			}
			return &Node{Kind: qTag, Field: field, Tags: tags}, nil
		default:
			b.WriteByte(c)
		}
		p.pos++
	}
}

func (p *parser) parseRange(field string) (*Node, error) {
	p.pos++ // '['
	n := &Node{Kind: qNum, Field: field}
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
	if n.Lo, n.LoEx, err = bound(); err != nil {
		return nil, err
	}
	if p.peek() == ',' {
		p.pos++
	}
	if n.Hi, n.HiEx, err = bound(); err != nil {
		return nil, err
	}
	if p.peek() != ']' {
		return nil, p.fail()
	}
	p.pos++
	return n, nil
}

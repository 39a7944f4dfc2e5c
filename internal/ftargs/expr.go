package ftargs

import (
	"fmt"
	"strconv"
	"strings"
)

// Expr is a parsed APPLY or FILTER expression (RediSearch's expression
// language): literals, @properties, function calls, arithmetic (+ - * /
// % ^), comparisons (== != < <= > >=) and logic (&& || !).
type Expr struct {
	kind exprKind
	num  float64
	str  string // string literal, property name, function name or operator
	args []*Expr
}

type exprKind uint8

const (
	exNum exprKind = iota
	exStr
	exNull
	exProp
	exFunc
	exBinary // str is the operator, args the two operands
	exNot
	exNeg
)

// MaxExprDepth bounds how deeply an expression may nest.
const MaxExprDepth = 200

type exprParser struct {
	src   string
	pos   int
	tok   token
	depth int
}

type tokKind uint8

const (
	tEOF tokKind = iota
	tNum
	tStr
	tProp
	tIdent
	tOp
	tLParen
	tRParen
	tComma
)

type token struct {
	kind tokKind
	pos  int
	text string // as written
	num  float64
	str  string // unquoted string or property name
}

// ParseExpr parses an APPLY or FILTER expression. Errors carry
// RediSearch's texts.
func ParseExpr(src string) (*Expr, error) {
	p := &exprParser{src: src}
	if err := p.next(); err != nil {
		return nil, err
	}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.syntaxError()
	}
	return e, nil
}

func (p *exprParser) syntaxError() error {
	return fmt.Errorf("Syntax error at offset %d near '%s'", p.tok.pos, p.tok.text)
}

func isIdent(c byte, first bool) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || !first && c >= '0' && c <= '9'
}

func (p *exprParser) next() error {
	s := p.src
	for p.pos < len(s) && (s[p.pos] == ' ' || s[p.pos] == '\t' || s[p.pos] == '\n' || s[p.pos] == '\r') {
		p.pos++
	}
	start := p.pos
	p.tok = token{pos: start}
	if p.pos >= len(s) {
		p.tok.kind = tEOF
		return nil
	}
	c := s[p.pos]
	switch {
	case c >= '0' && c <= '9' || c == '.' && p.pos+1 < len(s) && s[p.pos+1] >= '0' && s[p.pos+1] <= '9':
		j := p.pos
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
			j++
		}
		if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
			k := j + 1
			if k < len(s) && (s[k] == '+' || s[k] == '-') {
				k++
			}
			if k < len(s) && s[k] >= '0' && s[k] <= '9' {
				for k < len(s) && s[k] >= '0' && s[k] <= '9' {
					k++
				}
				j = k
			}
		}
		f, err := strconv.ParseFloat(s[p.pos:j], 64)
		if err != nil {
			p.tok.text = s[p.pos:j]
			return p.syntaxError()
		}
		p.tok.kind, p.tok.num, p.tok.text = tNum, f, s[p.pos:j]
		p.pos = j
	case c == '\'' || c == '"':
		var b strings.Builder
		j := p.pos + 1
		for ; j < len(s) && s[j] != c; j++ {
			if s[j] == '\\' && j+1 < len(s) {
				j++
			}
			b.WriteByte(s[j])
		}
		if j >= len(s) {
			p.tok.text = s[p.pos:]
			return p.syntaxError()
		}
		p.tok.kind, p.tok.str, p.tok.text = tStr, b.String(), s[p.pos:j+1]
		p.pos = j + 1
	case c == '@':
		j := p.pos + 1
		for j < len(s) && (isIdent(s[j], false) || s[j] == '.' || s[j] == ':' || s[j] == '$') {
			j++
		}
		if j == p.pos+1 {
			p.tok.text = "@"
			return p.syntaxError()
		}
		p.tok.kind, p.tok.str, p.tok.text = tProp, s[p.pos+1:j], s[p.pos:j]
		p.pos = j
	case isIdent(c, true):
		j := p.pos
		for j < len(s) && isIdent(s[j], false) {
			j++
		}
		p.tok.kind, p.tok.text = tIdent, s[p.pos:j]
		p.pos = j
	case c == '(':
		p.tok.kind, p.tok.text = tLParen, "("
		p.pos++
	case c == ')':
		p.tok.kind, p.tok.text = tRParen, ")"
		p.pos++
	case c == ',':
		p.tok.kind, p.tok.text = tComma, ","
		p.pos++
	default:
		for _, op := range []string{"==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%", "^"} {
			if strings.HasPrefix(s[p.pos:], op) {
				p.tok.kind, p.tok.text = tOp, op
				p.pos += len(op)
				return nil
			}
		}
		p.tok.text = s[p.pos : p.pos+1]
		return p.syntaxError()
	}
	return nil
}

func (p *exprParser) isOp(ops ...string) (string, bool) {
	if p.tok.kind != tOp {
		return "", false
	}
	for _, o := range ops {
		if p.tok.text == o {
			return o, true
		}
	}
	return "", false
}

// binary parses a left-associative level: operand (op operand)*.
func (p *exprParser) binary(operand func() (*Expr, error), ops ...string) (*Expr, error) {
	l, err := operand()
	if err != nil {
		return nil, err
	}
	for {
		op, ok := p.isOp(ops...)
		if !ok {
			return l, nil
		}
		if err := p.next(); err != nil {
			return nil, err
		}
		r, err := operand()
		if err != nil {
			return nil, err
		}
		l = &Expr{kind: exBinary, str: op, args: []*Expr{l, r}}
	}
}

func (p *exprParser) parseOr() (*Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > MaxExprDepth {
		return nil, fmt.Errorf("Syntax error at offset %d near '%s'", p.tok.pos, p.tok.text)
	}
	return p.binary(p.parseAnd, "||")
}

func (p *exprParser) parseAnd() (*Expr, error) { return p.binary(p.parseNot, "&&") }

func (p *exprParser) parseNot() (*Expr, error) {
	if _, ok := p.isOp("!"); ok {
		if err := p.next(); err != nil {
			return nil, err
		}
		e, err := p.parseNotNested()
		if err != nil {
			return nil, err
		}
		return &Expr{kind: exNot, args: []*Expr{e}}, nil
	}
	return p.parseCmp()
}

func (p *exprParser) parseNotNested() (*Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > MaxExprDepth {
		return nil, p.syntaxError()
	}
	return p.parseNot()
}

func (p *exprParser) parseCmp() (*Expr, error) {
	return p.binary(p.parseAdd, "==", "!=", "<=", ">=", "<", ">")
}

func (p *exprParser) parseAdd() (*Expr, error) { return p.binary(p.parseMul, "+", "-") }

func (p *exprParser) parseMul() (*Expr, error) { return p.binary(p.parseUnary, "*", "/", "%") }

func (p *exprParser) parseUnary() (*Expr, error) {
	if op, ok := p.isOp("-", "+"); ok {
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > MaxExprDepth {
			return nil, p.syntaxError()
		}
		if err := p.next(); err != nil {
			return nil, err
		}
		e, err := p.parseUnary()
		if err != nil || op == "+" {
			return e, err
		}
		return &Expr{kind: exNeg, args: []*Expr{e}}, nil
	}
	return p.parsePow()
}

func (p *exprParser) parsePow() (*Expr, error) {
	l, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	if _, ok := p.isOp("^"); ok {
		if err := p.next(); err != nil {
			return nil, err
		}
		r, err := p.parseUnary() // right associative
		if err != nil {
			return nil, err
		}
		return &Expr{kind: exBinary, str: "^", args: []*Expr{l, r}}, nil
	}
	return l, nil
}

func (p *exprParser) parsePrimary() (*Expr, error) {
	t := p.tok
	switch t.kind {
	case tNum:
		return &Expr{kind: exNum, num: t.num}, p.next()
	case tStr:
		return &Expr{kind: exStr, str: t.str}, p.next()
	case tProp:
		return &Expr{kind: exProp, str: t.str}, p.next()
	case tLParen:
		if err := p.next(); err != nil {
			return nil, err
		}
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tRParen {
			return nil, p.syntaxError()
		}
		return e, p.next()
	case tIdent:
		if err := p.next(); err != nil {
			return nil, err
		}
		if p.tok.kind != tLParen {
			// RediSearch's lexer knows inf (lower case) and its grammar
			// NULL (upper case); any other word is a symbol it refuses.
			switch t.text {
			case "NULL":
				return &Expr{kind: exNull}, nil
			case "inf":
				return &Expr{kind: exNum, num: posInf}, nil
			}
			return nil, fmt.Errorf("Unknown symbol '%s'", t.text)
		}
		name := strings.ToLower(t.text)
		if _, ok := exprFuncs[name]; !ok {
			return nil, fmt.Errorf("Unknown function name '%s'", t.text)
		}
		if err := p.next(); err != nil {
			return nil, err
		}
		f := &Expr{kind: exFunc, str: name}
		if p.tok.kind != tRParen {
			for {
				a, err := p.parseOr()
				if err != nil {
					return nil, err
				}
				f.args = append(f.args, a)
				if p.tok.kind == tComma {
					if err := p.next(); err != nil {
						return nil, err
					}
					continue
				}
				break
			}
		}
		if p.tok.kind != tRParen {
			return nil, p.syntaxError()
		}
		if fn := exprFuncs[name]; len(f.args) < fn.min || fn.max >= 0 && len(f.args) > fn.max {
			return nil, fmt.Errorf("Invalid arguments for function '%s'", name)
		}
		return f, p.next()
	}
	return nil, p.syntaxError()
}

// Props returns the properties e reads, in order of appearance.
func (e *Expr) Props() []string {
	var out []string
	var walk func(x *Expr)
	walk = func(x *Expr) {
		if x.kind == exProp {
			out = append(out, x.str)
		}
		if x.kind == exFunc && x.str == "exists" {
			return // exists(@f) reads nothing it needs
		}
		for _, a := range x.args {
			walk(a)
		}
	}
	walk(e)
	return out
}

package vset

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrFilterSyntax is returned for a FILTER expression that does not parse.
var ErrFilterSyntax = errors.New("syntax error in FILTER expression")

// Expr is a compiled FILTER expression.
type Expr struct{ root *exprNode }

type exprNode struct {
	op    string // literal kinds: "num", "str", "bool", "null", "attr", "list"; else an operator
	num   float64
	str   string
	list  []*exprNode
	left  *exprNode
	right *exprNode
}

type lexer struct {
	s   string
	pos int
}

func (l *lexer) skip() {
	for l.pos < len(l.s) && (l.s[l.pos] == ' ' || l.s[l.pos] == '\t') {
		l.pos++
	}
}

// token returns the next token, and consumes it when consume is set.
func (l *lexer) token(consume bool) string {
	l.skip()
	start := l.pos
	if l.pos >= len(l.s) {
		return ""
	}
	c := l.s[l.pos]
	end := l.pos + 1
	switch {
	case strings.HasPrefix(l.s[l.pos:], "**"), strings.HasPrefix(l.s[l.pos:], "=="), strings.HasPrefix(l.s[l.pos:], "!="),
		strings.HasPrefix(l.s[l.pos:], ">="), strings.HasPrefix(l.s[l.pos:], "<="), strings.HasPrefix(l.s[l.pos:], "&&"),
		strings.HasPrefix(l.s[l.pos:], "||"):
		end = l.pos + 2
	case c == '"' || c == '\'':
		end = l.pos + 1
		for end < len(l.s) && l.s[end] != c {
			if l.s[end] == '\\' {
				end++
			}
			end++
		}
		end = min(end+1, len(l.s))
	case c == '.' || c == '_' || isAlpha(c):
		for end < len(l.s) && (isAlpha(l.s[end]) || isDigit(l.s[end]) || l.s[end] == '_' || (c != '.' && false)) {
			end++
		}
	case isDigit(c):
		for end < len(l.s) && (isDigit(l.s[end]) || l.s[end] == '.' || l.s[end] == 'e' || l.s[end] == 'E' ||
			((l.s[end] == '-' || l.s[end] == '+') && (l.s[end-1] == 'e' || l.s[end-1] == 'E'))) {
			end++
		}
	}
	if consume {
		l.pos = end
	}
	return l.s[start:end]
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// ParseFilter compiles a FILTER expression.
func ParseFilter(s string) (*Expr, error) {
	l := &lexer{s: s}
	n, err := l.parseOr(0)
	if err != nil {
		return nil, err
	}
	if t := l.token(false); t != "" {
		return nil, fmt.Errorf("%w near %q", ErrFilterSyntax, t)
	}
	return &Expr{root: n}, nil
}

const maxExprDepth = 64

func (l *lexer) fail() error {
	return fmt.Errorf("%w at offset %d", ErrFilterSyntax, l.pos)
}

func (l *lexer) parseOr(d int) (*exprNode, error) {
	if d > maxExprDepth {
		return nil, l.fail()
	}
	left, err := l.parseAnd(d)
	if err != nil {
		return nil, err
	}
	for {
		t := l.token(false)
		if t != "or" && t != "||" {
			return left, nil
		}
		l.token(true)
		right, err := l.parseAnd(d)
		if err != nil {
			return nil, err
		}
		left = &exprNode{op: "or", left: left, right: right}
	}
}

func (l *lexer) parseAnd(d int) (*exprNode, error) {
	left, err := l.parseNot(d)
	if err != nil {
		return nil, err
	}
	for {
		t := l.token(false)
		if t != "and" && t != "&&" {
			return left, nil
		}
		l.token(true)
		right, err := l.parseNot(d)
		if err != nil {
			return nil, err
		}
		left = &exprNode{op: "and", left: left, right: right}
	}
}

func (l *lexer) parseNot(d int) (*exprNode, error) {
	if t := l.token(false); t == "not" || t == "!" {
		l.token(true)
		n, err := l.parseNot(d + 1)
		if err != nil {
			return nil, err
		}
		return &exprNode{op: "not", left: n}, nil
	}
	return l.parseCmp(d)
}

func (l *lexer) parseCmp(d int) (*exprNode, error) {
	left, err := l.parseSum(d)
	if err != nil {
		return nil, err
	}
	switch t := l.token(false); t {
	case "==", "!=", ">", ">=", "<", "<=", "in":
		l.token(true)
		right, err := l.parseSum(d)
		if err != nil {
			return nil, err
		}
		return &exprNode{op: t, left: left, right: right}, nil
	}
	return left, nil
}

func (l *lexer) parseSum(d int) (*exprNode, error) {
	left, err := l.parseProd(d)
	if err != nil {
		return nil, err
	}
	for {
		t := l.token(false)
		if t != "+" && t != "-" {
			return left, nil
		}
		l.token(true)
		right, err := l.parseProd(d)
		if err != nil {
			return nil, err
		}
		left = &exprNode{op: t, left: left, right: right}
	}
}

func (l *lexer) parseProd(d int) (*exprNode, error) {
	left, err := l.parsePow(d)
	if err != nil {
		return nil, err
	}
	for {
		t := l.token(false)
		if t != "*" && t != "/" && t != "%" {
			return left, nil
		}
		l.token(true)
		right, err := l.parsePow(d)
		if err != nil {
			return nil, err
		}
		left = &exprNode{op: t, left: left, right: right}
	}
}

func (l *lexer) parsePow(d int) (*exprNode, error) {
	base, err := l.parseUnary(d)
	if err != nil {
		return nil, err
	}
	if l.token(false) == "**" {
		l.token(true)
		exp, err := l.parsePow(d + 1)
		if err != nil {
			return nil, err
		}
		return &exprNode{op: "**", left: base, right: exp}, nil
	}
	return base, nil
}

func (l *lexer) parseUnary(d int) (*exprNode, error) {
	if d > maxExprDepth {
		return nil, l.fail()
	}
	t := l.token(true)
	switch {
	case t == "":
		return nil, l.fail()
	case t == "-":
		n, err := l.parseUnary(d + 1)
		if err != nil {
			return nil, err
		}
		return &exprNode{op: "neg", left: n}, nil
	case t == "(":
		n, err := l.parseOr(d + 1)
		if err != nil {
			return nil, err
		}
		if l.token(true) != ")" {
			return nil, l.fail()
		}
		return n, nil
	case t == "[":
		var items []*exprNode
		if l.token(false) == "]" {
			l.token(true)
			return &exprNode{op: "list"}, nil
		}
		for {
			n, err := l.parseOr(d + 1)
			if err != nil {
				return nil, err
			}
			items = append(items, n)
			switch l.token(true) {
			case ",":
			case "]":
				return &exprNode{op: "list", list: items}, nil
			default:
				return nil, l.fail()
			}
		}
	case t == "true" || t == "false":
		return &exprNode{op: "bool", num: b2f(t == "true")}, nil
	case t == "null":
		return &exprNode{op: "null"}, nil
	case t[0] == '.' && len(t) > 1:
		return &exprNode{op: "attr", str: t[1:]}, nil
	case t[0] == '"' || t[0] == '\'':
		if len(t) < 2 || t[len(t)-1] != t[0] {
			return nil, l.fail()
		}
		s := strings.ReplaceAll(t[1:len(t)-1], "\\"+string(t[0]), string(t[0]))
		return &exprNode{op: "str", str: s}, nil
	case isDigit(t[0]):
		v, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return nil, l.fail()
		}
		return &exprNode{op: "num", num: v}, nil
	}
	return nil, l.fail()
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// value is an evaluated operand: float64, string, bool, []value or nil.
type value = any

// Match evaluates the expression over an element's attributes; a missing
// attribute or a type mismatch makes it false.
func (e *Expr) Match(attrs map[string]any) bool {
	v, ok := eval(e.root, attrs)
	if !ok {
		return false
	}
	return truthy(v)
}

func truthy(v value) bool {
	switch x := v.(type) {
	case bool:
		return x
	case float64:
		return x != 0
	case string:
		return x != ""
	case []value:
		return len(x) > 0
	}
	return false
}

func eval(n *exprNode, attrs map[string]any) (value, bool) {
	switch n.op {
	case "num":
		return n.num, true
	case "str":
		return n.str, true
	case "bool":
		return n.num == 1, true
	case "null":
		return nil, true
	case "attr":
		v, ok := attrs[n.str]
		return v, ok
	case "list":
		out := make([]value, 0, len(n.list))
		for _, it := range n.list {
			v, ok := eval(it, attrs)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return out, true
	case "not":
		v, ok := eval(n.left, attrs)
		return ok && !truthy(v), true
	case "neg":
		v, ok := eval(n.left, attrs)
		f, isNum := v.(float64)
		return -f, ok && isNum
	case "and":
		a, ok := eval(n.left, attrs)
		if !ok || !truthy(a) {
			return false, true
		}
		b, ok := eval(n.right, attrs)
		return ok && truthy(b), true
	case "or":
		a, ok := eval(n.left, attrs)
		if ok && truthy(a) {
			return true, true
		}
		b, ok := eval(n.right, attrs)
		return ok && truthy(b), true
	}
	a, ok1 := eval(n.left, attrs)
	b, ok2 := eval(n.right, attrs)
	if !ok1 || !ok2 {
		return nil, false
	}
	switch n.op {
	case "==":
		return equal(a, b), true
	case "!=":
		return !equal(a, b), true
	case "in":
		if list, ok := b.([]value); ok {
			for _, x := range list {
				if equal(a, x) {
					return true, true
				}
			}
			return false, true
		}
		as, aok := a.(string)
		bs, bok := b.(string)
		return aok && bok && strings.Contains(bs, as), true
	case ">", ">=", "<", "<=":
		c, ok := compare(a, b)
		if !ok {
			return nil, false
		}
		switch n.op {
		case ">":
			return c > 0, true
		case ">=":
			return c >= 0, true
		case "<":
			return c < 0, true
		}
		return c <= 0, true
	}
	x, xok := a.(float64)
	y, yok := b.(float64)
	if !xok || !yok {
		return nil, false
	}
	switch n.op {
	case "+":
		return x + y, true
	case "-":
		return x - y, true
	case "*":
		return x * y, true
	case "/":
		if y == 0 {
			return nil, false
		}
		return x / y, true
	case "%":
		if y == 0 {
			return nil, false
		}
		return math.Mod(x, y), true
	case "**":
		return math.Pow(x, y), true
	}
	return nil, false
}

func equal(a, b value) bool {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case nil:
		return b == nil
	}
	return false
}

func compare(a, b value) (int, bool) {
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		if !ok {
			return 0, false
		}
		switch {
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		}
		return 0, true
	case string:
		y, ok := b.(string)
		if !ok {
			return 0, false
		}
		return strings.Compare(x, y), true
	}
	return 0, false
}

package cache

import (
	"fmt"
	"regexp"
	"strconv"
	"unicode/utf8"
)

// JSONPath is a compiled path of RedisJSON's two syntaxes: JSONPath
// ("$.a[*]", "$..b", filters), whose commands answer one reply per match,
// and the legacy syntax (".a.b", "a[0]", "."), whose commands answer the
// first match's reply and an error when nothing matches.
type JSONPath struct {
	// Text is the path as the client wrote it.
	Text string
	// Legacy is set for the legacy syntax.
	Legacy bool
	steps  []pathStep
}

// IsRoot reports whether the path selects the whole document and nothing
// else ("$" or ".").
func (p *JSONPath) IsRoot() bool { return len(p.steps) == 0 }

type stepKind uint8

const (
	stepKeys    stepKind = iota // one or more member names
	stepAll                     // * : every member or element
	stepIndexes                 // [i, j, ...]
	stepRange                   // [start:end:step]
	stepFilter                  // [?(...)]
	stepScan                    // .. : the next step on every descendant too
)

type pathStep struct {
	kind    stepKind
	names   []string
	indexes []int64
	// range: start and end when set
	hasStart, hasEnd bool
	start, end       int64
	step             int64
	filter           *filterExpr
}

// ParseJSONPath compiles a path of either syntax: one that starts with "$"
// is JSONPath, any other is legacy ("." is the root; "a.b" means "$.a.b").
func ParseJSONPath(text string) (*JSONPath, error) {
	if !utf8.ValidString(text) {
		return nil, &jsonError{ErrJSONPath, "Couldn't parse as UTF-8 string"}
	}
	p := &JSONPath{Text: text}
	src := text
	if len(src) == 0 || src[0] != '$' {
		p.Legacy = true
		switch {
		case src == ".":
			src = "$"
		case len(src) > 0 && src[0] == '.':
			src = "$" + src
		default:
			src = "$." + src
		}
	}
	pp := pathParser{s: src, off: len(src) - len(text)}
	steps, err := pp.query()
	if err != nil {
		return nil, err
	}
	p.steps = steps
	return p, nil
}

type pathParser struct {
	s   string
	i   int
	off int // bytes prepended to the client's text (legacy form)
	// depth bounds nested parentheses and paths in filters.
	depth int
}

func (pp *pathParser) fail(expected string) error {
	pos := max(pp.i-pp.off, 0)
	return &jsonError{ErrJSONPath, fmt.Sprintf("Error occurred at position %d, expected one of the following: %s", pos, expected)}
}

func (pp *pathParser) spaces() {
	for pp.i < len(pp.s) && pp.s[pp.i] == ' ' {
		pp.i++
	}
}

func (pp *pathParser) peek() byte {
	if pp.i < len(pp.s) {
		return pp.s[pp.i]
	}
	return 0
}

// query parses "$" and the steps after it, to the end of the text.
func (pp *pathParser) query() ([]pathStep, error) {
	if pp.peek() != '$' {
		return nil, pp.fail("'$'")
	}
	pp.i++
	steps, err := pp.steps(false)
	if err != nil {
		return nil, err
	}
	if pp.i != len(pp.s) {
		return nil, pp.fail("'.', '..', '['")
	}
	return steps, nil
}

func isLiteralByte(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '-', '_', '`', '~', '+', '#', '%', '$', '^', '/', ':':
		return true
	}
	return false
}

func (pp *pathParser) literal() (string, bool) {
	start := pp.i
	for pp.i < len(pp.s) && isLiteralByte(pp.s[pp.i]) {
		pp.i++
	}
	return pp.s[start:pp.i], pp.i > start
}

// steps parses the elements after "$" or "@"; in a filter (inFilter) it
// stops at the first byte that cannot continue a path.
func (pp *pathParser) steps(inFilter bool) ([]pathStep, error) {
	var steps []pathStep
	first := true
	for {
		pp.spaces()
		if pp.i >= len(pp.s) {
			return steps, nil
		}
		c := pp.s[pp.i]
		switch {
		case c == '.':
			pp.i++
			if pp.peek() == '.' { // "..": every level below, then the member
				pp.i++
				steps = append(steps, pathStep{kind: stepScan})
			}
			pp.spaces()
			st, err := pp.member()
			if err != nil {
				return nil, err
			}
			steps = append(steps, st)
		case c == '[':
			st, err := pp.bracket()
			if err != nil {
				return nil, err
			}
			steps = append(steps, st)
		case first && c == '*':
			pp.i++
			steps = append(steps, pathStep{kind: stepAll})
		case first && isLiteralByte(c):
			name, _ := pp.literal()
			steps = append(steps, pathStep{kind: stepKeys, names: []string{name}})
		default:
			if inFilter {
				return steps, nil
			}
			return nil, pp.fail("'.', '..', '['")
		}
		first = false
	}
}

// member parses what follows "." or "..": "*", a bracket or a name.
func (pp *pathParser) member() (pathStep, error) {
	switch pp.peek() {
	case '*':
		pp.i++
		return pathStep{kind: stepAll}, nil
	case '[':
		return pp.bracket()
	}
	name, ok := pp.literal()
	if !ok {
		return pathStep{}, pp.fail("<string>, '*', '['")
	}
	return pathStep{kind: stepKeys, names: []string{name}}, nil
}

// bracket parses "[...]" at pp.i.
func (pp *pathParser) bracket() (pathStep, error) {
	pp.i++ // [
	pp.spaces()
	var st pathStep
	c := pp.peek()
	switch {
	case c == '*':
		pp.i++
		st.kind = stepAll
	case c == '?':
		pp.i++
		pp.spaces()
		f, err := pp.filter()
		if err != nil {
			return st, err
		}
		st = pathStep{kind: stepFilter, filter: f}
	case c == '\'' || c == '"':
		st.kind = stepKeys
		for {
			s, err := pp.quoted()
			if err != nil {
				return st, err
			}
			st.names = append(st.names, s)
			pp.spaces()
			if pp.peek() != ',' {
				break
			}
			pp.i++
			pp.spaces()
		}
	default:
		var err error
		if st, err = pp.numbers(); err != nil {
			return st, err
		}
	}
	pp.spaces()
	if pp.peek() != ']' {
		return st, pp.fail("']'")
	}
	pp.i++
	return st, nil
}

// quoted parses a '...' or "..." string (\\ and an escaped quote inside).
func (pp *pathParser) quoted() (string, error) {
	q := pp.peek()
	if q != '\'' && q != '"' {
		return "", pp.fail("<string>")
	}
	pp.i++
	var b []byte
	for pp.i < len(pp.s) {
		c := pp.s[pp.i]
		switch {
		case c == q:
			pp.i++
			return string(b), nil
		case c == '\\' && pp.i+1 < len(pp.s) && (pp.s[pp.i+1] == q || pp.s[pp.i+1] == '\\'):
			b = append(b, pp.s[pp.i+1])
			pp.i += 2
		case c == '\\':
			return "", pp.fail("'\"', '\\''")
		default:
			b = append(b, c)
			pp.i++
		}
	}
	return "", pp.fail("'" + string(q) + "'")
}

// number parses an optionally negative integer.
func (pp *pathParser) number() (int64, bool) {
	start := pp.i
	if pp.peek() == '-' {
		pp.i++
	}
	d := pp.i
	for pp.i < len(pp.s) && pp.s[pp.i] >= '0' && pp.s[pp.i] <= '9' {
		pp.i++
	}
	if pp.i == d || (pp.i-d > 1 && pp.s[d] == '0') {
		pp.i = start
		return 0, false
	}
	n, err := strconv.ParseInt(pp.s[start:pp.i], 10, 64)
	if err != nil {
		pp.i = start
		return 0, false
	}
	return n, true
}

// numbers parses an index list or a slice.
func (pp *pathParser) numbers() (pathStep, error) {
	st := pathStep{step: 1}
	var ok bool
	st.start, ok = pp.number()
	st.hasStart = ok
	pp.spaces()
	if pp.peek() != ':' {
		if !ok {
			return st, pp.fail("'<number>[,<number>,...]', '<string>[,<string>,...]', '*', '?', ':'")
		}
		st.kind = stepIndexes
		st.indexes = []int64{st.start}
		for pp.peek() == ',' {
			pp.i++
			pp.spaces()
			n, ok := pp.number()
			if !ok {
				return st, pp.fail("<number>")
			}
			st.indexes = append(st.indexes, n)
			pp.spaces()
		}
		return st, nil
	}
	st.kind = stepRange
	pp.i++
	pp.spaces()
	st.end, st.hasEnd = pp.number()
	pp.spaces()
	if pp.peek() == ':' {
		pp.i++
		pp.spaces()
		if c := pp.peek(); c >= '1' && c <= '9' {
			n, _ := pp.number()
			st.step = n
		}
	}
	return st, nil
}

// filterExpr is a filter: terms compared, joined by && and ||.
type filterExpr struct {
	// ors are alternatives; each is a conjunction of conditions.
	ors [][]filterCond
}

type filterCond struct {
	sub         *filterExpr // a parenthesised filter
	left, right filterTerm
	op          string // "" tests that left exists
	re          *regexp.Regexp
}

type termKind uint8

const (
	termValue termKind = iota // a literal
	termCur                   // @...
	termRoot                  // $...
)

type filterTerm struct {
	kind  termKind
	val   *jsonVal
	steps []pathStep
}

func (pp *pathParser) filter() (*filterExpr, error) {
	pp.depth++
	defer func() { pp.depth-- }()
	if pp.depth > 32 {
		return nil, ErrJSONDepth
	}
	open := pp.peek() == '('
	if !open {
		return nil, pp.fail("'('")
	}
	f, err := pp.filterBody()
	if err != nil {
		return nil, err
	}
	return f, nil
}

// filterBody parses "( cond (&&|| cond)* )".
func (pp *pathParser) filterBody() (*filterExpr, error) {
	pp.i++ // (
	f := &filterExpr{}
	var cur []filterCond
	for {
		pp.spaces()
		var c filterCond
		if pp.peek() == '(' {
			pp.depth++
			if pp.depth > 32 {
				return nil, ErrJSONDepth
			}
			sub, err := pp.filterBody()
			pp.depth--
			if err != nil {
				return nil, err
			}
			c.sub = sub
		} else {
			var err error
			if c, err = pp.condition(); err != nil {
				return nil, err
			}
		}
		cur = append(cur, c)
		pp.spaces()
		switch {
		case pp.i+1 < len(pp.s) && pp.s[pp.i:pp.i+2] == "&&":
			pp.i += 2
		case pp.i+1 < len(pp.s) && pp.s[pp.i:pp.i+2] == "||":
			pp.i += 2
			f.ors = append(f.ors, cur)
			cur = nil
		case pp.peek() == ')':
			pp.i++
			f.ors = append(f.ors, cur)
			return f, nil
		default:
			return nil, pp.fail("'&&', '||', ')'")
		}
	}
}

func (pp *pathParser) condition() (filterCond, error) {
	var c filterCond
	var err error
	if c.left, err = pp.term(); err != nil {
		return c, err
	}
	pp.spaces()
	for _, op := range []string{">=", "<=", "==", "!=", "=~", ">", "<"} {
		if len(pp.s)-pp.i >= len(op) && pp.s[pp.i:pp.i+len(op)] == op {
			c.op = op
			pp.i += len(op)
			break
		}
	}
	if c.op == "" {
		return c, nil
	}
	pp.spaces()
	if c.right, err = pp.term(); err != nil {
		return c, err
	}
	if c.op == "=~" && c.right.kind == termValue && c.right.val.k == jString {
		c.re, _ = regexp.Compile(c.right.val.s) // an invalid pattern matches nothing
	}
	return c, nil
}

func (pp *pathParser) term() (filterTerm, error) {
	c := pp.peek()
	switch {
	case c == '@' || c == '$':
		pp.i++
		steps, err := pp.steps(true)
		if err != nil {
			return filterTerm{}, err
		}
		k := termCur
		if c == '$' {
			k = termRoot
		}
		return filterTerm{kind: k, steps: steps}, nil
	case c == '\'' || c == '"':
		s, err := pp.quoted()
		if err != nil {
			return filterTerm{}, err
		}
		return filterTerm{val: &jsonVal{k: jString, s: s}}, nil
	case c == '-' || c >= '0' && c <= '9':
		start := pp.i
		if _, ok := pp.number(); !ok {
			return filterTerm{}, pp.fail("<number>")
		}
		if pp.peek() == '.' && pp.i+1 < len(pp.s) && pp.s[pp.i+1] >= '0' && pp.s[pp.i+1] <= '9' {
			pp.i++
			for pp.i < len(pp.s) && pp.s[pp.i] >= '0' && pp.s[pp.i] <= '9' {
				pp.i++
			}
			f, err := strconv.ParseFloat(pp.s[start:pp.i], 64)
			if err != nil {
				return filterTerm{}, pp.fail("<number>")
			}
			return filterTerm{val: newFloat(f)}, nil
		}
		n, _ := strconv.ParseInt(pp.s[start:pp.i], 10, 64)
		return filterTerm{val: &jsonVal{k: jInt, i: n}}, nil
	}
	for _, w := range []struct {
		s string
		k jsonKind
	}{{"true", jTrue}, {"false", jFalse}, {"null", jNull}} {
		if len(pp.s)-pp.i >= len(w.s) && pp.s[pp.i:pp.i+len(w.s)] == w.s {
			pp.i += len(w.s)
			return filterTerm{val: &jsonVal{k: w.k}}, nil
		}
	}
	return filterTerm{}, pp.fail("'@', '$', <number>, <string>, 'true', 'false', 'null'")
}

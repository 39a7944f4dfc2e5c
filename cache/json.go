package cache

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// JSON documents (RedisJSON's ReJSON-RL type): a tree of jsonVal parsed
// once from the client's text and serialized on the way out, so updates
// (NUMINCRBY, ARRAPPEND, SET of a member) change the tree in place.

// JSONTypeName is what TYPE answers for a JSON document, as RedisJSON's.
const JSONTypeName = "ReJSON-RL"

// jsonKind is a JSON value's type.
type jsonKind uint8

const (
	jNull jsonKind = iota
	jFalse
	jTrue
	jInt
	jFloat
	jString
	jArray
	jObject
)

// jsonVal is one JSON value, 64 bytes (a size class). Guarded by the
// stripe lock of its key.
type jsonVal struct {
	k   jsonKind
	i   int64      // jInt: the value; jFloat: its IEEE 754 bits
	s   string     // jString
	arr []*jsonVal // jArray elements; jObject member values
	obj *jsonObj   // jObject: the member names
}

// jsonObj is an object's member names, in insertion order (the value's
// arr holds the values at the same positions); idx maps names to
// positions once the object is large.
type jsonObj struct {
	keys []string
	idx  map[string]int
}

// newObject returns an empty object.
func newObject() *jsonVal {
	return &jsonVal{k: jObject, arr: []*jsonVal{}, obj: &jsonObj{keys: []string{}}}
}

// newFloat returns a number that is not an integer.
func newFloat(f float64) *jsonVal { return &jsonVal{k: jFloat, i: int64(math.Float64bits(f))} }

// fl returns a jFloat's value.
func (v *jsonVal) fl() float64 { return math.Float64frombits(uint64(v.i)) }

// names returns an object's member names (nil for other values).
func (v *jsonVal) names() []string {
	if v.obj == nil {
		return nil
	}
	return v.obj.keys
}

// jsonIndexAt is the member count from which an object keeps a name index.
const jsonIndexAt = 16

// maxJSONDepth bounds nesting, as RedisJSON's recursion limit does.
const maxJSONDepth = 128

// Errors of JSON documents, in RedisJSON's words (node/json.go adds the
// RESP codes: WRONGTYPE for ErrJSONPathType, ERR for the others).
var (
	ErrJSONSyntax    = errors.New("invalid JSON")
	ErrJSONPath      = errors.New("invalid JSON path")
	ErrJSONNoPath    = errors.New("Path does not exist")
	ErrJSONNewAtRoot = errors.New("new objects must be created at the root")
	ErrJSONNoKey     = errors.New("could not perform this operation on a key that doesn't exist")
	ErrJSONOverflow  = errors.New("numeric overflow")
	ErrJSONIndex     = errors.New("index out of bounds")
	ErrJSONArrayIdx  = errors.New("array index out of range")
	ErrJSONDepth     = errors.New("recursion limit exceeded")
	// ErrJSONPathType is a value of another type than the command's.
	ErrJSONPathType = errors.New("wrong type of path value")
)

// jsonError is a JSON error with its own text, of a kind above.
type jsonError struct {
	kind error
	msg  string
}

func (e *jsonError) Error() string { return e.msg }
func (e *jsonError) Unwrap() error { return e.kind }

// jsonTypeErr is RedisJSON's error for a path whose value has another type.
func jsonTypeErr(expected string) error {
	return &jsonError{ErrJSONPathType, "wrong type of path value - expected " + expected}
}

// jsonNotFoundOr is RedisJSON's legacy error for a missing path or a value of
// another type.
func jsonNotFoundOr(what string) error {
	return &jsonError{ErrJSONNoPath, "Path does not exist or " + what}
}

// typeName is JSON.TYPE's name of v.
func (v *jsonVal) typeName() string {
	switch v.k {
	case jNull:
		return "null"
	case jFalse, jTrue:
		return "boolean"
	case jInt:
		return "integer"
	case jFloat:
		return "number"
	case jString:
		return "string"
	case jArray:
		return "array"
	}
	return "object"
}

// member returns the position of an object's member name, or -1.
func (v *jsonVal) member(name string) int {
	if v.obj.idx != nil {
		if i, ok := v.obj.idx[name]; ok {
			return i
		}
		return -1
	}
	for i, k := range v.obj.keys {
		if k == name {
			return i
		}
	}
	return -1
}

// setMember sets (or adds, last) an object's member.
func (v *jsonVal) setMember(name string, val *jsonVal) {
	if i := v.member(name); i >= 0 {
		v.arr[i] = val
		return
	}
	o := v.obj
	o.keys = append(o.keys, name)
	v.arr = append(v.arr, val)
	if o.idx != nil {
		o.idx[name] = len(o.keys) - 1
	} else if len(o.keys) >= jsonIndexAt {
		v.reindex()
	}
}

// delMember removes an object's member at position i, keeping the order.
func (v *jsonVal) delMember(i int) {
	v.obj.keys = append(v.obj.keys[:i], v.obj.keys[i+1:]...)
	v.arr = append(v.arr[:i], v.arr[i+1:]...)
	if v.obj.idx != nil {
		v.reindex()
	}
}

func (v *jsonVal) reindex() {
	o := v.obj
	if len(o.keys) < jsonIndexAt {
		o.idx = nil
		return
	}
	o.idx = make(map[string]int, len(o.keys))
	for i, k := range o.keys {
		o.idx[k] = i
	}
}

// clone returns a deep copy of v.
func (v *jsonVal) clone() *jsonVal {
	c := &jsonVal{k: v.k, i: v.i, s: v.s}
	if v.arr != nil {
		c.arr = make([]*jsonVal, len(v.arr))
		for i, e := range v.arr {
			c.arr[i] = e.clone()
		}
	}
	if v.obj != nil {
		c.obj = &jsonObj{keys: append([]string(nil), v.obj.keys...)}
		c.reindex()
	}
	return c
}

// equal reports whether a and b are the same JSON value (of the same type:
// 1 and 1.0 differ, as in RedisJSON; objects regardless of member order).
func (a *jsonVal) equal(b *jsonVal) bool {
	if a.k != b.k {
		return false
	}
	switch a.k {
	case jInt:
		return a.i == b.i
	case jFloat:
		return a.fl() == b.fl()
	case jString:
		return a.s == b.s
	case jArray:
		if len(a.arr) != len(b.arr) {
			return false
		}
		for i := range a.arr {
			if !a.arr[i].equal(b.arr[i]) {
				return false
			}
		}
	case jObject:
		if len(a.obj.keys) != len(b.obj.keys) {
			return false
		}
		for i, k := range a.obj.keys {
			j := b.member(k)
			if j < 0 || !a.arr[i].equal(b.arr[j]) {
				return false
			}
		}
	}
	return true
}

func (v *jsonVal) isNum() bool { return v.k == jInt || v.k == jFloat }

func (v *jsonVal) num() float64 {
	if v.k == jInt {
		return float64(v.i)
	}
	return v.fl()
}

// bytes estimates v's heap bytes.
func (v *jsonVal) bytes() int64 {
	n := int64(64) // the node
	switch v.k {
	case jString:
		n += sizeClass(len(v.s))
	case jArray:
		n += sizeClass(8 * cap(v.arr))
		for _, e := range v.arr {
			n += e.bytes()
		}
	case jObject:
		n += 32 + sizeClass(8*cap(v.arr)) + sizeClass(16*cap(v.obj.keys)) // 32: the jsonObj
		for i, e := range v.arr {
			n += sizeClass(len(v.obj.keys[i])) + e.bytes()
		}
		if v.obj.idx != nil {
			n += int64(48 * len(v.obj.idx))
		}
	}
	return n
}

// ParseJSON checks that text is one JSON value (as JSON.SET accepts it).
func ParseJSON(text []byte) error {
	_, err := parseJSON(text)
	return err
}

// parseJSON parses one JSON value (surrounding white space allowed).
func parseJSON(text []byte) (*jsonVal, error) {
	return parseJSONWith(jsonParser{b: text})
}

// parseStoredJSON parses a document the keyspace wrote (a snapshot's),
// without the depth limit of clients' values.
func parseStoredJSON(text []byte) (*jsonVal, error) {
	return parseJSONWith(jsonParser{b: text, internal: true})
}

func parseJSONWith(p jsonParser) (*jsonVal, error) {
	p.ws()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i < len(p.b) {
		return nil, p.fail("trailing characters")
	}
	return v, nil
}

type jsonParser struct {
	b []byte
	i int
	// internal is set for text the keyspace wrote: no depth limit (a
	// document may grow deeper than a client may send at once).
	internal bool
}

// fail makes a parse error in serde_json's words, with line and column.
func (p *jsonParser) fail(msg string) error {
	line, col := 1, 0
	for j := 0; j < p.i && j < len(p.b); j++ {
		if p.b[j] == '\n' {
			line, col = line+1, 0
		} else {
			col++
		}
	}
	if p.i < len(p.b) {
		col++
	}
	return &jsonError{ErrJSONSyntax, fmt.Sprintf("%s at line %d column %d", msg, line, col)}
}

func (p *jsonParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value(depth int) (*jsonVal, error) {
	if depth > maxJSONDepth && !p.internal {
		return nil, ErrJSONDepth
	}
	if p.i >= len(p.b) {
		return nil, p.fail("EOF while parsing a value")
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &jsonVal{k: jString, s: s}, nil
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == 't':
		return p.word("true", &jsonVal{k: jTrue})
	case c == 'f':
		return p.word("false", &jsonVal{k: jFalse})
	case c == 'n':
		return p.word("null", &jsonVal{k: jNull})
	}
	return nil, p.fail("expected value")
}

func (p *jsonParser) word(w string, v *jsonVal) (*jsonVal, error) {
	for j := 0; j < len(w); j++ {
		if p.i >= len(p.b) {
			return nil, p.fail("EOF while parsing a value")
		}
		if p.b[p.i] != w[j] {
			return nil, p.fail("expected ident")
		}
		p.i++
	}
	return v, nil
}

func (p *jsonParser) number() (*jsonVal, error) {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(p.b) && p.b[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return nil, p.fail("invalid number")
	}
	isFloat := false
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		isFloat = true
		if digits() == 0 {
			return nil, p.fail("invalid number")
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		isFloat = true
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, p.fail("invalid number")
		}
	}
	text := string(p.b[start:p.i])
	if !isFloat {
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return &jsonVal{k: jInt, i: n}, nil
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsInf(f, 0) {
		return nil, p.fail("number out of range")
	}
	return newFloat(f), nil
}

// str parses a string literal at p.i.
func (p *jsonParser) str() (string, error) {
	p.i++ // the quote
	start := p.i
	for p.i < len(p.b) && p.b[p.i] != '"' && p.b[p.i] != '\\' && p.b[p.i] >= 0x20 {
		p.i++
	}
	if p.i < len(p.b) && p.b[p.i] == '"' {
		s := p.b[start:p.i]
		p.i++
		if !utf8.Valid(s) {
			return "", p.fail("invalid unicode code point")
		}
		return string(s), nil
	}
	buf := append([]byte(nil), p.b[start:p.i]...)
	for {
		if p.i >= len(p.b) {
			return "", p.fail("EOF while parsing a string")
		}
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			if !utf8.Valid(buf) {
				return "", p.fail("invalid unicode code point")
			}
			return string(buf), nil
		case c < 0x20:
			return "", p.fail("control character (\\u0000-\\u001F) found while parsing a string")
		case c != '\\':
			buf = append(buf, c)
			p.i++
			continue
		}
		p.i++
		if p.i >= len(p.b) {
			return "", p.fail("EOF while parsing a string")
		}
		e := p.b[p.i]
		p.i++
		switch e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			r, err := p.hex4()
			if err != nil {
				return "", err
			}
			if r >= 0xD800 && r < 0xDC00 {
				if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
					p.i += 2
					lo, err := p.hex4()
					if err != nil {
						return "", err
					}
					if lo < 0xDC00 || lo > 0xDFFF {
						return "", p.fail("lone leading surrogate in hex escape")
					}
					r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
				} else {
					return "", p.fail("lone leading surrogate in hex escape")
				}
			} else if r >= 0xDC00 && r <= 0xDFFF {
				return "", p.fail("lone leading surrogate in hex escape")
			}
			buf = utf8.AppendRune(buf, r)
		default:
			return "", p.fail("invalid escape")
		}
	}
}

func (p *jsonParser) hex4() (rune, error) {
	if p.i+4 > len(p.b) {
		p.i = len(p.b)
		return 0, p.fail("EOF while parsing a string")
	}
	n, err := strconv.ParseUint(string(p.b[p.i:p.i+4]), 16, 32)
	if err != nil {
		return 0, p.fail("invalid escape")
	}
	p.i += 4
	return rune(n), nil
}

func (p *jsonParser) array(depth int) (*jsonVal, error) {
	p.i++
	v := &jsonVal{k: jArray, arr: []*jsonVal{}}
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return v, nil
	}
	for {
		p.ws()
		e, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.arr = append(v.arr, e)
		p.ws()
		if p.i >= len(p.b) {
			return nil, p.fail("EOF while parsing a list")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return v, nil
		default:
			return nil, p.fail("expected `,` or `]`")
		}
	}
}

func (p *jsonParser) object(depth int) (*jsonVal, error) {
	p.i++
	v := newObject()
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return v, nil
	}
	for {
		p.ws()
		if p.i >= len(p.b) {
			return nil, p.fail("EOF while parsing an object")
		}
		if p.b[p.i] != '"' {
			return nil, p.fail("key must be a string")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.i >= len(p.b) {
			return nil, p.fail("EOF while parsing an object")
		}
		if p.b[p.i] != ':' {
			return nil, p.fail("expected `:`")
		}
		p.i++
		p.ws()
		e, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.setMember(k, e) // a repeated name keeps its first place, last value
		p.ws()
		if p.i >= len(p.b) {
			return nil, p.fail("EOF while parsing an object")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return v, nil
		default:
			return nil, p.fail("expected `,` or `}`")
		}
	}
}

// JSONFormat is JSON.GET's INDENT, NEWLINE and SPACE.
type JSONFormat struct {
	Indent, Newline, Space string
}

// appendJSON appends v's compact text.
func appendJSON(b []byte, v *jsonVal) []byte {
	return appendJSONFmt(b, v, nil, 0)
}

// appendJSONFmt appends v's text, pretty-printed by f when not nil, as
// RedisJSON's formatter writes it.
func appendJSONFmt(b []byte, v *jsonVal, f *JSONFormat, level int) []byte {
	newline := func(b []byte, level int) []byte {
		if f == nil {
			return b
		}
		b = append(b, f.Newline...)
		for range level {
			b = append(b, f.Indent...)
		}
		return b
	}
	switch v.k {
	case jNull:
		return append(b, "null"...)
	case jTrue:
		return append(b, "true"...)
	case jFalse:
		return append(b, "false"...)
	case jInt:
		return strconv.AppendInt(b, v.i, 10)
	case jFloat:
		return appendJSONFloat(b, v.fl())
	case jString:
		return appendJSONString(b, v.s)
	case jArray:
		b = append(b, '[')
		for i, e := range v.arr {
			if i > 0 {
				b = append(b, ',')
			}
			b = newline(b, level+1)
			b = appendJSONFmt(b, e, f, level+1)
		}
		if len(v.arr) > 0 {
			b = newline(b, level)
		}
		return append(b, ']')
	}
	b = append(b, '{')
	for i, e := range v.arr {
		if i > 0 {
			b = append(b, ',')
		}
		b = newline(b, level+1)
		b = appendJSONString(b, v.obj.keys[i])
		b = append(b, ':')
		if f != nil {
			b = append(b, f.Space...)
		}
		b = appendJSONFmt(b, e, f, level+1)
	}
	if len(v.arr) > 0 {
		b = newline(b, level)
	}
	return append(b, '}')
}

// appendJSONFloat writes f as serde_json does (ryu's shortest form: "1.0",
// "0.001", "1e21", "1.5e-7").
func appendJSONFloat(b []byte, f float64) []byte {
	if f == 0 {
		if math.Signbit(f) {
			return append(b, "-0.0"...)
		}
		return append(b, "0.0"...)
	}
	if f < 0 {
		b = append(b, '-')
		f = -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±xx
	mant, exp := e, 0
	for i := 0; i < len(e); i++ {
		if e[i] == 'e' {
			mant = e[:i]
			exp, _ = strconv.Atoi(e[i+1:])
			break
		}
	}
	digits := make([]byte, 0, len(mant))
	for i := 0; i < len(mant); i++ {
		if mant[i] != '.' {
			digits = append(digits, mant[i])
		}
	}
	kk := exp + 1 // position of the decimal point after the first kk digits
	n := len(digits)
	switch {
	case n <= kk && kk <= 16:
		b = append(b, digits...)
		for range kk - n {
			b = append(b, '0')
		}
		return append(b, ".0"...)
	case 0 < kk && kk <= 16:
		b = append(b, digits[:kk]...)
		b = append(b, '.')
		return append(b, digits[kk:]...)
	case -5 < kk && kk <= 0:
		b = append(b, "0."...)
		for range -kk {
			b = append(b, '0')
		}
		return append(b, digits...)
	}
	b = append(b, digits[0])
	if n > 1 {
		b = append(b, '.')
		b = append(b, digits[1:]...)
	}
	b = append(b, 'e')
	return strconv.AppendInt(b, int64(kk-1), 10)
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s as a JSON string literal (serde_json's escapes).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"':
			b = append(b, '\\', '"')
		case '\\':
			b = append(b, '\\', '\\')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

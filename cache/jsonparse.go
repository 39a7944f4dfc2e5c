package cache

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// The JSON document parser: serde_json's grammar and error words.

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

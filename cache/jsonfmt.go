package cache

import (
	"math"
	"strconv"
)

// Writing JSON documents: compact, or pretty as JSON.GET's INDENT, NEWLINE
// and SPACE ask, numbers and strings as RedisJSON writes them.

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

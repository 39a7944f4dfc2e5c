package resp

import (
	"strconv"
	"strings"
)

// Kind is a reply's type, named by its RESP2 prefix byte.
type Kind byte

// The RESP2 reply kinds.
const (
	SimpleString Kind = '+'
	Error        Kind = '-'
	Integer      Kind = ':'
	BulkString   Kind = '$'
	Array        Kind = '*'
)

// Value is one parsed reply. Null bulk strings and null arrays have Null
// set. Str and the bytes inside Elems alias the raw bytes they were parsed
// from.
type Value struct {
	Kind  Kind
	Null  bool
	Int   int64   // Integer
	Str   []byte  // SimpleString, Error, BulkString
	Elems []Value // Array
}

// Parse parses the first complete reply in raw and returns it with the
// number of bytes it used. It fails with ErrProtocol on malformed or
// incomplete input.
func Parse(raw []byte) (Value, int, error) {
	return parse(raw, 0)
}

func parse(raw []byte, depth int) (Value, int, error) {
	var v Value
	end := -1
	for i := 1; i < len(raw); i++ {
		if raw[i] == '\n' {
			end = i
			break
		}
	}
	if end < 2 || raw[end-1] != '\r' {
		return v, 0, ErrProtocol
	}
	body := raw[1 : end-1]
	n := end + 1
	v.Kind = Kind(raw[0])
	switch v.Kind {
	case SimpleString, Error:
		v.Str = body
		return v, n, nil
	case Integer:
		x, ok := ParseInt(body)
		if !ok {
			return v, 0, ErrProtocol
		}
		v.Int = x
		return v, n, nil
	case BulkString:
		size, ok := ParseInt(body)
		if !ok || size < -1 {
			return v, 0, ErrProtocol
		}
		if size == -1 {
			v.Null = true
			return v, n, nil
		}
		if size > int64(len(raw)-n-2) {
			return v, 0, ErrProtocol
		}
		stop := n + int(size)
		if raw[stop] != '\r' || raw[stop+1] != '\n' {
			return v, 0, ErrProtocol
		}
		v.Str = raw[n:stop]
		return v, stop + 2, nil
	case Array:
		count, ok := ParseInt(body)
		if !ok || count < -1 {
			return v, 0, ErrProtocol
		}
		if count == -1 {
			v.Null = true
			return v, n, nil
		}
		if depth >= MaxDepth || count > int64(len(raw)-n)/3 {
			return v, 0, ErrProtocol
		}
		v.Elems = make([]Value, count)
		for i := range v.Elems {
			e, used, err := parse(raw[n:], depth+1)
			if err != nil {
				return v, 0, err
			}
			v.Elems[i] = e
			n += used
		}
		return v, n, nil
	}
	return v, 0, ErrProtocol
}

// AppendTo appends v's RESP2 encoding to dst.
func (v *Value) AppendTo(dst []byte) []byte {
	switch v.Kind {
	case SimpleString, Error:
		// As parsed: a lone CR in the line is kept (AppendSimple and
		// AppendError would make it a space).
		dst = append(dst, byte(v.Kind))
		dst = append(dst, v.Str...)
		return append(dst, '\r', '\n')
	case Integer:
		return AppendInt(dst, v.Int)
	case BulkString:
		if v.Null {
			return AppendNull(dst)
		}
		return AppendBulk(dst, v.Str)
	case Array:
		if v.Null {
			return AppendNullArray(dst)
		}
		dst = AppendArray(dst, len(v.Elems))
		for i := range v.Elems {
			dst = v.Elems[i].AppendTo(dst)
		}
		return dst
	}
	return dst
}

// IsError reports whether v is an error reply.
func (v *Value) IsError() bool { return v.Kind == Error }

// Text returns the string content of a simple string, error or bulk
// string, or the decimal form of an integer.
func (v *Value) Text() string {
	if v.Kind == Integer {
		return strconv.FormatInt(v.Int, 10)
	}
	return string(v.Str)
}

// String renders v for messages and test failures, as redis-cli would.
func (v Value) String() string {
	var b strings.Builder
	v.format(&b)
	return b.String()
}

func (v *Value) format(b *strings.Builder) {
	switch {
	case v.Null && v.Kind == Array:
		b.WriteString("(nil array)")
	case v.Null:
		b.WriteString("(nil)")
	case v.Kind == Integer:
		b.WriteString("(integer) " + strconv.FormatInt(v.Int, 10))
	case v.Kind == Error:
		b.WriteString("(error) " + string(v.Str))
	case v.Kind == SimpleString:
		b.WriteString(string(v.Str))
	case v.Kind == BulkString:
		b.WriteString(strconv.Quote(string(v.Str)))
	case v.Kind == Array:
		b.WriteByte('[')
		for i := range v.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			v.Elems[i].format(b)
		}
		b.WriteByte(']')
	}
}

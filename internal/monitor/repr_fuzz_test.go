package monitor

import (
	"bytes"
	"strconv"
	"testing"
)

// unrepr reads back what AppendRepr wrote (redis-cli's sdssplitargs
// rules, with \a and \b), or reports false.
func unrepr(q []byte) ([]byte, bool) {
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		return nil, false
	}
	q = q[1 : len(q)-1]
	var out []byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '"':
			return nil, false // an unescaped quote would end the argument
		case c != '\\':
			out = append(out, c)
			continue
		}
		if i++; i >= len(q) {
			return nil, false
		}
		switch q[i] {
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'a':
			out = append(out, '\a')
		case 'b':
			out = append(out, '\b')
		case '\\', '"':
			out = append(out, q[i])
		case 'x':
			if i+2 >= len(q) {
				return nil, false
			}
			v, err := strconv.ParseUint(string(q[i+1:i+3]), 16, 8)
			if err != nil {
				return nil, false
			}
			out = append(out, byte(v))
			i += 2
		default:
			return nil, false
		}
	}
	return out, true
}

// FuzzAppendRepr: any argument is quoted into printable ASCII, one
// token, that reads back to the argument.
func FuzzAppendRepr(f *testing.F) {
	for _, s := range []string{"", "plain", "a\x01\"", "\\\n\t\xff\a\b", "\r\n", "\"\"", "x\\"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		q := AppendRepr(nil, s)
		for _, c := range q {
			if c < 0x20 || c >= 0x7f {
				t.Fatalf("AppendRepr(%q) = %q: byte %#x", s, q, c)
			}
		}
		back, ok := unrepr(q)
		if !ok || !bytes.Equal(back, s) {
			t.Fatalf("AppendRepr(%q) = %q reads back as %q (%v)", s, q, back, ok)
		}
	})
}

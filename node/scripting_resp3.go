package node

import (
	"bytes"
	"errors"
	"strconv"

	"github.com/vcache/vcache/script"
)

// A command called from a script after redis.setresp(3) runs as for a
// RESP3 client: its handler writes RESP3 through the Ctx's helpers, which
// reach the capture as raw bytes — whole replies (a double, a boolean,
// RESP3's null) or the header of an aggregate (a map, a set) whose
// elements follow through the other writer methods. addRaw reads such
// bytes token by token, so a header opens an aggregate the next replies
// fill, as WriteArray does.

var errUnreadable = errors.New("unreadable reply")

// addRaw adds the replies and aggregate headers in b to the capture.
// Attributes are read and dropped, as Redis does for scripts.
func (c *capture) addRaw(b []byte) error {
	for len(b) > 0 {
		end := bytes.Index(b, []byte("\r\n"))
		if end < 1 {
			return errUnreadable
		}
		kind, line, rest := b[0], b[1:end], b[end+2:]
		switch kind {
		case '+':
			c.add(script.Reply{Kind: script.Status, Str: string(line)})
		case '-':
			c.add(script.Reply{Kind: script.Error, Str: string(line)})
		case ':':
			n, err := strconv.ParseInt(string(line), 10, 64)
			if err != nil {
				return errUnreadable
			}
			c.add(script.Reply{Kind: script.Int, Int: n})
		case '_':
			c.add(script.Reply{Kind: script.Null})
		case '#':
			switch string(line) {
			case "t":
				c.add(script.Reply{Kind: script.Bool, Int: 1})
			case "f":
				c.add(script.Reply{Kind: script.Bool})
			default:
				return errUnreadable
			}
		case ',':
			f, err := strconv.ParseFloat(string(line), 64)
			if err != nil {
				return errUnreadable
			}
			c.add(script.Reply{Kind: script.Double, Float: f})
		case '(':
			c.add(script.Reply{Kind: script.BigNumber, Str: string(line)})
		case '$', '=', '!':
			size, err := strconv.Atoi(string(line))
			if err != nil || size < -1 || (size == -1 && kind != '$') || size > len(rest)-2 {
				return errUnreadable
			}
			if size == -1 {
				c.add(script.Reply{Kind: script.Nil})
				b = rest
				continue
			}
			if rest[size] != '\r' || rest[size+1] != '\n' {
				return errUnreadable
			}
			c.addBlob(kind, string(rest[:size]))
			rest = rest[size+2:]
		case '*', '>', '%', '~', '|':
			n, err := strconv.Atoi(string(line))
			if err != nil || n < -1 || (n == -1 && kind != '*') {
				return errUnreadable
			}
			c.open(kind, n)
		default:
			return errUnreadable
		}
		b = rest
	}
	return nil
}

// addBlob adds a bulk string, verbatim string or blob error.
func (c *capture) addBlob(kind byte, s string) {
	switch kind {
	case '=':
		format, text, ok := cutFormat(s)
		if !ok {
			c.add(script.Reply{Kind: script.Bulk, Str: s})
			return
		}
		c.add(script.Reply{Kind: script.Verbatim, Str: text, Format: format})
	case '!':
		c.add(script.Reply{Kind: script.Error, Str: s})
	default:
		c.add(script.Reply{Kind: script.Bulk, Str: s})
	}
}

// cutFormat splits a verbatim string's "fmt:text".
func cutFormat(s string) (format, text string, ok bool) {
	if len(s) < 4 || s[3] != ':' {
		return "", "", false
	}
	return s[:3], s[4:], true
}

// open starts an aggregate of n elements (n pairs for a map or an
// attribute). An attribute is read into a reply of its own that no one
// keeps.
func (c *capture) open(kind byte, n int) {
	if n < 0 {
		c.add(script.Reply{Kind: script.NilArray})
		return
	}
	r := script.Reply{Kind: script.Array}
	want := n
	switch kind {
	case '%', '|':
		r.Kind, want = script.Map, 2*n
	case '~':
		r.Kind = script.Set
	}
	r.Elems = make([]script.Reply, 0, want)
	var p *script.Reply
	if kind == '|' {
		p = &r
	} else {
		p = c.add(r)
	}
	if p != nil && want > 0 {
		// Elems has room for want: p stays valid while they are added.
		c.stack = append(c.stack, &frame{r: p, want: want})
	}
}

// writeScriptReply3 writes a script's reply of a RESP3 kind: in RESP3 to
// a client that speaks it, as its RESP2 equivalent otherwise.
func writeScriptReply3(cx *Ctx, r script.Reply) {
	switch r.Kind {
	case script.Map:
		cx.Map(len(r.Elems) / 2)
		for _, e := range r.Elems[:len(r.Elems)/2*2] {
			writeScriptReply(cx, e)
		}
	case script.Set:
		cx.Set(len(r.Elems))
		for _, e := range r.Elems {
			writeScriptReply(cx, e)
		}
	case script.Double:
		cx.Double(r.Float)
	case script.Bool:
		cx.Bool(r.Int != 0)
	case script.Null:
		cx.Null()
	case script.BigNumber:
		if !cx.cl.resp3.Load() {
			cx.BulkString(r.Str)
			return
		}
		cx.raw(append(append(append(cx.buf[:0], '('), r.Str...), '\r', '\n'))
	case script.Verbatim:
		if !cx.cl.resp3.Load() {
			cx.BulkString(r.Str)
			return
		}
		format := (r.Format + "   ")[:3]
		b := append(cx.buf[:0], '=')
		b = strconv.AppendInt(b, int64(len(r.Str)+4), 10)
		b = append(append(append(append(b, '\r', '\n'), format...), ':'), r.Str...)
		cx.raw(append(b, '\r', '\n'))
	}
}

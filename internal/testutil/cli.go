package testutil

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/vcache/vcache/internal/resp"
)

// CLI renders a reply as redis-cli prints it (--no-raw, on a terminal):
// `OK`, `(integer) 1`, `"text"`, `(nil)`, `(error) ERR ...`, and arrays as
// numbered lines, nested ones indented.
func CLI(v resp.Value) string {
	return cli(v, "")
}

func cli(v resp.Value, indent string) string {
	switch v.Kind {
	case resp.SimpleString:
		return string(v.Str)
	case resp.Error:
		return "(error) " + string(v.Str)
	case resp.Integer:
		return "(integer) " + strconv.FormatInt(v.Int, 10)
	case resp.BulkString:
		if v.Null {
			return "(nil)"
		}
		return cliQuote(v.Str)
	case resp.Array:
		if v.Null {
			return "(nil)"
		}
		if len(v.Elems) == 0 {
			return "(empty array)"
		}
		w := len(strconv.Itoa(len(v.Elems)))
		parts := make([]string, len(v.Elems))
		for i, e := range v.Elems {
			prefix := fmt.Sprintf("%*d) ", w, i+1)
			s := cli(e, indent+strings.Repeat(" ", len(prefix)))
			if i == 0 {
				parts[i] = prefix + s
			} else {
				parts[i] = indent + prefix + s
			}
		}
		return strings.Join(parts, "\n")
	}
	return fmt.Sprintf("(unknown reply kind %q)", byte(v.Kind))
}

// cliQuote quotes b as redis-cli does: printable ASCII as is, \n \r \t
// \a \b \" and \\ escaped, every other byte (UTF-8 included) as \xHH.
func cliQuote(b []byte) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, c := range b {
		switch c {
		case '\\', '"':
			sb.WriteByte('\\')
			sb.WriteByte(c)
		case '\n':
			sb.WriteString(`\n`)
		case '\r':
			sb.WriteString(`\r`)
		case '\t':
			sb.WriteString(`\t`)
		case '\a':
			sb.WriteString(`\a`)
		case '\b':
			sb.WriteString(`\b`)
		default:
			if c >= 0x20 && c < 0x7f {
				sb.WriteByte(c)
			} else {
				fmt.Fprintf(&sb, "\\x%02x", c)
			}
		}
	}
	sb.WriteByte('"')
	return sb.String()
}

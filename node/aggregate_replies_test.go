package node

import (
	"flag"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/testutil"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata that the tests fill in")

// cursorID is the cursor id that ends a WITHCURSOR or FT.CURSOR READ reply
// (RESP2 or RESP3).
var cursorID = regexp.MustCompile(`:([1-9][0-9]*)\r\n$`)

// TestAggregateReplies runs testdata/aggregate_replies.golden: hashes and
// JSON documents, then FT.AGGREGATE pipelines of every kind (reducers,
// APPLY and FILTER before and after GROUPBY, errors a row raises, LOAD *,
// names loaded twice, KNN, ranges, cursors, RESP3, FORMAT EXPAND) whose
// replies must stay byte for byte what they are. $CURSOR in a command is
// the last cursor id a reply gave (shown as $CURSOR in the replies).
func TestAggregateReplies(t *testing.T) {
	const path = "testdata/aggregate_replies.golden"
	steps := testutil.ReadGolden(t, path)
	c := testutil.Dial(t, startNode(t, nil).addr)
	cursor := ""
	var out []string
	failed := 0
	for _, s := range steps {
		args := make([]string, len(s.Args))
		for i, a := range s.Args {
			args[i] = strings.ReplaceAll(a, "$CURSOR", cursor)
		}
		raw := c.Do3(args...)
		if m := cursorID.FindStringSubmatch(raw); m != nil && (strings.EqualFold(args[0], "FT.CURSOR") ||
			strings.Contains(strings.ToUpper(strings.Join(args, " ")), "WITHCURSOR")) {
			cursor = m[1]
			raw = strings.TrimSuffix(raw, m[0]) + ":$CURSOR\r\n"
		}
		got := strconv.Quote(raw)
		out = append(out, "> "+quoteArgs(s.Args), got)
		if *update {
			continue
		}
		if len(s.Want) != 1 || s.Want[0] != got {
			if failed++; failed <= 10 {
				t.Errorf("%s:%d: %q\n got %s\nwant %s", path, s.Line, s.Args, got, strings.Join(s.Want, "\n"))
			}
		}
	}
	if *update {
		head := "# FT.AGGREGATE replies, byte for byte (TestAggregateReplies; -update rewrites them).\n" +
			"# Each reply is the Go-quoted RESP of the command above it; $CURSOR is the last cursor id.\n"
		if err := os.WriteFile(path, []byte(head+strings.Join(out, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// quoteArgs writes args back as a golden file's command line: an argument
// with a blank, a quote, a backslash or a byte that is not printable in
// double quotes with \" \\ and \xHH escapes.
func quoteArgs(args []string) string {
	parts := make([]string, len(args))
	for i, a := range args {
		plain := a != ""
		for j := 0; j < len(a); j++ {
			if c := a[j]; c <= ' ' || c >= 0x7f || c == '"' || c == '\\' {
				plain = false
			}
		}
		if plain {
			parts[i] = a
			continue
		}
		var b strings.Builder
		b.WriteByte('"')
		for j := 0; j < len(a); j++ {
			switch c := a[j]; {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c < ' ' || c >= 0x7f:
				b.WriteString(`\x`)
				b.WriteString(strconv.FormatUint(uint64(c)>>4, 16) + strconv.FormatUint(uint64(c)&15, 16))
			default:
				b.WriteByte(c)
			}
		}
		b.WriteByte('"')
		parts[i] = b.String()
	}
	return strings.Join(parts, " ")
}

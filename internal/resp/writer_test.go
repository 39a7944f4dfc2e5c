package resp

import (
	"strings"
	"testing"
)

// TestAppendLineRepliesStayOneLine: an error or simple string reply
// carrying text a client sent writes its CR and LF as spaces, as Redis
// does since CVE-2025-67733, so the text cannot end the reply early and
// add replies of its own.
func TestAppendLineRepliesStayOneLine(t *testing.T) {
	for _, c := range []struct{ in, err, simple string }{
		{"ERR Unknown argument X\r\n+INJECTED", "-ERR Unknown argument X  +INJECTED\r\n", "+ERR Unknown argument X  +INJECTED\r\n"},
		{"a\rb\nc", "-a b c\r\n", "+a b c\r\n"},
		{"end\r\n", "-end  \r\n", "+end  \r\n"},
		{"OK", "-OK\r\n", "+OK\r\n"},
		{"", "-\r\n", "+\r\n"},
	} {
		if got := string(AppendError([]byte("x"), c.in)); got != "x"+c.err {
			t.Errorf("AppendError(%q) = %q, want %q", c.in, got, c.err)
		}
		if got := string(AppendSimple(nil, []byte(c.in))); got != c.simple {
			t.Errorf("AppendSimple(%q) = %q, want %q", c.in, got, c.simple)
		}
	}
}

// FuzzAppendLine: whatever the text, an error or simple string reply is
// one reply that Parse reads whole, with the text's CR and LF as spaces
// and every other byte kept.
func FuzzAppendLine(f *testing.F) {
	for _, s := range []string{"OK", "ERR x\r\n+INJECTED", "\r", "\n", "\r\n\r\n", "-ERR", "a\x00b\xff"} {
		f.Add(s)
	}
	clean := strings.NewReplacer("\r", " ", "\n", " ")
	f.Fuzz(func(t *testing.T, s string) {
		for _, b := range [][]byte{AppendError(nil, s), AppendSimple(nil, s)} {
			v, n, err := Parse(b)
			if err != nil || n != len(b) {
				t.Fatalf("%q: Parse read %d of %d bytes: %v", b, n, len(b), err)
			}
			if string(v.Str) != clean.Replace(s) {
				t.Fatalf("%q: text %q, want %q", b, v.Str, clean.Replace(s))
			}
		}
	})
}

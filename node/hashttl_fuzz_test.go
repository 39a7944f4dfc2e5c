package node

import (
	"bytes"
	"testing"
)

// FuzzHashFieldArgs: the FIELDS parsers never panic, and what they accept
// is consistent: the fields are the command's tail, as many as it said.
func FuzzHashFieldArgs(f *testing.F) {
	for _, s := range []string{
		"HEXPIRE h 10 FIELDS 1 a", "HEXPIRE h 10 NX FIELDS 2 a b", "HEXPIRE h -1 FIELDS 1 a",
		"HEXPIRE h 10 FIELDS 0 a", "HGETEX h PX 5 FIELDS 1 a", "HGETEX h PERSIST 1 FIELDS 1 a",
		"HSETEX h FNX EX 10 FIELDS 1 a b", "HSETEX h KEEPTTL FIELDS 2 a b c", "HSETEX h FIELDS 9223372036854775808 a b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := bytes.Fields([]byte(line))
		if len(args) < 2 {
			return
		}
		if a, msg := parseHExpire(args, true, true, 1000, "hexpire"); msg == "" {
			if len(a.fields) == 0 || &a.fields[len(a.fields)-1] != &args[len(args)-1] || a.at < 0 || a.at > maxFieldDeadline {
				t.Fatalf("%q: accepted %d fields, deadline %d", line, len(a.fields), a.at)
			}
		}
		if a, msg := parseHGetEx(args, 1000); msg == "" {
			if len(a.fields) == 0 || (a.x.Set && a.x.Persist) {
				t.Fatalf("%q: accepted %+v", line, a)
			}
		}
		if a, msg := parseHSetEx(args, 1000); msg == "" {
			if len(a.pairs) == 0 || len(a.pairs)%2 != 0 || (a.fnx && a.fxx) || (a.x.Set && a.x.Keep) {
				t.Fatalf("%q: accepted %+v", line, a)
			}
		}
		if fields, msg := parseFieldList(args, 2, msgNumFieldsPos); msg == "" && len(fields) != len(args)-4 {
			t.Fatalf("%q: %d fields", line, len(fields))
		}
	})
}

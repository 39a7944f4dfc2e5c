package node

import (
	"strings"
	"testing"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
)

// FuzzStreamArgs feeds arbitrary argument lists to the stream ID parser
// and to XADD's, XTRIM's and XREAD's argument parsers. Each either refuses
// with an ERR text or returns arguments that hold together: an ID that
// parses formats back to itself, XADD's fields are field/value pairs at
// the end of the line, LIMIT only comes with ~, XREAD's keys are the ones
// the command table finds for routing.
func FuzzStreamArgs(f *testing.F) {
	for _, s := range []string{
		"XADD s * a 1", "XADD s 1-1 a 1", "XADD s 1-* a 1", "XADD s 0-0 a 1", "XADD s NOMKSTREAM MAXLEN ~ 5 LIMIT 3 * a 1",
		"XADD s MINID = 5-1 9-9 a b c d", "XADD s MAXLEN 5 MINID 1 * a 1", "XADD s 18446744073709551615-18446744073709551615 a 1",
		"XADD s  a 1", "XADD s + a 1", "XTRIM s MAXLEN ~ 10 LIMIT 0", "XTRIM s MINID (5", "XTRIM s LIMIT 5",
		"XREAD COUNT 2 STREAMS a b 0 $", "XREAD BLOCK 0 STREAMS a", "XREADGROUP GROUP g c NOACK STREAMS streams >",
		"XREAD STREAMS", "XADD s +5-1 a 1", "XADD s  1-1 a 1",
	} {
		f.Add(s)
	}
	tab := command.NewTable(command.Specs())
	f.Fuzz(func(t *testing.T, line string) {
		words := strings.Split(line, " ")
		args := make([][]byte, len(words))
		for i, w := range words {
			args[i] = []byte(w)
		}
		for _, w := range args {
			var given bool
			id, err := cache.ParseStreamID(w, 0, false, &given)
			if err == nil && given {
				back, err := cache.ParseStreamID([]byte(id.String()), 0, true, nil)
				if err != nil || back != id {
					t.Fatalf("ID %q parsed as %v, which reparses as %v %v", w, id, back, err)
				}
			}
		}
		check := func(msg string) {
			if msg != "" && !strings.HasPrefix(msg, "ERR ") {
				t.Fatalf("%q: error %q without ERR", line, msg)
			}
		}
		switch strings.ToLower(words[0]) {
		case "xadd", "xtrim":
			xadd := strings.EqualFold(words[0], "xadd")
			a, msg := parseXAdd(args, xadd)
			check(msg)
			if msg != "" {
				return
			}
			if a.Trim.Limit > 0 && !a.Trim.Approx {
				t.Fatalf("%q: LIMIT %d without ~", line, a.Trim.Limit)
			}
			if xadd {
				n := len(a.Fields)
				if n < 2 || n%2 != 0 {
					t.Fatalf("%q: %d fields", line, n)
				}
				for i, fv := range a.Fields {
					if string(fv) != string(args[len(args)-n+i]) {
						t.Fatalf("%q: field %d is %q, not the line's", line, i, fv)
					}
				}
				if a.IDGiven && a.SeqGiven && a.ID.IsZero() {
					t.Fatalf("%q: ID 0-0 accepted", line)
				}
			}
		case "xread", "xreadgroup":
			group := strings.EqualFold(words[0], "xreadgroup")
			a, msg := parseXRead(args, group)
			check(msg)
			if msg != "" {
				return
			}
			if len(a.keys) != len(a.ids) || len(a.keys) == 0 {
				t.Fatalf("%q: %d keys, %d IDs", line, len(a.keys), len(a.ids))
			}
			spec := tab.Lookup(args[0])
			idx := spec.KeyIndexes(args)
			if len(idx) != len(a.keys) {
				t.Fatalf("%q: table finds keys at %v, parser %d keys", line, idx, len(a.keys))
			}
			for i, k := range idx {
				if string(args[k]) != string(a.keys[i]) {
					t.Fatalf("%q: table key %q, parser key %q", line, args[k], a.keys[i])
				}
			}
		}
	})
}

package node

import (
	"io"
	"math"
	"strings"
	"testing"

	"github.com/tidwall/redcon"

	"github.com/vcache/vcache/internal/command"
)

// FuzzSetArgs feeds arbitrary argument lists to the set commands' parsers
// (SINTERCARD, SSCAN, SPOP, SRANDMEMBER): each either refuses with an ERR
// text or returns arguments that hold together — SINTERCARD's keys are the
// ones the command table finds for routing, its LIMIT and SSCAN's COUNT
// are in range — and then the command runs on a node holding an intset
// and a hash set without panicking.
func FuzzSetArgs(f *testing.F) {
	for _, s := range []string{
		"SINTERCARD 2 a b LIMIT 1", "SINTERCARD 1 a", "SINTERCARD 0 a", "SINTERCARD 3 a b",
		"SINTERCARD 1 a LIMIT -1", "SINTERCARD 1 a LIMIT", "SINTERCARD 99999999999999999999 a",
		"SSCAN h 0 MATCH m* COUNT 5", "SSCAN i 18446744073709551615", "SSCAN h -1 COUNT 0", "SSCAN h 0 MATCH",
		"SPOP h 3", "SPOP i -1", "SPOP h 1 2", "SRANDMEMBER h -5", "SRANDMEMBER i -9223372036854775808",
		"SRANDMEMBER h 100",
	} {
		f.Add(s)
	}
	n, err := New(DefaultConfig(), nil)
	if err != nil {
		f.Fatal(err)
	}
	n.ks.SAdd([]byte("i"), [][]byte{[]byte("1"), []byte("2"), []byte("3")})
	n.ks.SAdd([]byte("h"), [][]byte{[]byte("m1"), []byte("m2"), []byte("x")})
	spec := command.NewTable(command.Specs()).Lookup([]byte("sintercard"))
	f.Fuzz(func(t *testing.T, line string) {
		words := strings.Fields(line)
		if len(words) < 2 || len(words) > 16 {
			return
		}
		args := make([][]byte, len(words))
		for i, w := range words {
			args[i] = []byte(w)
		}
		refused := func(msg string) bool {
			if msg != "" && !strings.HasPrefix(msg, "ERR ") {
				t.Fatalf("%q: error %q has no ERR code", line, msg)
			}
			return msg != ""
		}
		switch strings.ToLower(words[0]) {
		case "sintercard":
			ic, msg := parseInterCard(args)
			if refused(msg) {
				break
			}
			first, last, _ := spec.KeysIn(args)
			if first != 2 || last-first+1 != len(ic.keys) || ic.limit < 0 {
				t.Fatalf("%q: %d keys, limit %d; the table finds keys %d..%d", line, len(ic.keys), ic.limit, first, last)
			}
		case "sscan":
			if len(args) < 3 {
				return
			}
			sa, badCursor, msg := parseKeyScan(args, false)
			if badCursor {
				msg = "ERR invalid cursor"
			}
			if !refused(msg) && sa.count < 1 {
				t.Fatalf("%q: COUNT %d", line, sa.count)
			}
		case "spop", "srandmember":
			spop := strings.EqualFold(words[0], "spop")
			c, msg := parseSetCount(args, !spop)
			if !refused(msg) && c.given && (c.n == math.MinInt64 || (spop && c.n < 0)) {
				t.Fatalf("%q: count %d", line, c.n)
			}
			if c.n < -1<<16 {
				return // a reply of that many picks, as Redis gives it: too long to run here
			}
		default:
			return
		}
		conn := &fuzzConn{Writer: redcon.NewWriter(io.Discard)}
		if !n.accept(conn) {
			t.Skip("client limit")
		}
		defer n.closed(conn, nil)
		n.exec(conn.Context().(*client), args)
	})
}

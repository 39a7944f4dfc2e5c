package node

import (
	"bytes"
	"testing"
)

// FuzzListArgs feeds arbitrary argument lists to the list commands'
// parsers (LMPOP/BLMPOP, LPOS, blocking timeouts, LPOP's count): nothing
// panics, and what they accept is within bounds.
func FuzzListArgs(f *testing.F) {
	for _, s := range []string{
		"2 a b LEFT COUNT 3", "1 a RIGHT", "0 a LEFT", "3 a LEFT", "1 a LEFT COUNT 1 COUNT 2",
		"RANK -2 COUNT 0 MAXLEN 10", "RANK 0", "COUNT", "RANK -9223372036854775808",
		"0.5", "-1", "inf", "1e400", "nan", "", " 1",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		args := bytes.Split(data, []byte(" "))
		if len(args) >= 2 {
			if m, msg := parseMPop(args); msg == "" {
				if len(m.keys) == 0 || len(m.keys) > len(args)-2 || m.count < 1 {
					t.Fatalf("parseMPop(%q) accepted %d keys, count %d", data, len(m.keys), m.count)
				}
			}
		}
		if q, msg := parseLPos(args); msg == "" {
			if q.Rank == 0 || q.Count < -1 || q.MaxLen < 0 {
				t.Fatalf("parseLPos(%q) accepted %+v", data, q)
			}
		}
		if ms, msg := parseTimeout(data); msg == "" && ms < 0 {
			t.Fatalf("parseTimeout(%q) = %d", data, ms)
		}
		if n, ok := parseCount(data); ok && n < 0 {
			t.Fatalf("parseCount(%q) = %d", data, n)
		}
		parseSide(data)
	})
}

package main

import (
	"strings"
	"testing"
)

// TestFTErrorsEchoingInputStayOneLine (CVE-2025-67733): RediSearch errors
// that echo what the client sent (an index name, a field, a query) have
// its CR and LF as spaces, in RESP2 and RESP3, from a node and through
// the proxy over three alike: the reply is one line, and the next
// command's reply (a PING's) is the next one.
func TestFTErrorsEchoingInputStayOneLine(t *testing.T) {
	direct := startNode(t)
	via := serveProxyOver(t, startNode(t), startNode(t), startNode(t))
	for _, addr := range []string{direct, via} {
		dialProto(t, addr, 2).Do("FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "title", "TEXT", "year", "NUMERIC")
	}
	cmds := [][]string{
		{"FT.SEARCH", "idx\r\n+OK", "*"},
		{"FT.AGGREGATE", "idx\r\n+OK", "*"},
		{"FT.INFO", "idx\r\n+OK"},
		{"FT.SEARCH", "idx", "@nosuch\r\n+OK:{x}"},
		{"FT.SEARCH", "idx", "*", "LIMIT", "0", "x\r\n+OK"},
		{"FT.SEARCH", "idx", "*", "PARAMS", "2", "p\r\n+OK", "1", "DIALECT", "x\r\n"},
		{"FT.SEARCH", "idx", "*", "RETURN", "1", "x", "x\r\n+OK"},
		{"FT.AGGREGATE", "idx", "*", "GROUPBY", "1", "@no\r\n+OK"},
		{"FT.CREATE", "idx2", "SCHEMA", "f", "NOSUCH\r\n+OK"},
	}
	for _, proto := range []int{2, 3} {
		do := protoDo(proto)
		d, p := dialProto(t, direct, proto), dialProto(t, via, proto)
		for _, cmd := range cmds {
			got, want := do(p, cmd...), do(d, cmd...)
			if got != want {
				t.Errorf("RESP%d %q: proxy %q, node %q", proto, cmd, got, want)
			}
			if !strings.HasPrefix(want, "-") || strings.ContainsAny(strings.TrimSuffix(want, "\r\n"), "\r\n") {
				t.Errorf("RESP%d %q: node's reply %q is not a one-line error", proto, cmd, want)
			}
			if pd, pp := do(d, "PING"), do(p, "PING"); pd != "+PONG\r\n" || pp != "+PONG\r\n" {
				t.Fatalf("RESP%d %q: then PING answered %q from the node, %q through the proxy", proto, cmd, pd, pp)
			}
		}
	}
}

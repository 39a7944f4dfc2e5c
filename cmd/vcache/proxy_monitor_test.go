package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/testutil"
)

// monLine is a MONITOR line: time, db 0, source and arguments.
var monLine = regexp.MustCompile(`^\+\d+\.\d{6} \[0 ([^\]]+)\] (.*)\r\n$`)

// TestMonitorProxyAsNode: the same commands, sent straight to a vcache
// node and through a proxy over two vcache nodes, give the node's
// monitor and the proxy's monitor the same lines (arguments quoted and
// redacted alike, the same commands left out), each with its client's
// address.
func TestMonitorProxyAsNode(t *testing.T) {
	nodes := []string{startNode(t), startNode(t)}
	proxyAddr := serveProxyOver(t, nodes...)
	steps := [][]string{
		{"SET", "mk\x01", "a \"b\"\n\xff"},
		{"GET", "mk\x01"},
		{"AUTH", "not-a-password"},
		{"HELLO", "2", "AUTH", "default", "not-a-password"},
		{"CONFIG", "GET", "maxmemory"},
		{"CLIENT", "SETNAME", "mon"},
		{"CLIENT", "LIST"},
		{"NOSUCH"},
		{"GET"},
		{"ECHO", "end"},
	}
	lines := func(addr string) []string {
		m := testutil.Dial(t, addr)
		if got := m.Do("MONITOR"); got != "+OK\r\n" {
			t.Fatalf("%s: MONITOR = %q", addr, got)
		}
		c := testutil.Dial(t, addr)
		for _, s := range steps {
			c.Do(s...)
		}
		var out []string
		for {
			p := monLine.FindStringSubmatch(m.Recv())
			if p == nil {
				t.Fatalf("%s: not a monitor line", addr)
			}
			if p[1] != c.LocalAddr().String() {
				t.Fatalf("%s: line of %s, the client is %s", addr, p[1], c.LocalAddr())
			}
			out = append(out, p[2])
			if p[2] == `"ECHO" "end"` {
				return out
			}
		}
	}
	node, prox := lines(nodes[0]), lines(proxyAddr)
	if strings.Join(node, "\n") != strings.Join(prox, "\n") {
		t.Fatalf("the proxy's monitor:\n%s\nthe node's:\n%s", strings.Join(prox, "\n"), strings.Join(node, "\n"))
	}
	if len(node) != 6 {
		t.Fatalf("%d lines, want 6:\n%s", len(node), strings.Join(node, "\n"))
	}
}

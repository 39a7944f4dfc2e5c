package proxy

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/serving"
)

// TestRepliesEchoingInputStayOneLine (CVE-2025-67733): the proxy's own
// error replies that echo a client's text (an unknown command and its
// arguments, an ACL rule, a protocol error naming a byte) have its CR and
// LF as spaces, byte for byte as redis-server writes them: the reply is
// one line, and the next command's reply is the next one. On the event
// loop and on a connection's own goroutine alike.
func TestRepliesEchoingInputStayOneLine(t *testing.T) {
	ref := startRedis(t)
	exchange := func(addr, in string) string {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Error(err)
			return ""
		}
		defer c.Close()
		if _, err := c.Write([]byte(in)); err != nil {
			t.Error(err)
			return ""
		}
		_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
		out, _ := io.ReadAll(c) // the server closes after a protocol error
		return string(out)
	}
	inModes(t, func(t *testing.T, mode serving.Mode) {
		cfg := DefaultConfig()
		cfg.Serving = serving.NewGroup(mode, false)
		p := startProxy(t, cfg, startRedis(t).addr)
		pc, rc := dialRaw(t, p.addr), dialRaw(t, ref.addr)
		for _, cmd := range [][]string{
			{"X\r\n+INJECTED", "a\r\nb"},
			{"X\n+INJECTED"},
			{"FUNCTION", "LIST", "X\r\n+INJECTED"},
			{"ACL", "CAT", "x\r\n+OK"},
			{"ACL", "SETUSER", "u1", "x\r\n+OK"},
		} {
			got, want := pc.do(cmd...), rc.do(cmd...)
			if got != want {
				t.Errorf("%q: proxy %q, redis-server %q", cmd, got, want)
			}
			if strings.ContainsAny(strings.TrimSuffix(got, "\r\n"), "\r\n") {
				t.Errorf("%q: %q is not one line", cmd, got)
			}
			if pong := pc.do("PING"); pong != "+PONG\r\n" {
				t.Fatalf("%q: then PING answered %q", cmd, pong)
			}
		}
		for _, in := range []string{"*1\r\n\r\n", "*1\r\n\n", "*2\r\n$4\r\nECHO\r\n\xe9x\r\n"} {
			if got, want := exchange(p.addr, in), exchange(ref.addr, in); got != want {
				t.Errorf("%q: proxy %q, redis-server %q", in, got, want)
			}
		}
	})
}

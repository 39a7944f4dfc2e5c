package node

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// TestRepliesEchoingInputStayOneLine (CVE-2025-67733): error and status
// replies that echo what a client sent (a command or subcommand name, an
// option, an ACL rule, a script's error or status text) have its CR and
// LF as spaces, byte for byte as Debian's redis-server writes them, so a
// reply is one line: after each, a PING's reply is +PONG, not text the
// client smuggled in.
func TestRepliesEchoingInputStayOneLine(t *testing.T) {
	ref := (&testNode{addr: startRedisServer(t).Options().Addr}).raw(t)
	vc := startNode(t, nil).raw(t)
	sameAsRedis(t, vc, ref, []string{"CONFIG", "RESETSTAT"})
	for _, cmd := range [][]string{
		{"FUNCTION", "LIST", "X\r\n+INJECTED"},
		{"X\r\n+INJECTED", "a\r\nb"},
		{"OBJECT", "X\r\n+INJECTED"},
		{"CONFIG", "SET", "x\r\n+OK", "1"},
		{"ACL", "CAT", "x\r\n+OK"},
		{"ACL", "SETUSER", "u1", "x\r\n+OK"},
		{"ACL", "SETUSER", "u1", "%R\r\n~x"},
		{"EVAL", "return redis.status_reply('a\\r\\n+b')", "0"},
		{"EVAL", "return redis.error_reply('X\\r\\n+INJECTED')", "0"},
		{"EVAL", "error(redis.error_reply('X\\r\\n+INJECTED'))", "0"},
		{"EVAL", "return {err='a\\nb'}", "0"},
		{"EVAL", "return {ok='a\\nb'}", "0"},
		{"EVAL", "error('a\\r\\nb')", "0"},
		{"EVAL", "return redis.call('OBJECT', 'x\\r\\n+y')", "0"},
		{"EVAL", "return redis.pcall('OBJECT', 'x\\r\\n+y')", "0"},
		{"EVAL", "return redis.call('FUNCTION', 'LIST', 'x\\r\\n+y')", "0"},
	} {
		got, want := vc.exact(cmd...), ref.exact(cmd...)
		if got != want {
			t.Errorf("%q: vcache %q, redis-server %q", cmd, got, want)
		}
		if strings.Count(got, "\r\n") != 1 || strings.ContainsAny(strings.TrimSuffix(got, "\r\n"), "\r\n") {
			t.Errorf("%q: %q is not one line", cmd, got)
		}
		for name, rc := range map[string]*rawConn{"vcache": vc, "redis-server": ref} {
			if pong := rc.exact("PING"); pong != "+PONG\r\n" {
				t.Fatalf("%q: %s then answered PING with %q", cmd, name, pong)
			}
		}
	}
	// The errors are counted under their first word, which a CR or LF
	// ends as a space does.
	sameAsRedis(t, vc, ref, []string{"EVAL", "return {err='X\\r\\n+INJECTED'}", "0"},
		[]string{"EVAL", "return {err='Y\\nZ'}", "0"}, []string{"INFO", "errorstats"})
}

// TestProtocolErrorNamesByteAsRedis: a protocol error names the byte
// found where a bulk string was expected as Redis does: a CR or LF as a
// space, any other byte as it is.
func TestProtocolErrorNamesByteAsRedis(t *testing.T) {
	ref := startRedisServer(t).Options().Addr
	tn := startNode(t, nil)
	exchange := func(addr, in string) string {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Write([]byte(in)); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
		out, _ := io.ReadAll(c) // the server closes after a protocol error
		return string(out)
	}
	for _, in := range []string{"*1\r\n\r\n", "*1\r\n\n", "*2\r\n$4\r\nECHO\r\n\xe9x\r\n"} {
		if got, want := exchange(tn.addr, in), exchange(ref, in); got != want {
			t.Errorf("%q: vcache %q, redis-server %q", in, got, want)
		}
	}
}

// TestResp3SearchErrorsStayOneLine: a RediSearch error that echoes the
// index name a RESP3 client gave (written through the RESP3 conversion)
// has its CR and LF as spaces, as in RESP2.
func TestResp3SearchErrorsStayOneLine(t *testing.T) {
	tn := startNode(t, nil)
	c2, c3 := tn.raw(t), tn.raw(t)
	c3.Do3("HELLO", "3")
	for _, cmd := range [][]string{
		{"FT.SEARCH", "idx\r\n+OK", "*"},
		{"FT.AGGREGATE", "idx\r\n+OK", "*"},
		{"FT.INFO", "idx\r\n+OK"},
	} {
		want := c2.exact(cmd...)
		if strings.ContainsAny(strings.TrimSuffix(want, "\r\n"), "\r\n") || want[0] != '-' {
			t.Fatalf("%q: RESP2 reply %q", cmd, want)
		}
		if got := c3.Do3(cmd...); got != want {
			t.Errorf("%q: RESP3 %q, RESP2 %q", cmd, got, want)
		}
		if pong := c3.Do3("PING"); pong != "+PONG\r\n" {
			t.Fatalf("%q: then PING answered %q", cmd, pong)
		}
	}
}

// TestClientListCmdAsRedis: CLIENT LIST's cmd= of a connection whose last
// command was unknown, or a container's unknown subcommand (whose text
// could break CLIENT LIST's lines), is NULL, as redis-server says; a
// known one is named. The commands run one after the other on one
// connection, another lists the clients after each.
func TestClientListCmdAsRedis(t *testing.T) {
	rs := &testNode{addr: startRedisServer(t).Options().Addr}
	tn := startNode(t, nil)
	cmdOf := func(list string) string {
		for _, line := range strings.Split(list, "\n") {
			if strings.Contains(line, " name=a ") {
				_, rest, _ := strings.Cut(line, " cmd=")
				cmd, _, _ := strings.Cut(rest, " ")
				return cmd
			}
		}
		return "(no line)"
	}
	type pair struct{ a, b *rawConn }
	conns := []pair{{tn.raw(t), tn.raw(t)}, {rs.raw(t), rs.raw(t)}}
	for _, step := range [][]string{
		{"CLIENT", "SETNAME", "a"},
		{"CLIENT", "X\r\nid=1 addr=evil"},
		{"NOSUCH\nid=2"},
		{"PING"},
		{"NOSUCH"},
		{"PING"},
		{"PING"},
		{"CLIENT", "GETNAME"},
		{"CONFIG", "x\r\n"},
		{"LATENCY", "LATEST"},
		{"LATENCY", "nosuch"},
		{"OBJECT"},
		{"CLIENT", "GETNAME"},
		{"CLIENT", "GETNAME"},
		{"GET", "k"},
		{"GET", "k"},
	} {
		var got [2]string
		for i, p := range conns {
			p.a.exact(step...)
			p.b.Send("CLIENT", "LIST")
			v, err := p.b.ReadValue()
			if err != nil {
				t.Fatal(err)
			}
			got[i] = cmdOf(string(v.Str))
		}
		if got[0] != got[1] {
			t.Errorf("after %q: vcache cmd=%s, redis-server cmd=%s", step, got[0], got[1])
		}
	}
}

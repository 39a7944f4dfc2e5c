package proxy

import (
	"strings"
	"testing"
)

// TestCommandGetKeysAndFlags checks that the proxy answers COMMAND
// GETKEYSANDFLAGS (and COMMAND LIST's filters) from its own table as
// redis-server, its backend here, answers them, errors included.
func TestCommandGetKeysAndFlags(t *testing.T) {
	r := startRedis(t)
	p := startProxy(t, Config{}, r.addr)
	c, ref := dialRaw(t, p.addr), dialRaw(t, r.addr)
	for _, line := range []string{
		"set k1 v1", "set k1 v1 get", "mset k1 v1 k2 v2", "lmove k1 k2 left right",
		"sort k1 store k2", "zunionstore d 2 a b", "del a b", "eval x 0", "get", "nope k", "ping x",
	} {
		args := append([]string{"COMMAND", "GETKEYSANDFLAGS"}, strings.Fields(line)...)
		if got, want := c.do(args...), ref.do(args...); got != want {
			t.Errorf("COMMAND GETKEYSANDFLAGS %s: proxy %q, redis %q", line, trim(got), trim(want))
		}
	}
	// COMMAND LIST's filters, from the proxy's table too (lists of one
	// name: Redis lists several in no set order).
	for _, line := range []string{"bad_arg", "filterby pattern set", "filterby aclcat nosuch", "filterby module m"} {
		args := append([]string{"COMMAND", "LIST"}, strings.Fields(line)...)
		if got, want := c.do(args...), ref.do(args...); got != want {
			t.Errorf("COMMAND LIST %s: proxy %q, redis %q", line, trim(got), trim(want))
		}
	}
}

package proxy

import (
	"regexp"
	"testing"

	"github.com/vcache/vcache/internal/testutil"
)

// TestProxyRole checks ROLE through the proxy: a master with no
// replication stream of its own and no replicas beside it.
func TestProxyRole(t *testing.T) {
	p := startProxy(t, Config{}, startRedis(t).addr)
	c := testutil.Dial(t, p.addr)
	if got := c.Do("ROLE"); got != "*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n" {
		t.Fatalf("ROLE: %q", got)
	}
	if got := c.Do("ROLE", "x"); got != "-ERR wrong number of arguments for 'role' command\r\n" {
		t.Fatalf("ROLE x: %q", got)
	}
}

// TestProxyClientCmd runs the same commands on a proxy client and on a
// redis-server client and wants CLIENT INFO's and CLIENT LIST's cmd= the
// same on both: the command running (CLIENT INFO itself, as
// "client|info"), a subcommand as "container|sub", and another client's
// last command.
func TestProxyClientCmd(t *testing.T) {
	r := startRedis(t)
	p := startProxy(t, Config{}, r.addr)
	cmdOf := regexp.MustCompile(`(?m)^id=(\d+) .* cmd=(\S+) `)
	steps := [][]string{
		{"CLIENT", "INFO"},
		{"GET", "a"}, {"CLIENT", "INFO"},
		{"CONFIG", "GET", "maxmemory"}, {"client", "LIST"},
		{"NOSUCHCOMMAND"}, {"CLIENT", "INFO"},
		{"SET", "a", "1"}, {"PING"}, {"CLIENT", "INFO"},
	}
	run := func(addr string) []string {
		var out []string
		c, other := testutil.Dial(t, addr), testutil.Dial(t, addr)
		other.Do("HSET", "h", "f", "v")
		otherID, selfID := other.Do("CLIENT", "ID"), c.Do("CLIENT", "ID")
		for _, s := range steps {
			got := c.Do(s...)
			if s[0] != "CLIENT" && s[0] != "client" {
				continue
			}
			for _, m := range cmdOf.FindAllStringSubmatch(got, -1) {
				var who string
				switch ":" + m[1] + "\r\n" {
				case selfID:
					who = "self"
				case otherID:
					who = "other"
				default:
					continue // the proxy's own connections to redis-server
				}
				out = append(out, who+" "+m[2])
			}
		}
		return out
	}
	got, want := run(p.addr), run(r.addr)
	if len(want) != 6 || len(got) != len(want) {
		t.Fatalf("cmd= through the proxy %q, on redis-server %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("cmd= through the proxy %q, on redis-server %q", got, want)
		}
	}
}

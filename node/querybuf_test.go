package node

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/internal/testutil"
)

// queryBufOf returns the qbuf and qbuf-free fields of the client named
// name in CLIENT LIST.
func queryBufOf(t *testing.T, ctl *testutil.Conn, name string) string {
	t.Helper()
	re := regexp.MustCompile(`name=` + name + ` .*qbuf=(\d+) qbuf-free=(\d+)`)
	m := re.FindStringSubmatch(ctl.Do("CLIENT", "LIST"))
	if m == nil {
		t.Fatalf("no client %s in CLIENT LIST", name)
	}
	return m[1] + " " + m[2]
}

// TestIdleQueryBufferReleased checks, against redis-server, that the
// query buffer of a client idle for more than 2 s is given back (CLIENT
// LIST: qbuf=0 qbuf-free=0) and that the client is served as before
// afterwards, a large request included. On a node served by event loops.
func TestIdleQueryBufferReleased(t *testing.T) {
	rc := startRedisServer(t)
	tn := startNode(t, func(c *Config) { c.Serving = serving.NewGroup(serving.Loops, false) })
	for _, addr := range []string{rc.Options().Addr, tn.addr} {
		ctl, idle := testutil.Dial(t, addr), testutil.Dial(t, addr)
		idle.Do("CLIENT", "SETNAME", "idle")
		if got := queryBufOf(t, ctl, "idle"); got == "0 0" {
			t.Fatalf("%s: a client that just sent a command has no query buffer", addr)
		}
		testutil.WaitFor(t, 6*time.Second, func() bool { return queryBufOf(t, ctl, "idle") == "0 0" },
			addr+": the idle client's query buffer given back")
		big := strings.Repeat("v", 100_000)
		if got := idle.Do("SET", "big", big); got != "+OK\r\n" {
			t.Fatalf("%s: SET after the release = %q", addr, got)
		}
		if got := idle.Do("STRLEN", "big"); got != ":100000\r\n" {
			t.Fatalf("%s: STRLEN = %q", addr, got)
		}
	}
}

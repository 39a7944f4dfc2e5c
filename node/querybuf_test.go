package node

import (
	"regexp"
	"strconv"
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

// queryBufSize returns qbuf + qbuf-free of the client named name in
// CLIENT LIST: the size of its query buffer.
func queryBufSize(t *testing.T, ctl *testutil.Conn, name string) int {
	t.Helper()
	f := strings.Fields(queryBufOf(t, ctl, name))
	used, _ := strconv.Atoi(f[0])
	free, _ := strconv.Atoi(f[1])
	return used + free
}

// TestQueryBufferFitsRecentPeak checks, against redis-server, that a
// query buffer grown by a 400 kB SET is resized to the client's recent
// requests once it sends only small ones (CLIENT LIST: qbuf + qbuf-free
// falls below its size after the large SET within a second, and is not
// 0: the client is not idle), on event loops and on a goroutine per
// connection; and that the node's used_memory no longer counts the
// grown buffer (the small SETs write another key, so the large value
// stays).
func TestQueryBufferFitsRecentPeak(t *testing.T) {
	rc := startRedisServer(t)
	check := func(t *testing.T, addr string, used func() int64) {
		ctl, c := testutil.Dial(t, addr), testutil.Dial(t, addr)
		c.Do("CLIENT", "SETNAME", "grown")
		c.Do("SET", "x", strings.Repeat("A", 400_000))
		grown := queryBufSize(t, ctl, "grown")
		if grown <= 32<<10 {
			t.Fatalf("%s: query buffer of %d bytes after a 400 kB SET, want over 32 kB", addr, grown)
		}
		var grownUsed int64
		if used != nil {
			grownUsed = used()
		}
		deadline := time.Now().Add(time.Second)
		size := grown
		for size >= grown && time.Now().Before(deadline) {
			if got := c.Do("SET", "y", strings.Repeat("A", 100)); got != "+OK\r\n" {
				t.Fatalf("%s: SET = %q", addr, got)
			}
			size = queryBufSize(t, ctl, "grown")
			time.Sleep(10 * time.Millisecond)
		}
		if size <= 0 || size >= grown {
			t.Fatalf("%s: query buffer of %d bytes after a second of small SETs, want more than 0 and less than %d", addr, size, grown)
		}
		if used == nil {
			return
		}
		if u := used(); grownUsed-u < int64(grown-size)/2 {
			t.Fatalf("%s: used_memory %d with the grown buffer, %d after it shrank from %d to %d bytes", addr, grownUsed, u, grown, size)
		}
	}
	check(t, rc.Options().Addr, nil)
	inEachServingMode(t, func(t *testing.T, tn *testNode) {
		c := tn.client(t)
		check(t, tn.addr, func() int64 { return usedMemory(t, c) })
	})
}

package testutil

import (
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// QueryBufOf returns the qbuf and qbuf-free fields of the client named
// name in CLIENT LIST asked on ctl, as "qbuf qbuf-free".
func QueryBufOf(t testing.TB, ctl *Conn, name string) string {
	t.Helper()
	re := regexp.MustCompile(`name=` + name + ` .*qbuf=(\d+) qbuf-free=(\d+)`)
	m := re.FindStringSubmatch(ctl.Do("CLIENT", "LIST"))
	if m == nil {
		t.Fatalf("no client %s in CLIENT LIST", name)
	}
	return m[1] + " " + m[2]
}

// QueryBufSize returns qbuf + qbuf-free of the client named name in
// CLIENT LIST: the size of its query buffer.
func QueryBufSize(t testing.TB, ctl *Conn, name string) int {
	t.Helper()
	f := strings.Fields(QueryBufOf(t, ctl, name))
	used, _ := strconv.Atoi(f[0])
	free, _ := strconv.Atoi(f[1])
	return used + free
}

// CheckQueryBufFitsPeak sends a 400 kB SET from a client of addr, then
// small SETs for up to a second, and checks that its query buffer (CLIENT
// LIST) grew past 32 kB and then shrank below that, and not to 0 (the
// client is not idle), as Redis resizes a query buffer to its recent
// peak. With used (a server's used_memory, nil for none) it also checks
// that the memory counted drops by at least half of what the buffer gave
// back (the large value stays, under key x: the small SETs write y).
func CheckQueryBufFitsPeak(t testing.TB, addr string, used func() int64) {
	t.Helper()
	ctl, c := Dial(t, addr), Dial(t, addr)
	c.Do("CLIENT", "SETNAME", "grown")
	c.Do("SET", "x", strings.Repeat("A", 400_000))
	grown := QueryBufSize(t, ctl, "grown")
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
		size = QueryBufSize(t, ctl, "grown")
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

// CheckIdleQueryBufReleased checks that the query buffer of a client of
// addr idle for more than 2 s is given back (CLIENT LIST: qbuf=0
// qbuf-free=0), as Redis frees it, and that the client is served as
// before afterwards, a large request included.
func CheckIdleQueryBufReleased(t testing.TB, addr string) {
	t.Helper()
	ctl, idle := Dial(t, addr), Dial(t, addr)
	idle.Do("CLIENT", "SETNAME", "idle")
	if got := QueryBufOf(t, ctl, "idle"); got == "0 0" {
		t.Fatalf("%s: a client that just sent a command has no query buffer", addr)
	}
	WaitFor(t, 6*time.Second, func() bool { return QueryBufOf(t, ctl, "idle") == "0 0" },
		addr+": the idle client's query buffer given back")
	big := strings.Repeat("v", 100_000)
	if got := idle.Do("SET", "big", big); got != "+OK\r\n" {
		t.Fatalf("%s: SET after the release = %q", addr, got)
	}
	if got := idle.Do("STRLEN", "big"); got != ":100000\r\n" {
		t.Fatalf("%s: STRLEN = %q", addr, got)
	}
}

// CheckGrownQueryBufsFreed checks, for a server running in the test's
// process at addr, that the heap drops by the room its clients' grown
// query buffers give back: 20 clients each send a 600 kB SET, then PINGs
// for a second; each buffer held at least the request and, fitted, is
// 16 kB again, so the heap after a collection must be 20 × 400 kB
// smaller.
func CheckGrownQueryBufsFreed(t testing.TB, addr string) {
	t.Helper()
	const n = 20
	cs := make([]*Conn, n)
	for i := range cs {
		cs[i] = Dial(t, addr)
		if got := cs[i].Do("SET", "big"+strconv.Itoa(i), strings.Repeat("A", 600_000)); got != "+OK\r\n" {
			t.Fatalf("%s: SET = %q", addr, got)
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	grown := heap()
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); {
		for _, c := range cs {
			c.Do("PING")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if after := heap(); grown < after || grown-after < n*400_000 {
		t.Fatalf("%s: heap %d bytes with %d grown query buffers, %d after a second of PINGs: want %d bytes less", addr, grown, n, after, n*400_000)
	}
}

// CheckIdleTimeoutAfterRelease checks, on a server at addr whose idle
// timeout is 4 s, that a client's query buffer is given back before the
// timeout (CLIENT LIST: qbuf=0 qbuf-free=0), that the client is served
// after it, and that, idle again, it is closed about 4 s after its last
// command: the release and the timeout share a goroutine's read deadline.
func CheckIdleTimeoutAfterRelease(t testing.TB, addr string) {
	t.Helper()
	ctl, idle := Dial(t, addr), Dial(t, addr)
	idle.Do("CLIENT", "SETNAME", "idle")
	WaitFor(t, 3500*time.Millisecond, func() bool { return QueryBufOf(t, ctl, "idle") == "0 0" },
		addr+": the idle client's buffer given back before its timeout")
	if got := idle.Do("PING"); got != "+PONG\r\n" {
		t.Fatalf("%s: PING after the release = %q", addr, got)
	}
	start := time.Now()
	idle.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := idle.ReadRaw(); err == nil {
		t.Fatalf("%s: the idle client got a reply, want its connection closed", addr)
	}
	if d := time.Since(start); d < 3*time.Second || d > 8*time.Second {
		t.Fatalf("%s: the idle client was closed %v after its last command, want about 4 s", addr, d)
	}
}

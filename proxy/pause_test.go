package proxy

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/internal/testutil"
)

// proxyPauseTranscript runs CLIENT PAUSE scenarios against the server at
// addr and returns what its clients saw.
func proxyPauseTranscript(t *testing.T, addr string) []string {
	var out []string
	note := func(s string) { out = append(out, s) }
	ctl := testutil.Dial(t, addr)
	held := func() int {
		m := regexp.MustCompile(`blocked_clients:(\d+)`).FindStringSubmatch(ctl.Do("INFO", "clients"))
		if m == nil {
			t.Fatal("no blocked_clients in INFO")
		}
		v, _ := strconv.Atoi(m[1])
		return v
	}
	waitHeld := func(want int) {
		t.Helper()
		testutil.WaitFor(t, 5*time.Second, func() bool { return held() == want }, fmt.Sprintf("%d blocked clients", want))
	}
	send := func(c *testutil.Conn, args ...string) {
		c.Send(args...)
		c.Flush()
	}
	for _, k := range []string{"k", "l", "x", "n", "p", "gone"} {
		ctl.Do("DEL", k)
	}
	for _, args := range [][]string{
		{"CLIENT", "PAUSE"}, {"CLIENT", "PAUSE", "abc"}, {"CLIENT", "PAUSE", "-1"},
		{"CLIENT", "PAUSE", "10", "foo"}, {"CLIENT", "PAUSE", "10", "WRITE", "x"},
		{"CLIENT", "UNPAUSE", "x"}, {"CLIENT", "UNPAUSE"},
	} {
		note(strings.Join(args, " ") + " -> " + ctl.Do(args...))
	}

	// WRITE: writes and PUBLISH wait; reads and read-only scripts go on.
	w, pub := testutil.Dial(t, addr), testutil.Dial(t, addr)
	wid := strings.TrimSpace(strings.TrimPrefix(w.Do("CLIENT", "ID"), ":"))
	note(ctl.Do("CLIENT", "PAUSE", "100000", "WRITE"))
	send(w, "SET", "k", "v")
	waitHeld(1)
	send(pub, "PUBLISH", "ch", "m")
	waitHeld(2)
	flags := regexp.MustCompile(`flags=(\S+)`).FindStringSubmatch(ctl.Do("CLIENT", "LIST", "ID", wid))
	note("held client flags " + flags[1])
	note(ctl.Do("PING"))
	note(ctl.Do("GET", "k"))
	note(ctl.Do("EVAL", "#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])", "1", "k"))
	note(ctl.Do("CLIENT", "UNPAUSE"))
	note("held: " + w.Recv() + pub.Recv())

	// Pipelined commands wait behind the held one.
	note(ctl.Do("CLIENT", "PAUSE", "100000", "WRITE"))
	w.Send("GET", "p")
	w.Send("SET", "p", "1")
	w.Send("GET", "p")
	w.Flush()
	waitHeld(1)
	note(ctl.Do("GET", "p"))
	note(ctl.Do("CLIENT", "UNPAUSE"))
	note(w.Recv() + w.Recv() + w.Recv())

	// In order.
	note(ctl.Do("CLIENT", "PAUSE", "100000", "WRITE"))
	var cs []*testutil.Conn
	for i := range 5 {
		c := testutil.Dial(t, addr)
		send(c, "RPUSH", "l", strconv.Itoa(i))
		waitHeld(i + 1)
		cs = append(cs, c)
	}
	note(ctl.Do("CLIENT", "UNPAUSE"))
	for _, c := range cs {
		note("in order: " + c.Recv())
	}

	// MULTI: a write waits before it is queued, EXEC of writes waits.
	m := testutil.Dial(t, addr)
	note(m.Do("MULTI"))
	note(ctl.Do("CLIENT", "PAUSE", "100000", "WRITE"))
	send(m, "SET", "x", "1")
	waitHeld(1)
	note(ctl.Do("CLIENT", "UNPAUSE"))
	note(m.Recv())
	note(ctl.Do("CLIENT", "PAUSE", "100000", "WRITE"))
	send(m, "EXEC")
	waitHeld(1)
	note(ctl.Do("GET", "x"))
	note(ctl.Do("CLIENT", "UNPAUSE"))
	note(m.Recv())

	// ALL, and a pause that ends by itself.
	note(ctl.Do("CLIENT", "PAUSE", "400", "WRITE"))
	note(ctl.Do("CLIENT", "PAUSE", "50", "ALL"))
	start := time.Now()
	note(w.Do("PING"))
	note(fmt.Sprint("PING held 250ms or more: ", time.Since(start) >= 250*time.Millisecond))
	note(ctl.Do("CLIENT", "PAUSE", "300", "WRITE"))
	start = time.Now()
	note(w.Do("INCR", "n"))
	note(fmt.Sprint("write held 200ms or more: ", time.Since(start) >= 200*time.Millisecond))

	// A held client that goes away is forgotten; its command never runs.
	note(ctl.Do("CLIENT", "PAUSE", "100000", "WRITE"))
	gone := testutil.Dial(t, addr)
	send(gone, "SET", "gone", "1")
	waitHeld(1)
	gone.Close()
	waitHeld(0)
	note(ctl.Do("CLIENT", "UNPAUSE"))
	note(ctl.Do("EXISTS", "gone"))
	return out
}

// TestClientPauseThroughProxy checks that CLIENT PAUSE through the proxy
// holds the proxy's clients as redis-server holds its own, with both
// serving modes, and that the nodes are not paused.
func TestClientPauseThroughProxy(t *testing.T) {
	ref := startRedis(t)
	want := proxyPauseTranscript(t, ref.addr)
	for _, mode := range []serving.Mode{serving.Loops, serving.Goroutines} {
		t.Run(mode.String(), func(t *testing.T) {
			rs := startRedises(t, 2)
			p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
			got := proxyPauseTranscript(t, p.addr)
			for i := range max(len(got), len(want)) {
				var g, w string
				if i < len(got) {
					g = got[i]
				}
				if i < len(want) {
					w = want[i]
				}
				if g != w {
					t.Errorf("step %d: proxy %q, redis-server %q", i, g, w)
				}
			}
			// The nodes themselves were never paused: a write straight to
			// a node is answered while the proxy's clients are held.
			ctl := testutil.Dial(t, p.addr)
			ctl.Do("CLIENT", "PAUSE", "100000", "WRITE")
			if got := testutil.Dial(t, rs[0].addr).Do("SET", "direct", "1"); got != "+OK\r\n" {
				t.Errorf("SET on a node during the proxy's pause: %q", got)
			}
			ctl.Do("CLIENT", "UNPAUSE")
		})
	}
}

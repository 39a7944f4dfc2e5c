package proxy

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/internal/testutil"
)

// TestClientPauseThroughProxy checks that CLIENT PAUSE through the proxy
// holds the proxy's clients as redis-server holds its own
// (testutil.PauseTranscript), with both serving modes, and that the nodes
// are not paused.
func TestClientPauseThroughProxy(t *testing.T) {
	ref := startRedis(t)
	want := testutil.PauseTranscript(t, ref.addr, testutil.PauseParts{})
	for _, mode := range []serving.Mode{serving.Loops, serving.Goroutines} {
		t.Run(mode.String(), func(t *testing.T) {
			rs := startRedises(t, 2)
			p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
			testutil.SameTranscript(t, "proxy", testutil.PauseTranscript(t, p.addr, testutil.PauseParts{}), want)
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

// TestClientPauseHoldsNodesExpiry checks what the proxy's CLIENT PAUSE
// sends the nodes (pause_expiry.go), on fake nodes: the hold under the
// proxy's id with the lease, before CLIENT PAUSE answers; renewals every
// third of the lease while the pause lasts, which a node that never
// answers does not hold up; the release before CLIENT UNPAUSE answers.
func TestClientPauseHoldsNodesExpiry(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	ok := startFakeNode(t, func(_ *fakeConn, args []string) string {
		mu.Lock()
		seen = append(seen, strings.Join(args, " "))
		mu.Unlock()
		return "+OK\r\n"
	})
	release := make(chan struct{})
	hung := startFakeNode(t, func(_ *fakeConn, args []string) string {
		<-release
		return "+OK\r\n"
	})
	t.Cleanup(func() { close(release) }) // runs before the fake nodes stop
	cfg := DefaultConfig()
	cfg.PauseLease = 300 * time.Millisecond
	p := startProxy(t, cfg, ok.addr, hung.addr)
	c := testutil.Dial(t, p.addr)
	holds := func() (n int, last string) {
		mu.Lock()
		defer mu.Unlock()
		for _, s := range seen {
			if strings.HasPrefix(s, "VCACHE.HOLDEXPIRY ") {
				n++
				last = s
			}
		}
		return n, last
	}
	start := time.Now()
	if got := c.Do("CLIENT", "PAUSE", "100000", "WRITE"); got != "+OK\r\n" {
		t.Fatalf("CLIENT PAUSE: %q", got)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("CLIENT PAUSE took %v with a node that never answers", d)
	}
	if n, last := holds(); n < 1 || last != "VCACHE.HOLDEXPIRY "+p.nodeID+" 300" {
		t.Fatalf("holds sent before CLIENT PAUSE answered: %d, the last %q", n, last)
	}
	testutil.WaitFor(t, 5*time.Second, func() bool { n, _ := holds(); return n >= 5 }, "renewals every 100 ms")
	if got := c.Do("CLIENT", "UNPAUSE"); got != "+OK\r\n" {
		t.Fatalf("CLIENT UNPAUSE: %q", got)
	}
	mu.Lock()
	last := seen[len(seen)-1]
	mu.Unlock()
	if last != "VCACHE.RELEASEEXPIRY "+p.nodeID {
		t.Errorf("the last command a node got before CLIENT UNPAUSE answered: %q", last)
	}
}

// TestClientPauseRefusesAtOnce checks that during a WRITE pause a write
// the session's user may not run gets NOPERM at once, as in Redis, which
// checks permissions before the pause, while one pipelined behind the
// AUTH that permits it waits; through the proxy as on redis-server, in
// both serving modes.
func TestClientPauseRefusesAtOnce(t *testing.T) {
	run := func(t *testing.T, addr string) []string {
		var out []string
		ctl := testutil.Dial(t, addr)
		ctl.Do("ACL", "SETUSER", "reader", "on", ">r3ad", "+@read", "~*")
		ctl.Do("ACL", "SETUSER", "writer", "on", ">wr1te", "+@all", "~*")
		defer ctl.Do("ACL", "DELUSER", "reader", "writer")
		out = append(out, ctl.Do("CLIENT", "PAUSE", "100000", "WRITE"))
		r := testutil.Dial(t, addr)
		out = append(out, r.Do("AUTH", "reader", "r3ad"))
		// (Redis 7.0 words the error "this user has no permissions...")
		out = append(out, fmt.Sprint("SET refused at once: ", strings.HasPrefix(r.Do("SET", "pk", "1"), "-NOPERM ")))
		w := testutil.Dial(t, addr)
		w.Send("AUTH", "writer", "wr1te")
		w.Send("SET", "pk", "2")
		w.Flush()
		out = append(out, w.Recv())
		testutil.WaitFor(t, 5*time.Second, func() bool {
			return strings.Contains(ctl.Do("INFO", "clients"), "blocked_clients:1\r\n")
		}, "the writer's SET held")
		out = append(out, ctl.Do("GET", "pk"), ctl.Do("CLIENT", "UNPAUSE"), w.Recv(), ctl.Do("GET", "pk"))
		ctl.Do("DEL", "pk")
		return out
	}
	want := run(t, startRedis(t).addr)
	for _, mode := range []serving.Mode{serving.Loops, serving.Goroutines} {
		t.Run(mode.String(), func(t *testing.T) {
			p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(startRedises(t, 2)...)...)
			testutil.SameTranscript(t, "proxy", run(t, p.addr), want)
		})
	}
}

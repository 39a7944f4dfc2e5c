package proxy

import (
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

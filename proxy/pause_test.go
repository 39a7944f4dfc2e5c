package proxy

import (
	"testing"

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

package node

import (
	"fmt"
	"testing"

	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/internal/testutil"
)

// TestClientPauseAsRedis runs the CLIENT PAUSE scenarios
// (testutil.PauseTranscript, with scripts and expiry) on a node, in both
// serving modes, and on redis-server 7.0, and compares what their clients
// saw. The node is served by one event loop, by as many as it likes, and
// by a goroutine per connection.
func TestClientPauseAsRedis(t *testing.T) {
	rc := startRedisServer(t)
	parts := testutil.PauseParts{Scripts: true, Expiry: true}
	want := testutil.PauseTranscript(t, rc.Options().Addr, parts)
	for _, mode := range []struct {
		io    serving.Mode
		loops int
	}{{serving.Loops, 1}, {serving.Loops, 0}, {serving.Goroutines, 0}} {
		// One event loop: a held client must not hold it.
		t.Run(fmt.Sprintf("%v,IOThreads=%d", mode.io, mode.loops), func(t *testing.T) {
			tn := startNode(t, func(c *Config) { c.Serving, c.IOThreads = serving.NewGroup(mode.io, false), mode.loops })
			testutil.SameTranscript(t, "vcache", testutil.PauseTranscript(t, tn.addr, parts), want)
		})
	}
}

package node

import (
	"fmt"
	"strings"
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

// TestVcacheMayWrite checks the proxy's question to a node during its
// pause: whether a WRITE pause holds a command by its first argument, a
// script's or function's flags as the node knows them (one it does not
// know may write, as Redis holds it).
func TestVcacheMayWrite(t *testing.T) {
	c := testutil.Dial(t, startNode(t, nil).addr)
	ro := strings.Split(c.Do("SCRIPT", "LOAD", "#!lua flags=no-writes\nreturn 1"), "\r\n")[1]
	rw := strings.Split(c.Do("SCRIPT", "LOAD", "return 1"), "\r\n")[1]
	c.Do("FUNCTION", "LOAD", "#!lua name=lib\n"+
		"redis.register_function{function_name='fro', callback=function() return 1 end, flags={'no-writes'}}\n"+
		"redis.register_function('frw', function() return 1 end)")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"EVALSHA", ro}, ":0\r\n"},
		{[]string{"evalsha", strings.ToUpper(ro)}, ":0\r\n"},
		{[]string{"EVALSHA", rw}, ":1\r\n"},
		{[]string{"EVALSHA", strings.Repeat("0", 40)}, ":1\r\n"},
		{[]string{"FCALL", "fro"}, ":0\r\n"},
		{[]string{"FCALL", "frw"}, ":1\r\n"},
		{[]string{"FCALL", "nosuch"}, ":1\r\n"},
		{[]string{"EVAL", "#!lua flags=no-writes\nreturn 1"}, ":0\r\n"},
		{[]string{"EVAL", "return 1"}, ":1\r\n"},
		{[]string{"EVALSHA_RO", rw}, ":0\r\n"},
		{[]string{"SET", "k"}, ":1\r\n"},
		{[]string{"PUBLISH", "ch"}, ":1\r\n"},
		{[]string{"GET", "k"}, ":0\r\n"},
		{[]string{"NOSUCH", "x"}, "-ERR unknown command 'NOSUCH', with args beginning with: 'x' \r\n"},
	} {
		if got := c.Do(append([]string{"VCACHE.MAYWRITE"}, tc.args...)...); got != tc.want {
			t.Errorf("VCACHE.MAYWRITE %q: %q, want %q", tc.args, got, tc.want)
		}
	}
}

package main

import (
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/testutil"
)

// nodeAndProxy starts one node, and a proxy over three others, and
// returns a connection to each and same, which sends a command to both,
// reports a test error where the replies differ and returns the proxy's.
func nodeAndProxy(t *testing.T) (direct, via *testutil.Conn, same func(args ...string) string) {
	t.Helper()
	direct = testutil.Dial(t, startNode(t))
	via = testutil.Dial(t, serveProxyOver(t, startNode(t), startNode(t), startNode(t)))
	return direct, via, func(args ...string) string {
		t.Helper()
		want, got := direct.Do(args...), via.Do(args...)
		if got != want {
			t.Errorf("%.100q:\n proxy:  %.400q\n direct: %.400q", strings.Join(args, " "), got, want)
		}
		return got
	}
}

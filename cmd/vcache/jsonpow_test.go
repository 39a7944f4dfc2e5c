package main

import (
	"fmt"
	"testing"

	"github.com/vcache/vcache/internal/testutil"
)

// TestJSONNumPowByThroughProxy: JSON.NUMPOWBY reaches each key's node
// through the proxy and answers as on one node.
func TestJSONNumPowByThroughProxy(t *testing.T) {
	direct := testutil.Dial(t, startNode(t))
	via := testutil.Dial(t, serveProxyOver(t, startNode(t), startNode(t), startNode(t)))
	for i := range 12 {
		key := fmt.Sprintf("j:%d", i)
		for _, c := range []*testutil.Conn{direct, via} {
			c.Do("JSON.SET", key, "$", fmt.Sprintf(`{"n":%d,"f":1.5}`, i))
		}
		for _, args := range [][]string{
			{"JSON.NUMPOWBY", key, "$.n", "3"},
			{"JSON.NUMPOWBY", key, "$..*", "2"},
			{"JSON.NUMPOWBY", key, ".f", "-0.5"},
			{"JSON.NUMPOWBY", key, "$.n", "-1"},
			{"JSON.GET", key},
		} {
			want, got := direct.Do(args...), via.Do(args...)
			if got != want {
				t.Fatalf("%q: proxy %q, node %q", args, got, want)
			}
		}
	}
	if got := via.Do("JSON.GET", "j:2"); got != "$31\r\n{\"n\":64,\"f\":0.6666666666666666}\r\n" {
		t.Fatalf("j:2 after the powers: %q", got)
	}
}

package proxy

import (
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/internal/testutil"
)

// TestSetReadsAcrossShardsRESP3: the sets the proxy gathers from several
// nodes (SUNION, SINTER, SDIFF) reach a RESP3 client as sets, as one
// Redis 7.0 answers them, and a RESP2 client as arrays.
func TestSetReadsAcrossShardsRESP3(t *testing.T) {
	rs := startRedises(t, 2)
	p := startProxy(t, Config{Serving: serving.NewGroup(serving.Goroutines, false)}, addrs(rs...)...)
	a, b := keysOn(p.router, 0, 1, "a")[0], keysOn(p.router, 1, 1, "b")[0]
	c2, c3 := testutil.Dial(t, p.addr), testutil.Dial(t, p.addr)
	c3.Do3("HELLO", "3")
	c2.Do("SADD", a, "x", "y")
	c2.Do("SADD", b, "y", "z")
	for _, c := range []struct {
		line    []string
		resp3   string
		resp2   string
		unorder bool
	}{
		{[]string{"SINTER", a, b}, "~1\r\n$1\r\ny\r\n", "*1\r\n$1\r\ny\r\n", false},
		{[]string{"SDIFF", a, b}, "~1\r\n$1\r\nx\r\n", "*1\r\n$1\r\nx\r\n", false},
		{[]string{"SINTER", a, "missing"}, "~0\r\n", "*0\r\n", false},
		{[]string{"SUNION", a, b}, "~3\r\n", "*3\r\n", true},
	} {
		got3, got2 := c3.Do3(c.line...), c2.Do(c.line...)
		ok := got3 == c.resp3 && got2 == c.resp2
		if c.unorder { // the members' order is not fixed: the header only
			ok = strings.HasPrefix(got3, c.resp3) && strings.HasPrefix(got2, c.resp2)
		}
		if !ok {
			t.Errorf("%q: RESP3 %q, RESP2 %q; want %q and %q", c.line, got3, got2, c.resp3, c.resp2)
		}
	}
	if got := c3.Do3("SUNION", a, b); strings.Count(got, "$1\r\n") != 3 {
		t.Errorf("SUNION = %q, want 3 members", got)
	}
}

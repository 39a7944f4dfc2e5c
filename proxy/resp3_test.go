package proxy

import (
	"strconv"
	"strings"
	"testing"

	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/internal/testutil"
)

// TestRESP3Golden replays the node's RESP3 golden file (exact bytes of
// redis-server 7.0.15) through the proxy: the nodes answer it in RESP2 and
// the proxy converts each reply for its RESP3 client.
func TestRESP3Golden(t *testing.T) {
	r := startRedis(t)
	inModes(t, func(t *testing.T, mode serving.Mode) {
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, r.addr)
		testutil.RESP3Golden(t, p.addr, "../node/testdata/resp3/replies.txt")
	})
}

// TestRESP3PerClient: each client keeps its own protocol, whatever the
// others speak, on the same node connections.
func TestRESP3PerClient(t *testing.T) {
	r := startRedis(t)
	inModes(t, func(t *testing.T, mode serving.Mode) {
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, r.addr)
		c2, c3 := testutil.Dial(t, p.addr), testutil.Dial(t, p.addr)
		c3.Do3("HELLO", "3")
		c2.Do("HSET", "h", "f", "v")
		for i := 0; i < 20; i++ {
			// Pipelined, interleaved: replies must not change form
			// between the clients.
			c2.Send("HGETALL", "h")
			c3.Send("HGETALL", "h")
			c2.Send("GET", "nokey")
			c3.Send("GET", "nokey")
			c2.Flush()
			if got, want := c3.Recv3(), "%1\r\n$1\r\nf\r\n$1\r\nv\r\n"; got != want {
				t.Fatalf("RESP3 HGETALL = %q, want %q", got, want)
			}
			if got := c3.Recv3(); got != "_\r\n" {
				t.Fatalf("RESP3 GET nokey = %q", got)
			}
			if got, want := c2.Recv(), "*2\r\n$1\r\nf\r\n$1\r\nv\r\n"; got != want {
				t.Fatalf("RESP2 HGETALL = %q, want %q", got, want)
			}
			if got := c2.Recv(); got != "$-1\r\n" {
				t.Fatalf("RESP2 GET nokey = %q", got)
			}
		}
		if got := c3.Do3("CLUSTER", "INFO"); !strings.HasPrefix(got, "=") || !strings.Contains(got, "\r\ntxt:cluster_state:ok\r\n") {
			t.Errorf("CLUSTER INFO = %q, want a verbatim string", got)
		}
		if got := c2.Do("CLUSTER", "INFO"); !strings.HasPrefix(got, "$") {
			t.Errorf("RESP2 CLUSTER INFO = %q, want a bulk string", got)
		}
		list := c3.Do3("CLIENT", "LIST")
		if strings.Count(list, " resp=3 ") != 1 || strings.Count(list, " resp=2 ") != 1 {
			t.Errorf("CLIENT LIST = %q, want one client of each protocol", list)
		}
		// A pipeline that switches protocol half way: each reply in the
		// protocol spoken when its command was sent.
		c2.Send("GET", "nokey")
		c2.Send("HELLO", "3")
		c2.Send("GET", "nokey")
		c2.Send("HELLO", "2")
		c2.Send("GET", "nokey")
		c2.Flush()
		got := []string{c2.Recv3(), c2.Recv3(), c2.Recv3(), c2.Recv3(), c2.Recv3()}
		if got[0] != "$-1\r\n" || !strings.HasPrefix(got[1], "%7\r\n") || got[2] != "_\r\n" ||
			!strings.HasPrefix(got[3], "*14\r\n") || got[4] != "$-1\r\n" {
			t.Errorf("GET, HELLO 3, GET, HELLO 2, GET = %q", got)
		}
	})
}

// TestGoRedisBothProtocols runs go-redis speaking RESP3 and RESP2 through
// the proxy.
func TestGoRedisBothProtocols(t *testing.T) {
	r := startRedis(t)
	inModes(t, func(t *testing.T, mode serving.Mode) {
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, r.addr)
		for _, proto := range []int{3, 2} {
			t.Run("RESP"+strconv.Itoa(proto), func(t *testing.T) {
				testutil.CheckGoRedis(t, p.addr, proto, "gr"+mode.String())
			})
		}
	})
}

// TestRueidis: a RESP3-only client works through the proxy.
func TestRueidis(t *testing.T) {
	r := startRedis(t)
	inModes(t, func(t *testing.T, mode serving.Mode) {
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, r.addr)
		testutil.CheckRueidis(t, p.addr, "ru"+mode.String())
	})
}

// TestRESP3Exec: a transaction's replies are converted one by one, each
// by its own command's shape.
func TestRESP3Exec(t *testing.T) {
	r := startRedis(t)
	p := startProxy(t, Config{}, r.addr)
	c := testutil.Dial(t, p.addr)
	c.Do3("HELLO", "3")
	c.Do3("HSET", "{t}h", "f", "v")
	c.Do3("MULTI")
	c.Do3("GET", "{t}nokey")
	c.Do3("HGETALL", "{t}h")
	c.Do3("HRANDFIELD", "{t}h", "-1", "WITHVALUES")
	if got, want := c.Do3("EXEC"), "*3\r\n_\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n*1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"; got != want {
		t.Errorf("EXEC = %q, want %q", got, want)
	}
}

// TestRESP3StreamsGolden replays the node's streams golden file (XREAD,
// XINFO as redis-server 7.0.15 sends them in RESP3) through the proxy.
func TestRESP3StreamsGolden(t *testing.T) {
	r := startRedis(t)
	p := startProxy(t, Config{Serving: serving.NewGroup(serving.Goroutines, false)}, r.addr)
	testutil.RESP3Golden(t, p.addr, "../node/testdata/resp3/streams.txt")
}

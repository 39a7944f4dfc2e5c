package node

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/testutil"
)

// TestUnauthenticatedLimitsAsRedis sends, with requirepass set, commands
// of more than 10 arguments or with an argument over 16 KiB before and
// after AUTH (in the same write), to a node and to redis-server, and wants
// the same bytes back: the protocol errors before AUTH, the commands run
// after it.
func TestUnauthenticatedLimitsAsRedis(t *testing.T) {
	tn := startNode(t, nil)
	ref := startRedisServer(t)
	big := resp.AppendCommand(nil, "RPUSH", "l", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10")
	long := resp.AppendCommand(nil, "ECHO", strings.Repeat("x", 16<<10+1))
	auth := resp.AppendCommand(nil, "AUTH", "s3cret")
	cat := func(parts ...[]byte) []byte { return []byte(strings.Join(bytesToStrings(parts), "")) }
	exchange := func(addr string, in []byte) string {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Write(in); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
		out, _ := io.ReadAll(c) // the server closes after a protocol error; else the deadline ends it
		return string(out)
	}
	for _, addr := range []string{tn.addr, ref.Options().Addr} {
		testutil.Dial(t, addr).Do("CONFIG", "SET", "requirepass", "s3cret")
	}
	for _, in := range [][]byte{
		big, long, []byte("*11\r\n"), []byte("*2\r\n$4\r\nECHO\r\n$16385\r\n"),
		cat([]byte("PING\r\n"), big), cat(auth, big, long, []byte("DEL l\r\n")),
		cat([]byte("AUTH wrong\r\n"), long),
	} {
		got, want := exchange(tn.addr, in), exchange(ref.Options().Addr, in)
		if got != want {
			t.Errorf("%.60q: vcache %.120q, redis-server %.120q", in, got, want)
		}
	}
}

func bytesToStrings(parts [][]byte) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = string(p)
	}
	return out
}

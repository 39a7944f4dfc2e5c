package proxy

import (
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/serving"
)

// TestUnauthenticatedLimitsAsRedis: with a password set, a client that
// has not authenticated gets a protocol error for a command of more than
// 10 arguments or with an argument over 16 KiB, and is cut off, from the
// proxy as from redis-server (the bytes the two send back are compared);
// after AUTH, in the same write, such commands run. On the event loop and
// on a connection's own goroutine alike.
func TestUnauthenticatedLimitsAsRedis(t *testing.T) {
	ref := startRedis(t)
	if got := rawDo(ref.addr, "CONFIG", "SET", "requirepass", "s3cret"); got != "+OK\r\n" {
		t.Fatalf("CONFIG SET requirepass = %q", got)
	}
	big := resp.AppendCommand(nil, "RPUSH", "l", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10")
	long := resp.AppendCommand(nil, "ECHO", strings.Repeat("x", 16<<10+1))
	auth := resp.AppendCommand(nil, "AUTH", "s3cret")
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	exchange := func(addr string, in []byte) string {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Error(err)
			return ""
		}
		defer c.Close()
		if _, err := c.Write(in); err != nil {
			t.Error(err)
			return ""
		}
		_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
		out, _ := io.ReadAll(c) // closed after a protocol error; else the deadline ends it
		return string(out)
	}
	inputs := [][]byte{
		big, long, []byte("*11\r\n"), []byte("*2\r\n$4\r\nECHO\r\n$16385\r\n"),
		cat([]byte("PING\r\n"), big), cat(auth, big, long, []byte("DEL l\r\n")),
		cat([]byte("AUTH wrong\r\n"), long),
	}
	inModes(t, func(t *testing.T, mode serving.Mode) {
		cfg := DefaultConfig()
		cfg.RequirePass = "s3cret"
		cfg.Serving = serving.NewGroup(mode, false)
		p := startProxy(t, cfg, startRedis(t).addr)
		var wg sync.WaitGroup
		for _, in := range inputs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got, want := exchange(p.addr, in), exchange(ref.addr, in)
				if got != want {
					t.Errorf("%.60q: proxy %.120q, redis-server %.120q", in, got, want)
				}
			}()
		}
		wg.Wait()
	})
}

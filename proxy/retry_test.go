package proxy

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/serving"
)

func TestMovedIsFollowed(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		b := startFakeNode(t, func(_ *fakeConn, args []string) string { return "$2\r\nhi\r\n" })
		a := startFakeNode(t, func(_ *fakeConn, args []string) string {
			return fmt.Sprintf("-MOVED %d %s\r\n", slotOfString(args[1]), b.addr)
		})
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, a.addr)
		c := dialRaw(t, p.addr)
		if got := c.do("GET", "k"); got != "$2\r\nhi\r\n" {
			t.Fatalf("GET through a MOVED = %q, want the new owner's reply", got)
		}
		if p.Metrics().Redirects == 0 {
			t.Error("no redirect counted")
		}
	})
}

func TestMovedWithoutHostUsesTheNodesHost(t *testing.T) {
	b := startFakeNode(t, func(_ *fakeConn, args []string) string { return "+OK\r\n" })
	_, port, _ := net.SplitHostPort(b.addr)
	a := startFakeNode(t, func(_ *fakeConn, args []string) string {
		return fmt.Sprintf("-MOVED %d :%s\r\n", slotOfString(args[1]), port)
	})
	p := startProxy(t, Config{}, a.addr)
	if got := dialRaw(t, p.addr).do("SET", "k", "v"); got != "+OK\r\n" {
		t.Fatalf("SET = %q", got)
	}
}

func TestAskSendsAsking(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		var b *fakeNode
		a := startFakeNode(t, func(_ *fakeConn, args []string) string {
			return fmt.Sprintf("-ASK %d %s\r\n", slotOfString(args[1]), b.addr)
		})
		b = startFakeNode(t, func(fc *fakeConn, args []string) string {
			if !fc.asking {
				return fmt.Sprintf("-MOVED %d %s\r\n", slotOfString(args[1]), a.addr)
			}
			return "$8\r\nimported\r\n"
		})
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, a.addr)
		c := dialRaw(t, p.addr)
		for range 3 {
			if got := c.do("GET", "k"); got != "$8\r\nimported\r\n" {
				t.Fatalf("GET through an ASK = %q", got)
			}
		}
		if b.count("ASKING") != 3 {
			t.Errorf("node B saw %d ASKING, want one before each redirected GET", b.count("ASKING"))
		}
	})
}

func TestTransientErrorsAreRetried(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		for _, errReply := range []string{"-TRYAGAIN Multiple keys request during rehashing of slot\r\n",
			"-LOADING Redis is loading the dataset in memory\r\n", "-CLUSTERDOWN The cluster is down\r\n"} {
			var n atomic.Int32
			a := startFakeNode(t, func(_ *fakeConn, args []string) string {
				if n.Add(1) <= 3 {
					return errReply
				}
				return "$2\r\nok\r\n"
			})
			p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, a.addr)
			if got := dialRaw(t, p.addr).do("GET", "k"); got != "$2\r\nok\r\n" {
				t.Errorf("after 3 × %q: GET = %q, want the reply once it is ready", strings.TrimSpace(errReply), got)
			}
		}
	})
}

func TestRetriesStopAtTheDeadline(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		a := startFakeNode(t, func(_ *fakeConn, args []string) string { return "-TRYAGAIN busy\r\n" })
		cfg := DefaultConfig()
		cfg.Serving = serving.NewGroup(mode, false)
		cfg.RetryDeadline = 150 * time.Millisecond
		p := startProxy(t, cfg, a.addr)
		start := time.Now()
		got := dialRaw(t, p.addr).do("GET", "k")
		if got != "-TRYAGAIN busy\r\n" {
			t.Errorf("GET = %q, want the node's last error", got)
		}
		if el := time.Since(start); el < cfg.RetryDeadline {
			t.Errorf("gave up after %v, before the %v deadline", el, cfg.RetryDeadline)
		}
		if a.count("GET") < 3 {
			t.Errorf("node saw %d attempts, want several", a.count("GET"))
		}
	})
}

func TestHungBackendDoesNotHangClients(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		// A node that accepts and reads but never answers.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var conns []net.Conn
		t.Cleanup(func() {
			ln.Close()
			mu.Lock()
			for _, c := range conns {
				c.Close()
			}
			mu.Unlock()
			wg.Wait()
		})
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				mu.Lock()
				conns = append(conns, c)
				mu.Unlock()
				wg.Add(1)
				go func() {
					defer wg.Done()
					buf := make([]byte, 4096)
					for {
						if _, err := c.Read(buf); err != nil {
							return
						}
					}
				}()
			}
		}()
		cfg := DefaultConfig()
		cfg.Serving = serving.NewGroup(mode, false)
		cfg.ReplyTimeout = 200 * time.Millisecond
		cfg.RetryDeadline = 300 * time.Millisecond
		p := startProxy(t, cfg, ln.Addr().String())
		start := time.Now()
		got := dialRaw(t, p.addr).do("GET", "k")
		if !strings.HasPrefix(got, "-TRYAGAIN") {
			t.Errorf("GET from a silent node = %q, want a TRYAGAIN error", got)
		}
		if el := time.Since(start); el > 5*time.Second {
			t.Errorf("took %v", el)
		}
	})
}

func TestRouterChangeReroutes(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		r1, r2 := startRedis(t), startRedis(t)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, r1.addr)
		ctx := context.Background()
		c := client(t, p.addr)
		if err := c.Set(ctx, "k", "on-r1", 0).Err(); err != nil {
			t.Fatal(err)
		}
		if err := p.router.SetAddrs([]string{r2.addr}); err != nil {
			t.Fatal(err)
		}
		eventually(t, 5*time.Second, "the proxy to follow the new map", func() bool {
			return c.Get(ctx, "k").Err() != nil // r2 does not have k
		})
		if err := c.Set(ctx, "k", "on-r2", 0).Err(); err != nil {
			t.Fatal(err)
		}
		if got := rawDo(r2.addr, "GET", "k"); got != "$5\r\non-r2\r\n" {
			t.Errorf("r2 holds %q", got)
		}
		if got := rawDo(r1.addr, "GET", "k"); got != "$5\r\non-r1\r\n" {
			t.Errorf("r1 holds %q, the write after the change went there", got)
		}
	})
}

// A pipeline whose every command is redirected is retried in the
// client's order: each read sees the write before it.
func TestRedirectedPipelineKeepsItsOrder(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		r := startRedis(t)
		a := startFakeNode(t, func(_ *fakeConn, args []string) string {
			return fmt.Sprintf("-MOVED %d %s\r\n", slotOfString(args[1]), r.addr)
		})
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, a.addr)
		c := dialRaw(t, p.addr)
		const n = 200
		for i := range n {
			c.send("SET", "k", fmt.Sprint(i))
			c.send("GET", "k")
			c.send("INCR", "ctr")
		}
		for i := range n {
			if got := c.recv(); got != "+OK\r\n" {
				t.Fatalf("SET %d = %q", i, got)
			}
			v := fmt.Sprint(i)
			if got, want := c.recv(), fmt.Sprintf("$%d\r\n%s\r\n", len(v), v); got != want {
				t.Fatalf("GET after SET %d = %q, want %q", i, got, want)
			}
			if got, want := c.recv(), fmt.Sprintf(":%d\r\n", i+1); got != want {
				t.Fatalf("INCR %d = %q, want %q", i, got, want)
			}
		}
	})
}

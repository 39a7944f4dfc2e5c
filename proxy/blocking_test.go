package proxy

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/serving"
)

// blockedOnNode reads a redis-server's INFO blocked_clients.
func blockedOnNode(t testing.TB, addr string) int {
	t.Helper()
	info := rawDo(addr, "INFO", "clients")
	m := regexp.MustCompile(`blocked_clients:(\d+)`).FindStringSubmatch(info)
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestBlockingCommandsThroughProxy: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH,
// BLMPOP, XREAD BLOCK and XREADGROUP BLOCK wait on their node and get what another client
// pushes; timeouts answer nil after the timeout; keys in different slots
// get CROSSSLOT; commands pipelined after a blocking one are answered
// after it, in order; while a client waits, other clients' commands to
// the same node are answered.
func TestBlockingCommandsThroughProxy(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		rs := startRedises(t, 3)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
		ctx := context.Background()
		prod := client(t, p.addr)
		k := keysOn(p.router, 1, 1, "q")[0]
		node := p.router.Addrs()[1]
		waitBlocked := func(n int) {
			t.Helper()
			eventually(t, 10*time.Second, fmt.Sprintf("%d blocked on the node", n), func() bool { return blockedOnNode(t, node) == n })
		}
		if err := prod.Do(ctx, "XGROUP", "CREATE", "{"+k+"}st", "streams", "1-1", "MKSTREAM").Err(); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			cmd  []string
			push []any
			want string
		}{
			{[]string{"BLPOP", k, "0"}, []any{"RPUSH", k, "a", "b"}, "*2\r\n$" + strconv.Itoa(len(k)) + "\r\n" + k + "\r\n$1\r\na\r\n"},
			{[]string{"BRPOP", k, "5"}, []any{"RPUSH", k, "c"}, "*2\r\n$" + strconv.Itoa(len(k)) + "\r\n" + k + "\r\n$1\r\nc\r\n"},
			{[]string{"BLMOVE", "{" + k + "}src", "{" + k + "}dst", "LEFT", "RIGHT", "0"}, []any{"RPUSH", "{" + k + "}src", "m"}, "$1\r\nm\r\n"},
			{[]string{"BRPOPLPUSH", "{" + k + "}src", "{" + k + "}dst", "0"}, []any{"RPUSH", "{" + k + "}src", "n"}, "$1\r\nn\r\n"},
			{[]string{"XREAD", "COUNT", "5", "BLOCK", "0", "STREAMS", "{" + k + "}st", "$"}, []any{"XADD", "{" + k + "}st", "1-1", "f", "v"},
				"*1\r\n*2\r\n$" + strconv.Itoa(len(k)+4) + "\r\n{" + k + "}st\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
			{[]string{"XREADGROUP", "GROUP", "streams", "c", "BLOCK", "0", "STREAMS", "{" + k + "}st", ">"}, []any{"XADD", "{" + k + "}st", "2-1", "f", "w"},
				"*1\r\n*2\r\n$" + strconv.Itoa(len(k)+4) + "\r\n{" + k + "}st\r\n*1\r\n*2\r\n$3\r\n2-1\r\n*2\r\n$1\r\nf\r\n$1\r\nw\r\n"},
			{[]string{"BLMPOP", "0", "1", k, "LEFT", "COUNT", "2"}, []any{"RPUSH", k, "x", "y", "z"}, "*2\r\n$" + strconv.Itoa(len(k)) + "\r\n" + k + "\r\n*2\r\n$1\r\nx\r\n$1\r\ny\r\n"},
		} {
			if err := prod.Del(ctx, k, "{"+k+"}src", "{"+k+"}dst").Err(); err != nil {
				t.Fatal(err)
			}
			c := dialRaw(t, p.addr)
			c.send(tc.cmd...)
			c.Flush()
			waitBlocked(1)
			// The node is not held: another client's commands there run.
			if err := prod.Set(ctx, "{"+k+"}other", "v", 0).Err(); err != nil {
				t.Fatalf("SET while %s waits: %v", tc.cmd[0], err)
			}
			if err := prod.Do(ctx, tc.push...).Err(); err != nil {
				t.Fatal(err)
			}
			if got := c.recv(); got != tc.want {
				t.Errorf("%v: %q, want %q", tc.cmd, got, tc.want)
			}
			waitBlocked(0)
		}

		// Timeouts: nil once the timeout has passed.
		c := client(t, p.addr)
		start := time.Now()
		if err := c.BLPop(ctx, time.Second, k+"none").Err(); !errors.Is(err, redis.Nil) {
			t.Errorf("BLPOP with a timeout on an empty list: %v, want nil", err)
		}
		if took := time.Since(start); took < time.Second {
			t.Errorf("BLPOP 1 answered after %v", took)
		}
		raw := dialRaw(t, p.addr)
		start = time.Now()
		if got := raw.do("BRPOP", k+"none", "0.1"); got != "*-1\r\n" || time.Since(start) < 100*time.Millisecond {
			t.Errorf("BRPOP timeout: %q after %v", got, time.Since(start))
		}

		// Keys in two slots.
		a, b := keysOn(p.router, 0, 1, "a")[0], keysOn(p.router, 2, 1, "b")[0]
		if got := raw.do("BLPOP", a, b, "0"); !strings.HasPrefix(got, "-CROSSSLOT") {
			t.Errorf("BLPOP over two slots: %q", got)
		}

		// A pipeline: the replies before, the blocking one, the ones after.
		prod.Del(ctx, k)
		raw.send("SET", "{"+k+"}p", "1")
		raw.send("BLPOP", k, "0")
		raw.send("GET", "{"+k+"}p")
		raw.send("PING")
		raw.Flush()
		waitBlocked(1)
		prod.Set(ctx, "{"+k+"}p", "2", 0)
		prod.RPush(ctx, k, "w")
		for i, want := range []string{"+OK\r\n", "*2\r\n$" + strconv.Itoa(len(k)) + "\r\n" + k + "\r\n$1\r\nw\r\n", "$1\r\n2\r\n", "+PONG\r\n"} {
			if got := raw.recv(); got != want {
				t.Errorf("pipelined reply %d: %q, want %q", i, got, want)
			}
		}
		// What a blocked client sends meanwhile is answered after it.
		raw.send("BLPOP", k, "0")
		raw.Flush()
		waitBlocked(1)
		raw.send("ECHO", "later")
		raw.send("LLEN", k)
		raw.Flush()
		prod.RPush(ctx, k, "v")
		for i, want := range []string{"*2\r\n$" + strconv.Itoa(len(k)) + "\r\n" + k + "\r\n$1\r\nv\r\n", "$5\r\nlater\r\n", ":0\r\n"} {
			if got := raw.recv(); got != want {
				t.Errorf("reply %d after a block: %q, want %q", i, got, want)
			}
		}
		// Blocking commands queue in MULTI and do not block there.
		if got := raw.do("MULTI"); got != "+OK\r\n" {
			t.Fatal(got)
		}
		raw.do("BLPOP", k, "0")
		if got := raw.do("EXEC"); got != "*1\r\n*-1\r\n" {
			t.Errorf("EXEC of BLPOP on an empty list: %q", got)
		}
	})
}

// TestBlockedClientDisconnectLosesNothing: a client that goes away while
// blocked releases its wait on the node, so a later push stays in the
// list for the next reader instead of being popped for nobody.
func TestBlockedClientDisconnectLosesNothing(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		rs := startRedises(t, 2)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
		ctx := context.Background()
		k := keysOn(p.router, 0, 1, "gone")[0]
		node := p.router.Addrs()[0]
		for round := range 3 {
			raw := dialRaw(t, p.addr)
			raw.send("BLPOP", k, "0")
			raw.Flush()
			eventually(t, 10*time.Second, "blocked on the node", func() bool { return blockedOnNode(t, node) == 1 })
			raw.nc.Close()
			eventually(t, 10*time.Second, "the wait released on the node", func() bool { return blockedOnNode(t, node) == 0 })
			c := client(t, p.addr)
			if err := c.RPush(ctx, k, "e").Err(); err != nil {
				t.Fatal(err)
			}
			if n, err := c.LLen(ctx, k).Result(); err != nil || n != 1 {
				t.Fatalf("round %d: LLEN after the blocked client left: %d %v, want 1", round, n, err)
			}
			if v, err := c.LPop(ctx, k).Result(); err != nil || v != "e" {
				t.Fatalf("round %d: LPOP: %q %v", round, v, err)
			}
		}
	})
}

// TestClientUnblockThroughProxy: CLIENT UNBLOCK with the proxy's client
// id ends that client's wait with nil (TIMEOUT) or the UNBLOCKED error;
// an id that waits for nothing answers 0.
func TestClientUnblockThroughProxy(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		rs := startRedises(t, 2)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
		k := keysOn(p.router, 1, 1, "ub")[0]
		node := p.router.Addrs()[1]
		admin := dialRaw(t, p.addr)
		for _, tc := range []struct{ reason, want string }{
			{"", "*-1\r\n"}, {"TIMEOUT", "*-1\r\n"}, {"ERROR", "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"},
		} {
			raw := dialRaw(t, p.addr)
			id := strings.TrimSuffix(strings.TrimPrefix(raw.do("CLIENT", "ID"), ":"), "\r\n")
			if got := admin.do("CLIENT", "UNBLOCK", id); got != ":0\r\n" {
				t.Errorf("CLIENT UNBLOCK of a client not blocked: %q", got)
			}
			raw.send("BLPOP", k, "0")
			raw.Flush()
			eventually(t, 10*time.Second, "blocked on the node", func() bool { return blockedOnNode(t, node) == 1 })
			args := []string{"CLIENT", "UNBLOCK", id}
			if tc.reason != "" {
				args = append(args, tc.reason)
			}
			if got := admin.do(args...); got != ":1\r\n" {
				t.Errorf("%v: %q", args, got)
			}
			if got := raw.recv(); got != tc.want {
				t.Errorf("after %v the blocked client got %q, want %q", args, got, tc.want)
			}
			if got := raw.do("PING"); got != "+PONG\r\n" {
				t.Errorf("PING after unblocking: %q", got)
			}
		}
		for _, args := range [][]string{{"CLIENT", "UNBLOCK", "x"}, {"CLIENT", "UNBLOCK", "1", "FOO"}} {
			if got, want := admin.do(args...), rawDo(rs[0].addr, args...); got != want {
				t.Errorf("%v: %q, redis-server: %q", args, got, want)
			}
		}
	})
}

// TestBlockingConnsBounded: beyond MaxBlockingConns clients blocked on
// one node, a blocking command gets an error at once; a connection given
// back serves the next one.
func TestBlockingConnsBounded(t *testing.T) {
	rs := startRedises(t, 1)
	cfg := DefaultConfig()
	cfg.MaxBlockingConns = 2
	p := startProxy(t, cfg, addrs(rs...)...)
	var held []*rawConn
	for i := range 2 {
		raw := dialRaw(t, p.addr)
		raw.send("BLPOP", "full", "0")
		raw.Flush()
		held = append(held, raw)
		eventually(t, 10*time.Second, "blocked", func() bool { return blockedOnNode(t, rs[0].addr) == i+1 })
	}
	third := dialRaw(t, p.addr)
	if info := third.do("INFO", "clients"); !strings.Contains(info, "blocked_clients:2\r\n") {
		t.Errorf("INFO clients with 2 clients blocked: %q", info)
	}
	if info := third.do("INFO", "proxy"); !strings.Contains(info, "blocking_conns:2\r\n") {
		t.Errorf("INFO proxy with 2 clients blocked: %q", info)
	}
	if got := third.do("BLPOP", "full", "0"); !strings.HasPrefix(got, "-ERR max number of clients blocked") {
		t.Errorf("a third blocking command with 2 allowed: %q", got)
	}
	third.do("RPUSH", "full", "1")
	if got := held[0].recv(); got != "*2\r\n$4\r\nfull\r\n$1\r\n1\r\n" {
		t.Errorf("first blocked client got %q", got)
	}
	third.do("RPUSH", "full", "2")
	if got := third.do("BRPOP", "full", "0.01"); got != "*-1\r\n" {
		t.Errorf("a blocking command once a connection is back: %q", got)
	}
}

// TestThousandBlockedClients: 1,000 clients blocked in BLPOP on one list
// through the proxy, then 1,000 pushes: each client gets exactly one
// element, in the order they blocked; meanwhile another client's GET and
// SET on the same node are answered (the shared node connections are not
// held).
func TestThousandBlockedClients(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		const n = 1000
		rs := startRedises(t, 3)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
		ctx := context.Background()
		k := keysOn(p.router, 2, 1, "jobs")[0]
		node := p.router.Addrs()[2]
		waiters := make([]*rawConn, n)
		for i := range waiters {
			waiters[i] = dialRaw(t, p.addr)
			waiters[i].send("BLPOP", k, "0")
			waiters[i].Flush()
			eventually(t, 10*time.Second, fmt.Sprintf("%d blocked", i+1), func() bool { return blockedOnNode(t, node) == i+1 })
		}
		c := client(t, p.addr)
		keys := keysOn(p.router, 2, 50, "kv")
		var worst time.Duration
		for i := range 500 {
			key := keys[i%len(keys)]
			start := time.Now()
			if err := c.Set(ctx, key, i, 0).Err(); err != nil {
				t.Fatalf("SET with %d clients blocked: %v", n, err)
			}
			if v, err := c.Get(ctx, key).Int(); err != nil || v != i {
				t.Fatalf("GET with %d clients blocked: %d %v", n, v, err)
			}
			worst = max(worst, time.Since(start))
		}
		if worst > 2*time.Second {
			t.Errorf("a SET+GET took %v with %d clients blocked", worst, n)
		}
		pipe := c.Pipeline()
		for i := range n {
			pipe.RPush(ctx, k, fmt.Sprintf("e%d", i))
		}
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		for i, w := range waiters {
			want := fmt.Sprintf("*2\r\n$%d\r\n%s\r\n$%d\r\ne%d\r\n", len(k), k, len(fmt.Sprint("e", i)), i)
			if got := w.recv(); got != want {
				t.Fatalf("waiter %d got %q, want %q", i, got, want)
			}
		}
		if l, err := c.LLen(ctx, k).Result(); err != nil || l != 0 {
			t.Errorf("LLEN after %d pushes to %d waiters: %d %v", n, n, l, err)
		}
		eventually(t, 10*time.Second, "no client blocked", func() bool { return blockedOnNode(t, node) == 0 })
	})
}

// TestShutdownEndsBlockedClients: a proxy shutting down does not wait for
// its blocked clients' timeouts: their connections close, and the nodes
// forget their waits.
func TestShutdownEndsBlockedClients(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		rs := startRedises(t, 1)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
		raw := dialRaw(t, p.addr)
		raw.send("BLPOP", "q", "0")
		raw.Flush()
		eventually(t, 10*time.Second, "blocked", func() bool { return blockedOnNode(t, rs[0].addr) == 1 })
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := p.Shutdown(ctx); err != nil {
			t.Fatalf("Shutdown with a blocked client: %v", err)
		}
		if _, err := raw.ReadRaw(); err == nil {
			t.Errorf("the blocked client's connection is still open after Shutdown")
		}
		eventually(t, 10*time.Second, "the node forgot the wait", func() bool { return blockedOnNode(t, rs[0].addr) == 0 })
	})
}

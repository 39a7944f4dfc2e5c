package proxy

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/internal/testutil"
)

// TestMonitorThroughProxyGolden: a monitor of the proxy over two nodes
// gets, for the node's golden pipeline (../node/testdata/monitor.lines),
// the lines redis-server 7.0.15 gave for it: the same quoting of binary
// arguments, redacted passwords, admin, unknown and wrong-arity commands
// left out, a transaction's commands when EXEC runs them, and a script's
// own commands ("lua"), relayed from the node that ran it, after the
// script's line (the proxy's lines for the commands after the script may
// come before them: the two travel apart).
func TestMonitorThroughProxyGolden(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		rs := startRedises(t, 2)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
		m := testutil.Dial(t, p.addr)
		if got := m.Do("MONITOR"); got != "+OK\r\n" {
			t.Fatalf("MONITOR = %q", got)
		}
		waitRelayed(t, rs)
		pipeline, golden := testutil.MonitorGolden(t, "../node/testdata/monitor.lines")
		c := testutil.Dial(t, p.addr)
		c.SendRaw(pipeline)
		c.Flush()
		addr := c.LocalAddr().String()
		// The proxy's lines in the golden order; each lua line after the
		// script line before it in the golden file.
		var want, wantLua []string
		scriptOf := map[int]int{} // a lua line's index in wantLua -> its script's in want
		for _, w := range golden {
			if strings.HasPrefix(w, "lua ") {
				scriptOf[len(wantLua)] = len(want) - 1
				wantLua = append(wantLua, w[len("lua "):])
				continue
			}
			want = append(want, w)
		}
		var got []string
		var gotLua []string
		luaAt := map[int]int{} // a lua line's index -> how many proxy lines came before it
		for len(got) < len(want) || len(gotLua) < len(wantLua) {
			src, args := testutil.ReadMonitorLine(t, m)
			if src == "lua" {
				luaAt[len(gotLua)] = len(got)
				gotLua = append(gotLua, args)
				continue
			}
			got = append(got, src+" "+args)
		}
		for i, w := range want {
			wsrc, wargs, _ := strings.Cut(w, " ")
			if wsrc == "client" {
				wsrc = addr
			}
			if i >= len(got) || got[i] != wsrc+" "+wargs {
				t.Errorf("line %d: %q\nwant %s %s", i+1, got[i], wsrc, wargs)
			}
		}
		for i, w := range wantLua {
			if gotLua[i] != w {
				t.Errorf("lua line %d: %s, want %s", i+1, gotLua[i], w)
			}
			if luaAt[i] <= scriptOf[i] {
				t.Errorf("lua line %d (%s) came before its script's line (%s)", i+1, w, want[scriptOf[i]])
			}
		}
	})
}

// waitRelayed waits until the proxy monitors every node (a monitor of
// the proxy started the relay): each shows a client with flag O.
func waitRelayed(t *testing.T, rs []*redisServer) {
	t.Helper()
	for _, r := range rs {
		testutil.WaitFor(t, 5*time.Second, func() bool {
			list, err := testutil.Do(r.addr, "CLIENT", "LIST")
			return err == nil && strings.Contains(list, " flags=O ")
		}, "the proxy monitors "+r.addr)
	}
}

// TestMonitorThroughProxyClients: commands of two clients, one a
// go-redis client, taking turns on keys of both nodes, show in the order
// they ran, each with its client's address; a line is formatted as a
// node's MONITOR formats the same command (redis-server's, with the
// node's own connection from the proxy as the source).
func TestMonitorThroughProxyClients(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		rs := startRedises(t, 2)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
		ctx := context.Background()
		k0 := keysOn(p.router, 0, 1, "mk")[0]
		k1 := keysOn(p.router, 1, 1, "mk")[0]
		a := testutil.Dial(t, p.addr)
		b := client(t, p.addr)
		if err := b.Ping(ctx).Err(); err != nil { // connected (HELLO) first
			t.Fatal(err)
		}
		m := testutil.Dial(t, p.addr)
		m.Do("MONITOR")
		nodeMon := testutil.Dial(t, rs[1].addr)
		nodeMon.Do("MONITOR")
		a.Do("SET", k0, "v a\x00")
		b.Get(ctx, k1)
		a.Do("PING")
		b.HSet(ctx, k1, "f", "1")
		a.Do("CLIENT", "SETNAME", "a")
		baddr := ""
		for _, line := range strings.Split(b.ClientList(ctx).Val(), "\n") {
			if strings.Contains(line, " cmd=client|list ") {
				baddr = strings.TrimPrefix(strings.Fields(line)[1], "addr=")
			}
		}
		aaddr := a.LocalAddr().String()
		for i, w := range []struct{ src, args string }{
			{aaddr, `"SET" "` + k0 + `" "v a\x00"`},
			{baddr, `"get" "` + k1 + `"`},
			{aaddr, `"PING"`},
			{baddr, `"hset" "` + k1 + `" "f" "1"`},
			{aaddr, `"CLIENT" "SETNAME" "a"`},
		} {
			if src, args := testutil.ReadMonitorLine(t, m); src != w.src || args != w.args {
				t.Errorf("line %d: [%s] %s\nwant [%s] %s", i+1, src, args, w.src, w.args)
			}
		}
		// The node's own monitor: the same arguments, quoted the same.
		for _, w := range []string{`"get" "` + k1 + `"`, `"hset" "` + k1 + `" "f" "1"`} {
			if _, args := testutil.ReadMonitorLine(t, nodeMon); args != w {
				t.Errorf("the node's line %s, the proxy's %s", args, w)
			}
		}
	})
}

// TestMonitorThroughProxyRedacts: passwords of AUTH and HELLO AUTH show
// as "(redacted)"; ACL SETUSER, an admin command, shows no line at all,
// so the password set never reaches a monitor.
func TestMonitorThroughProxyRedacts(t *testing.T) {
	rs := startRedises(t, 2)
	p := startProxy(t, Config{}, addrs(rs...)...)
	const secret = "M0n-S3cret"
	adm := testutil.Dial(t, p.addr)
	m := testutil.Dial(t, p.addr)
	m.Do("MONITOR")
	if got := adm.Do("ACL", "SETUSER", "bob", "on", ">"+secret, "~*", "+@all"); got != "+OK\r\n" {
		t.Fatalf("ACL SETUSER = %q", got)
	}
	c := testutil.Dial(t, p.addr)
	if got := c.Do("AUTH", "bob", secret); got != "+OK\r\n" {
		t.Fatalf("AUTH = %q", got)
	}
	c.Do("HELLO", "2", "AUTH", "bob", secret, "SETNAME", "kept")
	c.Do("AUTH", secret)
	c.Do("ECHO", "end")
	var got []string
	for {
		_, args := testutil.ReadMonitorLine(t, m)
		got = append(got, args)
		if args == `"ECHO" "end"` {
			break
		}
	}
	want := []string{
		`"AUTH" "(redacted)" "(redacted)"`,
		`"HELLO" "2" "AUTH" "(redacted)" "(redacted)" "SETNAME" "kept"`,
		`"AUTH" "(redacted)"`,
		`"ECHO" "end"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestMonitorThroughProxySlowIsCut: a monitor that never reads is
// disconnected once its unsent lines pass the pubsub output buffer limit
// (INFO counts it), and the other clients are served on.
func TestMonitorThroughProxySlowIsCut(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		rs := startRedises(t, 2)
		cfg := DefaultConfig()
		cfg.Serving = serving.NewGroup(mode, false)
		cfg.PubsubHardLimit = 256 << 10
		p := startProxy(t, cfg, addrs(rs...)...)
		m := testutil.Dial(t, p.addr)
		m.Do("MONITOR")
		ctx := context.Background()
		c := client(t, p.addr)
		value := strings.Repeat("x", 64<<10)
		cut := func() bool {
			return infoField(rawDo(p.addr, "INFO", "stats"), "client_output_buffer_limit_disconnections") == "1"
		}
		for i := 0; i < 2000 && !cut(); i++ { // at most 128 MiB of lines
			if err := c.Set(ctx, "k", value, 0).Err(); err != nil {
				t.Fatal(err)
			}
		}
		if !cut() {
			t.Fatal("the monitor that does not read was never disconnected")
		}
		eventually(t, testutil.Timeout, "the monitor is dropped", func() bool { return p.monitors.n.Load() == 0 })
		if got := c.Get(ctx, "k").Val(); got != value {
			t.Fatalf("GET after the cut: %d bytes", len(got))
		}
	})
}

// monitorSteps runs MONITOR's client rules on addr (redis-server or the
// proxy in front of it) and returns the replies, MONITOR lines as
// "line <source> <args>" with the sources named.
func monitorSteps(t *testing.T, addr string) []string {
	other := testutil.Dial(t, addr)
	other.Do("PING")
	m := testutil.Dial(t, addr)
	name := func(raw string) string {
		p := testutil.MonitorLine.FindStringSubmatch(raw)
		if p == nil {
			return raw
		}
		src := map[string]string{m.LocalAddr().String(): "monitor", other.LocalAddr().String(): "other"}[p[3]]
		if src == "" {
			src = p[3]
		}
		return "line " + src + " " + p[4]
	}
	var out []string
	do := func(c *testutil.Conn, args ...string) { out = append(out, name(c.Do(args...))) }
	recv := func(c *testutil.Conn) { out = append(out, name(c.Recv())) }
	do(m, "MONITOR")
	do(m, "GET", "k")
	do(m, "PUBLISH", "c", "x")
	do(m, "MONITOR", "extra")
	m.Send("MONITOR") // no reply
	do(m, "PING")
	recv(m) // its own PING's line
	do(m, "ECHO", "e")
	recv(m)
	do(other, "SET", "k", "v")
	recv(m)
	do(m, "RESET")
	do(other, "SET", "k", "w")
	do(m, "GET", "k") // no line of the SET before it
	// A transaction whose WATCHed key changed runs nothing: its
	// commands show no line, EXEC does.
	w := testutil.Dial(t, addr)
	m2 := testutil.Dial(t, addr)
	do(m2, "MONITOR")
	do(w, "WATCH", "k")
	do(other, "SET", "k", "z")
	do(w, "MULTI")
	do(w, "SET", "k", "y")
	do(w, "EXEC")
	do(w, "MULTI")
	do(w, "SET", "k", "w")
	do(w, "EXEC")
	do(w, "ECHO", "done")
	for {
		line := name(m2.Recv())
		out = append(out, strings.ReplaceAll(line, w.LocalAddr().String(), "w"))
		if strings.HasSuffix(line, `"ECHO" "done"`) || !strings.HasPrefix(line, "line") {
			break
		}
	}
	m2.Close()
	x := testutil.Dial(t, addr)
	do(x, "MULTI")
	do(x, "MONITOR")
	do(x, "EXEC")
	do(x, "GET", "k")
	s := testutil.Dial(t, addr)
	do(s, "SUBSCRIBE", "c")
	do(s, "MONITOR")
	return out
}

// TestMonitorThroughProxyRules: a monitor of the proxy may not touch keys
// ("Replica can't interact with the keyspace"), sees its own commands
// after their replies, a second MONITOR gets no reply, RESET ends it,
// MONITOR in MULTI is refused at EXEC and a subscriber may not run it:
// the same replies and lines, in the same order, as from redis-server.
func TestMonitorThroughProxyRules(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		r := startRedis(t)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, r.addr)
		want := monitorSteps(t, r.addr)
		got := monitorSteps(t, p.addr)
		if strings.Join(got, "|") != strings.Join(want, "|") {
			for i := range max(len(got), len(want)) {
				var g, w string
				if i < len(got) {
					g = got[i]
				}
				if i < len(want) {
					w = want[i]
				}
				if g != w {
					t.Errorf("step %d: proxy %q, redis-server %q", i, g, w)
				}
			}
		}
		m := testutil.Dial(t, p.addr)
		m.Do("MONITOR")
		flagO := regexp.MustCompile(`(?m)addr=` + regexp.QuoteMeta(m.LocalAddr().String()) + ` .* flags=O `)
		if list := rawDo(p.addr, "CLIENT", "LIST"); !flagO.MatchString(list) {
			t.Fatalf("CLIENT LIST does not show the monitor with flag O:\n%s", list)
		}
		if got := m.Do("QUIT"); got != "+OK\r\n" {
			t.Fatalf("QUIT = %q", got)
		}
		eventually(t, testutil.Timeout, "QUIT ends the monitor", func() bool { return p.monitors.n.Load() == 0 })
	})
}

// TestMonitorThroughProxyWaitingIsBounded: while the monitor's own WAIT
// waits for the nodes, the lines held for after its reply pass to its
// outbox past a bound, so a monitor that does not read is cut off then,
// not only once its WAIT ends.
func TestMonitorThroughProxyWaitingIsBounded(t *testing.T) {
	rs := startRedises(t, 1)
	cfg := DefaultConfig()
	cfg.PubsubHardLimit = 256 << 10
	cfg.ConnsPerBackend = 2
	p := startProxy(t, cfg, addrs(rs...)...)
	m := testutil.Dial(t, p.addr)
	m.Do("MONITOR")
	// The writer's session is the next one: its commands go to the node
	// on the other shared connection than the monitor's WAIT, which holds
	// its own.
	ctx := context.Background()
	c := client(t, p.addr)
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	m.Send("WAIT", "1", "5000") // no replica: it waits 5 s
	m.Flush()
	value := strings.Repeat("x", 64<<10)
	cut := func() bool { return p.stats.pubsubCut.Load() == 1 } // INFO would go to the node too
	start := time.Now()
	for i := 0; i < 1000 && !cut() && time.Since(start) < 4*time.Second; i++ { // at most 64 MiB
		if err := c.Set(ctx, "k", value, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if !cut() {
		t.Fatalf("the monitor was not cut off while its WAIT waited (%v)", time.Since(start))
	}
}

// TestMonitorRelayEndsWithLastMonitor: the proxy monitors the nodes only
// while it has monitors of its own: once the last one has gone (RESET,
// a closed connection), no node shows a monitor.
func TestMonitorRelayEndsWithLastMonitor(t *testing.T) {
	rs := startRedises(t, 2)
	p := startProxy(t, Config{}, addrs(rs...)...)
	a, b := testutil.Dial(t, p.addr), testutil.Dial(t, p.addr)
	a.Do("MONITOR")
	b.Do("MONITOR")
	waitRelayed(t, rs)
	if got := a.Do("RESET"); got != "+RESET\r\n" {
		t.Fatalf("RESET = %q", got)
	}
	time.Sleep(2 * relayResync) // b still monitors: the relay stays
	for _, r := range rs {
		if list, _ := testutil.Do(r.addr, "CLIENT", "LIST"); !strings.Contains(list, " flags=O ") {
			t.Fatalf("%s has no monitor while the proxy has one:\n%s", r.addr, list)
		}
	}
	b.Close()
	for _, r := range rs {
		testutil.WaitFor(t, 5*time.Second, func() bool {
			list, err := testutil.Do(r.addr, "CLIENT", "LIST")
			return err == nil && !strings.Contains(list, " flags=O ")
		}, "the proxy's monitor of "+r.addr+" closed")
	}
}

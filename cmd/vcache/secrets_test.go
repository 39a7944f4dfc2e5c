package main

import (
	"context"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// startProxyProc runs `bin proxy args...` (with --port 0 and --admin-addr
// 127.0.0.1:0) and returns it with its client and admin addresses, read
// from what it prints. It is killed when the test ends.
func startProxyProc(t *testing.T, bin string, args ...string) (p *proc, admin string) {
	t.Helper()
	p = &proc{logs: &syncBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, append([]string{"proxy", "--port", "0", "--admin-addr", "127.0.0.1:0"}, args...)...)
	p.cmd.Stdout = p.logs
	p.cmd.Stderr = p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		<-p.exited
	})
	listening := regexp.MustCompile(`proxy listening on (127\.0\.0\.1:\d+)`)
	adminAt := regexp.MustCompile(`admin \(metrics, status page\) on http://(127\.0\.0\.1:\d+)/`)
	deadline := time.Now().Add(20 * time.Second)
	for {
		out := p.logs.String()
		if m, a := listening.FindStringSubmatch(out), adminAt.FindStringSubmatch(out); m != nil && a != nil {
			p.addr, admin = m[1], a[1]
			return p, admin
		}
		select {
		case <-p.exited:
			t.Fatalf("the proxy exited:\n%s", out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the proxy did not start:\n%s", out)
		}
		time.Sleep(20 * time.Millisecond) // polling its output, bounded by the deadline
	}
}

// TestBackendPasswordNeverShown runs the proxy binary with a distinctive
// --backend-password over vcache node processes that require it (and one
// that refuses it, so that failed dials are logged too), with every AUTH
// the nodes receive in their slow log, and asks everything a client or an
// operator of the proxy can see: the password appears in no reply, no
// admin page and no line of the proxy's log.
func TestBackendPasswordNeverShown(t *testing.T) {
	const secret = "B4ckend-Pa55-7f3e9c"
	bin := buildVcache(t)
	var nodes []string
	for i := 0; i < 3; i++ {
		n, ok := startProc(t, bin, freePort(t), "--loglevel", "debug")
		if !ok {
			t.Fatalf("node %d did not start:\n%s", i, n.logs.String())
		}
		pass := secret
		if i == 2 {
			pass = "another-password" // the proxy's AUTH fails here
		}
		c := redis.NewClient(&redis.Options{Addr: n.addr, MaxRetries: -1})
		for _, cmd := range [][]any{{"CONFIG", "SET", "slowlog-log-slower-than", "0"}, {"CONFIG", "SET", "requirepass", pass}} {
			if err := c.Do(context.Background(), cmd...).Err(); err != nil {
				t.Fatal(err)
			}
		}
		c.Close()
		nodes = append(nodes, n.addr)
	}
	p, admin := startProxyProc(t, bin, "--backend", strings.Join(nodes, ","), "--backend-password", secret,
		"--requirepass", "front-door", "--loglevel", "debug", "--retry-deadline", "300ms")
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: p.addr, Password: "front-door", MaxRetries: -1})
	defer c.Close()
	// Writes to every node, so that the proxy has dialled (and sent AUTH
	// to) each of them.
	for i := 0; i < 16; i++ {
		c.Set(ctx, "key:"+string(rune('a'+i%26))+strings.Repeat("x", i), "v", 0)
	}
	if err := c.Set(ctx, "probe", "v", 0).Err(); err != nil && !strings.Contains(err.Error(), "WRONGPASS") {
		t.Logf("SET probe: %v", err)
	}

	var seen []string
	check := func(what, text string) {
		t.Helper()
		seen = append(seen, what)
		if strings.Contains(text, secret) {
			t.Errorf("%s shows the backend password:\n%.3000s", what, text)
		}
	}
	rc := testutil.Dial(t, p.addr)
	if got := rc.Do("AUTH", "front-door"); got != "+OK\r\n" {
		t.Fatalf("AUTH: %q", got)
	}
	for _, cmd := range [][]string{
		{"CONFIG", "GET", "*"}, {"CONFIG", "GET", "requirepass"}, {"CONFIG", "GET", "*pass*", "*auth*"},
		{"INFO"}, {"INFO", "all"}, {"INFO", "everything"}, {"INFO", "server", "clients", "proxy", "keyspace"},
		{"CLIENT", "LIST"}, {"CLIENT", "INFO"},
		{"CLUSTER", "NODES"}, {"CLUSTER", "SHARDS"}, {"CLUSTER", "SLOTS"}, {"CLUSTER", "INFO"},
		{"COMMAND", "DOCS"}, {"COMMAND", "INFO"}, {"ACL", "LIST"}, {"ACL", "GETUSER", "default"}, {"ACL", "LOG"},
		{"SLOWLOG", "GET", "-1"}, {"LATENCY", "LATEST"}, {"MEMORY", "STATS"},
	} {
		check(strings.Join(cmd, " "), rc.Do(cmd...))
	}
	// A sweep: every command the proxy knows, alone and with HELP, on a
	// connection of its own (except those that end or take over the
	// connection, or would stop the proxy).
	skip := map[string]bool{"quit": true, "reset": true, "shutdown": true, "monitor": true,
		"subscribe": true, "psubscribe": true, "ssubscribe": true, "sync": true, "psync": true}
	names, err := c.Do(ctx, "COMMAND", "LIST").StringSlice()
	if err != nil || len(names) < 50 {
		t.Fatalf("COMMAND LIST: %d names, %v", len(names), err)
	}
	for _, name := range names {
		if skip[name] || strings.Contains(name, "|") { // subcommands come with their command
			continue
		}
		for _, line := range [][]string{{name}, {name, "HELP"}} {
			sc := testutil.Dial(t, p.addr)
			sc.Do("AUTH", "front-door")
			check(strings.Join(line, " "), sc.Do(line...))
			sc.Close()
		}
	}
	// The nodes' slow logs hold the proxy's AUTH, with the password
	// redacted (SLOWLOG GET through the proxy reaches one of them).
	for i, addr := range nodes[:2] {
		nc := testutil.Dial(t, addr)
		nc.Do("AUTH", secret)
		got := nc.Do("SLOWLOG", "GET", "-1")
		if !strings.Contains(got, "(redacted)") {
			t.Errorf("node %d's slow log has no redacted AUTH from the proxy:\n%.2000s", i, got)
		}
		check("SLOWLOG GET on a node", got)
	}
	for _, page := range []string{"/status.json", "/metrics", "/"} {
		check("admin "+page, httpGet(t, "http://"+admin+page))
	}
	// The log, after a clean stop (which logs too).
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.exited:
	case <-time.After(20 * time.Second):
		t.Fatal("the proxy did not stop on SIGTERM")
	}
	logs := p.logs.String()
	if !strings.Contains(logs, "level=DEBUG") && !strings.Contains(logs, "level=INFO") {
		t.Fatalf("the proxy logged nothing at debug level:\n%s", logs)
	}
	check("the proxy's log", logs)
	t.Logf("checked %d replies, pages and the log (%d bytes)", len(seen), len(logs))
}

package node

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/internal/testutil"
)

// testNode is a real node serving on a 127.0.0.1:0 port.
type testNode struct {
	*Node
	addr   string
	cancel context.CancelFunc
	served chan error
}

// startNode starts a node with cfg (DefaultConfig when nil) and stops it
// when the test ends.
func startNode(t testing.TB, mutate func(*Config)) *testNode {
	t.Helper()
	cfg := DefaultConfig()
	if mutate != nil {
		mutate(&cfg)
	}
	w := &testWriter{t: t}
	t.Cleanup(func() { w.done.Store(true) }) // runs last: later logs are dropped
	n, err := New(cfg, slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return serveNode(t, n)
}

func serveNode(t testing.TB, n *Node) *testNode {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tn := &testNode{Node: n, addr: ln.Addr().String(), cancel: cancel, served: make(chan error, 1)}
	go func() { tn.served <- n.Serve(ctx, ln) }()
	t.Cleanup(tn.stop)
	return tn
}

// stop shuts the node down and waits for Serve to return.
func (tn *testNode) stop() {
	tn.cancel()
	select {
	case <-tn.served:
		tn.served <- nil // let later stops return at once
	case <-time.After(10 * time.Second):
		panic("node did not stop within 10s")
	}
}

// testWriter logs to the test until it has ended (memberlist's goroutines
// may log a little after a member shuts down).
type testWriter struct {
	t    testing.TB
	done atomic.Bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	if !w.done.Load() {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

// client returns a go-redis client for the node, closed at test end.
func (tn *testNode) client(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: tn.addr, MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	return c
}

// client2 is a client that speaks RESP2, for tests that read FT.SEARCH and
// FT.AGGREGATE replies as RediSearch's flat arrays (RESP3 has maps).
func (tn *testNode) client2(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: tn.addr, MaxRetries: -1, Protocol: 2})
	t.Cleanup(func() { c.Close() })
	return c
}

// inEachServingMode runs test as a subtest per serving mode (event loops,
// a goroutine per connection), each on a node of its own served that way.
func inEachServingMode(t *testing.T, test func(t *testing.T, tn *testNode)) {
	for _, mode := range []serving.Mode{serving.Loops, serving.Goroutines} {
		t.Run(mode.String(), func(t *testing.T) {
			test(t, startNode(t, func(c *Config) { c.Serving = serving.NewGroup(mode, false) }))
		})
	}
}

// rawConn is a plain RESP connection for exact replies.
type rawConn struct {
	*testutil.Conn
	t testing.TB
	c net.Conn
}

func (tn *testNode) raw(t testing.TB) *rawConn {
	t.Helper()
	c := testutil.Dial(t, tn.addr)
	return &rawConn{Conn: c, t: t, c: c.Conn}
}

// do sends one command and returns its reply rendered as redis-cli prints
// it (--no-raw).
func (rc *rawConn) do(args ...string) string {
	rc.t.Helper()
	rc.send(args...)
	s, err := rc.reply()
	if err != nil {
		rc.t.Fatalf("%v: %v", args, err)
	}
	return s
}

func (rc *rawConn) send(args ...string) { rc.Send(args...) }

// sameAsRedis sends each command to vc (vcache) and to ref (redis-server)
// and fails the test where their raw replies differ.
func sameAsRedis(t testing.TB, vc, ref *rawConn, cmds ...[]string) {
	t.Helper()
	for _, cmd := range cmds {
		if got, want := vc.exact(cmd...), ref.exact(cmd...); got != want {
			t.Errorf("%.200q:\n vcache       %.300q\n redis-server %.300q", cmd, got, want)
		}
	}
}

// reply reads one reply and renders it like redis-cli.
func (rc *rawConn) reply() (string, error) {
	v, err := rc.ReadValue()
	if err != nil {
		return "", err
	}
	return testutil.CLI(v), nil
}

// redisCLI runs redis-cli against the node with args and returns its
// output; the test is skipped when redis-cli is not installed.
func redisCLI(t testing.TB, addr string, stdin io.Reader, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("redis-cli")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redis-cli is required in CI")
		}
		t.Skip("redis-cli not installed (apt-get install redis-tools)")
	}
	host, port, _ := net.SplitHostPort(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, append([]string{"-h", host, "-p", port}, args...)...)
	cmd.Stdin = stdin
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("redis-cli %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, d time.Duration, what string, cond func() bool) {
	t.Helper()
	testutil.WaitFor(t, d, cond, what)
}

func mustPolicy(t testing.TB, name string) cache.Policy {
	t.Helper()
	p, err := cache.ParsePolicy(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

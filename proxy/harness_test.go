package proxy

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/internal/testutil"
)

// redisServer is a redis-server process started for a test.
type redisServer struct {
	addr string
	port int
	cmd  *exec.Cmd
	dir  string
	// waitDone is closed when the process has exited.
	waitDone chan struct{}
	// extra are more redis-server arguments (startClusterRedis).
	extra []string
}

// needRedis skips the test when redis-server is not installed.
func needRedis(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not on PATH; install redis-server to run the proxy's tests against real nodes")
	}
}

// startRedis starts a redis-server on a free port; it is stopped when the
// test ends.
func startRedis(t testing.TB, extra ...string) *redisServer {
	t.Helper()
	needRedis(t)
	r := &redisServer{dir: t.TempDir(), extra: extra}
	for attempt := 0; ; attempt++ {
		r.port = testutil.FreePort(t)
		r.addr = "127.0.0.1:" + strconv.Itoa(r.port)
		if err := r.start(); err == nil {
			break
		} else if attempt == 3 {
			t.Fatalf("redis-server: %v", err)
		}
	}
	t.Cleanup(r.stop)
	return r
}

// start runs the server on r.port and waits until it answers PING.
func (r *redisServer) start() error {
	args := []string{"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", r.dir, "--daemonize", "no"}
	r.cmd = exec.Command("redis-server", append(args, r.extra...)...)
	if err := r.cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() { r.cmd.Wait(); close(exited) }()
	gone := false
	err := testutil.Until(10*time.Second, func() error {
		select {
		case <-exited:
			gone = true
			return nil
		default:
		}
		if got := rawDo(r.addr, "PING"); got != "+PONG\r\n" {
			return fmt.Errorf("PING = %q", got)
		}
		return nil
	})
	switch {
	case gone:
		return errors.New("redis-server exited at start")
	case err != nil:
		r.cmd.Process.Kill()
		<-exited
		return fmt.Errorf("redis-server did not answer within 10s: %v", err)
	}
	r.waitDone = exited
	return nil
}

// stop kills the server and waits for it to exit.
func (r *redisServer) stop() {
	if r.cmd != nil && r.cmd.Process != nil && r.waitDone != nil {
		r.cmd.Process.Kill()
		<-r.waitDone
		r.waitDone = nil
	}
}

// rawDo sends one command on a fresh connection and returns the raw
// reply, or "" on any failure.
func rawDo(addr string, args ...string) string {
	raw, err := testutil.Do(addr, args...)
	if err != nil {
		return ""
	}
	return raw
}

// rawConn is a client connection speaking raw RESP, for comparing replies
// byte for byte (nc, w and rd are the Conn's own, named for the tests).
type rawConn struct {
	*testutil.Conn
	t  testing.TB
	nc net.Conn
	w  *bufio.Writer
	rd *resp.Reader
}

func dialRaw(t testing.TB, addr string) *rawConn {
	t.Helper()
	c := testutil.Dial(t, addr)
	return &rawConn{Conn: c, t: t, nc: c.Conn, w: c.W, rd: c.R}
}

// send queues a command without waiting for its reply.
func (c *rawConn) send(args ...string) { c.Send(args...) }

// recv flushes what was sent and reads one raw reply.
func (c *rawConn) recv() string {
	c.t.Helper()
	return c.Recv()
}

// do sends one command and returns its raw reply.
func (c *rawConn) do(args ...string) string {
	c.t.Helper()
	return c.Do(args...)
}

// testProxy is a proxy serving on 127.0.0.1 for one test.
type testProxy struct {
	*Proxy
	addr   string
	router *StaticRouter
	ln     net.Listener
	served chan error // Serve's result, put back for every later reader
}

// startProxy starts a proxy over the given nodes with cfg (zero Config:
// defaults). It is shut down, and checked to stop cleanly, when the test
// ends.
func startProxy(t testing.TB, cfg Config, backends ...string) *testProxy {
	t.Helper()
	return serveProxy(t, context.Background(), cfg, backends...)
}

// serveProxy is startProxy with Serve's context.
func serveProxy(t testing.TB, ctx context.Context, cfg Config, backends ...string) *testProxy {
	t.Helper()
	if cfg.MaxClients == 0 {
		group := cfg.Serving
		cfg = DefaultConfig()
		cfg.Serving = group
	}
	router, err := NewStaticRouter(backends)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("PROXY_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	p, err := New(cfg, router, log)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tp := &testProxy{Proxy: p, addr: ln.Addr().String(), router: router, ln: ln, served: make(chan error, 1)}
	go func() { tp.served <- p.Serve(ctx, ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := p.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := tp.wait(ctx); err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return tp
}

// wait waits for Serve to return and gives its result, or an error
// saying it did not return before ctx ended.
func (tp *testProxy) wait(ctx context.Context) error {
	select {
	case err := <-tp.served:
		tp.served <- err
		return err
	case <-ctx.Done():
		return fmt.Errorf("did not return: %w", ctx.Err())
	}
}

// client returns a go-redis client of addr, closed when the test ends.
func client(t testing.TB, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second})
	t.Cleanup(func() { c.Close() })
	return c
}

// addrs lists the servers' addresses.
func addrs(rs ...*redisServer) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.addr
	}
	return out
}

// startRedises starts n redis-servers.
func startRedises(t testing.TB, n int) []*redisServer {
	t.Helper()
	rs := make([]*redisServer, n)
	for i := range rs {
		rs[i] = startRedis(t)
	}
	return rs
}

// keysOn returns n keys that the static router over nodes places on node
// i, with the given prefix.
func keysOn(r *StaticRouter, node, n int, prefix string) []string {
	want := r.Addrs()[node]
	var out []string
	for i := 0; len(out) < n; i++ {
		k := fmt.Sprintf("%s%d", prefix, i)
		if a, _ := r.Lookup(slotOfString(k)); a == want {
			out = append(out, k)
		}
	}
	return out
}

func slotOfString(k string) int { return keyslot.OfString(k) }

// eventually retries cond until it holds or the deadline passes.
func eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	testutil.WaitFor(t, within, cond, what)
}

// trim shortens long raw replies in messages.
func trim(s string) string {
	s = strings.ReplaceAll(s, "\r\n", " ")
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}

// inModes runs f twice: with the proxy's plain TCP clients on event loops
// (only on Linux) and on a goroutine each.
func inModes(t *testing.T, f func(t *testing.T, mode serving.Mode)) {
	t.Run("loops", func(t *testing.T) { f(t, serving.Loops) })
	t.Run("goroutines", func(t *testing.T) { f(t, serving.Goroutines) })
}

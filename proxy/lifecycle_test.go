package proxy

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vcache/vcache/internal/keyslot"
)

func TestConfigValidate(t *testing.T) {
	cfg := DefaultConfig()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
	cfg.ConnsPerBackend = 0
	cfg.RetryDeadline = -time.Second
	err := cfg.Validate()
	if err == nil || !strings.Contains(err.Error(), "ConnsPerBackend") || !strings.Contains(err.Error(), "RetryDeadline") {
		t.Errorf("Validate = %v, want both bad fields named", err)
	}
	if _, err := New(cfg, &StaticRouter{}, nil); err == nil {
		t.Error("New accepted an invalid config")
	}
}

func TestStaticRouterSplitsSlotsEvenly(t *testing.T) {
	r, err := NewStaticRouter([]string{"a:1", "b:2", "c:3"})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	prev := ""
	changes := 0
	for s := 0; s < keyslot.Count; s++ {
		a, ok := r.Lookup(s)
		if !ok {
			t.Fatalf("slot %d unserved", s)
		}
		if a != prev {
			changes++
			prev = a
		}
		count[a]++
	}
	if changes != 3 || count["a:1"] < 5461 || count["c:3"] < 5461 {
		t.Errorf("slots per node %v in %d ranges, want 3 even ranges in order", count, changes)
	}
	if _, ok := r.Lookup(keyslot.Count); ok {
		t.Error("slot 16384 is served")
	}
	ch := r.Changed()
	for _, bad := range [][]string{nil, {"nohost"}, {"a:1", "a:1"}} {
		if err := r.SetAddrs(bad); err == nil {
			t.Errorf("SetAddrs(%q) accepted", bad)
		}
	}
	select {
	case <-ch:
		t.Error("a refused SetAddrs signalled a change")
	default:
	}
	if err := r.SetAddrs([]string{"d:4"}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
	default:
		t.Error("SetAddrs did not signal a change")
	}
	if a, _ := r.Lookup(0); a != "d:4" {
		t.Errorf("after SetAddrs slot 0 is on %s", a)
	}
}

func TestShutdownDrainsAndStopsEverything(t *testing.T) {
	rs := startRedises(t, 2)
	before := runtime.NumGoroutine()
	p := startProxy(t, Config{}, addrs(rs...)...)
	ln := p.ln
	c := dialRaw(t, ln.Addr().String())
	if got := c.do("SET", "k", "v"); got != "+OK\r\n" {
		t.Fatalf("SET = %q", got)
	}
	// A pipeline in flight when Shutdown starts still gets its replies.
	for range 100 {
		c.send("INCR", "n")
	}
	c.w.Flush()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("second Shutdown: %v", err)
	}
	if err := p.wait(ctx); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	for i := 1; i <= 100; i++ {
		c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
		raw, err := c.rd.ReadRaw()
		if err != nil {
			t.Fatalf("reply %d of the in-flight pipeline: %v", i, err)
		}
		_ = raw
	}
	if got := rawDo(rs[0].addr, "GET", "n") + rawDo(rs[1].addr, "GET", "n"); !strings.Contains(got, "$3\r\n100\r\n") {
		t.Errorf("n = %q after the drained pipeline, want 100", got)
	}
	c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.rd.ReadRaw(); !errors.Is(err, io.EOF) {
		t.Errorf("after Shutdown the client connection should close: %v", err)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("still accepting after Shutdown")
	}
	if err := p.Serve(context.Background(), ln); err == nil {
		t.Error("Serve after Shutdown succeeded")
	}
	eventually(t, 5*time.Second, "the proxy's goroutines to end", func() bool {
		return runtime.NumGoroutine() <= before
	})
}

func TestServeStopsWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := serveProxy(t, ctx, Config{}, startRedis(t).addr)
	ln := p.ln
	dialRaw(t, ln.Addr().String()).do("PING")
	if p.Addr() == nil || p.Addr().String() != ln.Addr().String() {
		t.Errorf("Addr = %v, want %v", p.Addr(), ln.Addr())
	}
	cancel()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := p.wait(wctx); err != nil {
		t.Errorf("Serve after its context ended: %v", err)
	}
}

// flakyListener fails its first Accepts with errs, then accepts.
type flakyListener struct {
	net.Listener
	mu   sync.Mutex
	errs []error
}

func (l *flakyListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	if len(l.errs) > 0 {
		err := l.errs[0]
		l.errs = l.errs[1:]
		l.mu.Unlock()
		return nil, err
	}
	l.mu.Unlock()
	return l.Listener.Accept()
}

// TestAcceptErrorsThatPass: an Accept that fails for a moment (out of
// descriptors, a connection aborted before it was taken) does not stop
// the proxy, as it does not stop Redis (CVE-2025-48367): it accepts
// again, and serves the next client.
func TestAcceptErrorsThatPass(t *testing.T) {
	router, err := NewStaticRouter([]string{startRedis(t).addr})
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(DefaultConfig(), router, nil)
	if err != nil {
		t.Fatal(err)
	}
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	opErr := func(errno syscall.Errno) error {
		return &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", errno)}
	}
	ln := &flakyListener{Listener: inner, errs: []error{opErr(syscall.EMFILE), opErr(syscall.ECONNABORTED), opErr(syscall.ENFILE)}}
	served := make(chan error, 1)
	go func() { served <- p.Serve(context.Background(), ln) }()
	if got := rawDo(inner.Addr().String(), "PING"); got != "+PONG\r\n" {
		t.Errorf("PING after failed accepts = %q", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-ctx.Done():
		t.Error("Serve did not return")
	}
}

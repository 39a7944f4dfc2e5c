// Package nodetest serves real vcache data nodes on loopback for the tests
// of packages that talk to one as a client would (the proxy command, the
// RAG library, the examples).
package nodetest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/node"
)

// Start serves a standalone node with the default configuration on
// 127.0.0.1:0 until the test ends and returns its address.
func Start(t testing.TB) string {
	t.Helper()
	n, err := node.New(node.DefaultConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Serve(ctx, ln) }()
	t.Cleanup(func() {
		stop()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Errorf("node %s did not stop within 10s", ln.Addr())
		}
	})
	return ln.Addr().String()
}

// Client starts a node as Start does and returns a go-redis client for it
// (RESP2, which is what vcache speaks), closed before the node stops.
func Client(t testing.TB) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: Start(t), Protocol: 2})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

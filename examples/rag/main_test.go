package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/node"
)

// startNode serves a real vcache node on 127.0.0.1:0 until the test ends.
func startNode(t *testing.T) *redis.Client {
	t.Helper()
	n, err := node.New(node.DefaultConfig(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- n.Serve(ctx, ln) }()
	rdb := redis.NewClient(&redis.Options{Addr: ln.Addr().String()})
	t.Cleanup(func() {
		rdb.Close()
		cancel()
		select {
		case <-served:
		case <-time.After(10 * time.Second):
			t.Error("node did not stop")
		}
	})
	return rdb
}

func TestRAGExample(t *testing.T) {
	rdb := startNode(t)
	for range 2 { // a second run finds the index and rewrites the chunks
		var out bytes.Buffer
		if err := run(context.Background(), rdb, &out); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[0], "doc:cats:0") || !strings.HasPrefix(lines[1], "doc:dogs:0") {
			t.Fatalf("output:\n%s\nwant doc:cats:0 then doc:dogs:0", out.String())
		}
	}
	if n := rdb.Exists(context.Background(), "doc:cats:0", "doc:rain:0").Val(); n != 2 {
		t.Errorf("%d of the chunk hashes exist, want 2", n)
	}
}

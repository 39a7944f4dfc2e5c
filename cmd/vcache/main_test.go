package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startCmd runs `vcache args...` in-process and returns the address it
// prints; cancel stands in for SIGINT/SIGTERM (main maps both to it).
func startCmd(t *testing.T, args ...string) (addr string, cancel context.CancelFunc, done chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done = make(chan error, 1)
	go func() {
		done <- run(ctx, args, pw, io.Discard)
		pw.Close()
	}()
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default:
			}
		}
	}()
	select {
	case line := <-lines:
		f := strings.Fields(line)
		for _, w := range f {
			if strings.HasPrefix(w, "127.0.0.1:") {
				addr = w
			}
		}
		if addr == "" {
			t.Fatalf("no address in %q", line)
		}
	case err := <-done:
		t.Fatalf("vcache %v exited: %v", args, err)
	case <-time.After(10 * time.Second):
		t.Fatal("vcache did not start")
	}
	return addr, cancel, done
}

func TestServerSavesOnSignalAndReloads(t *testing.T) {
	dir := t.TempDir()
	addr, cancel, done := startCmd(t, "server", "--port", "0", "--dir", dir, "--loglevel", "error")
	c := redis.NewClient(&redis.Options{Addr: addr})
	ctx := context.Background()
	if err := c.Set(ctx, "survivor", "yes", 0).Err(); err != nil {
		t.Fatal(err)
	}
	c.Close()
	cancel() // what SIGTERM does
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("graceful shutdown returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
	}
	if _, err := os.Stat(filepath.Join(dir, "dump.vcache")); err != nil {
		t.Fatalf("no snapshot after shutdown: %v", err)
	}
	addr, cancel, done = startCmd(t, "server", "--port", "0", "--dir", dir, "--loglevel", "error")
	defer func() { cancel(); <-done }()
	c = redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	if v := c.Get(ctx, "survivor").Val(); v != "yes" {
		t.Fatalf("after restart GET survivor = %q", v)
	}
}

func TestDevServes(t *testing.T) {
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error")
	defer func() { cancel(); <-done }()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
}

func TestBadFlagsAreErrors(t *testing.T) {
	for _, args := range [][]string{
		{"server", "--maxmemory-policy", "sometimes"},
		{"server", "--maxmemory", "lots"},
		{"nosuchcommand"},
	} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("vcache %v: no error", args)
		}
	}
}

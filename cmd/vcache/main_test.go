package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// startCmd runs `vcache args...` in-process and returns the address it
// prints; cancel stands in for SIGINT/SIGTERM (main maps both to it).
func startCmd(t *testing.T, args ...string) (addr string, cancel context.CancelFunc, done chan error) {
	t.Helper()
	if args[0] == "dev" && !slices.Contains(args, "--dir") {
		args = append(args, "--dir", "") // keep nothing in the working directory
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done = make(chan error, 1)
	go func() {
		done <- run(ctx, args, pw, testStderr)
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
			if strings.HasPrefix(w, "127.0.0.1:") && addr == "" {
				addr = strings.TrimRight(w, ",")
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
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error", "--admin-addr", "")
	defer func() { cancel(); <-done }()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
}

// TestDevACLFile gives vcache dev's proxy users from an ACL file: a user
// limited to app:* keys writes them and is refused others, in Redis's words.
func TestDevACLFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.acl")
	if err := os.WriteFile(path, []byte("user default on nopass ~* &* +@all\nuser app on >pw ~app:* +@read +@write\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr, cancel, done := startCmd(t, "dev", "--port", "0", "--loglevel", "error", "--admin-addr", "", "--aclfile", path)
	defer func() { cancel(); <-done }()
	ctx := context.Background()
	app := redis.NewClient(&redis.Options{Addr: addr, Username: "app", Password: "pw"})
	defer app.Close()
	if err := app.Set(ctx, "app:1", "x", 0).Err(); err != nil {
		t.Fatalf("app SET app:1: %v", err)
	}
	err := app.Set(ctx, "other:1", "x", 0).Err()
	if err == nil || !strings.HasPrefix(err.Error(), "NOPERM") {
		t.Fatalf("app SET other:1: %v, want NOPERM", err)
	}
	bad := redis.NewClient(&redis.Options{Addr: addr, Username: "app", Password: "wrong", MaxRetries: -1})
	defer bad.Close()
	if err := bad.Ping(ctx).Err(); err == nil || !strings.Contains(err.Error(), "WRONGPASS") {
		t.Fatalf("wrong password: %v, want WRONGPASS", err)
	}
}

func TestBadFlagsAreErrors(t *testing.T) {
	for _, args := range [][]string{
		{"server", "--maxmemory-policy", "sometimes"},
		{"server", "--maxmemory", "lots"},
		// A cluster node listening on every interface must be told which
		// address to announce.
		{"server", "--bind", "0.0.0.0", "--port", "0", "--join", "127.0.0.1:1", "--gossip", "127.0.0.1:0"},
		{"server", "--port", "0", "--join", "127.0.0.1:1", "--gossip", "127.0.0.1:0", "--announce", "no-port"},
		{"nosuchcommand"},
	} {
		if err := run(context.Background(), args, io.Discard, io.Discard); err == nil {
			t.Errorf("vcache %v: no error", args)
		}
	}
}

// freePort returns a free 127.0.0.1 TCP port (also free for UDP, most
// likely; gossip uses both).
func freePort(t *testing.T) string {
	t.Helper()
	return strconv.Itoa(testutil.FreePort(t))
}

func TestServersJoinAndProxyRoutesByGossip(t *testing.T) {
	seed := "127.0.0.1:" + freePort(t)
	var stops []func()
	defer func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}()
	for i := 0; i < 3; i++ {
		gossip := seed
		if i > 0 {
			gossip = "127.0.0.1:" + freePort(t)
		}
		_, cancel, done := startCmd(t, "server", "--port", "0", "--loglevel", "error", "--gossip", gossip,
			"--join", seed, "--node-name", fmt.Sprintf("n%d", i))
		stops = append(stops, func() { cancel(); <-done })
	}
	addr, cancel, done := startCmd(t, "proxy", "--port", "0", "--loglevel", "error", "--gossip", "127.0.0.1:"+freePort(t), "--join", seed)
	stops = append(stops, func() { cancel(); <-done })
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	ctx := context.Background()
	testutil.WaitFor(t, 30*time.Second, func() bool { return c.Set(ctx, "k", "v", 0).Err() == nil },
		"the proxy to route a write to the cluster")
	for i := 0; i < 200; i++ {
		if err := c.Set(ctx, fmt.Sprintf("key%d", i), i, 0).Err(); err != nil {
			t.Fatalf("SET through the proxy: %v", err)
		}
	}
	if n := c.DBSize(ctx).Val(); n != 201 {
		t.Fatalf("DBSIZE through the proxy = %d, want 201", n)
	}
}

// testStderr receives the commands' logs; os.Stderr when VCACHE_TEST_LOG is
// set, for debugging.
var testStderr = func() io.Writer {
	if os.Getenv("VCACHE_TEST_LOG") != "" {
		return os.Stderr
	}
	return io.Discard
}()

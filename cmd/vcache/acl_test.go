package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestProxyACLFile: `vcache proxy --aclfile` in front of real vcache
// nodes: the file's users are enforced at the proxy, ACL SAVE keeps new
// ones across a restart, and a bad line stops the start naming it.
func TestProxyACLFile(t *testing.T) {
	backends := startNode(t) + "," + startNode(t)
	path := filepath.Join(t.TempDir(), "proxy-users.acl")
	if err := os.WriteFile(path, []byte("# cache readers\nuser reader on >r3ad ~cache:* +@read +acl|whoami\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"proxy", "--port", "0", "--backend", backends, "--aclfile", path, "--loglevel", "error"}
	addr, cancel, done := startCmd(t, args...)
	ctx := context.Background()
	admin := redis.NewClient(&redis.Options{Addr: addr})
	defer admin.Close()
	if err := admin.MSet(ctx, "cache:x", "hello", "other:x", "1").Err(); err != nil {
		t.Fatal(err)
	}
	reader := redis.NewClient(&redis.Options{Addr: addr, Username: "reader", Password: "r3ad", MaxRetries: -1})
	defer reader.Close()
	if got, err := reader.Get(ctx, "cache:x").Result(); err != nil || got != "hello" {
		t.Errorf("reader GET cache:x = %q, %v", got, err)
	}
	if got, err := reader.ACLWhoAmI(ctx).Result(); err != nil || got != "reader" {
		t.Errorf("reader ACL WHOAMI = %q, %v", got, err)
	}
	if err := reader.Set(ctx, "cache:x", "2", 0).Err(); err == nil || err.Error() != "NOPERM User reader has no permissions to run the 'set' command" {
		t.Errorf("reader SET: %v", err)
	}
	if err := reader.Get(ctx, "other:x").Err(); err == nil || err.Error() != "NOPERM No permissions to access a key" {
		t.Errorf("reader GET other:x: %v", err)
	}
	wrong := redis.NewClient(&redis.Options{Addr: addr, Username: "reader", Password: "nope", MaxRetries: -1})
	defer wrong.Close()
	if err := wrong.Get(ctx, "cache:x").Err(); err == nil || !strings.HasPrefix(err.Error(), "WRONGPASS") {
		t.Errorf("a wrong password: %v", err)
	}
	if _, err := exec.LookPath("redis-cli"); err == nil {
		_, port, _ := strings.Cut(addr, ":")
		out, _ := exec.Command("redis-cli", "-p", port, "--user", "reader", "--pass", "r3ad", "--no-auth-warning", "SET", "cache:x", "3").CombinedOutput()
		if got := strings.TrimSpace(string(out)); got != "NOPERM User reader has no permissions to run the 'set' command" {
			t.Errorf("redis-cli SET as reader: %q", got)
		}
	}
	if err := admin.ACLSetUser(ctx, "writer", "on", ">wr1te", "~*", "+@write").Err(); err != nil {
		t.Fatal(err)
	}
	if err := admin.Do(ctx, "ACL", "SAVE").Err(); err != nil {
		t.Fatalf("ACL SAVE: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("proxy: %v", err)
	}

	addr, cancel, done = startCmd(t, args...)
	defer func() { cancel(); <-done }()
	writer := redis.NewClient(&redis.Options{Addr: addr, Username: "writer", Password: "wr1te", MaxRetries: -1})
	defer writer.Close()
	if err := writer.Set(ctx, "any", "1", 0).Err(); err != nil {
		t.Errorf("writer after ACL SAVE and a restart: %v", err)
	}
	reader2 := redis.NewClient(&redis.Options{Addr: addr, Username: "reader", Password: "r3ad", MaxRetries: -1})
	defer reader2.Close()
	if got, err := reader2.Get(ctx, "cache:x").Result(); err != nil || got != "hello" {
		t.Errorf("reader after a restart: %q, %v", got, err)
	}

	bad := filepath.Join(t.TempDir(), "bad.acl")
	os.WriteFile(bad, []byte("user ok on nopass +@all\nuser typo on >pw +@raed\n"), 0o600)
	ctx2, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	err := run(ctx2, []string{"proxy", "--port", "0", "--backend", backends, "--aclfile", bad}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), bad+":2: Error in rule '+@raed': Unknown command or category name in ACL") {
		t.Errorf("vcache proxy with a bad ACL file: %v", err)
	}
}

// TestServerACLFile: `vcache server --aclfile` loads its users and
// refuses to start on a bad line, naming it.
func TestServerACLFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "users.acl")
	os.WriteFile(path, []byte("user app on >app-pass ~app:* +@all\n"), 0o600)
	addr, cancel, done := startCmd(t, "server", "--port", "0", "--aclfile", path, "--loglevel", "error")
	defer func() { cancel(); <-done }()
	ctx := context.Background()
	app := redis.NewClient(&redis.Options{Addr: addr, Username: "app", Password: "app-pass", MaxRetries: -1})
	defer app.Close()
	if err := app.Set(ctx, "app:1", "x", 0).Err(); err != nil {
		t.Errorf("app SET app:1: %v", err)
	}
	if err := app.Set(ctx, "other:1", "x", 0).Err(); err == nil || err.Error() != "NOPERM No permissions to access a key" {
		t.Errorf("app SET other:1: %v", err)
	}
	if err := app.Do(ctx, "ACL", "SAVE").Err(); err != nil {
		t.Errorf("ACL SAVE: %v", err)
	}

	os.WriteFile(path, []byte("user app on >app-pass ~app:* +@all\nuser app off\n"), 0o600)
	err := run(ctx, []string{"server", "--port", "0", "--aclfile", path}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), path+":2: Duplicate user 'app' found") {
		t.Errorf("vcache server with a bad ACL file: %v", err)
	}
}

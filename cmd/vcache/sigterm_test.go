package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startPersistentProc starts `vcache server --dir dir` (on another free
// port if one is taken meanwhile).
func startPersistentProc(t *testing.T, bin, dir string) *proc {
	t.Helper()
	for attempt := 0; ; attempt++ {
		p, ok := startProc(t, bin, freePort(t), "--dir", dir, "--loglevel", "info")
		if ok {
			return p
		}
		if attempt == 4 {
			t.Fatalf("the node did not start:\n%s", p.logs.String())
		}
	}
}

// breakDir makes saves into dir fail, as root too: dir becomes a file.
func breakDir(t *testing.T, dir string) {
	t.Helper()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a directory"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitLog waits until the process has logged want n times.
func waitLog(t *testing.T, p *proc, want string, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(p.logs.String(), want) < n {
		select {
		case <-p.exited:
			t.Fatalf("the node exited (status %d) before logging %q %d times:\n%s", p.cmd.ProcessState.ExitCode(), want, n, p.logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q (%d times) in:\n%s", want, n, p.logs.String())
		}
		time.Sleep(20 * time.Millisecond) // polling its output, bounded by the deadline
	}
}

// waitExit waits for the process to exit and returns its status.
func waitExit(t *testing.T, p *proc) int {
	t.Helper()
	select {
	case <-p.exited:
		return p.cmd.ProcessState.ExitCode()
	case <-time.After(20 * time.Second):
		t.Fatalf("the node did not exit:\n%s", p.logs.String())
		return -1
	}
}

const cantExit = "Error trying to save the DB, can't exit."

// TestSIGTERMWithFailingSnapshotKeepsServing runs the vcache binary with
// --dir, makes the directory unusable and sends SIGTERM: the node logs
// that it can't exit and keeps serving every key; once the directory
// works again, SIGTERM saves and exits 0, and a restart has every key.
func TestSIGTERMWithFailingSnapshotKeepsServing(t *testing.T) {
	bin := buildVcache(t)
	dir := filepath.Join(t.TempDir(), "data")
	p := startPersistentProc(t, bin, dir)
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: p.addr, MaxRetries: -1})
	defer c.Close()
	const keys = 500
	for i := 0; i < keys; i++ {
		if i == keys/2 {
			breakDir(t, dir) // half the keys are written while saves fail
		}
		if err := c.Set(ctx, fmt.Sprintf("k%d", i), i, 0).Err(); err != nil {
			t.Fatal(err)
		}
	}

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitLog(t, p, cantExit, 1)
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("PING after the failed SIGTERM: %v", err)
	}
	if n := c.DBSize(ctx).Val(); n != keys {
		t.Fatalf("DBSIZE after the failed SIGTERM = %d, want %d", n, keys)
	}
	if v := c.Get(ctx, fmt.Sprintf("k%d", keys-1)).Val(); v != fmt.Sprint(keys-1) {
		t.Fatalf("the last key = %q", v)
	}
	if err := c.Set(ctx, "written-after-sigterm", "yes", 0).Err(); err != nil {
		t.Fatalf("a write after the failed SIGTERM: %v", err)
	}
	info := c.Info(ctx, "persistence").Val()
	if !strings.Contains(info, "rdb_last_bgsave_status:err") {
		t.Errorf("INFO persistence after the failed save:\n%s", info)
	}

	// The directory works again: SIGTERM saves and exits 0.
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, p); code != 0 {
		t.Fatalf("exit status %d after a good save:\n%s", code, p.logs.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "dump.vcache")); err != nil {
		t.Fatalf("no snapshot: %v", err)
	}
	p2 := startPersistentProc(t, bin, dir)
	c2 := redis.NewClient(&redis.Options{Addr: p2.addr, MaxRetries: -1})
	defer c2.Close()
	if n := c2.DBSize(ctx).Val(); n != keys+1 {
		t.Errorf("after the restart DBSIZE = %d, want %d", n, keys+1)
	}
	if v := c2.Get(ctx, "written-after-sigterm").Val(); v != "yes" {
		t.Errorf("the write made after the failed SIGTERM was lost: %q", v)
	}
}

// TestSignalsWhileSnapshotFails: a second SIGTERM while the snapshot still
// fails tries again and keeps serving; SIGINT then exits at once, status
// 1, without saving.
func TestSignalsWhileSnapshotFails(t *testing.T) {
	bin := buildVcache(t)
	dir := filepath.Join(t.TempDir(), "data")
	p := startPersistentProc(t, bin, dir)
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: p.addr, MaxRetries: -1})
	defer c.Close()
	c.Set(ctx, "k", "v", 0)
	breakDir(t, dir)
	for i := 1; i <= 2; i++ {
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		waitLog(t, p, cantExit, i)
		if v := c.Get(ctx, "k").Val(); v != "v" {
			t.Fatalf("after SIGTERM %d GET k = %q", i, v)
		}
	}
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, p); code != 1 {
		t.Fatalf("exit status %d after SIGINT while the snapshot fails, want 1:\n%s", code, p.logs.String())
	}
	if !strings.Contains(p.logs.String(), "You insist") {
		t.Errorf("the forced exit is not logged:\n%s", p.logs.String())
	}
}

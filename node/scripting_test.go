package node

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestScriptAtomicity: a script that reads a counter and writes it back
// (GET then SET: lost updates if anything interleaves) run by 50 clients
// 200 times each, while other clients INCR the same key, ends with
// exactly every increment.
func TestScriptAtomicity(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	const scripters, calls, incrs, incrCalls = 50, 200, 5, 200
	src := redis.NewScript(`local v = tonumber(redis.call('get', KEYS[1]) or '0')
redis.call('set', KEYS[1], v + 1)
return v + 1`)
	c := tn.client(t)
	c.Options().PoolSize = scripters + incrs
	var wg sync.WaitGroup
	errs := make(chan error, scripters+incrs)
	for range scripters {
		wg.Go(func() {
			for range calls {
				if err := src.Run(ctx, c, []string{"counter"}).Err(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for range incrs {
		wg.Go(func() {
			for range incrCalls {
				if err := c.Incr(ctx, "counter").Err(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	got, err := c.Get(ctx, "counter").Int()
	if err != nil {
		t.Fatal(err)
	}
	if want := scripters*calls + incrs*incrCalls; got != want {
		t.Fatalf("counter = %d, want %d (an update was lost)", got, want)
	}
}

// TestScriptKillBusy: a script that never ends makes other clients' commands
// answer BUSY once past busy-reply-threshold; SCRIPT KILL stops it, its
// client gets the kill error and the server serves again.
func TestScriptKillBusy(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	admin := tn.client(t)
	if err := admin.ConfigSet(ctx, "busy-reply-threshold", "50").Err(); err != nil {
		t.Fatal(err)
	}
	if err := admin.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	looper := tn.client(t)
	done := make(chan error, 1)
	go func() {
		done <- looper.Eval(ctx, "while true do end", []string{"k"}).Err()
	}()
	other := tn.client(t)
	var busy string
	waitFor(t, 10*time.Second, "BUSY from another client", func() bool {
		err := other.Get(ctx, "k").Err()
		if err != nil && strings.HasPrefix(err.Error(), "BUSY") {
			busy = err.Error()
			return true
		}
		return false
	})
	if want := "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."; busy != want {
		t.Fatalf("busy reply %q, want %q", busy, want)
	}
	if err := other.Ping(ctx).Err(); err == nil || !strings.HasPrefix(err.Error(), "BUSY") {
		t.Fatalf("PING during a busy script: %v, want BUSY", err)
	}
	if err := other.ScriptKill(ctx).Err(); err != nil {
		t.Fatalf("SCRIPT KILL: %v", err)
	}
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "Script killed by user with SCRIPT KILL") {
			t.Fatalf("killed script's reply: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the script did not stop after SCRIPT KILL")
	}
	if got, err := other.Get(ctx, "k").Result(); err != nil || got != "v" {
		t.Fatalf("GET after the kill = %q, %v", got, err)
	}
	if err := other.ScriptKill(ctx).Err(); err == nil || !strings.HasPrefix(err.Error(), "NOTBUSY") {
		t.Fatalf("SCRIPT KILL with no script: %v", err)
	}
}

// TestScriptSandbox: scripts cannot reach files, the OS, other code or
// the globals' protection.
func TestScriptSandbox(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	for _, src := range []string{
		"return os.execute('true')",
		"return io.open('/etc/passwd')",
		"return loadfile('/etc/passwd')",
		"return dofile('/etc/passwd')",
		"return require('os')",
		"return package.loadlib('x','y')",
		"return load(function() return nil end)",
		"setmetatable(_G, nil); newglobal = 1",
		"getmetatable(_G).__newindex = nil",
		"newglobal = 1",
		"_G.newglobal = 1",
		"redis = nil",
		"KEYS = {}",
		"return debug.getinfo(1)",
	} {
		err := c.Eval(ctx, src, nil).Err()
		if err == nil || err == redis.Nil {
			t.Errorf("%s: ran (%v), want an error", src, err)
		}
	}
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("PING after the escapes: %v", err)
	}
	if got, err := c.Eval(ctx, "return type(redis)", nil).Result(); err != nil || got != "table" {
		t.Fatalf("redis after the escapes: %v %v", got, err)
	}
}

// TestScriptNOPERM: redis.call runs with the caller's rights: a user
// without a command or a key gets Redis's script errors.
func TestScriptNOPERM(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	admin := tn.client(t)
	if err := admin.Do(ctx, "ACL", "SETUSER", "app", "on", ">pw", "~app:*", "+@scripting", "+get", "+set").Err(); err != nil {
		t.Fatal(err)
	}
	if err := admin.Set(ctx, "other:x", "secret", 0).Err(); err != nil {
		t.Fatal(err)
	}
	app := redis.NewClient(&redis.Options{Addr: tn.addr, Username: "app", Password: "pw", MaxRetries: -1})
	t.Cleanup(func() { app.Close() })
	for _, tc := range []struct {
		src, want string
	}{
		{"return redis.call('get','other:x')", "ERR The user executing the script can't access at least one of the keys mentioned in the command script: "},
		{"return redis.call('del','app:x')", "ERR The user executing the script can't run this command or subcommand script: "},
		{"return redis.pcall('get','other:x')", "ERR The user executing the script can't access at least one of the keys mentioned in the command"},
	} {
		err := app.Eval(ctx, tc.src, nil).Err()
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q...", tc.src, err, tc.want)
		}
	}
	if got, err := app.Eval(ctx, "redis.call('set','app:x','1'); return redis.call('get','app:x')", []string{"app:x"}).Result(); err != nil || got != "1" {
		t.Fatalf("allowed script: %v %v", got, err)
	}
	if err := app.Eval(ctx, "return 1", []string{"other:x"}).Err(); err == nil || !strings.HasPrefix(err.Error(), "NOPERM") {
		t.Fatalf("declared key outside the user's keys: %v, want NOPERM", err)
	}
}

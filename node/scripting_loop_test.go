//go:build linux

package node

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/serving"
)

// loopNode starts a node served by event loops (loops of them).
func loopNode(t *testing.T, loops int) *testNode {
	return startNode(t, func(c *Config) {
		c.Serving = serving.NewGroup(serving.Loops, false)
		c.IOThreads = loops
	})
}

// scriptRuns returns INFO's script_calls_on_loops and
// script_calls_off_loops.
func scriptRuns(t *testing.T, c *redis.Client) (on, off int64) {
	t.Helper()
	return infoInt(t, c, "script_calls_on_loops"), infoInt(t, c, "script_calls_off_loops")
}

// TestQuickScriptsRunOnTheLoop: EVAL, EVALSHA and FCALL of scripts that
// provably end quickly run on the event loop that read them (INFO
// script_calls_on_loops counts them); a script with a loop, a function
// calling a helper function, a script calling a command served off the
// loops and one naming its command from an argument run off the loops
// (script_calls_off_loops). Every reply is the script's.
func TestQuickScriptsRunOnTheLoop(t *testing.T) {
	tn := loopNode(t, 0)
	ctx := context.Background()
	c := tn.client(t)
	if err := c.Set(ctx, "k", "5", 0).Err(); err != nil {
		t.Fatal(err)
	}
	lib := "#!lua name=looplib\n" +
		"local function helper(k) return redis.call('GET', k) end\n" +
		"redis.register_function('get1', function(keys, args) return redis.call('GET', keys[1]) end)\n" +
		"redis.register_function('viahelper', function(keys, args) return helper(keys[1]) end)\n" +
		"redis.register_function('count', function(keys, args) local n = 0 for i = 1, #args do n = n + 1 end return n end)\n"
	if err := c.FunctionLoad(ctx, lib).Err(); err != nil {
		t.Fatal(err)
	}
	get := "return redis.call('GET', KEYS[1])"
	sha, err := c.ScriptLoad(ctx, get).Result()
	if err != nil {
		t.Fatal(err)
	}
	on0, off0 := scriptRuns(t, c)
	for _, tc := range []struct {
		name string
		run  func() (any, error)
		want any
		on   bool
	}{
		{"EVALSHA", func() (any, error) { return c.EvalSha(ctx, sha, []string{"k"}).Result() }, "5", true},
		{"EVAL", func() (any, error) { return c.Eval(ctx, get, []string{"k"}).Result() }, "5", true},
		{"EVAL_RO", func() (any, error) { return c.EvalRO(ctx, get, []string{"k"}).Result() }, "5", true},
		{"EVALSHA_RO", func() (any, error) { return c.EvalShaRO(ctx, sha, []string{"k"}).Result() }, "5", true},
		{"FCALL", func() (any, error) { return c.FCall(ctx, "get1", []string{"k"}).Result() }, "5", true},
		{"rate limiter", func() (any, error) {
			return c.Eval(ctx, "local c = redis.call('INCR', KEYS[1])\nif c == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end\n"+
				"if c > tonumber(ARGV[2]) then return 0 end\nreturn 1", []string{"rl"}, 60, 100).Result()
		}, int64(1), true},
		{"loop", func() (any, error) {
			return c.Eval(ctx, "local n = 0 for i = 1, 3 do n = n + redis.call('INCR', KEYS[1]) end return n", []string{"n"}).Result()
		}, int64(6), false},
		{"helper", func() (any, error) { return c.FCall(ctx, "viahelper", []string{"k"}).Result() }, "5", false},
		{"function loop", func() (any, error) { return c.FCall(ctx, "count", nil, "a", "b").Result() }, int64(2), false},
		{"off-loop command", func() (any, error) {
			return c.Eval(ctx, "return redis.pcall('BLPOP', KEYS[1], 0)['err']", []string{"q"}).Result()
		}, "ERR This Redis command is not allowed from script", false},
		{"command from an argument", func() (any, error) {
			return c.Eval(ctx, "return redis.call(ARGV[1], KEYS[1])", []string{"k"}, "GET").Result()
		}, "5", false},
	} {
		got, err := tc.run()
		if err != nil || fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Fatalf("%s: %v, %v; want %v", tc.name, got, err, tc.want)
		}
		on, off := scriptRuns(t, c)
		if tc.on && (on != on0+1 || off != off0) || !tc.on && (on != on0 || off != off0+1) {
			t.Fatalf("%s: on/off the loops %d/%d -> %d/%d, want it on a loop: %v", tc.name, on0, off0, on, off, tc.on)
		}
		on0, off0 = on, off
	}
	// A script that fails before it runs, on the loop: its error, and no
	// run counted.
	if err := c.EvalSha(ctx, strings.Repeat("0", 40), nil).Err(); err == nil || !strings.HasPrefix(err.Error(), "NOSCRIPT") {
		t.Fatalf("EVALSHA of an unknown script: %v", err)
	}
	if err := c.Do(ctx, "EVALSHA", sha, "x").Err(); err == nil || !strings.Contains(err.Error(), "not an integer") {
		t.Fatalf("EVALSHA with a bad key count: %v", err)
	}
	if on, off := scriptRuns(t, c); on != on0 || off != off0 {
		t.Fatalf("refused calls counted as runs: %d/%d -> %d/%d", on0, off0, on, off)
	}
	if err := c.ConfigResetStat(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if on, off := scriptRuns(t, c); on != 0 || off != 0 {
		t.Fatalf("after CONFIG RESETSTAT: %d/%d", on, off)
	}
}

// TestLoopingScriptOffTheLoop: on a node with one event loop, a script
// that never ends runs off the loop: the loop's other clients are served
// (BUSY once past the threshold, a quick script too), SCRIPT KILL from
// one of them stops it, and a quick script runs on the loop again after.
func TestLoopingScriptOffTheLoop(t *testing.T) {
	tn := loopNode(t, 1)
	ctx := context.Background()
	admin := tn.client(t)
	if err := admin.ConfigSet(ctx, "busy-reply-threshold", "100").Err(); err != nil {
		t.Fatal(err)
	}
	if err := admin.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	quick := "return redis.call('GET', KEYS[1])"
	looper := redis.NewClient(&redis.Options{Addr: tn.addr, MaxRetries: -1, ReadTimeout: 30 * time.Second})
	t.Cleanup(func() { looper.Close() })
	done := make(chan error, 1)
	go func() { done <- looper.Eval(ctx, "local i = 0 while true do i = i + 1 end", []string{"k"}).Err() }()
	other := tn.client(t)
	waitFor(t, 10*time.Second, "BUSY from another client of the loop", func() bool {
		err := other.Get(ctx, "k").Err()
		return err != nil && strings.HasPrefix(err.Error(), "BUSY")
	})
	for _, cmd := range [][]any{{"ECHO", "hi"}, {"EVAL", quick, "1", "k"}} {
		if got, err := other.Do(ctx, cmd...).Result(); err == nil || !strings.HasPrefix(err.Error(), "BUSY") {
			t.Fatalf("%s during the busy script: %v %v, want BUSY", cmd[0], got, err)
		}
	}
	if err := other.ScriptKill(ctx).Err(); err != nil {
		t.Fatalf("SCRIPT KILL: %v", err)
	}
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "Script killed by user with SCRIPT KILL") {
			t.Fatalf("the killed script's reply: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the script did not stop after SCRIPT KILL")
	}
	on0, off0 := scriptRuns(t, admin)
	if off0 != 1 {
		t.Fatalf("script_calls_off_loops = %d, want 1 (the looping script)", off0)
	}
	if got, err := other.Eval(ctx, quick, []string{"k"}).Result(); err != nil || got != "v" {
		t.Fatalf("quick script after the kill: %v %v", got, err)
	}
	if on, off := scriptRuns(t, admin); on != on0+1 || off != off0 {
		t.Fatalf("quick script after the kill: on/off the loops %d/%d -> %d/%d", on0, off0, on, off)
	}
}

// TestQuickScriptsAtomicUnderLoad: 50 clients run quick scripts that
// increment two keys of different stripes and a read-modify-write
// counter (GET then SET), mixed with a script that does the same in a
// loop (off the loops), on a node with two event loops, while other
// clients read both keys: no reader ever sees one increment without the
// other, no update is lost, and both kinds of run happened.
func TestQuickScriptsAtomicUnderLoad(t *testing.T) {
	tn := loopNode(t, 2)
	ctx := context.Background()
	c := tn.client(t)
	const scripters, calls, readers = 50, 100, 4
	c.Options().PoolSize = scripters + readers + 2
	quick := redis.NewScript(`redis.call('INCR', KEYS[1])
redis.call('GET', KEYS[1])
redis.call('GET', KEYS[2])
local v = tonumber(redis.call('GET', KEYS[3]) or '0')
redis.call('SET', KEYS[3], v + 1)
return redis.call('INCR', KEYS[2])`)
	slow := redis.NewScript(`for i = 1, 1 do redis.call('INCR', KEYS[1]) end
local v = tonumber(redis.call('GET', KEYS[3]) or '0')
redis.call('SET', KEYS[3], v + 1)
return redis.call('INCR', KEYS[2])`)
	keys := []string{"pair:a", "pair:b{x}", "rmw"}
	var wg sync.WaitGroup
	errs := make(chan error, scripters+readers)
	stop := make(chan struct{})
	for i := range scripters {
		wg.Go(func() {
			s := quick
			if i%10 == 0 {
				s = slow
			}
			for range calls {
				if err := s.Run(ctx, c, keys).Err(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	var rwg sync.WaitGroup
	for range readers {
		rwg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				vals, err := c.MGet(ctx, keys[0], keys[1]).Result()
				if err != nil {
					errs <- err
					return
				}
				if fmt.Sprint(vals[0]) != fmt.Sprint(vals[1]) {
					errs <- fmt.Errorf("MGET saw a script half run: %v", vals)
					return
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	rwg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	want := fmt.Sprint(scripters * calls)
	for _, k := range keys {
		if got, err := c.Get(ctx, k).Result(); err != nil || got != want {
			t.Fatalf("%s = %q, %v; want %s", k, got, err, want)
		}
	}
	on, off := scriptRuns(t, c)
	if on == 0 || off == 0 || on+off != scripters*calls {
		t.Fatalf("script runs on/off the loops %d/%d, want both, %d in all", on, off, scripters*calls)
	}
}

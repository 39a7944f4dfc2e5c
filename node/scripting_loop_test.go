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

	"github.com/vcache/vcache/cluster"
	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/script"
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

// TestQuickScriptsAtomicUnderLoad: 50 clients run scripts that increment
// two keys of different stripes and a read-modify-write counter (GET
// then SET), on a node with two event loops, while other clients read
// both keys and INCR the counter: quick scripts naming the keys as
// declared keys (which hold only those keys' stripes), as a constant, as
// an argument (every stripe), and a script doing the same in a loop (off
// the loops). No reader ever sees one increment without the other, no
// update is lost, and both kinds of run happened.
func TestQuickScriptsAtomicUnderLoad(t *testing.T) {
	tn := loopNode(t, 2)
	ctx := context.Background()
	c := tn.client(t)
	const scripters, calls, readers, incrs = 50, 200, 4, 20
	c.Options().PoolSize = scripters + readers + incrs + 2
	// The counter: a declared key (rmw), or one the script names as a
	// constant or an argument (other).
	script := func(first, counter string) *redis.Script {
		return redis.NewScript(first + "\nlocal v = tonumber(redis.call('GET', " + counter + ") or '0')\n" +
			strings.Repeat("redis.call('GET', KEYS[1])\nredis.call('GET', KEYS[2])\n", 4) +
			"redis.call('SET', " + counter + ", v + 1)\nreturn redis.call('INCR', KEYS[2])")
	}
	scripts := []*redis.Script{
		script("redis.call('INCR', KEYS[1])", "KEYS[3]"),
		script("redis.call('INCR', KEYS[1])", "'other'"),
		script("redis.call('INCR', KEYS[1])", "ARGV[1]"),
		script("for i = 1, 1 do redis.call('INCR', KEYS[1]) end", "KEYS[3]"),
	}
	keys := []string{"pair:a", "pair:b{x}", "rmw"}
	var wg sync.WaitGroup
	errs := make(chan error, scripters+readers+incrs)
	stop := make(chan struct{})
	for i := range scripters {
		wg.Go(func() {
			s := scripts[i%len(scripts)]
			for range calls {
				if err := s.Run(ctx, c, keys, "other").Err(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := range incrs {
		wg.Go(func() {
			for range calls {
				if err := c.Incr(ctx, []string{"rmw", "other"}[i%2]).Err(); err != nil {
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
	for k, want := range map[string]int{
		"pair:a": scripters * calls, "pair:b{x}": scripters * calls,
		"rmw": scripters/2*calls + incrs/2*calls, "other": scripters/2*calls + incrs/2*calls,
	} {
		if got, err := c.Get(ctx, k).Int(); err != nil || got != want {
			t.Fatalf("%s = %d, %v; want %d (an update was lost)", k, got, err, want)
		}
	}
	on, off := scriptRuns(t, c)
	if on == 0 || off == 0 || on+off != scripters*calls {
		t.Fatalf("script runs on/off the loops %d/%d, want both, %d in all", on, off, scripters*calls)
	}
}

// TestQuickScriptVerdicts: the node's verdict on bounded scripts: quick
// unless they call a command served off the loops; holding only their
// declared keys' and constant keys' stripes when every key their
// commands name is one of those.
func TestQuickScriptVerdicts(t *testing.T) {
	tn := startNode(t, nil)
	stripe := func(k string) uint64 { return 1 << (keyslot.Of([]byte(k)) % replStripes) }
	for body, want := range map[string]script.Verdict{
		"return redis.call('GET', KEYS[1])":                {Quick: true, Keys: true},
		"return redis.call('INCR', 'other')":               {Quick: true, Keys: true, Mask: stripe("other")},
		"return redis.call('MGET', KEYS[2], 'x', KEYS[1])": {Quick: true, Keys: true, Mask: stripe("x")},
		"return redis.call('SET', KEYS[1], unpack(ARGV))":  {Quick: true, Keys: true},
		"return redis.call('PUBLISH', 'ch', ARGV[1])":      {Quick: true, Keys: true},
		"return redis.call('nosuchcommand', ARGV[1])":      {Quick: true, Keys: true},
		"return 1":                          {Quick: true, Keys: true},
		"return redis.call('GET', ARGV[1])": {Quick: true},
		"return redis.call('MGET', KEYS[1], unpack(ARGV))":           {Quick: true},
		"return redis.call('DBSIZE')":                                {Quick: true},
		"return redis.call('ZUNIONSTORE', KEYS[1], 1, KEYS[2])":      {Quick: true},
		"KEYS[1] = ARGV[1]\nreturn redis.call('GET', KEYS[1])":       {Quick: true},
		"return redis.call('BLPOP', KEYS[1], 0)":                     {},
		"return redis.call('MIGRATE', 'h', 1, KEYS[1], 0, 1)":        {},
		"for i = 1, 2 do redis.call('GET', KEYS[1]) end":             {},
		"return redis.call('GET', KEYS[1]) .. string.rep('x', 1000)": {},
	} {
		s, err := tn.scripts.engine.Load(body)
		if err != nil {
			t.Fatal(err)
		}
		if s.Verdict != want {
			t.Errorf("%q: %+v, want %+v", body, s.Verdict, want)
		}
	}
}

// TestQuickScriptsReplicate: the writes of scripts run on the event loop
// and off it reach the replica of their keys' shard. (The quick script
// that follows the slow one on its connection runs on the goroutine the
// slow one left the loop for; the connection is back on a loop for the
// next.)
func TestQuickScriptsReplicate(t *testing.T) {
	nodes := startReplicatedNodes(t, 3)
	m := nodes[0].Cluster().Map()
	byID := map[cluster.NodeID]*testNode{}
	for _, tn := range nodes {
		byID[tn.Cluster().Self()] = tn
	}
	owner, _ := m.Owner(keyslot.OfString("{sr}"))
	p, r := byID[owner.Primary].raw(t), byID[owner.Replicas[0]].raw(t)
	quick := "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('INCR', KEYS[2])"
	slow := "for i = 1, 2 do redis.call('INCR', KEYS[2]) end return redis.call('APPEND', KEYS[1], ARGV[1])"
	for i, call := range [][]string{
		{"EVAL", quick, "2", "{sr}s", "{sr}n", "v"},
		{"EVAL", slow, "2", "{sr}s", "{sr}n", "w"},
		{"EVAL", quick, "2", "{sr}s", "{sr}n", "x"},
		{"EVAL", quick, "2", "{sr}s", "{sr}n", "y"},
	} {
		if got := p.do(call...); strings.HasPrefix(got, "(error)") {
			t.Fatalf("call %d: %s", i, got)
		}
	}
	if got := p.do("WAIT", "1", "5000"); got != "(integer) 1" {
		t.Fatalf("WAIT: %s", got)
	}
	r.do("READONLY")
	if got := r.do("MGET", "{sr}s", "{sr}n"); got != "1) \"y\"\n2) \"5\"" {
		t.Fatalf("MGET on the replica: %s", got)
	}
	if on, off := scriptRuns(t, byID[owner.Primary].client(t)); on != 2 || off != 2 {
		t.Fatalf("the primary ran %d scripts on its loops and %d off them, want 2 and 2", on, off)
	}
}

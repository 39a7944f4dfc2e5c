package node

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestScriptCallNilError: calling nil, a number or a boolean fails with
// Lua 5.1's words (as in Redis), naming the local, field or method called
// when there is one; loadstring of a binary chunk is nil; getmetatable of
// those values is still nil.
func TestScriptCallNilError(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	for src, want := range map[string]string{
		"return loadstring(string.dump(function() return 1 end))()": "user_script:1: attempt to call a nil value",
		"local x = 5\nreturn x()":                                   "user_script:2: attempt to call local 'x' (a number value)",
		"local b = true\nreturn b()":                                "user_script:2: attempt to call local 'b' (a boolean value)",
		"local t = {}\nreturn t.nofunc()":                           "user_script:2: attempt to call field 'nofunc' (a nil value)",
		"local t = {}\nreturn t:nomethod()":                         "user_script:2: attempt to call method 'nomethod' (a nil value)",
		"local t = {}\nreturn (t.x or t.y)()":                       "user_script:2: attempt to call a nil value",
	} {
		err := c.Eval(ctx, src, nil).Err()
		if err == nil || !strings.HasPrefix(err.Error(), "ERR "+want) {
			t.Errorf("%q: %v, want ERR %s...", src, err, want)
		}
	}
	got, err := c.Eval(ctx, "return {getmetatable(nil) == nil, getmetatable(1) == nil, getmetatable(true) == nil, getmetatable('') ~= nil}", nil).Int64Slice()
	if err != nil || len(got) != 4 || got[0]+got[1]+got[2]+got[3] != 4 {
		t.Fatalf("getmetatable: %v %v", got, err)
	}
	if err := c.Eval(ctx, "return getmetatable()", nil).Err(); err == nil || !strings.Contains(err.Error(), "bad argument #1") {
		t.Fatalf("getmetatable(): %v", err)
	}
}

// TestEvalShebangOOM: over maxmemory, EVAL of a script whose shebang lets
// it write (no flags) is refused with OOM before it runs; no-writes and
// allow-oom scripts run, and so does a script without a shebang that does
// not write.
func TestEvalShebangOOM(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	if err := c.ConfigSet(ctx, "maxmemory", "1").Err(); err != nil {
		t.Fatal(err)
	}
	err := c.Eval(ctx, "#!lua\nreturn 1", nil).Err()
	if err == nil || !strings.HasPrefix(err.Error(), "OOM command not allowed") {
		t.Fatalf("#!lua over maxmemory: %v", err)
	}
	for _, src := range []string{"#!lua flags=no-writes\nreturn 1", "#!lua flags=allow-oom\nreturn 1", "return 1"} {
		if v, err := c.Eval(ctx, src, nil).Int(); err != nil || v != 1 {
			t.Fatalf("%q over maxmemory: %v %v", src, v, err)
		}
	}
	if err := c.ConfigSet(ctx, "maxmemory", "0").Err(); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Eval(ctx, "#!lua\nreturn 1", nil).Int(); err != nil || v != 1 {
		t.Fatalf("#!lua under maxmemory: %v %v", v, err)
	}
}

// TestErrorStats: INFO errorstats counts error replies by code and
// total_error_replies counts them all, as Redis does: a script's
// redis.error_reply counts under its code, a command's error a script
// runs counts once (whether redis.pcall returns it or redis.call raises
// it), errors inside MULTI/EXEC and rejected commands count, and CONFIG
// RESETSTAT clears them.
func TestErrorStats(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	stats := func() (map[string]string, string) {
		t.Helper()
		m := map[string]string{}
		for _, l := range strings.Split(c.Info(ctx, "errorstats").Val(), "\r\n") {
			if k, v, ok := strings.Cut(l, ":"); ok {
				m[k] = v
			}
		}
		total := ""
		for _, l := range strings.Split(c.Info(ctx, "stats").Val(), "\r\n") {
			if v, ok := strings.CutPrefix(l, "total_error_replies:"); ok {
				total = v
			}
		}
		return m, total
	}
	// The client's handshake may have had errors of its own (commands
	// of later Redis versions).
	if err := c.ConfigResetStat(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	c.Eval(ctx, `return redis.error_reply("MY_ERR_CODE custom msg")`, nil)
	c.Eval(ctx, `return redis.error_reply("")`, nil)
	c.Eval(ctx, `return redis.pcall('select', 99)`, nil)
	c.Eval(ctx, `return redis.call('select', 99)`, nil)
	c.Eval(ctx, `redis.pcall('select', 99) return 1`, nil)
	c.Eval(ctx, `return redis.pcall('nosuchcommand')`, nil)
	c.Do(ctx, "nosuchcommand")
	c.Set(ctx, "s", "x", 0)
	c.LPush(ctx, "s", "y")
	c.EvalSha(ctx, "0000000000000000000000000000000000000000", nil)
	m, total := stats()
	// ERR: error_reply(""), select x3, the script's unknown command,
	// the unknown command; WRONGTYPE; NOSCRIPT; MY_ERR_CODE.
	want := map[string]string{"errorstat_ERR": "count=6", "errorstat_MY_ERR_CODE": "count=1",
		"errorstat_WRONGTYPE": "count=1", "errorstat_NOSCRIPT": "count=1"}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %q, want %q (all: %v)", k, m[k], v, m)
		}
	}
	if total != "9" {
		t.Errorf("total_error_replies = %s, want 9", total)
	}
	if err := c.ConfigResetStat(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if m, total := stats(); len(m) != 0 || total != "0" {
		t.Fatalf("after RESETSTAT: %v, total %s", m, total)
	}
	pipe := c.TxPipeline()
	pipe.Set(ctx, "a", "b", 0)
	pipe.LPush(ctx, "a", "x")
	pipe.Exec(ctx)
	if m, total := stats(); m["errorstat_WRONGTYPE"] != "count=1" || total != "1" {
		t.Fatalf("error inside EXEC: %v, total %s", m, total)
	}
}

// TestResetStatClearsCommandStats: CONFIG RESETSTAT clears INFO
// commandstats (calls, failures, rejections) as Redis does; counting
// starts again from zero.
func TestResetStatClearsCommandStats(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	for i := 0; i < 3; i++ {
		c.Get(ctx, "k")
	}
	c.Do(ctx, "SET", "k")
	c.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "a", Streams: []string{"nosuch", ">"}})
	all := c.Info(ctx, "commandstats").Val()
	if !strings.Contains(all, "cmdstat_get:calls=3,") || !strings.Contains(all, "cmdstat_set:calls=0,") {
		t.Fatalf("before RESETSTAT:\n%s", all)
	}
	if err := c.ConfigResetStat(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	c.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "a", Streams: []string{"nosuch", ">"}})
	all = c.Info(ctx, "commandstats").Val()
	if strings.Contains(all, "cmdstat_get:") || strings.Contains(all, "cmdstat_set:") ||
		!strings.Contains(all, "cmdstat_xreadgroup:calls=1,") || !strings.Contains(all, "rejected_calls=0,failed_calls=1") {
		t.Fatalf("after RESETSTAT:\n%s", all)
	}
}

// TestBlockedErrorCountsAsFailed: a blocked XREADGROUP woken with an
// error (its group destroyed) is one call and one failed call in INFO
// commandstats, and its NOGROUP counts in INFO errorstats.
func TestBlockedErrorCountsAsFailed(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	if err := c.XGroupCreateMkStream(ctx, "s", "g", "$").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.ConfigResetStat(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	rd := tn.raw(t)
	rd.Send("XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
	rd.Flush()
	waitFor(t, 5*time.Second, "the reader blocked", func() bool { return infoInt(t, c, "blocked_clients") == 1 })
	if err := c.XGroupDestroy(ctx, "s", "g").Err(); err != nil {
		t.Fatal(err)
	}
	if got := rd.Recv(); !strings.HasPrefix(got, "-NOGROUP") {
		t.Fatalf("blocked XREADGROUP after XGROUP DESTROY: %q", got)
	}
	stats := c.Info(ctx, "commandstats", "errorstats").Val()
	if !strings.Contains(stats, "cmdstat_xreadgroup:calls=1,") || !strings.Contains(stats, "rejected_calls=0,failed_calls=1\r\n") ||
		!strings.Contains(stats, "errorstat_NOGROUP:count=1\r\n") {
		t.Fatalf("INFO after the woken error:\n%s", stats)
	}
}

package node

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// counterLib's function reads a counter and writes it back plus one in
// two commands: only atomic runs keep every increment.
const counterLib = "#!lua name=counter\nredis.register_function('bump', function(keys)\n" +
	"local v = tonumber(redis.call('get', keys[1]) or '0')\nredis.call('set', keys[1], v + 1)\nreturn v + 1 end)"

// TestFCallIsAtomic: clients FCALL a read-then-write function on one key
// at once; no increment is lost, as none interleaves with another.
func TestFCallIsAtomic(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	if got, err := c.FunctionLoad(ctx, counterLib).Result(); err != nil || got != "counter" {
		t.Fatalf("FUNCTION LOAD = %q %v", got, err)
	}
	const clients, calls = 8, 150
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < calls; j++ {
				if err := c.FCall(ctx, "bump", []string{"n"}).Err(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got, err := c.Get(ctx, "n").Int(); err != nil || got != clients*calls {
		t.Fatalf("counter = %d %v, want %d", got, err, clients*calls)
	}
}

// TestFunctionsSurviveRestart: libraries are in the snapshot, so after
// SAVE and a restart FCALL and FUNCTION LIST answer as before.
func TestFunctionsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	withDir := func(c *Config) { c.Dir = dir }
	tn := startNode(t, withDir)
	ctx := context.Background()
	c := tn.client(t)
	if err := c.FunctionLoad(ctx, counterLib).Err(); err != nil {
		t.Fatal(err)
	}
	ro := "#!lua name=ro\nredis.register_function{function_name='peek', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads'}"
	if err := c.FunctionLoad(ctx, ro).Err(); err != nil {
		t.Fatal(err)
	}
	c.FCall(ctx, "bump", []string{"n"})
	before := tn.raw(t).do("FUNCTION", "LIST", "WITHCODE")
	if err := c.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	tn.stop()

	tn2 := startNode(t, withDir)
	c2 := tn2.client(t)
	if after := tn2.raw(t).do("FUNCTION", "LIST", "WITHCODE"); after != before {
		t.Fatalf("FUNCTION LIST after restart:\n%s\nbefore:\n%s", after, before)
	}
	if got, err := c2.FCall(ctx, "bump", []string{"n"}).Int(); err != nil || got != 2 {
		t.Fatalf("FCALL bump after restart = %d %v, want 2", got, err)
	}
	if got, err := c2.FCallRO(ctx, "peek", []string{"n"}).Text(); err != nil || got != "2" {
		t.Fatalf("FCALL_RO peek after restart = %q %v", got, err)
	}
}

// TestFunctionsReplicate: a library loaded on one node of a replicated
// cluster reaches the node that holds its shard's replica, which then
// answers FCALL for its own keys; DELETE replicates too.
func TestFunctionsReplicate(t *testing.T) {
	nodes := startReplicatedNodes(t, 3)
	src := nodes[0]
	code := "#!lua name=rlib\nredis.register_function{function_name='hello', callback=function() return 'hi' end, flags={'no-writes'}}"
	if got := src.raw(t).do("FUNCTION", "LOAD", code); got != `"rlib"` {
		t.Fatalf("FUNCTION LOAD on the primary: %s", got)
	}
	// The node holding a replica of src's shard gets the library.
	var dst *testNode
	waitFor(t, 30*time.Second, "the library on a replica's node", func() bool {
		for _, tn := range nodes[1:] {
			if tn.raw(t).do("FCALL", "hello", "0") == `"hi"` {
				dst = tn
				return true
			}
		}
		return false
	})
	if got := dst.raw(t).do("FUNCTION", "LIST"); !strings.Contains(got, `"rlib"`) || !strings.Contains(got, "no-writes") {
		t.Fatalf("FUNCTION LIST on the replica's node:\n%s", got)
	}
	if got := src.raw(t).do("FUNCTION", "DELETE", "rlib"); got != "OK" {
		t.Fatalf("FUNCTION DELETE: %s", got)
	}
	waitFor(t, 30*time.Second, "the library gone from the replica's node", func() bool {
		return dst.raw(t).do("FCALL", "hello", "0") == "(error) ERR Function not found"
	})
}

// TestFunctionKill: a function that runs past busy-reply-threshold makes
// other clients' commands answer BUSY; FUNCTION STATS names it, SCRIPT
// KILL refuses to stop it, FUNCTION KILL stops it and its caller gets
// the killed error.
func TestFunctionKill(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	if err := c.ConfigSet(ctx, "busy-reply-threshold", "10").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.FunctionLoad(ctx, "#!lua name=spin\nredis.register_function('spin', function() local a = 1 while true do a = a + 1 end end)").Err(); err != nil {
		t.Fatal(err)
	}
	caller := redis.NewClient(&redis.Options{Addr: tn.addr, ReadTimeout: 30 * time.Second})
	defer caller.Close()
	done := make(chan error, 1)
	go func() { done <- caller.FCall(ctx, "spin", nil).Err() }()
	other := tn.raw(t)
	waitFor(t, 10*time.Second, "PING to answer BUSY", func() bool {
		return strings.HasPrefix(other.do("PING"), "(error) BUSY Redis is busy running a script. You can only call FUNCTION KILL")
	})
	if got := other.do("FUNCTION", "STATS"); !strings.Contains(got, `"spin"`) || !strings.Contains(got, "duration_ms") {
		t.Fatalf("FUNCTION STATS while spinning:\n%s", got)
	}
	if got := other.do("SCRIPT", "KILL"); !strings.HasPrefix(got, "(error) BUSY") {
		t.Fatalf("SCRIPT KILL on a function: %s", got)
	}
	if got := other.do("FUNCTION", "KILL"); got != "OK" {
		t.Fatalf("FUNCTION KILL: %s", got)
	}
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "Script killed by user") {
			t.Fatalf("killed FCALL answered %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("FCALL still running after FUNCTION KILL")
	}
	if got := other.do("PING"); got != "PONG" {
		t.Fatalf("PING after the kill: %s", got)
	}
}

// TestFCallAfterRestore: a function called over and over is found anew
// once FUNCTION RESTORE replaces its library (REPLACE) or every library
// (FLUSH).
func TestFCallAfterRestore(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	lib := func(v string) string {
		return "#!lua name=lk\nredis.register_function('f', function() return " + v + " end)"
	}
	if err := c.FunctionLoad(ctx, lib("1")).Err(); err != nil {
		t.Fatal(err)
	}
	dump, err := c.FunctionDump(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, policy := range []string{"REPLACE", "FLUSH"} {
		if err := c.FunctionLoadReplace(ctx, lib("2")).Err(); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if v, err := c.FCall(ctx, "f", nil).Int(); err != nil || v != 2 {
				t.Fatalf("FCALL f before RESTORE %s = %v %v, want 2", policy, v, err)
			}
		}
		if err := c.Do(ctx, "FUNCTION", "RESTORE", dump, policy).Err(); err != nil {
			t.Fatalf("FUNCTION RESTORE %s: %v", policy, err)
		}
		if v, err := c.FCall(ctx, "f", nil).Int(); err != nil || v != 1 {
			t.Fatalf("FCALL f after RESTORE %s = %v %v, want 1 (the restored library's)", policy, v, err)
		}
	}
}

package node

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestScriptsBackToBackLetOthersIn: while 20 clients run scripts one
// after another (the stripes passing from one script to the next), other
// clients' keyed commands are still served in between: 200 INCRs finish
// while the scripts go on, and every script saw a consistent counter.
func TestScriptsBackToBackLetOthersIn(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	const scripters, maxCalls, incrs = 20, 20000, 200
	c.Options().PoolSize = scripters + 2
	var stop atomic.Bool
	var wg sync.WaitGroup
	calls := make([]int, scripters)
	errs := make(chan error, scripters)
	for i := range scripters {
		wg.Go(func() {
			for calls[i] < maxCalls && !stop.Load() {
				v, err := c.Eval(ctx, "redis.call('incr', KEYS[1]) return redis.call('decr', KEYS[1])", []string{"k"}).Int()
				if err != nil || v != 0 {
					errs <- err
					return
				}
				calls[i]++
			}
		})
	}
	deadline := time.Now().Add(30 * time.Second)
	for range incrs {
		if time.Now().After(deadline) {
			break
		}
		if err := c.Incr(ctx, "other").Err(); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("script: %v (a script saw the counter not at 0)", err)
	}
	if got, err := c.Get(ctx, "other").Int(); err != nil || got != incrs {
		t.Fatalf("other = %d, %v; want %d (INCRs waited behind the scripts)", got, err, incrs)
	}
	for i, n := range calls {
		if n >= maxCalls {
			t.Fatalf("scripter %d ran all its %d calls before the INCRs were done", i, n)
		}
	}
}

// TestScriptRunsStartAfresh: what one script call sets (redis.setresp,
// a killed run's context) does not carry over to the next call.
func TestScriptRunsStartAfresh(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	if err := c.ConfigSet(ctx, "busy-reply-threshold", "20").Err(); err != nil {
		t.Fatal(err)
	}
	// Under RESP3 HGETALL is a {map=...} table (no array part); a new run
	// is in RESP2 again, where it is a flat array of fields and values.
	if err := c.HSet(ctx, "h", "f", "v").Err(); err != nil {
		t.Fatal(err)
	}
	if v, err := c.Eval(ctx, "redis.setresp(3) return #redis.call('hgetall', KEYS[1])", []string{"h"}).Int(); err != nil || v != 0 {
		t.Fatalf("RESP3 run: %v %v, want 0", v, err)
	}
	if v, err := c.Eval(ctx, "return #redis.call('hgetall', KEYS[1])", []string{"h"}).Int(); err != nil || v != 2 {
		t.Fatalf("next run: %v %v, want 2 (RESP2)", v, err)
	}
	looper := tn.client(t)
	done := make(chan error, 1)
	go func() { done <- looper.Eval(ctx, "while true do end", nil).Err() }()
	waitFor(t, 10*time.Second, "SCRIPT KILL to stop the loop", func() bool {
		return c.ScriptKill(ctx).Err() == nil
	})
	if err := <-done; err == nil || !strings.Contains(err.Error(), "Script killed by user") {
		t.Fatalf("killed script: %v", err)
	}
	for range 3 {
		if v, err := c.Eval(ctx, "local n = 0 for i = 1, 1000 do n = n + i end return n", nil).Int(); err != nil || v != 500500 {
			t.Fatalf("script after a kill: %v %v", v, err)
		}
	}
}

// TestScriptWriteServesBlockedClient: a client blocked in BLPOP gets the
// element a script pushes, as in Redis (the list is left empty).
func TestScriptWriteServesBlockedClient(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	blocked := tn.client(t)
	got := make(chan []string, 1)
	go func() {
		v, _ := blocked.BLPop(ctx, 10*time.Second, "l").Result()
		got <- v
	}()
	waitFor(t, 10*time.Second, "BLPOP to block", func() bool { return tn.blockedCount() == 1 })
	if err := c.Eval(ctx, "return redis.call('rpush', KEYS[1], 'x')", []string{"l"}).Err(); err != nil {
		t.Fatal(err)
	}
	select {
	case v := <-got:
		if len(v) != 2 || v[0] != "l" || v[1] != "x" {
			t.Fatalf("BLPOP = %q, want [l x]", v)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("BLPOP was not served by the script's push")
	}
	if n, err := c.LLen(ctx, "l").Result(); err != nil || n != 0 {
		t.Fatalf("LLEN l = %d, %v; want 0", n, err)
	}
}

// TestScriptPipelineKeepsStripesSafely: scripts pipelined back to back
// pass the stripes on from one to the next; a command after them that is
// not a script (a GET, a refused EVALSHA, a script inside MULTI) lets
// them go, so the same pipeline's keyed commands and another client's
// commands all run, and nothing waits for ever.
func TestScriptPipelineKeepsStripesSafely(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	other := tn.client(t)
	sha, err := c.ScriptLoad(ctx, "return redis.call('incr', KEYS[1])").Result()
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	otherDone := make(chan error, 1)
	go func() {
		for {
			select {
			case <-stop:
				otherDone <- nil
				return
			default:
			}
			if err := other.Incr(ctx, "o").Err(); err != nil {
				otherDone <- err
				return
			}
		}
	}()
	want := 0
	deadline := time.Now().Add(60 * time.Second)
	for round := 0; round < 100 && time.Now().Before(deadline); round++ {
		cmds, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
			p.EvalSha(ctx, sha, []string{"k"})
			p.EvalSha(ctx, sha, []string{"k"})
			p.EvalSha(ctx, strings.Repeat("0", 40), []string{"k"}) // NOSCRIPT
			p.Get(ctx, "k")
			p.EvalSha(ctx, sha, []string{"k"})
			p.Set(ctx, "s", "v", 0)
			p.EvalSha(ctx, sha, []string{"k"})
			p.Eval(ctx, "return redis.call('incr', KEYS[1])", []string{"k"})
			p.Process(ctx, redis.NewStatusCmd(ctx, "multi"))
			p.EvalSha(ctx, sha, []string{"k"})
			p.Process(ctx, redis.NewSliceCmd(ctx, "exec"))
			p.EvalSha(ctx, sha, []string{"k"})
			p.Incr(ctx, "k")
			return nil
		})
		if err != nil && !strings.Contains(err.Error(), "NOSCRIPT") {
			t.Fatal(err)
		}
		// k's value after each command, by its place: every script and
		// the INCR add one (the EVALSHA inside MULTI when EXEC runs).
		for i, v := range map[int]int{0: 1, 1: 2, 4: 3, 6: 4, 7: 5, 11: 7, 12: 8} {
			var got int64
			var err error
			if ic, ok := cmds[i].(*redis.IntCmd); ok {
				got, err = ic.Result()
			} else {
				got, err = cmds[i].(*redis.Cmd).Int64()
			}
			if err != nil || got != int64(want+v) {
				t.Fatalf("round %d command %d: %v %v, want %d", round, i, got, err, want+v)
			}
		}
		if err := cmds[2].Err(); err == nil || !strings.HasPrefix(err.Error(), "NOSCRIPT") {
			t.Fatalf("round %d: EVALSHA of no script: %v", round, err)
		}
		if v, err := cmds[3].(*redis.StringCmd).Int(); err != nil || v != want+2 {
			t.Fatalf("round %d: GET k = %v %v, want %d", round, v, err, want+2)
		}
		if v, err := cmds[10].(*redis.SliceCmd).Result(); err != nil || len(v) != 1 || v[0] != int64(want+6) {
			t.Fatalf("round %d: EXEC = %v %v, want [%d]", round, v, err, want+6)
		}
		want += 8
	}
	close(stop)
	if err := <-otherDone; err != nil {
		t.Fatal(err)
	}
	if v, err := c.Get(ctx, "k").Int(); err != nil || v != want {
		t.Fatalf("k = %d %v, want %d", v, err, want)
	}
}

// TestScriptRunRecordStartsAfresh: what the node notes of a script run
// (it wrote, it is a function) does not carry over to the next run:
// SCRIPT KILL stops a loop that follows a script that wrote and one
// that follows a function, where UNKILLABLE or "use FUNCTION KILL" would
// answer for the run before.
func TestScriptRunRecordStartsAfresh(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	if err := c.ConfigSet(ctx, "busy-reply-threshold", "20").Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.FunctionLoad(ctx, "#!lua name=rec\nredis.register_function('one', function() return 1 end)").Err(); err != nil {
		t.Fatal(err)
	}
	looper := tn.client(t)
	for _, before := range []func() error{
		func() error { return c.Eval(ctx, "return redis.call('set', KEYS[1], 'v')", []string{"w"}).Err() },
		func() error { return c.FCall(ctx, "one", nil).Err() },
	} {
		if err := before(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- looper.Eval(ctx, "while true do end", nil).Err() }()
		var last error
		waitFor(t, 10*time.Second, "SCRIPT KILL to stop the loop", func() bool {
			last = c.ScriptKill(ctx).Err()
			return last == nil
		})
		if err := <-done; err == nil || !strings.Contains(err.Error(), "Script killed by user") {
			t.Fatalf("killed script: %v (SCRIPT KILL answered %v before)", err, last)
		}
	}
}

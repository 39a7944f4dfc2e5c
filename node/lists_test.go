package node

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// blockedClients reads INFO's blocked_clients.
func blockedClients(t testing.TB, c *redis.Client) int {
	t.Helper()
	info, err := c.Info(context.Background(), "clients").Result()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`blocked_clients:(\d+)`).FindStringSubmatch(info)
	if m == nil {
		t.Fatalf("no blocked_clients in INFO: %s", info)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func waitBlocked(t testing.TB, c *redis.Client, n int) {
	t.Helper()
	waitFor(t, 5*time.Second, fmt.Sprintf("%d blocked clients", n), func() bool { return blockedClients(t, c) == n })
}

// popResult is what a blocked BLPOP returned.
type popResult struct {
	vals []string
	err  error
}

// blpop runs BLPOP on its own connection in a goroutine; the result
// arrives on the channel.
func blpop(t *testing.T, tn *testNode, timeout time.Duration, keys ...string) <-chan popResult {
	c := tn.client(t)
	ch := make(chan popResult, 1)
	go func() {
		v, err := c.BLPop(context.Background(), timeout, keys...).Result()
		ch <- popResult{v, err}
	}()
	return ch
}

func recvPop(t *testing.T, ch <-chan popResult) popResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("blocked client got no reply within 5s")
	}
	return popResult{}
}

// TestBlockingPopFIFO: three clients block on one key in turn; one push
// of three elements serves them in the order they blocked.
func TestBlockingPopFIFO(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	var chans []<-chan popResult
	for i := 1; i <= 3; i++ {
		chans = append(chans, blpop(t, tn, 0, "q"))
		waitBlocked(t, c, i)
	}
	if n := c.RPush(ctx, "q", "a", "b", "c").Val(); n != 3 {
		t.Fatalf("RPUSH = %d", n)
	}
	for i, want := range []string{"a", "b", "c"} {
		r := recvPop(t, chans[i])
		if r.err != nil || len(r.vals) != 2 || r.vals[0] != "q" || r.vals[1] != want {
			t.Fatalf("waiter %d got %v %v, want [q %s]", i, r.vals, r.err, want)
		}
	}
	if n := c.Exists(ctx, "q").Val(); n != 0 {
		t.Fatalf("the list should be empty and gone, EXISTS = %d", n)
	}
	waitBlocked(t, c, 0)
}

// TestBlockingPopTimeout: nothing pushed, the timeout gives the null
// reply after at least the timeout.
func TestBlockingPopTimeout(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	start := time.Now()
	_, err := c.BLPop(context.Background(), 150*time.Millisecond, "none").Result()
	if !errors.Is(err, redis.Nil) {
		t.Fatalf("BLPOP after timeout: %v, want nil reply", err)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("BLPOP returned after %v, before its timeout", d)
	}
	if _, err := c.BLMove(context.Background(), "none", "dst", "LEFT", "LEFT", 50*time.Millisecond).Result(); !errors.Is(err, redis.Nil) {
		t.Fatalf("BLMOVE after timeout: %v, want nil reply", err)
	}
	if blockedClients(t, c) != 0 {
		t.Fatal("a timed-out client is still counted as blocked")
	}
}

// TestBlockedClientDisconnectForgotten: a client that goes away while
// blocked is no longer a waiter: the next push stays in the list.
func TestBlockedClientDisconnectForgotten(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	rc := tn.raw(t)
	rc.send("BLPOP", "q", "0")
	rc.Flush()
	waitBlocked(t, c, 1)
	rc.c.Close()
	waitBlocked(t, c, 0)
	ctx := context.Background()
	c.RPush(ctx, "q", "x")
	if got := c.LRange(ctx, "q", 0, -1).Val(); len(got) != 1 || got[0] != "x" {
		t.Fatalf("after the waiter left, the list is %v, want [x]", got)
	}
}

// TestMultiPushWakesAfterExec: pushes inside MULTI reach a blocked client
// only after EXEC, and after the transaction's own pops.
func TestMultiPushWakesAfterExec(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	ch := blpop(t, tn, 0, "q")
	waitBlocked(t, c, 1)
	rc := tn.raw(t)
	for _, cmd := range [][]string{{"MULTI"}, {"RPUSH", "q", "a", "b"}, {"LPOP", "q"}} {
		rc.do(cmd...)
	}
	if blockedClients(t, c) != 1 {
		t.Fatal("a queued push woke the blocked client before EXEC")
	}
	if got := rc.do("EXEC"); got != "1) (integer) 2\n2) \"a\"" {
		t.Fatalf("EXEC = %q", got)
	}
	r := recvPop(t, ch)
	if r.err != nil || len(r.vals) != 2 || r.vals[1] != "b" {
		t.Fatalf("blocked client got %v %v, want [q b]", r.vals, r.err)
	}
	// Inside MULTI a blocking pop does not block.
	rc.do("MULTI")
	rc.do("BLPOP", "empty", "0")
	rc.do("BRPOPLPUSH", "empty", "dst", "0")
	if got := rc.do("EXEC"); got != "1) (nil)\n2) (nil)" {
		t.Fatalf("EXEC of blocking pops on an empty list = %q", got)
	}
	if n := c.Exists(ctx, "q").Val(); n != 0 {
		t.Fatal("q should be empty")
	}
}

// TestBLMoveServesChain: a BLMOVE waiter is served by a push to its
// source, and its push to the destination serves a BLPOP waiter there.
func TestBLMoveServesChain(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	popper := blpop(t, tn, 0, "dst")
	waitBlocked(t, c, 1)
	mc := tn.client(t)
	moved := make(chan popResult, 1)
	go func() {
		v, err := mc.BLMove(ctx, "src", "dst", "RIGHT", "LEFT", 0).Result()
		moved <- popResult{[]string{v}, err}
	}()
	waitBlocked(t, c, 2)
	c.RPush(ctx, "src", "x", "y")
	if r := recvPop(t, moved); r.err != nil || r.vals[0] != "y" {
		t.Fatalf("BLMOVE got %v %v, want y", r.vals, r.err)
	}
	if r := recvPop(t, popper); r.err != nil || r.vals[0] != "dst" || r.vals[1] != "y" {
		t.Fatalf("BLPOP on dst got %v %v, want [dst y]", r.vals, r.err)
	}
	if got := c.LRange(ctx, "src", 0, -1).Val(); len(got) != 1 || got[0] != "x" {
		t.Fatalf("src = %v, want [x]", got)
	}
	if n := c.Exists(ctx, "dst").Val(); n != 0 {
		t.Fatal("dst should be empty: its element went to the BLPOP waiter")
	}
	// A destination of another type: the waiter gets WRONGTYPE and the
	// element stays.
	c.Set(ctx, "str", "v", 0)
	go func() {
		v, err := mc.BLMove(ctx, "src2", "str", "LEFT", "LEFT", 0).Result()
		moved <- popResult{[]string{v}, err}
	}()
	waitBlocked(t, c, 1)
	c.RPush(ctx, "src2", "z")
	if r := recvPop(t, moved); r.err == nil || r.err.Error() != "WRONGTYPE Operation against a key holding the wrong kind of value" {
		t.Fatalf("BLMOVE to a string: %v", r.err)
	}
	if got := c.LRange(ctx, "src2", 0, -1).Val(); len(got) != 1 {
		t.Fatalf("src2 = %v, want [z]", got)
	}
}

// TestClientUnblock: CLIENT UNBLOCK ends a wait with the null reply
// (TIMEOUT, the default) or an UNBLOCKED error.
func TestClientUnblock(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	for _, reason := range []string{"", "TIMEOUT", "ERROR"} {
		bc := tn.client(t)
		id := bc.ClientID(ctx).Val()
		ch := make(chan popResult, 1)
		go func() {
			v, err := bc.BLPop(ctx, 0, "q").Result()
			ch <- popResult{v, err}
		}()
		waitBlocked(t, c, 1)
		args := []any{"CLIENT", "UNBLOCK", id}
		if reason != "" {
			args = append(args, reason)
		}
		if n, err := c.Do(ctx, args...).Int(); err != nil || n != 1 {
			t.Fatalf("CLIENT UNBLOCK %d %s = %d %v", id, reason, n, err)
		}
		r := recvPop(t, ch)
		switch reason {
		case "ERROR":
			if r.err == nil || r.err.Error() != "UNBLOCKED client unblocked via CLIENT UNBLOCK" {
				t.Fatalf("unblocked with ERROR: %v", r.err)
			}
		default:
			if !errors.Is(r.err, redis.Nil) {
				t.Fatalf("unblocked with %q: %v %v, want nil reply", reason, r.vals, r.err)
			}
		}
		if n, _ := c.Do(ctx, "CLIENT", "UNBLOCK", id).Int(); n != 0 {
			t.Fatal("CLIENT UNBLOCK of a client no longer blocked answered 1")
		}
	}
}

// TestBlockedClientPipeline: commands pipelined after a blocking pop run
// once it is served, in order.
func TestBlockedClientPipeline(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	rc := tn.raw(t)
	rc.send("BLPOP", "q", "0")
	rc.send("ECHO", "after")
	rc.Flush()
	waitBlocked(t, c, 1)
	c.RPush(context.Background(), "q", "v")
	for _, want := range []string{"1) \"q\"\n2) \"v\"", "\"after\""} {
		if got, err := rc.reply(); err != nil || got != want {
			t.Fatalf("reply %q %v, want %q", got, err, want)
		}
	}
}

// TestListsSurviveRestart: SAVE, restart, and the lists are back whole.
func TestListsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	withDir := func(c *Config) { c.Dir = dir }
	tn := startNode(t, withDir)
	c := tn.client(t)
	ctx := context.Background()
	var long []any
	for i := 0; i < 20000; i++ {
		long = append(long, fmt.Sprintf("e%d", i))
	}
	c.RPush(ctx, "long", long...)
	c.LPush(ctx, "short", "b", "a")
	c.RPush(ctx, "ttl", "x")
	c.Expire(ctx, "ttl", time.Hour)
	if err := c.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	tn.stop()

	tn2 := startNode(t, withDir)
	c2 := tn2.client(t)
	got := c2.LRange(ctx, "long", 0, -1).Val()
	if len(got) != len(long) || got[0] != "e0" || got[19999] != "e19999" || got[777] != "e777" {
		t.Fatalf("long list after restart: %d elements", len(got))
	}
	if got := c2.LRange(ctx, "short", 0, -1).Val(); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("short list after restart: %v", got)
	}
	if typ := c2.Type(ctx, "short").Val(); typ != "list" {
		t.Fatalf("TYPE short = %q", typ)
	}
	if ttl := c2.TTL(ctx, "ttl").Val(); ttl < 59*time.Minute {
		t.Fatalf("TTL of a list after restart = %v", ttl)
	}
}

// TestBlockingPopsUnderConcurrency: producers push while consumers block
// and pop concurrently; every element reaches exactly one consumer.
func TestBlockingPopsUnderConcurrency(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	const producers, consumers, each = 4, 8, 500
	total := producers * each
	got := make(chan string, total)
	done := make(chan struct{})
	errs := make(chan error, producers+consumers)
	for range consumers {
		c := tn.client(t)
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				v, err := c.BLPop(ctx, 200*time.Millisecond, "q1", "q2").Result()
				switch {
				case errors.Is(err, redis.Nil):
				case err != nil:
					errs <- err
					return
				default:
					got <- v[1]
				}
			}
		}()
	}
	for p := range producers {
		c := tn.client(t)
		go func() {
			for i := range each {
				key := []string{"q1", "q2"}[i%2]
				if err := c.RPush(ctx, key, fmt.Sprintf("%d:%d", p, i)).Err(); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	seen := map[string]bool{}
	deadline := time.After(30 * time.Second)
	for len(seen) < total {
		select {
		case v := <-got:
			if seen[v] {
				t.Fatalf("%s popped twice", v)
			}
			seen[v] = true
		case err := <-errs:
			t.Fatal(err)
		case <-deadline:
			t.Fatalf("%d of %d elements popped in 30s", len(seen), total)
		}
	}
	close(done)
	for range consumers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	c := tn.client(t)
	if n := c.Exists(ctx, "q1", "q2").Val(); n != 0 {
		t.Fatalf("%d lists left after every element was popped", n)
	}
	select {
	case v := <-got:
		t.Fatalf("%s popped beyond the %d pushed", v, total)
	default:
	}
}

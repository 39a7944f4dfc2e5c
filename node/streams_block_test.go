package node

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// streamsResult is what a blocked XREAD or XREADGROUP returned.
type streamsResult struct {
	s   []redis.XStream
	err error
}

// xreadAsync runs XREAD on its own connection; the result arrives on the
// channel.
func xreadAsync(t *testing.T, tn *testNode, a *redis.XReadArgs) <-chan streamsResult {
	c := tn.client(t)
	ch := make(chan streamsResult, 1)
	go func() {
		s, err := c.XRead(context.Background(), a).Result()
		ch <- streamsResult{s, err}
	}()
	return ch
}

// xreadGroupAsync runs XREADGROUP on its own connection.
func xreadGroupAsync(t *testing.T, tn *testNode, a *redis.XReadGroupArgs) <-chan streamsResult {
	c := tn.client(t)
	ch := make(chan streamsResult, 1)
	go func() {
		s, err := c.XReadGroup(context.Background(), a).Result()
		ch <- streamsResult{s, err}
	}()
	return ch
}

func recvStreams(t *testing.T, ch <-chan streamsResult) streamsResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("blocked stream reader got no reply within 5s")
	}
	return streamsResult{}
}

// ids lists a reply's streams and entry IDs as "key:id,id key:id".
func ids(s []redis.XStream) string {
	var parts []string
	for _, st := range s {
		var es []string
		for _, m := range st.Messages {
			es = append(es, m.ID)
		}
		parts = append(parts, st.Stream+":"+strings.Join(es, ","))
	}
	return strings.Join(parts, " ")
}

// TestXReadBlock: XREAD BLOCK waits for an entry after "$" (the last ID
// when it ran) on any of its streams and returns only the stream that got
// it; one that finds entries answers at once; a timeout is nil; COUNT
// bounds a served read; a deleted stream keeps XREAD waiting.
func TestXReadBlock(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	c.XAdd(ctx, &redis.XAddArgs{Stream: "a", ID: "5-1", Values: []string{"f", "old"}})

	ch := xreadAsync(t, tn, &redis.XReadArgs{Streams: []string{"a", "b", "$", "$"}, Block: 0})
	waitBlocked(t, c, 1)
	c.XAdd(ctx, &redis.XAddArgs{Stream: "b", ID: "7-1", Values: []string{"f", "new"}})
	r := recvStreams(t, ch)
	if r.err != nil || ids(r.s) != "b:7-1" || r.s[0].Messages[0].Values["f"] != "new" {
		t.Fatalf("XREAD BLOCK 0 STREAMS a b $ $: %v %v", r.s, r.err)
	}

	// Entries there: answered at once, whatever BLOCK.
	got, err := c.XRead(ctx, &redis.XReadArgs{Streams: []string{"a", "b", "0", "0"}, Block: 0}).Result()
	if err != nil || ids(got) != "a:5-1 b:7-1" {
		t.Fatalf("XREAD BLOCK 0 with entries: %v %v", got, err)
	}

	start := time.Now()
	_, err = c.XRead(ctx, &redis.XReadArgs{Streams: []string{"a", "$"}, Block: 60 * time.Millisecond}).Result()
	if err != redis.Nil || time.Since(start) < 60*time.Millisecond {
		t.Fatalf("XREAD BLOCK 60 on nothing new: %v after %v, want nil after 60ms", err, time.Since(start))
	}

	// A deleted stream keeps the reader waiting; the one recreated after
	// it serves it, COUNT entries of the pipeline's XADDs.
	ch = xreadAsync(t, tn, &redis.XReadArgs{Streams: []string{"a", "5-1"}, Count: 2, Block: 0})
	waitBlocked(t, c, 1)
	c.Del(ctx, "a")
	c.Set(ctx, "a", "string now", 0)
	c.Del(ctx, "a")
	if n := blockedClients(t, c); n != 1 {
		t.Fatalf("blocked clients after DEL and SET: %d, want 1", n)
	}
	p := c.TxPipeline()
	for i := 1; i <= 3; i++ {
		p.XAdd(ctx, &redis.XAddArgs{Stream: "a", ID: fmt.Sprintf("9-%d", i), Values: []string{"i", "x"}})
	}
	if _, err := p.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if r := recvStreams(t, ch); r.err != nil || ids(r.s) != "a:9-1,9-2" {
		t.Fatalf("XREAD COUNT 2 BLOCK 0 served after MULTI: %v %v", r.s, r.err)
	}
	if n := blockedClients(t, c); n != 0 {
		t.Fatalf("blocked clients at the end: %d", n)
	}
}

// TestXReadGroupBlock: XREADGROUP BLOCK ">" waits for an entry no consumer
// of its group has had, adds it to the consumer's PEL (not with NOACK),
// and is answered -UNBLOCKED when its stream goes, -NOGROUP when its group
// goes; XGROUP SETID does not wake it (the next XADD serves everything
// after the new ID), as in Redis.
func TestXReadGroupBlock(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	if err := c.XGroupCreateMkStream(ctx, "s", "g", "$").Err(); err != nil {
		t.Fatal(err)
	}
	ch := xreadGroupAsync(t, tn, &redis.XReadGroupArgs{Group: "g", Consumer: "alice", Streams: []string{"s", ">"}, Block: 0})
	waitBlocked(t, c, 1)
	c.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1-1", Values: []string{"f", "v"}})
	if r := recvStreams(t, ch); r.err != nil || ids(r.s) != "s:1-1" {
		t.Fatalf("XREADGROUP served: %v %v", r.s, r.err)
	}
	pend, err := c.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "s", Group: "g", Start: "-", End: "+", Count: 10}).Result()
	if err != nil || len(pend) != 1 || pend[0].Consumer != "alice" || pend[0].RetryCount != 1 {
		t.Fatalf("PEL after a served XREADGROUP: %+v %v", pend, err)
	}

	// NOACK: served, nothing pending.
	ch = xreadGroupAsync(t, tn, &redis.XReadGroupArgs{Group: "g", Consumer: "bob", Streams: []string{"s", ">"}, Block: 0, NoAck: true})
	waitBlocked(t, c, 1)
	c.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "2-1", Values: []string{"f", "v"}})
	if r := recvStreams(t, ch); r.err != nil || ids(r.s) != "s:2-1" {
		t.Fatalf("XREADGROUP NOACK served: %v %v", r.s, r.err)
	}
	if p, _ := c.XPending(ctx, "s", "g").Result(); p.Count != 1 {
		t.Fatalf("pending after NOACK read: %d, want 1", p.Count)
	}

	// SETID back to 0 does not wake it; the next XADD serves from there.
	ch = xreadGroupAsync(t, tn, &redis.XReadGroupArgs{Group: "g", Consumer: "alice", Streams: []string{"s", ">"}, Block: 0})
	waitBlocked(t, c, 1)
	c.XGroupSetID(ctx, "s", "g", "0")
	if n := blockedClients(t, c); n != 1 {
		t.Fatalf("blocked clients after XGROUP SETID: %d, want 1", n)
	}
	c.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "3-1", Values: []string{"f", "v"}})
	if r := recvStreams(t, ch); r.err != nil || ids(r.s) != "s:1-1,2-1,3-1" {
		t.Fatalf("XREADGROUP after SETID 0 and XADD: %v %v", r.s, r.err)
	}

	for _, tc := range []struct {
		name, want string
		do         func()
	}{
		{"DEL", "UNBLOCKED the stream key no longer exists", func() { c.Del(ctx, "s") }},
		{"SET", "UNBLOCKED the stream key no longer exists", func() { c.Set(ctx, "s", "x", 0) }},
		{"FLUSHALL", "UNBLOCKED the stream key no longer exists", func() { c.FlushAll(ctx) }},
		{"XGROUP DESTROY", "NOGROUP the consumer group this client was blocked on no longer exists", func() { c.XGroupDestroy(ctx, "s", "g") }},
		{"RENAME", "NOGROUP the consumer group this client was blocked on no longer exists", func() {
			c.XAdd(ctx, &redis.XAddArgs{Stream: "other", Values: []string{"f", "v"}})
			c.Rename(ctx, "other", "s")
		}},
	} {
		c.Del(ctx, "s")
		c.XGroupCreateMkStream(ctx, "s", "g", "$")
		ch := xreadGroupAsync(t, tn, &redis.XReadGroupArgs{Group: "g", Consumer: "alice", Streams: []string{"s", ">"}, Block: 0})
		waitBlocked(t, c, 1)
		tc.do()
		if r := recvStreams(t, ch); r.err == nil || r.err.Error() != tc.want {
			t.Errorf("blocked XREADGROUP after %s: %v %v, want %q", tc.name, r.s, r.err, tc.want)
		}
	}

	// A timeout is nil; an ID other than ">" never blocks.
	c.Del(ctx, "s")
	c.XGroupCreateMkStream(ctx, "s", "g", "$")
	if err := c.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"s", ">"}, Block: 30 * time.Millisecond}).Err(); err != redis.Nil {
		t.Fatalf("XREADGROUP timing out: %v", err)
	}
	got, err := c.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"s", "0"}, Block: 0}).Result()
	if err != nil || ids(got) != "s:" {
		t.Fatalf("XREADGROUP BLOCK 0 of history: %v %v", got, err)
	}
}

// TestXReadBlockUnblock: CLIENT UNBLOCK answers a blocked XREAD nil
// (TIMEOUT) or -UNBLOCKED (ERROR); a reader that leaves is forgotten.
func TestXReadBlockUnblock(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	for _, withError := range []bool{false, true} {
		rc := tn.client(t)
		id, err := rc.ClientID(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		ch := make(chan error, 1)
		go func() { ch <- rc.XRead(ctx, &redis.XReadArgs{Streams: []string{"s", "$"}, Block: 0}).Err() }()
		waitBlocked(t, c, 1)
		unblock, want := c.ClientUnblock, "redis: nil"
		if withError {
			unblock, want = c.ClientUnblockWithError, "UNBLOCKED client unblocked via CLIENT UNBLOCK"
		}
		if n, err := unblock(ctx, id).Result(); err != nil || n != 1 {
			t.Fatalf("CLIENT UNBLOCK (error %v): %d %v", withError, n, err)
		}
		select {
		case err := <-ch:
			if err == nil || err.Error() != want {
				t.Fatalf("CLIENT UNBLOCK (error %v): %v, want %q", withError, err, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("CLIENT UNBLOCK (error %v) did not answer the reader", withError)
		}
	}
	rc := tn.raw(t)
	rc.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
	rc.Flush()
	waitBlocked(t, c, 1)
	rc.Conn.Close()
	waitBlocked(t, c, 0)
	c.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1-1", Values: []string{"f", "v"}})
	if n, _ := c.XLen(ctx, "s").Result(); n != 1 {
		t.Fatalf("XLEN after the reader left: %d", n)
	}
}

// TestXReadGroupBlockedReadersExactlyOnce: 10 clients blocked in
// XREADGROUP of one group over 300 XADDs: each entry reaches exactly one
// of them, and the group's PEL holds each once, under the consumer that
// got it.
func TestXReadGroupBlockedReadersExactlyOnce(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	if err := c.XGroupCreateMkStream(ctx, "s", "g", "$").Err(); err != nil {
		t.Fatal(err)
	}
	const n, readers = 300, 10
	var mu sync.Mutex
	got := map[string]string{} // entry ID -> consumer
	dups := 0
	var wg sync.WaitGroup
	errs := make(chan error, readers)
	deadline := time.Now().Add(20 * time.Second)
	for r := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rc := tn.client(t)
			name := fmt.Sprint("c", r)
			for time.Now().Before(deadline) {
				mu.Lock()
				done := len(got) == n
				mu.Unlock()
				if done {
					return
				}
				res, err := rc.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: name, Streams: []string{"s", ">"}, Count: 2, Block: 100 * time.Millisecond}).Result()
				if errors.Is(err, redis.Nil) {
					continue
				}
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				for _, m := range res[0].Messages {
					if _, ok := got[m.ID]; ok {
						dups++
					}
					got[m.ID] = name
				}
				mu.Unlock()
			}
		}()
	}
	waitBlocked(t, c, readers)
	for i := 1; i <= n; i++ {
		if err := c.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: fmt.Sprintf("%d-1", i), Values: []string{"i", "v"}}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(got) != n || dups != 0 {
		t.Fatalf("%d distinct entries delivered (want %d), %d delivered twice", len(got), n, dups)
	}
	pend, err := c.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "s", Group: "g", Start: "-", End: "+", Count: 2 * n}).Result()
	if err != nil || len(pend) != n {
		t.Fatalf("XPENDING: %d entries %v, want %d", len(pend), err, n)
	}
	for _, p := range pend {
		if got[p.ID] != p.Consumer {
			t.Fatalf("entry %s pending for %s, delivered to %s", p.ID, p.Consumer, got[p.ID])
		}
	}
}

// TestServedGroupReadReachesTheReplica: entries a blocked XREADGROUP was
// served are pending on the replica too, under the same consumer, and the
// group's last delivered ID and entries-read counter match.
func TestServedGroupReadReachesTheReplica(t *testing.T) {
	nodes, cluster := startServedRepl(t)
	ctx := context.Background()
	cc := cluster()
	if err := cc.XGroupCreateMkStream(ctx, "{q}s", "g", "$").Err(); err != nil {
		t.Fatal(err)
	}
	served := make(chan streamsResult, 2)
	for _, name := range []string{"alice", "bob"} {
		go func() {
			s, err := cluster().XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: name, Streams: []string{"{q}s", ">"}, Count: 2, Block: 0, NoAck: name == "bob"}).Result()
			served <- streamsResult{s, err}
		}()
	}
	waitBlockedIn(t, nodes, 2)
	if err := cc.XAdd(ctx, &redis.XAddArgs{Stream: "{q}s", ID: "1-1", Values: []string{"f", "1"}}).Err(); err != nil {
		t.Fatal(err)
	}
	if err := cc.XAdd(ctx, &redis.XAddArgs{Stream: "{q}s", ID: "2-1", Values: []string{"f", "2"}}).Err(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if r := recvStreams(t, served); r.err != nil || len(r.s) != 1 || len(r.s[0].Messages) != 1 {
			t.Fatalf("served reader: %v %v", r.s, r.err)
		}
	}
	waitEveryReplica(t, nodes)
	var views []string
	for _, tn := range nodes {
		rc := tn.raw(t)
		rc.do("READONLY")
		pend := rc.do("XPENDING", "{q}s", "g", "-", "+", "10")
		if strings.Contains(pend, "MOVED") {
			continue
		}
		// The delivery time and idle differ; keep the IDs and consumers.
		var keep []string
		for _, l := range strings.Split(pend, "\n") {
			if strings.Contains(l, "-1\"") || strings.Contains(l, "alice") || strings.Contains(l, "bob") {
				keep = append(keep, strings.TrimSpace(l))
			}
		}
		groups := rc.do("XINFO", "GROUPS", "{q}s")
		cons := rc.do("XINFO", "CONSUMERS", "{q}s", "g")
		var names []string
		for _, l := range strings.Split(cons, "\n") {
			if strings.Contains(l, "alice") || strings.Contains(l, "bob") {
				names = append(names, strings.TrimSpace(l))
			}
		}
		views = append(views, strings.Join(keep, " ")+" | "+groups+" | "+strings.Join(names, " "))
	}
	if len(views) != 2 {
		t.Fatalf("%d nodes hold the stream, want the primary and its replica", len(views))
	}
	if views[0] != views[1] || !strings.Contains(views[0], "alice") || !strings.Contains(views[0], "bob") {
		t.Fatalf("primary and replica differ or lack the served reads:\n%s\n%s", views[0], views[1])
	}
	if !strings.Contains(views[0], "\"2-1\"") {
		t.Fatalf("group position (last-delivered-id 2-1) missing: %s", views[0])
	}
}

// TestXReadBlockPipelined: commands pipelined after a blocking XREAD (and
// before it) are answered in order around it once it is served.
func TestXReadBlockPipelined(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	rc := tn.raw(t)
	rc.send("PING")
	rc.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
	rc.send("ECHO", "after")
	rc.Flush()
	waitBlocked(t, c, 1)
	c.XAdd(context.Background(), &redis.XAddArgs{Stream: "s", ID: "1-1", Values: []string{"f", "v"}})
	for _, want := range []string{"PONG", "1) 1) \"s\"\n   2) 1) 1) \"1-1\"\n         2) 1) \"f\"\n            2) \"v\"", "\"after\""} {
		got, err := rc.reply()
		if err != nil || got != want {
			t.Fatalf("pipelined reply: %q %v, want %q", got, err, want)
		}
	}
}

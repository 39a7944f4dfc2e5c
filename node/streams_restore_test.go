package node

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestRestoreStreamWakesReaders: RESTORE of a stream onto a key wakes the
// clients blocked in XREAD and XREADGROUP on it, as Redis signals the key
// ready: XREAD gets the restored entries after its ID, XREADGROUP the
// entries its group (restored with the stream) has not delivered, and a
// group reader whose group the restored stream lacks gets -NOGROUP
// (replies checked against redis-server 7.0.15).
func TestRestoreStreamWakesReaders(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	c.XAdd(ctx, &redis.XAddArgs{Stream: "src", ID: "5-1", Values: []string{"f", "v"}})
	c.XAdd(ctx, &redis.XAddArgs{Stream: "src", ID: "5-2", Values: []string{"f", "w"}})
	c.XGroupCreate(ctx, "src", "g", "0")
	withGroup, err := c.Dump(ctx, "src").Result()
	if err != nil {
		t.Fatal(err)
	}
	c.XAdd(ctx, &redis.XAddArgs{Stream: "bare", ID: "7-1", Values: []string{"a", "b"}})
	noGroup, err := c.Dump(ctx, "bare").Result()
	if err != nil {
		t.Fatal(err)
	}

	// XREAD on a missing key, restored without REPLACE.
	ch := xreadAsync(t, tn, &redis.XReadArgs{Streams: []string{"s", "5-1"}, Block: 0})
	waitBlocked(t, c, 1)
	if err := c.Restore(ctx, "s", 0, withGroup).Err(); err != nil {
		t.Fatal(err)
	}
	if r := recvStreams(t, ch); r.err != nil || ids(r.s) != "s:5-2" || r.s[0].Messages[0].Values["f"] != "w" {
		t.Fatalf("XREAD BLOCK woken by RESTORE: %v %v, want s:5-2", r.s, r.err)
	}

	// XREADGROUP on a stream whose group has delivered everything,
	// replaced by one whose group has delivered nothing.
	c.XAdd(ctx, &redis.XAddArgs{Stream: "s2", ID: "1-1", Values: []string{"a", "b"}})
	c.XGroupCreate(ctx, "s2", "g", "$")
	ch = xreadGroupAsync(t, tn, &redis.XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"s2", ">"}, Block: 0})
	waitBlocked(t, c, 1)
	if err := c.RestoreReplace(ctx, "s2", 0, withGroup).Err(); err != nil {
		t.Fatal(err)
	}
	if r := recvStreams(t, ch); r.err != nil || ids(r.s) != "s2:5-1,5-2" {
		t.Fatalf("XREADGROUP BLOCK woken by RESTORE REPLACE: %v %v, want s2:5-1,5-2", r.s, r.err)
	}
	if pel, err := c.XPending(ctx, "s2", "g").Result(); err != nil || pel.Count != 2 {
		t.Fatalf("PEL after the served read: %v %v, want 2 entries", pel, err)
	}

	// XREADGROUP whose group the restored stream does not have.
	c.XAdd(ctx, &redis.XAddArgs{Stream: "s3", ID: "1-1", Values: []string{"a", "b"}})
	c.XGroupCreate(ctx, "s3", "g", "$")
	ch = xreadGroupAsync(t, tn, &redis.XReadGroupArgs{Group: "g", Consumer: "c", Streams: []string{"s3", ">"}, Block: 0})
	waitBlocked(t, c, 1)
	if err := c.RestoreReplace(ctx, "s3", 0, noGroup).Err(); err != nil {
		t.Fatal(err)
	}
	if r := recvStreams(t, ch); r.err == nil || !strings.HasPrefix(r.err.Error(), "NOGROUP the consumer group this client was blocked on no longer exists") {
		t.Fatalf("XREADGROUP BLOCK after RESTORE of a stream without its group: %v %v", r.s, r.err)
	}
	if n := blockedClients(t, c); n != 0 {
		t.Fatalf("blocked clients at the end: %d", n)
	}
}

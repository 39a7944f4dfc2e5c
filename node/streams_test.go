package node

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestStreamGroupDeliversOnce runs 5 concurrent XREADGROUP readers of one
// group over 2000 entries: every entry is delivered to exactly one of
// them, and a second group sees all 2000 again.
func TestStreamGroupDeliversOnce(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	const n, readers = 2000, 5
	_, err := c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i := 1; i <= n; i++ {
			p.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: strconv.Itoa(i) + "-1", Values: []string{"i", strconv.Itoa(i)}})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{"g1", "g2"} {
		if err := c.XGroupCreate(ctx, "s", g, "0").Err(); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range []string{"g1", "g2"} {
		var mu sync.Mutex
		seen := map[string]int{}
		var wg sync.WaitGroup
		errs := make(chan error, readers)
		for r := range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rc := tn.client(t)
				for range n { // bounded: each round reads at least one entry or stops
					res, err := rc.XReadGroup(ctx, &redis.XReadGroupArgs{Group: g, Consumer: fmt.Sprint("c", r), Streams: []string{"s", ">"}, Count: 7, Block: -1}).Result()
					if err == redis.Nil {
						return
					}
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					for _, m := range res[0].Messages {
						seen[m.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(seen) != n {
			t.Fatalf("group %s: %d distinct entries delivered, want %d", g, len(seen), n)
		}
		for id, k := range seen {
			if k != 1 {
				t.Fatalf("group %s: entry %s delivered %d times", g, id, k)
			}
		}
		p, err := c.XPending(ctx, "s", g).Result()
		if err != nil || p.Count != n {
			t.Fatalf("XPENDING s %s: %+v %v, want %d pending", g, p, err, n)
		}
	}
}

// TestStreamClaimAfterConsumerDies: a consumer reads entries and never
// acknowledges them; XPENDING shows them as its, idle; XCLAIM and
// XAUTOCLAIM move them to live consumers (who then acknowledge), and an
// entry deleted meanwhile comes back as XAUTOCLAIM's third element.
func TestStreamClaimAfterConsumerDies(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	for i := 1; i <= 10; i++ {
		c.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: strconv.Itoa(i) + "-0", Values: []string{"n", strconv.Itoa(i)}})
	}
	c.XGroupCreate(ctx, "s", "g", "0")
	res, err := c.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "dead", Streams: []string{"s", ">"}, Block: -1}).Result()
	if err != nil || len(res[0].Messages) != 10 {
		t.Fatalf("XREADGROUP: %v %v", res, err)
	}
	// Wait until the entries have been idle 20 ms by the server's clock.
	deadline := time.Now().Add(5 * time.Second)
	for {
		ext, err := c.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "s", Group: "g", Idle: 20 * time.Millisecond, Start: "-", End: "+", Count: 100}).Result()
		if err != nil {
			t.Fatal(err)
		}
		if len(ext) == 10 {
			for _, p := range ext {
				if p.Consumer != "dead" || p.RetryCount != 1 {
					t.Fatalf("pending %+v, want consumer dead, 1 delivery", p)
				}
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("entries not idle 20ms after 5s: %d", len(ext))
		}
		time.Sleep(5 * time.Millisecond)
	}
	// A claim with a larger idle threshold than elapsed claims nothing.
	if got := c.XClaim(ctx, &redis.XClaimArgs{Stream: "s", Group: "g", Consumer: "alive", MinIdle: time.Hour, Messages: []string{"1-0"}}).Val(); len(got) != 0 {
		t.Fatalf("XCLAIM min-idle 1h: %v, want none", got)
	}
	got, err := c.XClaim(ctx, &redis.XClaimArgs{Stream: "s", Group: "g", Consumer: "alive", MinIdle: 10 * time.Millisecond, Messages: []string{"1-0", "2-0"}}).Result()
	if err != nil || len(got) != 2 || got[0].Values["n"] != "1" {
		t.Fatalf("XCLAIM: %v %v", got, err)
	}
	c.XDel(ctx, "s", "5-0")
	ids, start, err := c.XAutoClaimJustID(ctx, &redis.XAutoClaimArgs{Stream: "s", Group: "g", Consumer: "other", MinIdle: 10 * time.Millisecond, Start: "0", Count: 3}).Result()
	if err != nil || len(ids) != 2 || ids[0] != "3-0" || ids[1] != "4-0" || start != "6-0" {
		t.Fatalf("XAUTOCLAIM JUSTID COUNT 3: %v next %s %v, want 3-0 4-0 and 5-0 dropped, next 6-0", ids, start, err)
	}
	raw := tn.raw(t)
	if r := raw.do("XAUTOCLAIM", "s", "g", "other", "0", "0", "COUNT", "1", "JUSTID"); r != "1) \"2-0\"\n2) 1) \"1-0\"\n3) (empty array)" {
		t.Fatalf("XAUTOCLAIM from 0: %q", r)
	}
	p, _ := c.XPending(ctx, "s", "g").Result()
	if p.Count != 9 || p.Consumers["dead"] != 5 || p.Consumers["other"] != 3 || p.Consumers["alive"] != 1 {
		t.Fatalf("XPENDING after claims: %+v", p)
	}
	if n := c.XAck(ctx, "s", "g", "1-0", "2-0", "3-0", "4-0").Val(); n != 4 {
		t.Fatalf("XACK: %d, want 4", n)
	}
	if n, _ := c.XGroupDelConsumer(ctx, "s", "g", "dead").Result(); n != 5 {
		t.Fatalf("XGROUP DELCONSUMER dead: %d pending, want 5", n)
	}
	if p := c.XPending(ctx, "s", "g").Val(); p.Count != 0 {
		t.Fatalf("XPENDING at the end: %+v", p)
	}
}

// TestStreamsSurviveRestart saves a stream with a group, consumers and
// pending entries, restarts the node from the snapshot and finds the
// same entries, group counters and PEL.
func TestStreamsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	tn := startNode(t, func(c *Config) { c.Dir = dir })
	c := tn.client(t)
	ctx := context.Background()
	for i := 1; i <= 300; i++ {
		c.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: strconv.Itoa(i) + "-1", Values: []string{"f", strconv.Itoa(i), "g", ""}})
	}
	c.XDel(ctx, "s", "7-1")
	c.XGroupCreate(ctx, "s", "g", "0")
	c.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "a", Streams: []string{"s", ">"}, Count: 10, Block: -1})
	c.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "b", Streams: []string{"s", ">"}, Count: 5, Block: -1})
	c.XAck(ctx, "s", "g", "2-1")
	raw := tn.raw(t)
	queries := [][]string{
		{"XRANGE", "s", "-", "+", "COUNT", "12"}, {"XLEN", "s"}, {"XINFO", "GROUPS", "s"},
		{"XPENDING", "s", "g"}, {"XPENDING", "s", "g", "IDLE", "0", "-", "+", "100", "b"},
		{"XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", "0"}, {"OBJECT", "ENCODING", "s"}, {"TYPE", "s"},
	}
	want := make([]string, len(queries))
	for i, q := range queries {
		want[i] = raw.do(q...)
	}
	if err := c.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	tn.stop()
	tn2 := startNode(t, func(c *Config) { c.Dir = dir })
	raw2 := tn2.raw(t)
	for i, q := range queries {
		got := raw2.do(q...)
		if q[0] == "XPENDING" && len(q) > 3 {
			got, want[i] = stripIdle(got), stripIdle(want[i])
		}
		if got != want[i] {
			t.Errorf("%v after restart:\n%s\nwant:\n%s", q, got, want[i])
		}
	}
	if n := tn2.client(t).XPending(ctx, "s", "g").Val().Count; n != 14 {
		t.Errorf("pending after restart: %d, want 14", n)
	}
}

// stripIdle blanks the idle times of XPENDING's extended reply.
func stripIdle(s string) string {
	out := []byte(s)
	lines := splitLines(string(out))
	for i, l := range lines {
		if len(l) > 0 && (l[len(l)-1] >= '0' && l[len(l)-1] <= '9') && i%4 == 2 {
			lines[i] = "idle"
		}
	}
	return fmt.Sprint(lines)
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// TestStreamMaxLenApprox: XADD MAXLEN ~ keeps between N and N+99 entries
// (whole nodes of 100 are removed, as Redis does), exact MAXLEN keeps N,
// and LIMIT bounds how many one call removes.
func TestStreamMaxLenApprox(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	for i := 1; i <= 1000; i++ {
		n, err := c.XAdd(ctx, &redis.XAddArgs{Stream: "s", MaxLen: 555, Approx: true, ID: strconv.Itoa(i) + "-0", Values: []string{"x", "y"}}).Result()
		if err != nil || n != strconv.Itoa(i)+"-0" {
			t.Fatalf("XADD %d: %s %v", i, n, err)
		}
		if l := c.XLen(ctx, "s").Val(); l < min(int64(i), 555) || l > 654 {
			t.Fatalf("after %d adds with MAXLEN ~ 555: length %d", i, l)
		}
	}
	if l := c.XLen(ctx, "s").Val(); l != 600 {
		t.Fatalf("length %d, want 600 (as Redis with 100-entry nodes)", l)
	}
	if n := c.XTrimMaxLenApprox(ctx, "s", 0, 150).Val(); n != 100 {
		t.Fatalf("XTRIM MAXLEN ~ 0 LIMIT 150 removed %d, want one node of 100", n)
	}
	if n := c.XTrimMaxLen(ctx, "s", 10).Val(); n != 490 {
		t.Fatalf("XTRIM MAXLEN 10 removed %d, want 490", n)
	}
	first := c.XRangeN(ctx, "s", "-", "+", 1).Val()
	if len(first) != 1 || first[0].ID != "991-0" {
		t.Fatalf("first entry after trims: %v", first)
	}
}

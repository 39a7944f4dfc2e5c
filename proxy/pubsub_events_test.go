package proxy

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestKeyspaceEventsFromEveryNode: a client of the proxy subscribed to
// keyspace events gets them for keys on every node, each once, through a
// channel and through a pattern; a pattern that also matches ordinary
// channels still gets a PUBLISH once.
func TestKeyspaceEventsFromEveryNode(t *testing.T) {
	nodes := startRedises(t, 3)
	p := startProxy(t, DefaultConfig(), addrs(nodes...)...)
	c := redis.NewClient(&redis.Options{Addr: p.addr, MaxRetries: -1})
	t.Cleanup(func() { c.Close() })
	ctx := context.Background()
	if err := c.ConfigSet(ctx, "notify-keyspace-events", "KEA").Err(); err != nil {
		t.Fatal(err)
	}
	sub := c.Subscribe(ctx, "__keyevent@0__:set")
	defer sub.Close()
	if err := sub.PSubscribe(ctx, "*"); err != nil {
		t.Fatal(err)
	}
	for range 2 { // both confirmations
		if _, err := sub.Receive(ctx); err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	for node := range nodes {
		keys = append(keys, keysOn(p.router, node, 2, "ev")...)
	}
	for _, k := range keys {
		if err := c.Set(ctx, k, "v", 0).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Publish(ctx, "news", "hello").Err(); err != nil {
		t.Fatal(err)
	}
	// Per key: one event on the channel, and on the pattern its keyspace
	// and its keyevent message; and the PUBLISH once.
	want := 3*len(keys) + 1
	var got []string
	timeout := time.After(10 * time.Second)
	for len(got) < want {
		select {
		case m := <-sub.Channel():
			got = append(got, m.Pattern+" "+m.Channel+" "+m.Payload)
		case <-timeout:
			t.Fatalf("after 10s %d of %d messages: %q", len(got), want, got)
		}
	}
	// Nothing more arrives (no message twice).
	select {
	case m := <-sub.Channel():
		t.Fatalf("a message past the expected ones: %v (had %q)", m, got)
	case <-time.After(300 * time.Millisecond):
	}
	sort.Strings(got)
	seen := map[string]int{}
	for _, g := range got {
		seen[g]++
	}
	for _, k := range keys {
		for _, w := range []string{
			" __keyevent@0__:set " + k,
			"* __keyevent@0__:set " + k,
			"* __keyspace@0__:" + k + " set",
		} {
			if seen[w] != 1 {
				t.Errorf("%q arrived %d times, want once", strings.TrimSpace(w), seen[w])
			}
		}
	}
	if seen["* news hello"] != 1 {
		t.Errorf("the PUBLISH arrived %d times, want once: %q", seen["* news hello"], got)
	}
}

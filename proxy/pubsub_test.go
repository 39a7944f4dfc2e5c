package proxy

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/internal/testutil"
)

// subClient is a go-redis client of addr speaking proto.
func subClient(t *testing.T, addr string, proto int) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto, MaxRetries: -1, DialTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second})
	t.Cleanup(func() { c.Close() })
	return c
}

// receive reads the next message of ps within 10 s.
func receive(t *testing.T, ps *redis.PubSub) *redis.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := ps.ReceiveMessage(ctx)
	if err != nil {
		t.Fatalf("receiving: %v", err)
	}
	return m
}

// homeAddr is the node the proxy subscribes channels on.
func homeAddr(addrs []string) string {
	home := addrs[0]
	for _, a := range addrs {
		home = min(home, a)
	}
	return home
}

// TestPubSubThroughProxy: go-redis subscribers speaking RESP2 and RESP3
// through one proxy over three nodes receive a PUBLISH sent to the node
// and one sent through another proxy, pattern messages with their
// pattern, and a shard channel's SPUBLISH; PUBSUB NUMSUB counts the
// proxy's clients.
func TestPubSubThroughProxy(t *testing.T) {
	rs := startRedises(t, 3)
	inModes(t, func(t *testing.T, mode serving.Mode) {
		pa := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
		pb := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
		ctx := context.Background()
		pub := client(t, pb.addr)
		for _, proto := range []int{2, 3} {
			c := subClient(t, pa.addr, proto)
			ps := c.Subscribe(ctx, "news")
			defer ps.Close()
			if _, err := ps.Receive(ctx); err != nil {
				t.Fatalf("RESP%d SUBSCRIBE: %v", proto, err)
			}
			if err := ps.PSubscribe(ctx, "sport.*"); err != nil {
				t.Fatal(err)
			}
			if err := ps.SSubscribe(ctx, "{shard}ch"); err != nil {
				t.Fatal(err)
			}
			// Both confirmations, so the proxy knows this client's pattern
			// and shard channel before anything is published to them (in
			// the second round the first client's subscriptions already
			// make the nodes count the proxy as a subscriber).
			for _, kind := range []string{"psubscribe", "ssubscribe"} {
				m, err := ps.Receive(ctx)
				if s, ok := m.(*redis.Subscription); err != nil || !ok || s.Kind != kind {
					t.Fatalf("RESP%d: waiting for the %s confirmation: %#v, %v", proto, kind, m, err)
				}
			}
			if n, err := pub.Publish(ctx, "news", "via-proxy").Result(); err != nil || n < 1 {
				t.Fatalf("PUBLISH through another proxy = %d, %v", n, err)
			}
			if m := receive(t, ps); m.Channel != "news" || m.Payload != "via-proxy" {
				t.Fatalf("RESP%d: got %+v, want news/via-proxy", proto, m)
			}
			if got := rawDo(homeAddr(addrs(rs...)), "PUBLISH", "news", "via-node"); !strings.HasPrefix(got, ":") {
				t.Fatalf("PUBLISH on the node = %q", got)
			}
			if m := receive(t, ps); m.Channel != "news" || m.Payload != "via-node" {
				t.Fatalf("RESP%d: got %+v, want news/via-node", proto, m)
			}
			// Nor was the PSUBSCRIBE: a PUBLISH reaching the channel's node
			// before the pattern does reaches nobody, and is sent again.
			if err := testutil.Until(5*time.Second, func() error {
				if n, err := pub.Publish(ctx, "sport.tennis", "ace").Result(); err != nil || n < 1 {
					return fmt.Errorf("PUBLISH sport.tennis = %d, %v", n, err)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if m := receive(t, ps); m.Pattern != "sport.*" || m.Channel != "sport.tennis" || m.Payload != "ace" {
				t.Fatalf("RESP%d: got %+v, want sport.* sport.tennis ace", proto, m)
			}
			// The SSUBSCRIBE above was not waited for: it may reach the
			// shard's node after this publisher's first SPUBLISH (which
			// then reaches nobody, and is sent again).
			if err := testutil.Until(5*time.Second, func() error {
				if n, err := pub.SPublish(ctx, "{shard}ch", "s1").Result(); err != nil || n < 1 {
					return fmt.Errorf("SPUBLISH = %d, %v", n, err)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if m := receive(t, ps); m.Channel != "{shard}ch" || m.Payload != "s1" {
				t.Fatalf("RESP%d: got %+v, want {shard}ch s1", proto, m)
			}
		}
		// Two clients of pa subscribe to news; a third listens on the
		// node itself.
		via := client(t, pa.addr)
		if got, err := via.PubSubNumSub(ctx, "news", "none").Result(); err != nil || got["news"] != 2 || got["none"] != 0 {
			t.Fatalf("PUBSUB NUMSUB news none = %v, %v; want news 2, none 0", got, err)
		}
		direct := client(t, rs[1].addr)
		dps := direct.Subscribe(ctx, "news")
		defer dps.Close()
		if _, err := dps.Receive(ctx); err != nil {
			t.Fatal(err)
		}
		if got, err := via.PubSubNumSub(ctx, "news").Result(); err != nil || got["news"] != 3 {
			t.Fatalf("PUBSUB NUMSUB news with a node's subscriber = %v, %v; want 3", got, err)
		}
		if got, err := via.PubSubChannels(ctx, "n*").Result(); err != nil || len(got) != 1 || got[0] != "news" {
			t.Fatalf("PUBSUB CHANNELS n* = %v, %v", got, err)
		}
		if got, err := via.PubSubNumPat(ctx).Result(); err != nil || got != 1 {
			t.Fatalf("PUBSUB NUMPAT = %d, %v; want 1", got, err)
		}
		if got, err := via.PubSubShardNumSub(ctx, "{shard}ch").Result(); err != nil || got["{shard}ch"] != 2 {
			t.Fatalf("PUBSUB SHARDNUMSUB = %v, %v; want 2", got, err)
		}
	})
}

// TestSubscriberModeMatchesRedis runs the same conversation with
// redis-server and through the proxy: RESP2 subscriber mode refuses other
// commands with Redis's error, PING answers ["pong", msg], the counts of
// the confirmations, leaving subscriber mode, and RESP3, where any command
// may be sent and messages are pushes.
func TestSubscriberModeMatchesRedis(t *testing.T) {
	r := startRedis(t)
	p := startProxy(t, Config{}, r.addr)
	// Each step and how many replies it gets.
	steps := []struct {
		n    int
		args []string
	}{
		{1, []string{"UNSUBSCRIBE"}},
		{3, []string{"SUBSCRIBE", "a", "b", "a"}},
		{1, []string{"PSUBSCRIBE", "x*"}},
		{1, []string{"GET", "k"}},
		{1, []string{"PUBSUB", "NUMSUB", "a"}},
		{1, []string{"PING"}},
		{1, []string{"PING", "hi"}},
		{1, []string{"SSUBSCRIBE", "s"}},
		{2, []string{"UNSUBSCRIBE", "b", "nope"}},
		{1, []string{"PUNSUBSCRIBE"}},
		{1, []string{"SUNSUBSCRIBE"}},
		{1, []string{"UNSUBSCRIBE"}},
		{1, []string{"GET", "k"}},
		{1, []string{"PING"}},
		{1, []string{"HELLO", "3"}},
		{1, []string{"SUBSCRIBE", "c"}},
		{1, []string{"publish", "c", "m"}}, // from another client: one push each
		{1, []string{"GET", "k"}},
		{1, []string{"PING"}},
		{1, []string{"UNSUBSCRIBE", "c"}},
		{1, []string{"SUBSCRIBE", "d"}},
		{1, []string{"RESET"}},
		{1, []string{"GET", "k"}},
	}
	direct, via := testutil.Dial(t, r.addr), testutil.Dial(t, p.addr)
	for _, step := range steps {
		if step.args[0] == "publish" {
			if got := rawDo(r.addr, step.args...); got != ":2\r\n" {
				t.Fatalf("PUBLISH = %q, want 2 receivers: the client and the proxy", got)
			}
		} else {
			direct.Send(step.args...)
			via.Send(step.args...)
			direct.Flush()
			via.Flush()
		}
		for i := 0; i < step.n; i++ {
			want, got := direct.Recv3(), via.Recv3()
			if step.args[0] == "HELLO" {
				if !strings.HasPrefix(got, "%7\r\n") {
					t.Fatalf("HELLO 3 through the proxy = %q", got)
				}
				continue
			}
			if got != want {
				t.Fatalf("%v reply %d: proxy %q, redis %q", step.args, i, got, want)
			}
		}
	}
}

// TestSlowSubscriberIsCut: a subscriber that does not read is
// disconnected once its unsent messages pass the hard limit; the others
// keep receiving.
func TestSlowSubscriberIsCut(t *testing.T) {
	inModes(t, testSlowSubscriberIsCut)
}

func testSlowSubscriberIsCut(t *testing.T, mode serving.Mode) {
	r := startRedis(t)
	cfg := DefaultConfig()
	cfg.Serving = serving.NewGroup(mode, false)
	cfg.PubsubHardLimit = 256 << 10
	p := startProxy(t, cfg, r.addr)
	slow := testutil.Dial(t, p.addr)
	slow.Do("SUBSCRIBE", "flood")
	ctx := context.Background()
	fast := client(t, p.addr).Subscribe(ctx, "flood")
	defer fast.Close()
	if _, err := fast.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	pub := client(t, p.addr)
	payload := strings.Repeat("x", 64<<10)
	cut := func() bool {
		return infoField(rawDo(p.addr, "INFO", "stats"), "client_output_buffer_limit_disconnections") == "1"
	}
	for i := 0; i < 2000 && !cut(); i++ { // at most 128 MiB
		if err := pub.Publish(ctx, "flood", payload).Err(); err != nil {
			t.Fatal(err)
		}
		if m := receive(t, fast); len(m.Payload) != len(payload) {
			t.Fatalf("fast subscriber got %d bytes", len(m.Payload))
		}
	}
	if !cut() {
		t.Fatal("the slow subscriber was never disconnected")
	}
	if got, err := client(t, p.addr).PubSubNumSub(ctx, "flood").Result(); err != nil || got["flood"] != 1 {
		t.Fatalf("PUBSUB NUMSUB flood after the cut = %v, %v; want 1", got, err)
	}
}

// TestPubSubBurstReachesEverySubscriber: a publisher pipelines 2,000
// PUBLISHes at once, so the node's messages reach the proxy many to a
// read; each of 20 subscribers, half of them RESP3, gets every message
// once and in order, byte for byte as redis-server sends them itself.
func TestPubSubBurstReachesEverySubscriber(t *testing.T) {
	inModes(t, func(t *testing.T, mode serving.Mode) {
		r := startRedis(t)
		p := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, r.addr)
		const n, subs = 2000, 20
		for k, addr := range []string{r.addr, p.addr} {
			ch := fmt.Sprintf("burst%d", k) // the first pass's subscribers stay on redis-server
			var cs []*testutil.Conn
			for i := 0; i < subs; i++ {
				c := testutil.Dial(t, addr)
				if i%2 == 1 {
					c.Do3("HELLO", "3")
					c.Do3("SUBSCRIBE", ch)
				} else {
					c.Do("SUBSCRIBE", ch)
				}
				cs = append(cs, c)
			}
			pub := testutil.Dial(t, addr)
			for i := 0; i < n; i++ {
				pub.Send("PUBLISH", ch, fmt.Sprintf("m%04d%s", i, strings.Repeat("x", 100)))
			}
			for i := 0; i < n; i++ {
				if got := pub.Recv(); got != fmt.Sprintf(":%d\r\n", map[bool]int{true: subs, false: 1}[addr == r.addr]) {
					t.Fatalf("%s: PUBLISH %d answered %q", addr, i, got)
				}
			}
			for j, c := range cs {
				head, recv := "*3", c.Recv
				if j%2 == 1 {
					head, recv = ">3", c.Recv3
				}
				for i := 0; i < n; i++ {
					want := fmt.Sprintf("%s\r\n$7\r\nmessage\r\n$6\r\n%s\r\n$105\r\nm%04d%s\r\n", head, ch, i, strings.Repeat("x", 100))
					if got := recv(); got != want {
						t.Fatalf("%s: subscriber %d, message %d: %q, want %q", addr, j, i, got, want)
					}
				}
			}
		}
	})
}

// TestPubSubSurvivesNodeLoss: when the node the proxy subscribed on goes
// away and the map no longer names it, the proxy subscribes again on the
// new home node and the subscriber keeps receiving.
func TestPubSubSurvivesNodeLoss(t *testing.T) {
	rs := startRedises(t, 3)
	p := startProxy(t, Config{}, addrs(rs...)...)
	ctx := context.Background()
	ps := client(t, p.addr).Subscribe(ctx, "news")
	defer ps.Close()
	if _, err := ps.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	home := homeAddr(addrs(rs...))
	var rest []string
	for _, r := range rs {
		if r.addr == home {
			r.stop()
		} else {
			rest = append(rest, r.addr)
		}
	}
	if err := p.router.SetAddrs(rest); err != nil {
		t.Fatal(err)
	}
	pub := client(t, p.addr)
	got := make(chan *redis.Message, 1)
	go func() {
		rctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		m, err := ps.ReceiveMessage(rctx)
		if err == nil {
			got <- m
		}
		close(got)
	}()
	// Published until the new subscription is in place (messages before
	// it are lost, as pub/sub allows).
	testutil.WaitFor(t, 15*time.Second, func() bool {
		n, _ := pub.Publish(ctx, "news", "after").Result()
		return n > 0
	}, "a node to count the proxy's subscription again")
	m, ok := <-got
	if !ok || m.Payload != "after" {
		t.Fatalf("after the node's loss: %+v, %v", m, ok)
	}
}

package proxy

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/push"
	"github.com/redis/rueidis"

	"github.com/vcache/vcache/internal/serving"
	"github.com/vcache/vcache/internal/testutil"
)

// push reads raw replies until one starts with '>' or the deadline.
func recvPush(t *testing.T, c *rawConn) string {
	t.Helper()
	raw := c.Recv3()
	if !strings.HasPrefix(raw, ">") {
		t.Fatalf("got %q, want a push", trim(raw))
	}
	return raw
}

func invalidatePush(keys ...string) string {
	s := ">2\r\n$10\r\ninvalidate\r\n*" + strconv.Itoa(len(keys)) + "\r\n"
	for _, k := range keys {
		s += "$" + strconv.Itoa(len(k)) + "\r\n" + k + "\r\n"
	}
	return s
}

// TestTrackingThroughProxy: a RESP3 client of the proxy that read keys
// on two nodes gets one invalidation push per key when another client
// writes it, through the proxy or straight on the node; the push comes
// after the replies it could overtake, and not again until it reads the
// key again.
func TestTrackingThroughProxy(t *testing.T) {
	rs := startRedises(t, 2)
	inModes(t, func(t *testing.T, mode serving.Mode) {
		tp := startProxy(t, Config{Serving: serving.NewGroup(mode, false)}, addrs(rs...)...)
		k0 := keysOn(tp.router, 0, 1, "trk"+string(mode)+":")[0]
		k1 := keysOn(tp.router, 1, 1, "trk"+string(mode)+":")[0]
		other := client(t, tp.addr)
		ctx := context.Background()
		other.Set(ctx, k0, "a", 0)
		other.Set(ctx, k1, "b", 0)

		c := dialRaw(t, tp.addr)
		c.Do3("HELLO", "3")
		if got := c.Do3("CLIENT", "TRACKING", "ON"); got != "+OK\r\n" {
			t.Fatalf("CLIENT TRACKING ON = %q", got)
		}
		if got := c.Do3("CLIENT", "GETREDIR"); got != ":0\r\n" {
			t.Fatalf("CLIENT GETREDIR = %q, want 0", got)
		}
		if got := c.Do3("GET", k0); got != "$1\r\na\r\n" {
			t.Fatalf("GET %s = %q", k0, got)
		}
		if got := c.Do3("GET", k1); got != "$1\r\nb\r\n" {
			t.Fatalf("GET %s = %q", k1, got)
		}
		other.Set(ctx, k0, "a2", 0) // through the proxy
		if got := recvPush(t, c); got != invalidatePush(k0) {
			t.Fatalf("after SET %s through the proxy: %q", k0, trim(got))
		}
		if got := rawDo(rs[1].addr, "SET", k1, "b2"); got != "+OK\r\n" { // on the node
			t.Fatalf("SET on the node = %q", got)
		}
		if got := recvPush(t, c); got != invalidatePush(k1) {
			t.Fatalf("after SET %s on the node: %q", k1, trim(got))
		}
		// Invalidated once: a second write says nothing until the key is
		// read again (the next reply is PING's, not a push).
		other.Set(ctx, k0, "a3", 0)
		if got := c.Do3("PING"); got != "+PONG\r\n" {
			t.Fatalf("PING after a second write = %q, want +PONG (no second push)", trim(got))
		}
		if got := c.Do3("GET", k0); got != "$2\r\na3\r\n" {
			t.Fatalf("GET %s = %q", k0, got)
		}
		other.Del(ctx, k0)
		if got := recvPush(t, c); got != invalidatePush(k0) {
			t.Fatalf("after DEL %s: %q", k0, trim(got))
		}
		info := c.Do3("CLIENT", "TRACKINGINFO")
		if want := "%3\r\n$5\r\nflags\r\n~1\r\n$2\r\non\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n"; info != want {
			t.Fatalf("CLIENT TRACKINGINFO = %q, want %q", info, want)
		}
		if got := c.Do3("CLIENT", "TRACKING", "OFF"); got != "+OK\r\n" {
			t.Fatalf("CLIENT TRACKING OFF = %q", got)
		}
		if got := c.Do3("CLIENT", "GETREDIR"); got != ":-1\r\n" {
			t.Fatalf("CLIENT GETREDIR when off = %q, want -1", got)
		}
	})
}

// TestTrackingRepliesMatchRedis compares the tracking subcommands'
// replies and errors through the proxy with redis-server's.
func TestTrackingRepliesMatchRedis(t *testing.T) {
	rs := startRedises(t, 2)
	ref := startRedis(t)
	tp := startProxy(t, Config{}, addrs(rs...)...)
	steps := [][]string{
		{"CLIENT", "CACHING", "YES"},
		{"CLIENT", "TRACKING", "ON", "PREFIX", "a"},
		{"CLIENT", "TRACKING", "ON", "BCAST", "OPTIN"},
		{"CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"},
		{"CLIENT", "TRACKING", "ON", "REDIRECT", "999999"},
		{"CLIENT", "TRACKING", "ON", "REDIRECT", "x"},
		{"CLIENT", "TRACKING", "MAYBE"},
		{"CLIENT", "TRACKING", "ON", "OPTIN"},
		{"CLIENT", "TRACKINGINFO"},
		{"CLIENT", "CACHING", "NO"},
		{"CLIENT", "CACHING", "YES"},
		{"CLIENT", "TRACKINGINFO"},
		{"CLIENT", "TRACKING", "ON", "BCAST"},
		{"CLIENT", "TRACKING", "ON", "OPTOUT"},
		{"CLIENT", "TRACKING", "OFF"},
		{"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "ab"},
		{"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "b", "NOLOOP"},
		{"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "bc"},
		{"CLIENT", "TRACKINGINFO"},
		{"CLIENT", "GETREDIR"},
		{"CLIENT", "TRACKING", "OFF"},
		{"CLIENT", "TRACKINGINFO"},
	}
	for _, proto := range []string{"2", "3"} {
		a, b := dialRaw(t, ref.addr), dialRaw(t, tp.addr)
		a.Do3("HELLO", proto)
		b.Do3("HELLO", proto)
		for _, st := range steps {
			want, got := a.Do3(st...), b.Do3(st...)
			if want != got {
				t.Errorf("RESP%s %v: proxy %q, redis-server %q", proto, st, trim(got), trim(want))
			}
		}
	}
}

// TestTrackingRedirectRESP2: a RESP2 client tracks with REDIRECT to a
// client of the proxy subscribed to __redis__:invalidate, which gets the
// invalidation as a message, as from Redis.
func TestTrackingRedirectRESP2(t *testing.T) {
	rs := startRedises(t, 2)
	tp := startProxy(t, Config{}, addrs(rs...)...)
	sub := dialRaw(t, tp.addr)
	subID := strings.TrimSuffix(strings.TrimPrefix(sub.Do3("CLIENT", "ID"), ":"), "\r\n")
	if got := sub.Do3("SUBSCRIBE", "__redis__:invalidate"); !strings.HasPrefix(got, "*3\r\n$9\r\nsubscribe") {
		t.Fatalf("SUBSCRIBE = %q", got)
	}
	c := dialRaw(t, tp.addr)
	if got := c.Do3("CLIENT", "TRACKING", "ON", "REDIRECT", subID); got != "+OK\r\n" {
		t.Fatalf("CLIENT TRACKING ON REDIRECT %s = %q", subID, got)
	}
	if got := c.Do3("CLIENT", "GETREDIR"); got != ":"+subID+"\r\n" {
		t.Fatalf("CLIENT GETREDIR = %q, want %s", got, subID)
	}
	for i, k := range []string{keysOn(tp.router, 0, 1, "rd:")[0], keysOn(tp.router, 1, 1, "rd:")[0]} {
		c.Do3("GET", k)
		if got := rawDo(rs[i].addr, "SET", k, "v"); got != "+OK\r\n" {
			t.Fatalf("SET on the node = %q", got)
		}
		want := "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$" + strconv.Itoa(len(k)) + "\r\n" + k + "\r\n"
		if got := sub.Recv3(); got != want {
			t.Fatalf("message = %q, want %q", got, want)
		}
	}
}

// TestTrackingGoRedisRESP3: go-redis with Protocol 3 hands the
// invalidation pushes to a push handler; the client-side cache entry a
// test keeps is dropped when another client writes the key.
func TestTrackingGoRedisRESP3(t *testing.T) {
	rs := startRedises(t, 2)
	tp := startProxy(t, Config{}, addrs(rs...)...)
	ctx := context.Background()
	got := make(chan []string, 16)
	c := redis.NewClient(&redis.Options{Addr: tp.addr, Protocol: 3, PoolSize: 1, MaxRetries: -1,
		OnConnect: func(ctx context.Context, cn *redis.Conn) error {
			return cn.Do(ctx, "CLIENT", "TRACKING", "ON").Err()
		}})
	defer c.Close()
	if err := c.RegisterPushNotificationHandler("invalidate", pushFunc(func(n []any) {
		var keys []string
		if len(n) > 1 {
			if ks, ok := n[1].([]any); ok {
				for _, k := range ks {
					keys = append(keys, fmt.Sprint(k))
				}
			}
		}
		got <- keys
	}), false); err != nil {
		t.Fatal(err)
	}
	w := client(t, tp.addr)
	for i := range 2 {
		k := keysOn(tp.router, i, 1, "gr:")[0]
		w.Set(ctx, k, "1", 0)
		if v, err := c.Get(ctx, k).Result(); err != nil || v != "1" {
			t.Fatalf("GET = %q, %v", v, err)
		}
		w.Set(ctx, k, "2", 0)
		// Pushes are read before the next command's reply.
		if err := testutil.Until(5*time.Second, func() error {
			c.Ping(ctx)
			select {
			case keys := <-got:
				if len(keys) != 1 || keys[0] != k {
					return fmt.Errorf("invalidate %v, want [%s]", keys, k)
				}
				return nil
			default:
				return fmt.Errorf("no invalidation for %s yet", k)
			}
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTrackingRueidisDoCache: rueidis's client-side cache (OPTIN, CLIENT
// CACHING YES before each cached read) through the proxy: a cached GET
// is served from memory until another client's SET invalidates it.
func TestTrackingRueidisDoCache(t *testing.T) {
	rs := startRedises(t, 2)
	tp := startProxy(t, Config{}, addrs(rs...)...)
	ctx := context.Background()
	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{tp.addr}, ForceSingleClient: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	w := client(t, tp.addr)
	for i := range 2 {
		k := keysOn(tp.router, i, 1, "rue:")[0]
		w.Set(ctx, k, "v1", 0)
		get := func() (string, bool) {
			r := c.DoCache(ctx, c.B().Get().Key(k).Cache(), time.Minute)
			v, err := r.ToString()
			if err != nil {
				t.Fatalf("DoCache GET %s: %v", k, err)
			}
			return v, r.IsCacheHit()
		}
		if v, hit := get(); v != "v1" || hit {
			t.Fatalf("first GET = %q hit %v, want v1 from the server", v, hit)
		}
		if v, hit := get(); v != "v1" || !hit {
			t.Fatalf("second GET = %q hit %v, want v1 from the cache", v, hit)
		}
		w.Set(ctx, k, "v2", 0)
		if err := testutil.Until(5*time.Second, func() error {
			if v, _ := get(); v != "v2" {
				return fmt.Errorf("GET %s = %q after SET v2", k, v)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if v, hit := get(); v != "v2" || !hit {
			t.Fatalf("GET after the refresh = %q hit %v, want v2 from the cache", v, hit)
		}
	}
}

// pushFunc adapts a function to go-redis's push notification handler.
type pushFunc func([]any)

func (f pushFunc) HandlePushNotification(_ context.Context, _ push.NotificationHandlerContext, n []any) error {
	f(n)
	return nil
}

// TestTrackingLinkLossFlushes: when a node the client read from goes
// away, the node's memory of what the client read is gone with it, so
// the client is told to forget everything (a null invalidation); after
// the node is back, the next read opens a new link and tracking goes on.
func TestTrackingLinkLossFlushes(t *testing.T) {
	rs := startRedises(t, 2)
	tp := startProxy(t, Config{}, addrs(rs...)...)
	k := keysOn(tp.router, 1, 1, "loss:")[0]
	c := dialRaw(t, tp.addr)
	c.Do3("HELLO", "3")
	if got := c.Do3("CLIENT", "TRACKING", "ON"); got != "+OK\r\n" {
		t.Fatalf("CLIENT TRACKING ON = %q", got)
	}
	c.Do3("GET", k)
	rs[1].stop()
	if got := recvPush(t, c); got != ">2\r\n$10\r\ninvalidate\r\n_\r\n" {
		t.Fatalf("after the node went away: %q, want a null invalidation", trim(got))
	}
	if err := rs[1].start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rs[1].stop)
	if err := testutil.Until(10*time.Second, func() error {
		if got := c.Do3("GET", k); got != "_\r\n" {
			return fmt.Errorf("GET %s = %q", k, got)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := rawDo(rs[1].addr, "SET", k, "new"); got != "+OK\r\n" {
		t.Fatalf("SET on the node = %q", got)
	}
	if got := recvPush(t, c); got != invalidatePush(k) {
		t.Fatalf("after SET on the restarted node: %q", trim(got))
	}
}

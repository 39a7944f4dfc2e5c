package node

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/rueidis"

	"github.com/vcache/vcache/internal/testutil"
)

// TestTrackingRESP3Push: a RESP3 connection with tracking on gets
// >2 invalidate [key] after another client changes a key it read, after
// its own write's reply, and a null invalidation on FLUSHALL.
func TestTrackingRESP3Push(t *testing.T) {
	tn := startNode(t, nil)
	c := testutil.Dial(t, tn.addr)
	other := tn.client(t)
	ctx := context.Background()
	c.Do3("HELLO", "3")
	if got := c.Do3("CLIENT", "TRACKING", "ON"); got != "+OK\r\n" {
		t.Fatalf("CLIENT TRACKING ON = %q", got)
	}
	other.Set(ctx, "k", "1", 0)
	if got := c.Do3("GET", "k"); got != "$1\r\n1\r\n" {
		t.Fatalf("GET k = %q", got)
	}
	other.Set(ctx, "k", "2", 0)
	want := ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n"
	if got := c.Recv3(); got != want {
		t.Fatalf("after another client's SET: %q, want %q", got, want)
	}
	// Its own write: the reply first, then the invalidation.
	c.Do3("GET", "k")
	if got := c.Do3("SET", "k", "3"); got != "+OK\r\n" {
		t.Fatalf("SET k = %q", got)
	}
	if got := c.Recv3(); got != want {
		t.Fatalf("after its own SET: %q, want %q", got, want)
	}
	// A key read once is told once.
	other.Set(ctx, "k", "4", 0)
	if got := c.Do3("PING"); got != "+PONG\r\n" {
		t.Fatalf("PING after an untracked change = %q (a second invalidation?)", got)
	}
	other.FlushAll(ctx)
	if got := c.Recv3(); got != ">2\r\n$10\r\ninvalidate\r\n_\r\n" {
		t.Fatalf("after FLUSHALL: %q", got)
	}
	info := other.Info(ctx, "clients").Val()
	if !strings.Contains(info, "tracking_clients:1\r\n") {
		t.Fatalf("INFO clients has no tracking_clients:1: %q", info)
	}
	if got := c.Do3("RESET"); got != "+RESET\r\n" {
		t.Fatalf("RESET = %q", got)
	}
	if got := c.Do("CLIENT", "GETREDIR"); got != ":-1\r\n" {
		t.Fatalf("CLIENT GETREDIR after RESET = %q, want :-1", got)
	}
}

// TestTrackingRedirectBCAST: a RESP2 client subscribed to
// __redis__:invalidate receives the invalidations of a BCAST client that
// redirects to it, one message per prefix per command, and none of the
// client's own writes with NOLOOP.
func TestTrackingRedirectBCAST(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	other := tn.client(t)
	sub := testutil.Dial(t, tn.addr)
	redir, _ := strconv.ParseInt(strings.Trim(sub.Do("CLIENT", "ID"), ":\r\n"), 10, 64)
	sub.Do("SUBSCRIBE", "__redis__:invalidate")
	tc := testutil.Dial(t, tn.addr)
	if got := tc.Do("CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP", "REDIRECT", strconv.FormatInt(redir, 10), "PREFIX", "a:", "PREFIX", "b:"); got != "+OK\r\n" {
		t.Fatalf("CLIENT TRACKING ON BCAST = %q", got)
	}
	tc.Do("SET", "a:mine", "1") // NOLOOP: not told
	other.MSet(ctx, "a:1", "1", "c:1", "1", "a:2", "2")
	want := "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*2\r\n$3\r\na:1\r\n$3\r\na:2\r\n"
	if got := sub.Recv(); got != want {
		t.Fatalf("BCAST invalidation = %q, want %q", got, want)
	}
	if got := tc.Do("CLIENT", "TRACKINGINFO"); !strings.Contains(got, "bcast") || !strings.Contains(got, "noloop") {
		t.Fatalf("CLIENT TRACKINGINFO = %q", got)
	}
	if got := tc.Do("CLIENT", "INFO"); !strings.Contains(got, "flags=tB ") || !strings.Contains(got, "redir="+strconv.FormatInt(redir, 10)+" ") {
		t.Fatalf("CLIENT INFO = %q, want flags=tB and redir=%d", got, redir)
	}
	if got := tc.Do("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a:x"); !strings.HasPrefix(got, "-ERR Prefix 'a:x' overlaps with an existing prefix 'a:'") {
		t.Fatalf("overlapping prefix = %q", got)
	}
}

// TestTrackingErrors: CLIENT TRACKING and CACHING answer bad input with
// Redis 7.0's texts.
func TestTrackingErrors(t *testing.T) {
	tn := startNode(t, nil)
	c := testutil.Dial(t, tn.addr)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"CLIENT", "TRACKING"}, "-ERR wrong number of arguments for 'client|tracking' command\r\n"},
		{[]string{"CLIENT", "TRACKING", "maybe"}, "-ERR syntax error\r\n"},
		{[]string{"CLIENT", "TRACKING", "on", "redirect", "999999"}, "-ERR The client ID you want redirect to does not exist\r\n"},
		{[]string{"CLIENT", "TRACKING", "on", "redirect", "x"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"CLIENT", "TRACKING", "on", "prefix", "a"}, "-ERR PREFIX option requires BCAST mode to be enabled\r\n"},
		{[]string{"CLIENT", "TRACKING", "on", "optin", "optout"}, "-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n"},
		{[]string{"CLIENT", "TRACKING", "on", "bcast", "optin"}, "-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n"},
		{[]string{"CLIENT", "TRACKING", "on", "bcast", "prefix", "ab", "prefix", "a"}, "-ERR Prefix 'ab' overlaps with another provided prefix 'a'. Prefixes for a single client must not overlap.\r\n"},
		{[]string{"CLIENT", "CACHING", "yes"}, "-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n"},
		{[]string{"CLIENT", "GETREDIR"}, ":-1\r\n"},
		{[]string{"CLIENT", "TRACKING", "on", "optin"}, "+OK\r\n"},
		{[]string{"CLIENT", "CACHING", "no"}, "-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n"},
		{[]string{"CLIENT", "CACHING", "maybe"}, "-ERR syntax error\r\n"},
		{[]string{"CLIENT", "TRACKING", "on", "optout"}, "-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.\r\n"},
		{[]string{"CLIENT", "TRACKING", "on", "bcast"}, "-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.\r\n"},
		{[]string{"CLIENT", "GETREDIR"}, ":0\r\n"},
	} {
		if got := c.Do(tc.args...); got != tc.want {
			t.Errorf("%v = %q, want %q", tc.args, got, tc.want)
		}
	}
}

// TestTrackingTableLimit: lowering tracking-table-max-keys invalidates
// the keys the table drops, and INFO counts what is left.
func TestTrackingTableLimit(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	rdb := tn.client(t)
	c := testutil.Dial(t, tn.addr)
	c.Do3("HELLO", "3")
	c.Do3("CLIENT", "TRACKING", "ON")
	for i := range 5 {
		c.Do3("GET", "key"+strconv.Itoa(i))
	}
	if got := rdb.Info(ctx, "stats").Val(); !strings.Contains(got, "tracking_total_keys:5\r\n") {
		t.Fatalf("INFO stats without tracking_total_keys:5: %q", got)
	}
	if err := rdb.ConfigSet(ctx, "tracking-table-max-keys", "2").Err(); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if got := c.Recv3(); !strings.HasPrefix(got, ">2\r\n$10\r\ninvalidate\r\n*1\r\n") {
			t.Fatalf("invalidation of a dropped key: %q", got)
		}
	}
	if got := rdb.Info(ctx, "stats").Val(); !strings.Contains(got, "tracking_total_keys:2\r\n") {
		t.Fatalf("INFO stats without tracking_total_keys:2: %q", got)
	}
}

// TestTrackingRueidisDoCache: rueidis's client-side cache (RESP3, OPTIN
// tracking, CLIENT CACHING YES before each cached read) serves a cached GET
// until another client's SET invalidates it.
func TestTrackingRueidisDoCache(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	other := tn.client(t)
	other.Set(ctx, "cached", "v1", 0)
	rc, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{tn.addr}, ForceSingleClient: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	get := func() (string, bool) {
		r := rc.DoCache(ctx, rc.B().Get().Key("cached").Cache(), time.Minute)
		v, err := r.ToString()
		if err != nil {
			t.Fatal(err)
		}
		return v, r.IsCacheHit()
	}
	if v, _ := get(); v != "v1" {
		t.Fatalf("first DoCache GET = %q", v)
	}
	waitFor(t, 5*time.Second, "a cache hit", func() bool { v, hit := get(); return hit && v == "v1" })
	other.Set(ctx, "cached", "v2", 0)
	waitFor(t, 5*time.Second, "the cached GET to see v2", func() bool { v, _ := get(); return v == "v2" })
	if v, hit := get(); v != "v2" || !hit {
		t.Fatalf("after re-reading: %q hit=%v, want v2 from the cache", v, hit)
	}
}

// TestTrackingGoRedisRESP3: go-redis with protocol 3 turns tracking on
// and sees its tracked key's invalidation as a push before its next reply.
func TestTrackingGoRedisRESP3(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	other := tn.client(t)
	c := redis.NewClient(&redis.Options{Addr: tn.addr, Protocol: 3, PoolSize: 1})
	defer c.Close()
	if err := c.Do(ctx, "CLIENT", "TRACKING", "ON").Err(); err != nil {
		t.Fatal(err)
	}
	info, err := c.Do(ctx, "CLIENT", "TRACKINGINFO").Result()
	if err != nil {
		t.Fatal(err)
	}
	m, ok := info.(map[any]any)
	if !ok || m["redirect"] != int64(0) {
		t.Fatalf("CLIENT TRACKINGINFO = %#v, want a map with redirect 0", info)
	}
	if got := other.Do(ctx, "CLIENT", "TRACKINGINFO").Val(); got == nil {
		t.Fatal("CLIENT TRACKINGINFO on RESP2 = nil")
	}
}

// TestTrackingServedBLMOVE: a tracking client blocked in BLMOVE whose
// destination it read gets the destination's invalidation right after
// its BLMOVE reply, when another client's push serves it.
func TestTrackingServedBLMOVE(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	other := tn.client(t)
	other.RPush(ctx, "dst{t}", "a")
	c := testutil.Dial(t, tn.addr)
	c.Do3("HELLO", "3")
	c.Do3("CLIENT", "TRACKING", "ON")
	c.Do3("LRANGE", "dst{t}", "0", "-1")
	c.Send("BLMOVE", "src{t}", "dst{t}", "LEFT", "LEFT", "0")
	c.Flush()
	waitFor(t, 5*time.Second, "a blocked client", func() bool {
		return strings.Contains(other.Info(ctx, "clients").Val(), "blocked_clients:1\r\n")
	})
	other.RPush(ctx, "src{t}", "foo")
	if got := c.Recv3(); got != "$3\r\nfoo\r\n" {
		t.Fatalf("BLMOVE reply = %q", got)
	}
	if got := c.Recv3(); got != ">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\ndst{t}\r\n" {
		t.Fatalf("after BLMOVE's reply: %q", got)
	}
	// FLUSHALL empties the table even with no client tracking any more.
	c.Do3("GET", "x")
	c.Do3("CLIENT", "TRACKING", "OFF")
	other.FlushAll(ctx)
	if got := other.Info(ctx, "stats").Val(); !strings.Contains(got, "tracking_total_keys:0\r\n") {
		t.Fatalf("INFO after FLUSHALL: %q", got)
	}
}

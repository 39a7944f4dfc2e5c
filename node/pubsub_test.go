package node

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// numSub returns PUBSUB NUMSUB's count of channel.
func numSub(t *testing.T, rdb *redis.Client, channel string) int64 {
	t.Helper()
	m, err := rdb.PubSubNumSub(context.Background(), channel).Result()
	if err != nil {
		t.Fatal(err)
	}
	return m[channel]
}

// TestPubSubGoRedis subscribes with go-redis speaking RESP2 and RESP3 to
// channels, patterns and shard channels, and receives what another client
// publishes.
func TestPubSubGoRedis(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	pub := tn.client(t)
	for _, proto := range []int{2, 3} {
		t.Run("RESP"+strconv.Itoa(proto), func(t *testing.T) {
			sub := redis.NewClient(&redis.Options{Addr: tn.addr, Protocol: proto})
			defer sub.Close()
			ps := sub.Subscribe(ctx, "news")
			defer ps.Close()
			if _, err := ps.Receive(ctx); err != nil { // the confirmation
				t.Fatal(err)
			}
			if err := ps.PSubscribe(ctx, "ne*"); err != nil {
				t.Fatal(err)
			}
			if n := numSub(t, pub, "news"); n != 1 {
				t.Fatalf("NUMSUB news = %d, want 1", n)
			}
			waitFor(t, 5*time.Second, "PUBSUB NUMPAT 1", func() bool { return pub.PubSubNumPat(ctx).Val() == 1 })
			if n := pub.Publish(ctx, "news", "hello").Val(); n != 2 {
				t.Fatalf("PUBLISH news = %d receivers, want 2 (channel and pattern)", n)
			}
			got := map[string]string{}
			for range 2 {
				m, err := ps.ReceiveMessage(ctx)
				if err != nil {
					t.Fatal(err)
				}
				got[m.Pattern] = m.Channel + "=" + m.Payload
			}
			if got[""] != "news=hello" || got["ne*"] != "news=hello" {
				t.Fatalf("messages %v", got)
			}
			if n := pub.Publish(ctx, "other", "x").Val(); n != 0 {
				t.Fatalf("PUBLISH other = %d, want 0", n)
			}

			ss := sub.SSubscribe(ctx, "shard{1}")
			defer ss.Close()
			if _, err := ss.Receive(ctx); err != nil {
				t.Fatal(err)
			}
			if n := pub.SPublish(ctx, "shard{1}", "s-msg").Val(); n != 1 {
				t.Fatalf("SPUBLISH = %d, want 1", n)
			}
			m, err := ss.ReceiveMessage(ctx)
			if err != nil || m.Channel != "shard{1}" || m.Payload != "s-msg" {
				t.Fatalf("shard message %+v, %v", m, err)
			}
			if got := pub.PubSubShardChannels(ctx, "*").Val(); len(got) != 1 || got[0] != "shard{1}" {
				t.Fatalf("SHARDCHANNELS %v", got)
			}
		})
	}
	waitFor(t, 5*time.Second, "subscriptions gone with their connections", func() bool {
		return numSub(t, pub, "news") == 0 && pub.PubSubNumPat(ctx).Val() == 0 && len(pub.PubSubShardChannels(ctx, "*").Val()) == 0
	})
}

// TestPubSubRESP3Interleaved checks that a RESP3 subscriber may run any
// command and receives messages as push replies between its replies.
func TestPubSubRESP3Interleaved(t *testing.T) {
	tn := startNode(t, nil)
	c := testutil.Dial(t, tn.addr)
	c.Do3("HELLO", "3")
	if got := c.Do3("SUBSCRIBE", "ch"); got != ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n" {
		t.Fatalf("SUBSCRIBE = %q", got)
	}
	if got := c.Do3("SET", "k", "v"); got != "+OK\r\n" {
		t.Fatalf("SET in subscriber mode = %q", got)
	}
	// Its own PUBLISH: the message is queued before the reply, as in Redis.
	c.Send("PUBLISH", "ch", "m1")
	if got := c.Recv3(); got != ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nm1\r\n" {
		t.Fatalf("push = %q", got)
	}
	if got := c.Recv3(); got != ":1\r\n" {
		t.Fatalf("PUBLISH = %q", got)
	}
	if got := c.Do3("GET", "k"); got != "$1\r\nv\r\n" {
		t.Fatalf("GET = %q", got)
	}
	if got := c.Do3("PING"); got != "+PONG\r\n" {
		t.Fatalf("PING = %q", got)
	}
	if got := c.Do3("RESET"); got != "+RESET\r\n" {
		t.Fatalf("RESET = %q", got)
	}
	if n := numSub(t, tn.client(t), "ch"); n != 0 {
		t.Fatalf("NUMSUB after RESET = %d", n)
	}
}

// TestPubSubClientList checks CLIENT LIST's sub, psub and ssub counts and
// the P flag.
func TestPubSubClientList(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.raw(t)
	c.do("SUBSCRIBE", "a")
	c.do("SUBSCRIBE", "b")
	c.do("PSUBSCRIBE", "p*")
	c.do("SSUBSCRIBE", "s")
	line := regexp.MustCompile(`flags=P db=0 sub=2 psub=1 ssub=1 `)
	rdb := tn.client(t)
	waitFor(t, 5*time.Second, "CLIENT LIST shows the subscriptions", func() bool {
		return line.MatchString(rdb.ClientList(context.Background()).Val())
	})
	info := rdb.Info(context.Background(), "stats").Val()
	for _, want := range []string{"pubsub_channels:2\r\n", "pubsub_patterns:1\r\n", "pubsubshard_channels:1\r\n"} {
		if !strings.Contains(info, want) {
			t.Errorf("INFO stats has no %q:\n%s", want, info)
		}
	}
}

// TestPubSubKilledSubscriber kills subscribers mid-stream and checks
// that their subscriptions go with them.
func TestPubSubKilledSubscriber(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	pub := tn.client(t)
	for i := range 3 {
		c := tn.raw(t)
		c.do("SUBSCRIBE", "stream")
		c.do("PSUBSCRIBE", "str*")
		for j := range 10 {
			pub.Publish(ctx, "stream", fmt.Sprint(i, j))
		}
		c.c.Close() // without reading the messages
	}
	waitFor(t, 5*time.Second, "NUMSUB and NUMPAT back to 0", func() bool {
		return numSub(t, pub, "stream") == 0 && pub.PubSubNumPat(ctx).Val() == 0
	})
	if n := pub.Publish(ctx, "stream", "x").Val(); n != 0 {
		t.Fatalf("PUBLISH after the subscribers left = %d", n)
	}
	waitFor(t, 5*time.Second, "one client left", func() bool {
		return strings.Count(pub.ClientList(ctx).Val(), "\n") == 1
	})
}

// TestPubSubSlowSubscriber publishes to a subscriber that never reads:
// past client-output-buffer-limit pubsub's hard limit it is
// disconnected, and what waits for it never grows much past the limit.
func TestPubSubSlowSubscriber(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	pub := tn.client(t)
	if got := pub.ConfigGet(ctx, "client-output-buffer-limit").Val()["client-output-buffer-limit"]; got != "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60" {
		t.Fatalf("default limits %q", got)
	}
	const hard = 1 << 20
	if err := pub.ConfigSet(ctx, "client-output-buffer-limit", "pubsub 1mb 512kb 60").Err(); err != nil {
		t.Fatal(err)
	}
	sub := tn.raw(t)
	sub.do("SUBSCRIBE", "firehose")
	payload := strings.Repeat("x", 64<<10)
	omem := regexp.MustCompile(`sub=1 .* omem=(\d+)`)
	var most int64
	cut := false
	// The socket buffers take some megabytes before the node queues
	// anything; 4,000 messages are 256 MB, far more than enough.
	for i := 0; i < 4000 && !cut; i++ {
		n, err := pub.Publish(ctx, "firehose", payload).Result()
		if err != nil {
			t.Fatal(err)
		}
		cut = n == 0
		if m := omem.FindStringSubmatch(pub.ClientList(ctx).Val()); m != nil {
			v, _ := strconv.ParseInt(m[1], 10, 64)
			most = max(most, v)
		}
	}
	if !cut {
		t.Fatal("the subscriber that does not read was never disconnected")
	}
	if most > hard+int64(len(payload))+1024 {
		t.Fatalf("a subscriber's queue reached %d bytes; the hard limit is %d", most, hard)
	}
	waitFor(t, 5*time.Second, "the slow subscriber gone", func() bool { return numSub(t, pub, "firehose") == 0 })
	if info := pub.Info(ctx, "stats").Val(); !strings.Contains(info, "client_output_buffer_limit_disconnections:1\r\n") {
		t.Errorf("INFO stats does not count the disconnection:\n%s", info)
	}
	t.Logf("largest queue seen: %d bytes (hard limit %d)", most, hard)
	// Bad values are refused with Redis's words.
	for val, want := range map[string]string{
		"pubsub 1 2":       "Wrong number of arguments in buffer limit configuration.",
		"foo 1 2 3":        "Invalid client class specified in buffer limit configuration.",
		"pubsub x 2 3":     "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
		"pubsub 1mb 1k -1": "Error in hard, soft or soft_seconds setting in buffer limit configuration.",
	} {
		err := pub.ConfigSet(ctx, "client-output-buffer-limit", val).Err()
		if err == nil || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("CONFIG SET client-output-buffer-limit %q: %v", val, err)
		}
	}
}

// TestPubSubACL checks channel permissions: &pattern, allchannels,
// resetchannels (the default of a new user) and PSUBSCRIBE's literal
// patterns.
func TestPubSubACL(t *testing.T) {
	tn := startNode(t, nil)
	admin := tn.raw(t)
	if got := admin.do("ACL", "SETUSER", "u", "on", ">pw", "~*", "+@all", "&news.*"); got != "OK" {
		t.Fatal(got)
	}
	if got := admin.do("ACL", "SETUSER", "none", "on", ">pw", "~*", "+@all"); got != "OK" {
		t.Fatal(got)
	}
	const noperm = "(error) NOPERM this user has no permissions to access one of the channels used as arguments"
	u := tn.raw(t)
	u.do("AUTH", "u", "pw")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"PUBLISH", "news.sport", "m"}, "(integer) 0"},
		{[]string{"PUBLISH", "weather", "m"}, noperm},
		{[]string{"SPUBLISH", "weather", "m"}, noperm},
		{[]string{"PSUBSCRIBE", "news.s*"}, noperm},
		{[]string{"SUBSCRIBE", "news.sport", "weather"}, noperm},
		{[]string{"SSUBSCRIBE", "weather"}, noperm},
		{[]string{"PSUBSCRIBE", "news.*"}, "1) \"psubscribe\"\n2) \"news.*\"\n3) (integer) 1"},
	} {
		if got := u.do(c.args...); got != c.want {
			t.Errorf("%v as u: %s, want %s", c.args, got, c.want)
		}
	}
	n := tn.raw(t)
	n.do("AUTH", "none", "pw")
	if got := n.do("PUBLISH", "any", "m"); got != noperm {
		t.Errorf("PUBLISH as a user without channels: %s", got)
	}
	if got := admin.do("ACL", "GETUSER", "u"); !strings.Contains(got, "\"channels\"\n10) \"&news.*\"") {
		t.Errorf("ACL GETUSER u:\n%s", got)
	}
	if got := admin.do("ACL", "LIST"); !strings.Contains(got, "~* resetchannels &news.* +@all") || !strings.Contains(got, "user none on #") || !strings.Contains(got, "user default on nopass ~* &* +@all") {
		t.Errorf("ACL LIST:\n%s", got)
	}
	if got := admin.do("ACL", "SETUSER", "u", "allchannels", "&x"); !strings.Contains(got, "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid") {
		t.Errorf("a pattern after allchannels: %s", got)
	}
	if got := admin.do("ACL", "LOG", "1"); !strings.Contains(got, "\"channel\"") || !strings.Contains(got, "\"any\"") {
		t.Errorf("ACL LOG:\n%s", got)
	}
}

// TestPubSubSubscribeInMulti checks SUBSCRIBE queued in a transaction:
// the connection leaves its event loop before EXEC and receives messages.
func TestPubSubSubscribeInMulti(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.raw(t)
	c.do("MULTI")
	c.do("SUBSCRIBE", "ch")
	if got := c.do("EXEC"); got != "1) 1) \"subscribe\"\n   2) \"ch\"\n   3) (integer) 1" {
		t.Fatalf("EXEC = %s", got)
	}
	tn.client(t).Publish(context.Background(), "ch", "m")
	if got, err := c.reply(); err != nil || got != "1) \"message\"\n2) \"ch\"\n3) \"m\"" {
		t.Fatalf("message after SUBSCRIBE in EXEC = %s, %v", got, err)
	}
}

// TestClientReply checks CLIENT REPLY OFF and SKIP: replies are dropped,
// pub/sub messages still come.
func TestClientReply(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.raw(t)
	c.send("CLIENT", "REPLY", "SKIP")
	c.send("SET", "a", "1")
	if got := c.do("GET", "a"); got != `"1"` {
		t.Fatalf("after SKIP and SET, GET's reply is %s", got)
	}
	c.send("CLIENT", "REPLY", "OFF")
	c.send("SET", "b", "2")
	c.send("GET", "b")
	if got := c.do("CLIENT", "REPLY", "ON"); got != "OK" {
		t.Fatalf("CLIENT REPLY ON = %s", got)
	}
	if got := c.do("GET", "b"); got != `"2"` {
		t.Fatalf("GET b = %s", got)
	}
	c3 := testutil.Dial(t, tn.addr)
	c3.Do3("HELLO", "3")
	c3.Send("CLIENT", "REPLY", "OFF")
	if got := c3.Do3("SUBSCRIBE", "ch"); got != ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n" {
		t.Fatalf("SUBSCRIBE with replies off = %q", got)
	}
	c3.Send("GET", "b")
	tn.client(t).Publish(context.Background(), "ch", "m")
	if got := c3.Recv3(); got != ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n" {
		t.Fatalf("message with replies off = %q", got)
	}
}

package node

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func wantInts(t *testing.T, what string, got []int64, err error, want ...int64) {
	t.Helper()
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("%s = %v, %v; want %v", what, got, err, want)
	}
}

// TestHashFieldExpireCommands drives each command with go-redis.
func TestHashFieldExpireCommands(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	c.HSet(ctx, "h", "a", "1", "b", "2", "c", "3")
	wantEncoding(t, c, "h", "listpack")

	got, err := c.HExpire(ctx, "h", 100*time.Second, "a", "nope").Result()
	wantInts(t, "HEXPIRE", got, err, 1, -2)
	wantEncoding(t, c, "h", "hashtable")
	got, err = c.HTTL(ctx, "h", "a", "b", "nope").Result()
	if err != nil || len(got) != 3 || got[0] < 99 || got[0] > 100 || got[1] != -1 || got[2] != -2 {
		t.Fatalf("HTTL = %v, %v", got, err)
	}
	got, err = c.HPTTL(ctx, "h", "a").Result()
	if err != nil || got[0] <= 99000 || got[0] > 100000 {
		t.Fatalf("HPTTL = %v, %v", got, err)
	}
	// Conditions: NX on a field with a TTL, XX and GT on one without,
	// LT on one without (no TTL counts as infinite).
	got, err = c.HExpireWithArgs(ctx, "h", 50*time.Second, redis.HExpireArgs{NX: true}, "a", "b").Result()
	wantInts(t, "HEXPIRE NX", got, err, 0, 1)
	got, err = c.HExpireWithArgs(ctx, "h", 50*time.Second, redis.HExpireArgs{XX: true}, "c").Result()
	wantInts(t, "HEXPIRE XX", got, err, 0)
	got, err = c.HExpireWithArgs(ctx, "h", 500*time.Second, redis.HExpireArgs{GT: true}, "a", "c").Result()
	wantInts(t, "HEXPIRE GT", got, err, 1, 0)
	got, err = c.HPExpireWithArgs(ctx, "h", 10*time.Second, redis.HExpireArgs{LT: true}, "a", "c").Result()
	wantInts(t, "HPEXPIRE LT", got, err, 1, 1)

	at := time.Now().Add(time.Hour).Truncate(time.Second)
	got, err = c.HExpireAt(ctx, "h", at, "a").Result()
	wantInts(t, "HEXPIREAT", got, err, 1)
	got, err = c.HExpireTime(ctx, "h", "a", "nope").Result()
	wantInts(t, "HEXPIRETIME", got, err, at.Unix(), -2)
	got, err = c.HPExpireAt(ctx, "h", at.Add(time.Millisecond), "b").Result()
	wantInts(t, "HPEXPIREAT", got, err, 1)
	got, err = c.HPExpireTime(ctx, "h", "b").Result()
	wantInts(t, "HPEXPIRETIME", got, err, at.UnixMilli()+1)

	got, err = c.HPersist(ctx, "h", "a", "a", "nope").Result()
	wantInts(t, "HPERSIST", got, err, 1, -1, -2)

	// A deadline in the past deletes the field; the last one the key.
	got, err = c.HPExpireAt(ctx, "h", time.UnixMilli(1), "a").Result()
	wantInts(t, "HPEXPIREAT past", got, err, 2)
	if v := c.HGetAll(ctx, "h").Val(); !maps.Equal(v, map[string]string{"b": "2", "c": "3"}) {
		t.Fatalf("HGETALL after a past deadline = %v", v)
	}
	c.HExpire(ctx, "h", 0, "b", "c")
	if n := c.Exists(ctx, "h").Val(); n != 0 {
		t.Fatal("the hash outlived its last field")
	}
	got, err = c.HTTL(ctx, "h", "a", "b").Result()
	wantInts(t, "HTTL of a missing key", got, err, -2, -2)

	// HSET drops a field's TTL; HINCRBY keeps it.
	c.HSet(ctx, "h", "a", "1", "n", "10")
	c.HExpire(ctx, "h", time.Hour, "a", "n")
	c.HSet(ctx, "h", "a", "2")
	c.HIncrBy(ctx, "h", "n", 5)
	got, err = c.HTTL(ctx, "h", "a", "n").Result()
	if err != nil || got[0] != -1 || got[1] < 3590 {
		t.Fatalf("HTTL after HSET and HINCRBY = %v, %v; want -1 and about 3600", got, err)
	}

	// HGETEX, HSETEX, HGETDEL.
	vals, err := c.HGetEXWithArgs(ctx, "h", &redis.HGetEXOptions{ExpirationType: redis.HGetEXExpirationPX, ExpirationVal: 60000}, "a", "nope").Result()
	if err != nil || len(vals) != 2 || vals[0] != "2" {
		t.Fatalf("HGETEX PX = %v, %v", vals, err)
	}
	if got := c.HPTTL(ctx, "h", "a").Val(); got[0] < 59000 {
		t.Fatalf("HPTTL after HGETEX PX = %v", got)
	}
	c.HGetEXWithArgs(ctx, "h", &redis.HGetEXOptions{ExpirationType: redis.HGetEXExpirationPERSIST}, "a")
	wantInts(t, "HTTL after HGETEX PERSIST", c.HTTL(ctx, "h", "a").Val(), nil, -1)

	n, err := c.HSetEXWithArgs(ctx, "h", &redis.HSetEXOptions{Condition: redis.HSetEXFNX, ExpirationType: redis.HSetEXExpirationEX, ExpirationVal: 100}, "a", "x", "new", "y").Result()
	if err != nil || n != 0 {
		t.Fatalf("HSETEX FNX over an existing field = %d, %v; want 0", n, err)
	}
	n, err = c.HSetEXWithArgs(ctx, "h", &redis.HSetEXOptions{Condition: redis.HSetEXFNX, ExpirationType: redis.HSetEXExpirationEX, ExpirationVal: 100}, "new", "y").Result()
	if err != nil || n != 1 || c.HGet(ctx, "h", "new").Val() != "y" {
		t.Fatalf("HSETEX FNX = %d, %v", n, err)
	}
	if got := c.HTTL(ctx, "h", "new").Val(); got[0] < 99 {
		t.Fatalf("HTTL after HSETEX EX 100 = %v", got)
	}
	n, err = c.HSetEXWithArgs(ctx, "h", &redis.HSetEXOptions{Condition: redis.HSetEXFXX, ExpirationType: redis.HSetEXExpirationKEEPTTL}, "new", "z").Result()
	if err != nil || n != 1 || c.HTTL(ctx, "h", "new").Val()[0] < 99 || c.HGet(ctx, "h", "new").Val() != "z" {
		t.Fatalf("HSETEX FXX KEEPTTL = %d, %v; TTL %v", n, err, c.HTTL(ctx, "h", "new").Val())
	}
	vals, err = c.HGetDel(ctx, "h", "new", "nope").Result()
	if err != nil || len(vals) != 2 || vals[0] != "z" || c.HExists(ctx, "h", "new").Val() {
		t.Fatalf("HGETDEL = %v, %v", vals, err)
	}

	// Errors.
	rc := tn.raw(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"HEXPIRE", "h", "10", "FIELDS", "0", "a"}, "(error) ERR Parameter `numFields` should be greater than 0"},
		{[]string{"HEXPIRE", "h", "10", "FIELDS", "2", "a"}, "(error) ERR The `numfields` parameter must match the number of arguments"},
		{[]string{"HTTL", "h", "FIELDS", "0", "a"}, "(error) ERR Number of fields must be a positive integer"},
		{[]string{"HSETEX", "h", "FNX", "FXX", "FIELDS", "1", "a", "b"}, "(error) ERR Only one of FXX or FNX arguments can be specified"},
		{[]string{"HGETEX", "h", "EX", "1", "PERSIST", "FIELDS", "1", "a"}, "(error) ERR Only one of EX, PX, EXAT, PXAT or PERSIST arguments can be specified"},
	} {
		if got := rc.do(tc.args...); got != tc.want {
			t.Fatalf("%v = %s; want %s", tc.args, got, tc.want)
		}
	}
}

// TestHashFieldsExpireInTheBackground: fields nobody reads go, the hash
// with its last one (hexpired and del notified), and MEMORY USAGE counts
// the TTLs.
func TestHashFieldsExpireInTheBackground(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client(t)
	ctx := context.Background()
	c.ConfigSet(ctx, "notify-keyspace-events", "KEA")
	sub := tn.client2(t).Subscribe(ctx, "__keyspace@0__:h")
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	fields := []string{}
	for i := range 200 {
		fields = append(fields, "f"+string(rune('a'+i%26))+strings.Repeat("x", i/26))
	}
	for _, f := range fields {
		c.HSet(ctx, "h", f, "v")
	}
	c.HSet(ctx, "h", "keep", "v")
	before := c.MemoryUsage(ctx, "h").Val()
	c.HExpire(ctx, "h", time.Hour, fields...)
	if after := c.MemoryUsage(ctx, "h").Val(); after <= before {
		t.Fatalf("MEMORY USAGE %d with 200 field TTLs, %d without", after, before)
	}
	c.HPExpire(ctx, "h", 30*time.Millisecond, fields...)
	keys := func() int64 { return c.DBSize(ctx).Val() }
	// Nobody reads h: only the background sweep can expire the fields,
	// and its hexpired event says it did.
	var events []string
	next := func(want string) {
		t.Helper()
		deadline := time.After(5 * time.Second)
		for !slices.Contains(events, want) {
			select {
			case m := <-sub.Channel():
				events = append(events, m.Payload)
			case <-deadline:
				t.Fatalf("events %v: no %s", events, want)
			}
		}
	}
	next("hexpired")
	waitFor(t, 5*time.Second, "the sweep to remove all 200 fields", func() bool { return c.HLen(ctx, "h").Val() == 1 })
	if n := keys(); n != 1 {
		t.Fatalf("DBSIZE = %d", n)
	}
	c.HPExpire(ctx, "h", 10*time.Millisecond, "keep")
	waitFor(t, 5*time.Second, "the hash to go with its last field", func() bool { return keys() == 0 })
	next("del")
	if !slices.Contains(events, "hexpired") {
		t.Fatalf("events %v: no hexpired", events)
	}
}

// TestHashFieldTTLsSurviveRestartCopyRename: a restart, COPY and RENAME
// keep field deadlines.
func TestHashFieldTTLsSurviveRestartCopyRename(t *testing.T) {
	dir := t.TempDir()
	withDir := func(c *Config) { c.Dir = dir }
	tn := startNode(t, withDir)
	c := tn.client(t)
	ctx := context.Background()
	c.HSet(ctx, "h", "a", "1", "b", "2", "gone", "3")
	at := time.Now().Add(time.Hour).Truncate(time.Second)
	c.HExpireAt(ctx, "h", at, "a")
	c.HPExpire(ctx, "h", 300*time.Millisecond, "gone")
	c.Copy(ctx, "h", "h2", 0, false)
	c.Rename(ctx, "h2", "h3")
	wantInts(t, "HEXPIRETIME of the renamed copy", c.HExpireTime(ctx, "h3", "a", "b").Val(), nil, at.Unix(), -1)
	if err := c.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	tn.stop()
	tn = startNode(t, withDir)
	c = tn.client(t)
	for _, k := range []string{"h", "h3"} {
		wantInts(t, "HEXPIRETIME "+k+" after a restart", c.HExpireTime(ctx, k, "a", "b").Val(), nil, at.Unix(), -1)
		waitFor(t, 5*time.Second, "field gone to expire in "+k, func() bool { return !c.HExists(ctx, k, "gone").Val() })
	}
}

// TestExpiredFieldLeavesTheIndex: FT.SEARCH stops matching a document by
// a field that expired.
func TestExpiredFieldLeavesTheIndex(t *testing.T) {
	tn := startNode(t, nil)
	c := tn.client2(t)
	ctx := context.Background()
	if err := c.Do(ctx, "FT.CREATE", "idx", "ON", "HASH", "PREFIX", "1", "doc:", "SCHEMA", "genre", "TAG").Err(); err != nil {
		t.Fatal(err)
	}
	c.HSet(ctx, "doc:1", "genre", "jazz", "title", "x")
	c.HSet(ctx, "doc:2", "genre", "jazz")
	if n, _ := ftKeys(t, c, "@genre:{jazz}"); n != 2 {
		t.Fatalf("%d matches before expiry, want 2", n)
	}
	c.HPExpire(ctx, "doc:1", 20*time.Millisecond, "genre")
	waitFor(t, 5*time.Second, "doc:1 to leave the jazz matches", func() bool {
		n, keys := ftKeys(t, c, "@genre:{jazz}")
		return n == 1 && keys[0] == "doc:2"
	})
	if c.HGet(ctx, "doc:1", "title").Val() != "x" {
		t.Fatal("doc:1 lost its other field")
	}
}

// TestHashFieldTTLsReachTheReplica: HEXPIRE reaches the replica as an
// absolute deadline, the same one the primary holds.
func TestHashFieldTTLsReachTheReplica(t *testing.T) {
	nodes := startReplicatedNodes(t, 3)
	ctx := context.Background()
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{nodes[0].addr, nodes[1].addr, nodes[2].addr}})
	t.Cleanup(func() { cc.Close() })
	cc.HSet(ctx, "{r}h", "a", "1", "b", "2", "c", "3")
	cc.HExpire(ctx, "{r}h", time.Hour, "a")
	cc.HSetEXWithArgs(ctx, "{r}h", &redis.HSetEXOptions{ExpirationType: redis.HSetEXExpirationPX, ExpirationVal: 7200000}, "b", "22")
	want := cc.HPExpireTime(ctx, "{r}h", "a", "b", "c").Val()
	if len(want) != 3 || want[0] <= 0 || want[1] <= 0 || want[2] != -1 {
		t.Fatalf("HPEXPIRETIME on the primary = %v", want)
	}
	for _, tn := range nodes {
		if got := tn.raw(t).do("WAIT", "1", "5000"); got != "(integer) 1" {
			t.Fatalf("WAIT 1 on %s: %s", tn.addr, got)
		}
	}
	wantReply := "1) (integer) " + itoa(want[0]) + "\n2) (integer) " + itoa(want[1]) + "\n3) (integer) -1"
	holders := 0
	for _, tn := range nodes {
		rc := tn.raw(t)
		rc.do("READONLY")
		switch got := rc.do("HPEXPIRETIME", "{r}h", "FIELDS", "3", "a", "b", "c"); {
		case got == wantReply:
			holders++
		case !strings.HasPrefix(got, "(error) MOVED"):
			t.Fatalf("node %s: HPEXPIRETIME = %q, want %q (or MOVED)", tn.addr, got, wantReply)
		}
	}
	if holders != 2 {
		t.Fatalf("%d nodes hold the deadlines, want the primary and its replica", holders)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

package node

import (
	"context"
	"fmt"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestDumpRestoreVcacheOnlyValues moves values Redis 7.0's RDB format has
// no form for (and a stream) through DUMP/RESTORE between vcache keys: a hash with field
// TTLs keeps each field's deadline (a field whose deadline passed before
// RESTORE is left out; the TTLs survive SAVE and a restart afterwards), a
// JSON document keeps its text. redis-server, when installed, refuses
// these payloads with "Bad data format"; a hash whose field TTLs are all
// gone dumps in Redis's form again. A stream (in Redis's form) keeps its
// entries, consumer group and pending entries.
func TestDumpRestoreVcacheOnlyValues(t *testing.T) {
	dir := t.TempDir()
	withDir := func(c *Config) { c.Dir = dir }
	tn := startNode(t, withDir)
	c := tn.client(t)
	ctx := context.Background()
	dump := func(key string) string {
		t.Helper()
		p, err := c.Dump(ctx, key).Result()
		if err != nil {
			t.Fatalf("DUMP %s: %v", key, err)
		}
		return p
	}
	restore := func(key, p string) {
		t.Helper()
		if err := c.RestoreReplace(ctx, key, 0, p).Err(); err != nil {
			t.Fatalf("RESTORE %s: %v", key, err)
		}
	}

	c.HSet(ctx, "h", "a", "1", "b", "2", "soon", "3")
	at := time.Now().Add(time.Hour).Truncate(time.Second)
	c.HExpireAt(ctx, "h", at, "a")
	c.HPExpire(ctx, "h", 200*time.Millisecond, "soon")
	hp := dump("h")
	restore("h2", hp)
	wantInts(t, "HEXPIRETIME of the restored hash", c.HExpireTime(ctx, "h2", "a", "b").Val(), nil, at.Unix(), -1)
	if ms := c.HPTTL(ctx, "h2", "soon").Val(); len(ms) != 1 || ms[0] <= 0 || ms[0] > 200 {
		t.Errorf("HPTTL of the short field after RESTORE: %v", ms)
	}
	waitFor(t, 5*time.Second, "the short field to expire", func() bool { return !c.HExists(ctx, "h", "soon").Val() })
	restore("h3", hp) // the payload still names the field, whose deadline has passed
	if got := c.HGetAll(ctx, "h3").Val(); !reflect.DeepEqual(got, map[string]string{"a": "1", "b": "2"}) {
		t.Errorf("hash restored after a field's deadline: %v", got)
	}

	doc := `{"name":"ada","tags":["x","y"],"n":1.5,"o":{"z":null,"t":true}}`
	c.Do(ctx, "JSON.SET", "j", "$", doc)
	restore("j2", dump("j"))
	if got, want := c.Do(ctx, "JSON.GET", "j2").Val(), c.Do(ctx, "JSON.GET", "j").Val(); got != want || got == nil {
		t.Errorf("JSON.GET of the restored document: %v, want %v", got, want)
	}

	for i := range 5 {
		c.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: fmt.Sprintf("%d-1", i+1), Values: []string{"f", fmt.Sprint(i)}})
	}
	c.XGroupCreate(ctx, "s", "g", "0")
	c.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "alice", Streams: []string{"s", ">"}, Count: 2})
	restore("s2", dump("s"))
	if got, want := c.XRange(ctx, "s2", "-", "+").Val(), c.XRange(ctx, "s", "-", "+").Val(); !reflect.DeepEqual(got, want) || len(got) != 5 {
		t.Errorf("XRANGE of the restored stream: %v, want %v", got, want)
	}
	pend := func(k string) []string {
		var out []string
		for _, p := range c.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: k, Group: "g", Start: "-", End: "+", Count: 10}).Val() {
			out = append(out, p.ID+"/"+p.Consumer+"/"+fmt.Sprint(p.RetryCount))
		}
		return out
	}
	if got, want := pend("s2"), pend("s"); !reflect.DeepEqual(got, want) || len(got) != 2 {
		t.Errorf("XPENDING of the restored stream: %v, want %v", got, want)
	}
	if n := len(c.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "bob", Streams: []string{"s2", ">"}}).Val()[0].Messages); n != 3 {
		t.Errorf("XREADGROUP > on the restored stream read %d entries, want the 3 never delivered", n)
	}

	// A bad vcache-only payload is refused and leaves the key alone.
	waitFor(t, 5*time.Second, "the short field to expire in h2", func() bool { return !c.HExists(ctx, "h2", "soon").Val() })
	bad := []byte(hp)
	bad[1] ^= 0x40
	if err := c.RestoreReplace(ctx, "h2", 0, string(bad)).Err(); err == nil || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("RESTORE of a corrupt payload: %v", err)
	}
	if c.HLen(ctx, "h2").Val() != 2 || c.HExpireTime(ctx, "h2", "a").Val()[0] != at.Unix() {
		t.Error("a refused RESTORE REPLACE changed the key")
	}

	if _, err := exec.LookPath("redis-server"); err == nil {
		rs := startRedisServer(t)
		for _, k := range []string{"h2", "j2"} {
			err := rs.Restore(ctx, k, 0, dump(k)).Err()
			if err == nil || err.Error() != "ERR Bad data format" {
				t.Errorf("redis-server's RESTORE of vcache's %s: %v, want ERR Bad data format", k, err)
			}
		}
		c.HPersist(ctx, "h2", "a", "soon")
		if err := rs.Restore(ctx, "plain", 0, dump("h2")).Err(); err != nil {
			t.Errorf("redis-server's RESTORE of a hash without field TTLs left: %v", err)
		}
	}

	if err := c.Save(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	tn.stop()
	c = startNode(t, withDir).client(t)
	wantInts(t, "HEXPIRETIME of the restored hash after a restart", c.HExpireTime(ctx, "h3", "a", "b").Val(), nil, at.Unix(), -1)
	if c.XLen(ctx, "s2").Val() != 5 || c.Do(ctx, "JSON.GET", "j2").Val() == nil {
		t.Error("restored stream or document missing after a restart")
	}
}

package node

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestCopyEveryType copies a key of each type (a vector set included)
// with and without an expiry, and checks the copy's value and TTL, that
// it is independent of its source, and REPLACE and DB.
func TestCopyEveryType(t *testing.T) {
	c := startNode(t, nil).client(t)
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.Set(ctx, "{k}s", "v", time.Hour).Err())
	must(c.HSet(ctx, "{k}h", "a", "1", "b", "2").Err())
	must(c.SAdd(ctx, "{k}set", "x", "y", 7).Err())
	must(c.SAdd(ctx, "{k}ints", 1, 2, 3).Err())
	must(c.ZAdd(ctx, "{k}z", redis.Z{Score: 2, Member: "b"}, redis.Z{Score: 1, Member: "a"}).Err())
	must(c.Expire(ctx, "{k}z", time.Minute).Err())
	must(c.Do(ctx, "VADD", "{k}vs", "VALUES", "2", "0.5", "1", "e1").Err())
	for _, src := range []string{"{k}s", "{k}h", "{k}set", "{k}ints", "{k}z", "{k}vs"} {
		dst := src + "copy"
		if n, err := c.Copy(ctx, src, dst, 0, false).Result(); err != nil || n != 1 {
			t.Fatalf("COPY %s: %d %v", src, n, err)
		}
		if ts, td := c.Type(ctx, src).Val(), c.Type(ctx, dst).Val(); ts != td {
			t.Errorf("TYPE %s %q, copy %q", src, ts, td)
		}
		ttlS, ttlD := c.TTL(ctx, src).Val(), c.TTL(ctx, dst).Val()
		if ttlS-ttlD > time.Second || ttlD-ttlS > time.Second {
			t.Errorf("%s: TTL %v, copy's %v", src, ttlS, ttlD)
		}
	}
	if got := c.Get(ctx, "{k}scopy").Val(); got != "v" {
		t.Errorf("string copy %q", got)
	}
	if got := c.HGetAll(ctx, "{k}hcopy").Val(); got["a"] != "1" || got["b"] != "2" || len(got) != 2 {
		t.Errorf("hash copy %v", got)
	}
	// The copies are independent of their sources.
	must(c.HSet(ctx, "{k}h", "a", "changed").Err())
	must(c.SAdd(ctx, "{k}ints", "notint").Err())
	must(c.ZAdd(ctx, "{k}z", redis.Z{Score: 0, Member: "c"}).Err())
	if got := c.HGet(ctx, "{k}hcopy", "a").Val(); got != "1" {
		t.Errorf("hash copy changed with its source: %q", got)
	}
	got := c.SMembers(ctx, "{k}intscopy").Val()
	slices.Sort(got)
	if !slices.Equal(got, []string{"1", "2", "3"}) {
		t.Errorf("set copy %v", got)
	}
	if enc := c.ObjectEncoding(ctx, "{k}intscopy").Val(); enc != "intset" {
		t.Errorf("intset copy encoding %q", enc)
	}
	if got := c.ZRangeWithScores(ctx, "{k}zcopy", 0, -1).Val(); len(got) != 2 || got[0].Member != "a" || got[1].Score != 2 {
		t.Errorf("zset copy %v", got)
	}
	if got := c.Do(ctx, "VSIM", "{k}vscopy", "ELE", "e1").Val(); len(got.([]any)) != 1 {
		t.Errorf("vector set copy VSIM: %v", got)
	}
	if got := c.Do(ctx, "VCARD", "{k}vscopy").Val(); got != int64(1) {
		t.Errorf("vector set copy VCARD %v", got)
	}
	// Without REPLACE an existing destination stays; with it, it is replaced.
	if n := c.Copy(ctx, "{k}s", "{k}hcopy", 0, false).Val(); n != 0 {
		t.Errorf("COPY onto an existing key: %d", n)
	}
	if n := c.Copy(ctx, "{k}s", "{k}hcopy", 0, true).Val(); n != 1 || c.Get(ctx, "{k}hcopy").Val() != "v" {
		t.Errorf("COPY REPLACE: %d", n)
	}
	if err := c.Copy(ctx, "{k}s", "{k}other", 1, false).Err(); err == nil || err.Error() != "ERR DB index is out of range" {
		t.Errorf("COPY DB 1: %v", err)
	}
}

// TestSortPatternsACL checks that SORT's BY and GET patterns read string
// keys and hash fields, and that a user limited to some keys cannot use
// them (Redis's error), while the admin can.
func TestSortPatternsACL(t *testing.T) {
	tn := startNode(t, nil)
	admin := tn.raw(t)
	for _, args := range [][]string{
		{"SADD", "app:ids", "1", "2", "3"},
		{"HSET", "other:user:1", "name", "secret-a", "age", "30"},
		{"HSET", "other:user:2", "name", "secret-b", "age", "20"},
		{"HSET", "other:user:3", "name", "secret-c", "age", "25"},
		{"ACL", "SETUSER", "app", "on", ">pw", "~app:*", "+@all"},
	} {
		admin.do(args...)
	}
	want := "1) \"secret-b\"\n2) \"secret-c\"\n3) \"secret-a\""
	if got := admin.do("SORT", "app:ids", "BY", "other:user:*->age", "GET", "other:user:*->name"); got != want {
		t.Errorf("admin SORT BY/GET: %q, want %q", got, want)
	}
	app := tn.raw(t)
	if got := app.do("AUTH", "app", "pw"); got != "OK" {
		t.Fatal(got)
	}
	for _, args := range [][]string{
		{"SORT", "app:ids", "BY", "other:user:*->age"},
		{"SORT", "app:ids", "GET", "other:user:*->name"},
		{"SORT_RO", "app:ids", "BY", "nosort", "GET", "other:user:*->name"},
	} {
		got := app.do(args...)
		if got != "(error) ERR "+sortOpt(args)+" option of SORT denied due to insufficient ACL permissions." {
			t.Errorf("%v as app: %q", args, got)
		}
	}
	if got := app.do("SORT", "app:ids", "GET", "#"); got != "1) \"1\"\n2) \"2\"\n3) \"3\"" {
		t.Errorf("GET # as app: %q", got)
	}
}

func sortOpt(args []string) string {
	for _, a := range args {
		if a == "BY" && !slices.Contains(args, "nosort") {
			return "BY"
		}
	}
	return "GET"
}

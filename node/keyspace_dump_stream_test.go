package node

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/redis/go-redis/v9"
)

// TestDumpRestoreStreamInterchange moves a stream between redis-server and
// vcache with DUMP/RESTORE both ways (redis-server also with
// sanitize-dump-payload yes): entries in several listpack nodes, some
// sharing the master entry's fields, some deleted, some trimmed away; a
// consumer group with pending entries held by two consumers, one
// acknowledged; a second group never read; an empty stream with a group.
// XRANGE, XINFO STREAM, XINFO GROUPS, XINFO CONSUMERS' pending counts and
// XPENDING must agree on both sides.
func TestDumpRestoreStreamInterchange(t *testing.T) {
	rs := startRedisServer(t)
	vc := startNode(t, nil).client(t)
	ctx := context.Background()
	fill := func(c *redis.Client) {
		for i := range 250 {
			vals := []string{"temp", fmt.Sprint(i % 40), "site", "paris"}
			if i%7 == 0 {
				vals = []string{"other", fmt.Sprint(-i), "x", "", "n", "1.5"}
			}
			c.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: fmt.Sprintf("%d-%d", 1000+i/3, i%3), Values: vals})
		}
		c.XDel(ctx, "s", "1010-1", "1050-0", "1082-2")
		c.XTrimMinID(ctx, "s", "1003-0")
		c.XGroupCreate(ctx, "s", "g", "0")
		c.XGroupCreate(ctx, "s", "idle", "$")
		c.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "alice", Streams: []string{"s", ">"}, Count: 5})
		c.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "bob", Streams: []string{"s", ">"}, Count: 3})
		c.XAck(ctx, "s", "g", "1004-0")
		c.XGroupCreateMkStream(ctx, "empty", "g", "$")
	}
	type view struct {
		Range     []redis.XMessage
		Info      []any
		Groups    []redis.XInfoGroup
		Consumers map[string]int64
		Pending   []string
	}
	look := func(c *redis.Client, key string) view {
		t.Helper()
		var v view
		v.Range = c.XRange(ctx, key, "-", "+").Val()
		info, err := c.XInfoStream(ctx, key).Result()
		if err != nil {
			t.Fatalf("XINFO STREAM %s: %v", key, err)
		}
		v.Info = []any{info.Length, info.LastGeneratedID, info.MaxDeletedEntryID, info.EntriesAdded, info.RecordedFirstEntryID,
			info.FirstEntry.ID, info.LastEntry.ID}
		v.Groups = c.XInfoGroups(ctx, key).Val()
		v.Consumers = map[string]int64{}
		for _, g := range v.Groups {
			for _, cs := range c.XInfoConsumers(ctx, key, g.Name).Val() {
				v.Consumers[g.Name+"/"+cs.Name] = cs.Pending
			}
			for _, p := range c.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: key, Group: g.Name, Start: "-", End: "+", Count: 100}).Val() {
				v.Pending = append(v.Pending, fmt.Sprint(g.Name, "/", p.ID, "/", p.Consumer, "/", p.RetryCount))
			}
		}
		return v
	}
	move := func(from, to *redis.Client, key, dst string) {
		t.Helper()
		p, err := from.Dump(ctx, key).Result()
		if err != nil {
			t.Fatalf("DUMP %s: %v", key, err)
		}
		if err := to.RestoreReplace(ctx, dst, 0, p).Err(); err != nil {
			t.Fatalf("RESTORE %s: %v", dst, err)
		}
	}
	fill(rs)
	for _, sanitize := range []string{"no", "yes"} {
		if err := rs.ConfigSet(ctx, "sanitize-dump-payload", sanitize).Err(); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"s", "empty"} {
			want := look(rs, k)
			if k == "s" && (len(want.Range) < 200 || len(want.Pending) != 7) {
				t.Fatalf("redis-server's stream: %d entries, pending %v", len(want.Range), want.Pending)
			}
			move(rs, vc, k, k)
			if got := look(vc, k); !reflect.DeepEqual(got, want) {
				t.Errorf("%s from redis-server:\n got %+v\nwant %+v", k, got, want)
			}
			move(vc, rs, k, k+":back")
			if got := look(rs, k+":back"); !reflect.DeepEqual(got, want) {
				t.Errorf("%s back on redis-server (sanitize %s):\n got %+v\nwant %+v", k, sanitize, got, want)
			}
		}
	}
	// The restored stream keeps working: a new entry, a group read.
	if err := vc.XAdd(ctx, &redis.XAddArgs{Stream: "s", Values: []string{"a", "b"}}).Err(); err != nil {
		t.Fatal(err)
	}
	if n := len(vc.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "idle", Consumer: "c", Streams: []string{"s", ">"}}).Val()[0].Messages); n != 1 {
		t.Errorf("XREADGROUP of group idle after XADD on the restored stream: %d entries, want 1", n)
	}
}

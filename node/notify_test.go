package node

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestKeyspaceNotifications subscribes to __keyevent@0__:* and
// __keyspace@0__:* and checks the events of writes of every type, expiry
// and eviction, in the order redis-server 7.0.15 sends them for the same
// commands.
func TestKeyspaceNotifications(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	rdb := tn.client(t)
	if err := rdb.ConfigSet(ctx, "notify-keyspace-events", "KEA").Err(); err != nil {
		t.Fatal(err)
	}
	if got := rdb.ConfigGet(ctx, "notify-keyspace-events").Val()["notify-keyspace-events"]; got != "AKE" {
		t.Fatalf("CONFIG GET notify-keyspace-events = %q, want AKE", got)
	}
	sub := redis.NewClient(&redis.Options{Addr: tn.addr, Protocol: 3})
	defer sub.Close()
	ps := sub.PSubscribe(ctx, "__keyevent@0__:*", "__keyspace@0__:*")
	defer ps.Close()
	for range 2 {
		if _, err := ps.Receive(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// next returns the next event as "event key", checking that its
	// keyspace twin says the same.
	next := func() string {
		t.Helper()
		var ev, space string
		for ev == "" || space == "" {
			rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			m, err := ps.ReceiveMessage(rctx)
			cancel()
			if err != nil {
				t.Fatalf("waiting for an event: %v", err)
			}
			if e, ok := strings.CutPrefix(m.Channel, "__keyevent@0__:"); ok {
				ev = e + " " + m.Payload
			} else {
				space = m.Payload + " " + strings.TrimPrefix(m.Channel, "__keyspace@0__:")
			}
		}
		if ev != space {
			t.Fatalf("keyevent %q but keyspace %q", ev, space)
		}
		return ev
	}
	for _, c := range []struct {
		cmd  []any
		want []string
	}{
		{[]any{"SET", "k", "v"}, []string{"set k"}},
		{[]any{"EXPIRE", "k", "100"}, []string{"expire k"}},
		{[]any{"PERSIST", "k"}, []string{"persist k"}},
		{[]any{"INCR", "n"}, []string{"incrby n"}},
		{[]any{"APPEND", "k", "x"}, []string{"append k"}},
		{[]any{"DEL", "k", "nokey"}, []string{"del k"}},
		{[]any{"LPUSH", "l", "a", "b"}, []string{"lpush l"}},
		{[]any{"LPOP", "l"}, []string{"lpop l"}},
		{[]any{"RPOP", "l"}, []string{"rpop l", "del l"}},
		{[]any{"HSET", "h", "f", "v"}, []string{"hset h"}},
		{[]any{"HDEL", "h", "f"}, []string{"hdel h", "del h"}},
		{[]any{"SADD", "s", "m"}, []string{"sadd s"}},
		{[]any{"SADD", "s", "m"}, nil}, // nothing changed: no event
		{[]any{"ZADD", "z", "1", "m"}, []string{"zadd z"}},
		{[]any{"ZINCRBY", "z", "1", "m"}, []string{"zincr z"}},
		{[]any{"GEOADD", "g", "1", "1", "m"}, []string{"zadd g"}},
		{[]any{"GEOSEARCHSTORE", "gd", "g", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km"}, []string{"geosearchstore gd"}},
		{[]any{"GEORADIUS", "g", "1", "1", "1", "km", "STORE", "gd"}, []string{"georadiusstore gd"}},
		{[]any{"GEORADIUS", "g", "50", "1", "1", "km", "STORE", "gd"}, []string{"del gd"}},
		{[]any{"XADD", "x", "1-1", "f", "v"}, []string{"xadd x"}},
		{[]any{"RENAME", "n", "n2"}, []string{"rename_from n", "rename_to n2"}},
		{[]any{"EXPIRE", "n2", "0"}, []string{"del n2"}},
		{[]any{"SETEX", "t", "100", "v"}, []string{"set t", "expire t"}},
		{[]any{"MSET", "a", "1", "b", "2"}, []string{"set a", "set b"}},
		{[]any{"GETDEL", "a"}, []string{"del a"}},
		{[]any{"LPUSH", "l2", "x"}, []string{"lpush l2"}},
		{[]any{"LMOVE", "l2", "l3", "LEFT", "RIGHT"}, []string{"rpush l3", "lpop l2", "del l2"}},
		{[]any{"SMOVE", "s", "s2", "m"}, []string{"srem s", "del s", "sadd s2"}},
		// events the specs name (command.Spec Event and EventOf)
		{[]any{"HSETNX", "h3", "f", "v"}, []string{"hset h3"}},
		{[]any{"LPUSHX", "l3", "y"}, []string{"lpush l3"}},
		{[]any{"RPOPLPUSH", "l3", "l4"}, []string{"lpush l4", "rpop l3"}},
		{[]any{"COPY", "h3", "h4"}, []string{"copy_to h4"}},
		{[]any{"GETEX", "t", "EX", "50"}, []string{"expire t"}},
		{[]any{"DECRBY", "cnt", "2"}, []string{"incrby cnt"}},
		{[]any{"XGROUP", "CREATE", "x", "g", "0"}, []string{"xgroup-create x"}},
		{[]any{"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "x", ">"}, []string{"xgroup-createconsumer x"}},
		{[]any{"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "x", ">"}, nil},
		{[]any{"XACK", "x", "g", "1-1"}, nil},
		{[]any{"XCLAIM", "x", "g", "c2", "0", "1-1"}, nil}, // acknowledged: nothing to claim (as redis-server 7.0.15)
		{[]any{"SET", "e", "v", "px", "100000"}, []string{"set e", "expire e"}},
		{[]any{"SORT", "l4", "ALPHA", "STORE", "l5"}, []string{"sortstore l5"}},
		{[]any{"BLMOVE", "l4", "l6", "RIGHT", "LEFT", "0"}, []string{"lpush l6", "rpop l4", "del l4"}},
		{[]any{"EVAL", "redis.call('SET', KEYS[1], 'v') return redis.call('LPUSH', KEYS[2], 'x')", "2", "sk{x}", "sl{x}"}, []string{"set sk{x}", "lpush sl{x}"}},
	} {
		if err := rdb.Do(ctx, c.cmd...).Err(); err != nil && err != redis.Nil {
			t.Fatalf("%v: %v", c.cmd, err)
		}
		// A marker after each command shows that no other event came.
		rdb.Set(ctx, "marker", "1", 0)
		var got []string
		for {
			ev := next()
			if ev == "set marker" {
				break
			}
			got = append(got, ev)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%v: events %q, want %q", c.cmd, got, c.want)
		}
	}

	// Expiry (lazy or active, whichever comes first) and eviction.
	rdb.Set(ctx, "soon", "v", time.Millisecond)
	if ev := next(); ev != "set soon" {
		t.Fatalf("event %q", ev)
	}
	if ev := next(); ev != "expire soon" {
		t.Fatalf("event %q", ev)
	}
	waitFor(t, 5*time.Second, "soon expired", func() bool { return rdb.Exists(ctx, "soon").Val() == 0 })
	if ev := next(); ev != "expired soon" {
		t.Fatalf("event %q, want expired soon", ev)
	}
	if err := rdb.ConfigSet(ctx, "notify-keyspace-events", "Ee").Err(); err != nil {
		t.Fatal(err)
	}
	rdb.ConfigSet(ctx, "maxmemory-policy", "allkeys-random")
	rdb.ConfigSet(ctx, "maxmemory", "2000000")
	val := strings.Repeat("v", 1000)
	evicted := false
	for i := 0; i < 20000 && !evicted; i++ {
		rdb.Set(ctx, fmt.Sprint("fill:", i), val, 0)
		if i%100 == 99 {
			evicted = !strings.Contains(rdb.Info(ctx, "stats").Val(), "evicted_keys:0\r")
		}
	}
	if !evicted {
		t.Fatal("nothing was evicted")
	}
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	m, err := ps.ReceiveMessage(rctx)
	if err != nil || m.Channel != "__keyevent@0__:evicted" || !strings.HasPrefix(m.Payload, "fill:") {
		t.Fatalf("after eviction: %+v, %v", m, err)
	}
}

// TestNotifyFlags checks notify-keyspace-events's parsing and its
// CONFIG GET form against redis-server 7.0.15's.
func TestNotifyFlags(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	rdb := tn.client(t)
	for in, want := range map[string]string{
		"Kn": "nK", "KEn": "nKE", "Kg": "gK", "Exm": "xEm", "K$lshz": "$lshzK", "A": "A", "KA": "AK",
		"Ktd": "tdK", "": "", "Kgx$lshzetdmn": "AKm", "KEA": "AKE",
	} {
		if err := rdb.ConfigSet(ctx, "notify-keyspace-events", in).Err(); err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if got := rdb.ConfigGet(ctx, "notify-keyspace-events").Val()["notify-keyspace-events"]; got != want {
			t.Errorf("%q reads back as %q, want %q", in, got, want)
		}
	}
	err := rdb.ConfigSet(ctx, "notify-keyspace-events", "Q").Err()
	if err == nil || err.Error() != "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'." {
		t.Errorf("bad flag: %v", err)
	}
}

// TestKeyspaceNewAndMiss checks the n (new key) and m (key miss)
// classes, in the order redis-server 7.0.15 sends them for the same
// commands.
func TestKeyspaceNewAndMiss(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	rdb := tn.client(t)
	rdb.ConfigSet(ctx, "notify-keyspace-events", "EAnm")
	sub := tn.client(t)
	ps := sub.PSubscribe(ctx, "__keyevent@0__:*")
	defer ps.Close()
	if _, err := ps.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range [][]any{{"SET", "k", "v"}, {"SET", "k", "v2"}, {"GET", "nokey"}, {"GET", "k"},
		{"LPUSH", "l", "a"}, {"EXISTS", "nokey"}, {"MGET", "k", "nokey2"}, {"HGET", "nokey4", "f"},
		{"LRANGE", "l", "0", "-1"}, {"SET", "k2", "v", "NX"}, {"INCR", "n"}} {
		rdb.Do(ctx, cmd...)
	}
	want := "new k|set k|set k|keymiss nokey|new l|lpush l|keymiss nokey|keymiss nokey2|keymiss nokey4|new k2|set k2|new n|incrby n"
	var got []string
	for len(got) < strings.Count(want, "|")+1 {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		m, err := ps.ReceiveMessage(rctx)
		cancel()
		if err != nil {
			t.Fatalf("after %q: %v", got, err)
		}
		got = append(got, strings.TrimPrefix(m.Channel, "__keyevent@0__:")+" "+m.Payload)
	}
	if strings.Join(got, "|") != want {
		t.Fatalf("events\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
}

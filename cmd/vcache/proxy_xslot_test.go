package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// xslotKeys are the keys of the cross-node tests, each on the node its
// letter says (A: node 0, B: node 1, C: node 2).
type xslotKeys struct {
	hA, hB, hC, hBig, gA, dB, dC, lA, lB, lC, zA, zB, zC, xA, xB, xC, str, gone string
}

func newXSlotKeys(t *testing.T, nodes []string) *xslotKeys {
	return &xslotKeys{
		hA: onNode(t, nodes, 0, "hA"), hB: onNode(t, nodes, 1, "hB"), hC: onNode(t, nodes, 2, "hC"),
		hBig: onNode(t, nodes, 1, "hBig"),
		gA:   onNode(t, nodes, 0, "gA"), dB: onNode(t, nodes, 1, "dB"), dC: onNode(t, nodes, 2, "dC"),
		lA: onNode(t, nodes, 0, "lA"), lB: onNode(t, nodes, 1, "lB"), lC: onNode(t, nodes, 2, "lC"),
		zA: onNode(t, nodes, 0, "zA"), zB: onNode(t, nodes, 1, "zB"), zC: onNode(t, nodes, 2, "zC"),
		xA: onNode(t, nodes, 0, "xA"), xB: onNode(t, nodes, 1, "xB"), xC: onNode(t, nodes, 2, "xC"),
		str: onNode(t, nodes, 2, "str"), gone: onNode(t, nodes, 0, "gone"),
	}
}

// xslotFill is the data the steps work on, as command lines.
func (k *xslotKeys) fill() [][]string {
	big := []string{"PFADD", k.hBig}
	for i := range 3000 { // past hll-sparse-max-bytes: a dense HyperLogLog
		big = append(big, "e"+strconv.Itoa(i))
	}
	return [][]string{
		{"FLUSHALL"},
		{"PFADD", k.hA, "a", "b", "c"},
		{"PFADD", k.hB, "c", "d", "e", "f"},
		{"PFADD", k.hC, "x"},
		big,
		{"SET", k.str, "plain"},
		{"GEOADD", k.gA, "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania", "12.496366", "41.902782", "Rome"},
		{"RPUSH", k.lA, "3", "1", "2"},
		{"RPUSH", k.lB, "b1", "b2", "b3", "b4"},
		{"RPUSH", k.lC, "c1"},
		{"ZADD", k.zB, "1", "m1", "2", "m2", "3", "m3", "2", "m2b"},
		{"ZADD", k.zC, "0.5", "z"},
		{"XADD", k.xA, "1-1", "f", "a1"},
		{"XADD", k.xA, "2-1", "f", "a2"},
		{"XADD", k.xC, "5-1", "f", "c1"},
	}
}

// steps are the commands under test, each with keys on several nodes,
// followed by what they leave.
func (k *xslotKeys) steps() [][]string {
	tag := "{" + k.lA + "}"
	return [][]string{
		// HyperLogLogs: the union is counted, nothing changes.
		{"PFCOUNT", k.hA, k.hB, k.hC},
		{"PFCOUNT", k.hA, k.gone, k.hBig, k.hB},
		{"PFCOUNT", k.gone, k.hB},
		{"GET", k.hA},
		{"PFCOUNT", k.hA, k.str},
		{"PFCOUNT", k.hA, k.lB},
		{"PFCOUNT", k.str, k.lB},
		{"PFCOUNT", k.lA, k.str},
		{"PFMERGE", k.dB, k.hA, k.hC},
		{"PFCOUNT", k.dB},
		{"GET", k.dB},
		{"PFMERGE", k.dC, k.hBig, k.hA},
		{"PFCOUNT", k.dC},
		{"GET", k.dC},
		{"PFMERGE", k.hA, k.hB},
		{"GET", k.hA},
		{"PFMERGE", k.dB, k.gone},
		{"PFMERGE", k.lA, k.hB},
		{"PFMERGE", k.dB, k.str},
		{"PFMERGE", k.gone, k.gone},
		{"EXISTS", k.gone},

		// GEO stores: the search runs on the source's node.
		{"GEOSEARCHSTORE", k.dB, k.gA, "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"},
		{"ZRANGE", k.dB, "0", "-1", "WITHSCORES"},
		{"GEOSEARCHSTORE", k.dB, k.gA, "FROMMEMBER", "Palermo", "BYBOX", "400", "400", "km", "DESC", "COUNT", "1", "STOREDIST"},
		{"ZRANGE", k.dB, "0", "-1", "WITHSCORES"},
		{"GEORADIUS", k.gA, "15", "37", "1000", "km", "STORE", k.dC},
		{"ZRANGE", k.dC, "0", "-1", "WITHSCORES"},
		{"GEORADIUSBYMEMBER", k.gA, "Rome", "500", "km", "STOREDIST", k.dC},
		{"ZRANGE", k.dC, "0", "-1", "WITHSCORES"},
		{"GEOSEARCHSTORE", k.dC, k.gA, "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"},
		{"EXISTS", k.dC},
		{"GEOSEARCHSTORE", k.dB, k.str, "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"},
		{"GEOSEARCHSTORE", k.dB, k.gA, "FROMMEMBER", "Nowhere", "BYRADIUS", "1", "m"},
		{"TYPE", k.dB},

		// SORT ... STORE into a list of another node.
		{"SORT", k.lA, "STORE", k.dB},
		{"LRANGE", k.dB, "0", "-1"},
		{"SORT", k.lB, "ALPHA", "DESC", "LIMIT", "1", "2", "STORE", k.dC},
		{"LRANGE", k.dC, "0", "-1"},
		{"SET", tag + "w_1", "30"},
		{"SET", tag + "w_2", "10"},
		{"SET", tag + "w_3", "20"},
		{"SET", tag + "v_1", "one"},
		{"SORT", k.lA, "BY", tag + "w_*", "GET", "#", "GET", tag + "v_*", "STORE", k.dC},
		{"LRANGE", k.dC, "0", "-1"},
		{"SORT", k.lB, "STORE", k.dC},
		{"SORT", k.gone, "STORE", k.dC},
		{"EXISTS", k.dC},
		{"SORT", k.str, "STORE", k.dB},

		// LMPOP and ZMPOP: the first key that exists, in order.
		{"LMPOP", "3", k.gone, k.lB, k.lC, "LEFT", "COUNT", "2"},
		{"LMPOP", "2", k.lC, k.lB, "RIGHT"},
		{"LMPOP", "2", k.gone, k.dB, "RIGHT", "COUNT", "10"},
		{"LMPOP", "2", k.gone, k.str, "LEFT"},
		{"LMPOP", "2", k.lA, k.lB, "UP"},
		{"LMPOP", "2", k.lA, k.lB, "LEFT", "COUNT", "0"},
		{"LMPOP", "2", k.lA, k.lB, "LEFT", "COUNT", "1", "COUNT", "1"},
		{"LMPOP", "2", k.lA, k.lB, "LEFT", "EXTRA"},
		{"LMPOP", "2", k.gone, k.dC},
		{"EXISTS", k.lB, k.lC},
		{"ZMPOP", "3", k.gone, k.zB, k.zC, "MAX", "COUNT", "2"},
		{"ZMPOP", "2", k.zA, k.zB, "MIN", "COUNT", "5"},
		{"ZMPOP", "2", k.zA, k.zB, "MIN"},
		{"ZMPOP", "2", k.zA, k.zC, "MIN"},
		{"ZMPOP", "2", k.lA, k.zC, "MIN"},
		{"ZMPOP", "2", k.zA, k.zC, "LEFT"},
		{"EXISTS", k.zB, k.zC},

		// XREAD of streams on several nodes.
		{"XREAD", "STREAMS", k.xA, k.xB, k.xC, "0", "0", "0"},
		{"XREAD", "COUNT", "1", "STREAMS", k.xA, k.xC, "0", "0"},
		{"XREAD", "STREAMS", k.xA, k.xC, "2-1", "5-1"},
		{"XREAD", "STREAMS", k.xA, k.xC, "$", "$"},
		{"XREAD", "STREAMS", k.xC, k.xA, "1", "1-1"},
		{"XREAD", "STREAMS", k.xA, k.str, "0", "0"},
		{"XREAD", "STREAMS", k.xA, k.xC, "0", "bad"},
		{"XREAD", "COUNT", "x", "STREAMS", k.xA, k.xC, "0", "0"},
		{"XREAD", "STREAMS", k.xA, k.xC, "0"},
	}
}

// TestProxyMultiKeyAcrossNodes: PFCOUNT, PFMERGE, GEOSEARCHSTORE,
// GEORADIUS ... STORE, SORT ... STORE, LMPOP, ZMPOP and XREAD whose keys
// are on different vcache nodes answer through the proxy byte for byte
// as redis-server answers them for the same keys, errors included, and
// leave the keys as it does (each step is followed by reads of what it
// wrote); then the same, RESP3.
func TestProxyMultiKeyAcrossNodes(t *testing.T) {
	nodes, addr := txCluster(t)
	ref := startRedisRef(t)
	k := newXSlotKeys(t, nodes)
	for _, proto := range []int{2, 3} {
		via, want := dialProto(t, addr, proto), dialProto(t, ref, proto)
		do := protoDo(proto)
		for _, st := range k.fill() {
			if g, w := do(via, st...), do(want, st...); g != w {
				t.Fatalf("RESP%d fill %.60v: proxy %q, redis-server %q", proto, st, g, w)
			}
		}
		// A new connection: its first command spans nodes (FLUSHALL took
		// the old one off the event loop).
		via = dialProto(t, addr, proto)
		for _, st := range k.steps() {
			if g, w := do(via, st...), do(want, st...); g != w {
				t.Errorf("RESP%d %v:\n proxy        %q\n redis-server %q", proto, st, g, w)
			}
		}
	}
	spread(t, nodes, k.xA, k.xC, k.zA)
	// The blocking forms wait across nodes: TestProxyBlockingAcrossNodes.
}

// TestProxyMultiKeyAcrossNodesInMulti: the same commands queued in one
// MULTI/EXEC that spans nodes: EXEC's raw reply is redis-server's, each
// command seeing the writes of those before it.
func TestProxyMultiKeyAcrossNodesInMulti(t *testing.T) {
	nodes, addr := txCluster(t)
	ref := startRedisRef(t)
	k := newXSlotKeys(t, nodes)
	via, want := testutil.Dial(t, addr), testutil.Dial(t, ref)
	for _, st := range k.fill() {
		if g, w := via.Do(st...), want.Do(st...); g != w {
			t.Fatalf("fill %.60v: proxy %q, redis-server %q", st, g, w)
		}
	}
	steps := append(k.steps(), []string{"XREAD", "BLOCK", "100", "STREAMS", k.xA, k.xB, "$", "$"})
	for _, c := range []*testutil.Conn{via, want} {
		if r := c.Do("MULTI"); r != "+OK\r\n" {
			t.Fatalf("MULTI: %q", r)
		}
	}
	for _, st := range steps {
		if g, w := via.Do(st...), want.Do(st...); g != w {
			t.Errorf("queueing %v: proxy %q, redis-server %q", st, g, w)
		}
	}
	g, w := via.Do("EXEC"), want.Do("EXEC")
	if g != w {
		gl, wl := strings.Split(g, "\r\n"), strings.Split(w, "\r\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("EXEC differs at line %d: proxy %q, redis-server %q\n proxy        %.300q\n redis-server %.300q", i, gl[i], wl[i], g, w)
			}
		}
		t.Fatalf("EXEC: proxy %d lines, redis-server %d", len(gl), len(wl))
	}
}

// TestProxyLMPopAcrossNodesConcurrent: clients pop with LMPOP from two
// lists on different nodes at once while another pushes: every element
// pushed is popped exactly once, and each list's elements come out in
// the order they went in (the pop and its TYPE checks hold the keys'
// locks; a pop never takes from the second list while the first has
// elements at that moment, which the order per list cannot show, but a
// lost or doubled element would).
func TestProxyLMPopAcrossNodesConcurrent(t *testing.T) {
	nodes, addr := txCluster(t)
	a, b := onNode(t, nodes, 0, "pa"), onNode(t, nodes, 1, "pb")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const perList, poppers = 300, 3
	pusher := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer pusher.Close()
	errs := make(chan error, poppers+1)
	got := make(chan []string, poppers)
	var pushed atomic.Bool
	go func() {
		for i := range perList {
			if err := pusher.RPush(ctx, a, "a"+strconv.Itoa(i)).Err(); err != nil {
				errs <- err
				return
			}
			if err := pusher.RPush(ctx, b, "b"+strconv.Itoa(i)).Err(); err != nil {
				errs <- err
				return
			}
		}
		pushed.Store(true)
		errs <- nil
	}()
	for range poppers {
		go func() {
			c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
			defer c.Close()
			var mine []string
			for {
				done := pushed.Load() // read before the pop: nil after it means empty for good
				key, vals, err := c.LMPop(ctx, "LEFT", 2, a, b).Result()
				if err == redis.Nil {
					if done {
						got <- mine
						errs <- nil
						return
					}
					continue
				}
				if err != nil {
					got <- mine
					errs <- err
					return
				}
				if len(vals) == 0 || len(vals) > 2 || vals[0][0] != key[1] || vals[len(vals)-1][0] != key[1] {
					got <- mine
					errs <- fmt.Errorf("LMPOP from %s gave %v", key, vals)
					return
				}
				mine = append(mine, vals...)
			}
		}()
	}
	for range poppers + 1 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	for range poppers {
		last := map[byte]int{'a': -1, 'b': -1}
		for _, v := range <-got {
			if seen[v] {
				t.Fatalf("%s popped twice", v)
			}
			seen[v] = true
			n, _ := strconv.Atoi(v[1:])
			if n <= last[v[0]] {
				t.Fatalf("one client popped %s after %c%d", v, v[0], last[v[0]])
			}
			last[v[0]] = n
		}
	}
	if len(seen) != 2*perList {
		var missing []string
		for i := range perList {
			for _, l := range []string{"a", "b"} {
				if v := l + strconv.Itoa(i); !seen[v] {
					missing = append(missing, v)
				}
			}
		}
		t.Fatalf("%d elements popped, %d pushed: %v missing; left %s %v, %s %v", len(seen), 2*perList, missing,
			a, pusher.LRange(ctx, a, 0, -1).Val(), b, pusher.LRange(ctx, b, 0, -1).Val())
	}
}

// BenchmarkProxyMultiKeyAcrossNodes reports the commands the nodes run
// for each command whose keys are on three (or two) nodes.
func BenchmarkProxyMultiKeyAcrossNodes(b *testing.B) {
	c, key, measure := startNodeCallsBench(b)
	ctx := context.Background()
	h0, h1, h2, d := key(0, "h"), key(1, "h"), key(2, "h"), key(1, "d")
	l0, l1, x0, x2, sl := key(0, "l"), key(1, "l"), key(0, "x"), key(2, "x"), key(0, "sl")
	for i, k := range []string{h0, h1, h2} {
		c.PFAdd(ctx, k, i, "a", "b")
	}
	c.RPush(ctx, sl, "3", "1", "2")
	c.XAdd(ctx, &redis.XAddArgs{Stream: x0, Values: []string{"f", "v"}})
	c.XAdd(ctx, &redis.XAddArgs{Stream: x2, Values: []string{"f", "v"}})
	b.Run("pfcount-3-nodes", func(b *testing.B) {
		measure(b, func() error { return c.PFCount(ctx, h0, h1, h2).Err() })
	})
	b.Run("pfmerge-3-nodes", func(b *testing.B) {
		measure(b, func() error { return c.PFMerge(ctx, d, h0, h2).Err() })
	})
	b.Run("sort-store", func(b *testing.B) {
		measure(b, func() error { return c.SortStore(ctx, sl, d, &redis.Sort{}).Err() })
	})
	b.Run("lmpop-2-nodes", func(b *testing.B) {
		measure(b, func() error {
			c.RPush(ctx, l1, "e")
			return c.LMPop(ctx, "LEFT", 1, l0, l1).Err()
		})
	})
	b.Run("xread-2-nodes", func(b *testing.B) {
		measure(b, func() error {
			return c.XRead(ctx, &redis.XReadArgs{Streams: []string{x0, x2, "0", "0"}, Block: -1}).Err()
		})
	})
}

// clusterOwner returns the index of the node of nodes that owns key's
// slot (the others answer MOVED), or -1.
func clusterOwner(t *testing.T, nodes []string, key string) int {
	t.Helper()
	for i, n := range nodes {
		r, err := testutil.Do(n, "EXISTS", key)
		if err == nil && strings.HasPrefix(r, ":") {
			return i
		}
	}
	return -1
}

// TestProxyMultiKeyAcrossClusterNodes: through a proxy over a vcache
// cluster (gossip, replicas), PFCOUNT, PFMERGE and SORT ... STORE whose
// keys are on different primaries answer as redis-server does; a SORT
// BY or GET pattern is refused with Redis Cluster's error unless its
// hash tag is the sorted key's slot, as a node refuses it for a SORT
// without STORE.
func TestProxyMultiKeyAcrossClusterNodes(t *testing.T) {
	nodes, proxies := pubsubCluster(t)
	ref := startRedisRef(t)
	var a, b string
	testutil.WaitFor(t, 30*time.Second, func() bool {
		a, b = "", ""
		for i := range 200 {
			k := "xs:" + strconv.Itoa(i)
			switch o := clusterOwner(t, nodes, k); {
			case o < 0:
				return false // the map is not settled yet
			case a == "":
				a = k
			case clusterOwner(t, nodes, a) != o:
				b = k
				return true
			}
		}
		return false
	}, "keys owned by two primaries")
	tag := "{" + a + "}"
	steps := [][]string{
		{"DEL", a, b, tag + "w_1", tag + "w_2", tag + "w_3", tag + "l"},
		{"PFADD", a, "x", "y"},
		{"PFADD", b, "y", "z"},
		{"PFCOUNT", a, b},
		{"PFMERGE", tag + "m", b, a},
		{"PFCOUNT", tag + "m"},
		{"DEL", a, tag + "m"},
		{"RPUSH", a, "3", "1", "2"},
		{"SET", tag + "w_1", "30"},
		{"SET", tag + "w_2", "10"},
		{"SET", tag + "w_3", "20"},
		{"SORT", a, "BY", tag + "w_*", "STORE", b},
		{"LRANGE", b, "0", "-1"},
		{"SORT", a, "DESC", "STORE", b},
		{"LRANGE", b, "0", "-1"},
	}
	via, want := testutil.Dial(t, proxies[0]), testutil.Dial(t, ref)
	for _, st := range steps {
		if g, w := via.Do(st...), want.Do(st...); g != w {
			t.Errorf("%v: proxy %q, redis-server %q", st, g, w)
		}
	}
	for _, st := range [][]string{
		{"SORT", a, "BY", "w_*", "STORE", b},
		{"SORT", a, "GET", "w_*", "STORE", b},
	} {
		if g, w := via.Do(st...), "-ERR "+strings.ToUpper(st[2])+" option of SORT denied in Cluster mode.\r\n"; g != w {
			t.Errorf("%v: %q, want %q", st, g, w)
		}
	}
	// Blocking over the two primaries (block_across.go): a push made
	// while BLPOP and XREAD BLOCK wait serves them.
	via.Do("DEL", a, b)
	for _, c := range []struct {
		block, push []string
		want        string
	}{
		{[]string{"BLPOP", a, b, "0"}, []string{"RPUSH", b, "v"}, "*2\r\n$" + strconv.Itoa(len(b)) + "\r\n" + b + "\r\n$1\r\nv\r\n"},
		{[]string{"XREAD", "BLOCK", "0", "STREAMS", b, a, "$", "$"}, []string{"XADD", a, "7-1", "f", "v"},
			"*1\r\n*2\r\n$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n*1\r\n*2\r\n$3\r\n7-1\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
	} {
		w := testutil.Dial(t, proxies[0])
		w.Send(c.block...)
		w.Flush()
		testutil.WaitFor(t, 10*time.Second, func() bool { return blockedClients(proxies[0]) == 1 }, fmt.Sprint(c.block, " blocked"))
		if got := via.Do(c.push...); strings.HasPrefix(got, "-") {
			t.Fatalf("%v: %q", c.push, got)
		}
		if got := w.Recv(); got != c.want {
			t.Errorf("%v, then %v: %q, want %q", c.block, c.push, got, c.want)
		}
	}
}

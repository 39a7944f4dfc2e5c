package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/keyslot"
	"github.com/vcache/vcache/internal/testutil"
	"github.com/vcache/vcache/node/nodetest"
	"github.com/vcache/vcache/proxy"
)

// startRedisRef starts a redis-server on a free port for the test to
// compare replies with, and returns its address.
func startRedisRef(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server is not on PATH")
	}
	port := testutil.FreePort(t)
	srv := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	addr := "127.0.0.1:" + strconv.Itoa(port)
	testutil.WaitFor(t, 10*time.Second, func() bool {
		_, err := testutil.Do(addr, "PING")
		return err == nil
	}, "redis-server to answer")
	return addr
}

// onNode returns name, or name with a suffix, such that the proxy's static
// router over nodes places it on node i.
func onNode(t *testing.T, nodes []string, i int, name string) string {
	t.Helper()
	r, err := proxy.NewStaticRouter(nodes)
	if err != nil {
		t.Fatal(err)
	}
	for j := 0; j < 1000; j++ {
		k := name + ":" + strconv.Itoa(j)
		if a, _ := r.Lookup(keyslot.OfString(k)); a == nodes[i] {
			return k
		}
	}
	t.Fatalf("no key for node %d", i)
	return ""
}

// txSetsKeys are the test's keys, each on the node its letter says (a:
// node 0, b: node 1, c: node 2).
type txSetsKeys struct {
	sA, sB, sC, zA, zB, zC, lA, lB, str, ttl string
	dA, dB, dC, zdA, zdB, zdC, gone          string
}

func (k *txSetsKeys) all() []string {
	return []string{k.sA, k.sB, k.sC, k.zA, k.zB, k.zC, k.lA, k.lB, k.str, k.ttl,
		k.dA, k.dB, k.dC, k.zdA, k.zdB, k.zdC, k.gone}
}

// txSetsFill writes the same data set through c.
func txSetsFill(t *testing.T, ctx context.Context, c *redis.Client, k *txSetsKeys) {
	t.Helper()
	if err := c.Del(ctx, k.all()...).Err(); err != nil {
		t.Fatal(err)
	}
	c.SAdd(ctx, k.sA, "1", "2", "3", "x")
	c.SAdd(ctx, k.sB, "2", "3", "4")
	c.SAdd(ctx, k.sC, "3", "5", "x")
	c.ZAdd(ctx, k.zA, redis.Z{Score: 1, Member: "a"}, redis.Z{Score: 2, Member: "b"}, redis.Z{Score: 3, Member: "c"})
	c.ZAdd(ctx, k.zB, redis.Z{Score: 10, Member: "b"}, redis.Z{Score: 20, Member: "c"}, redis.Z{Score: 30, Member: "d"})
	c.ZAdd(ctx, k.zC, redis.Z{Score: 0.5, Member: "c"}, redis.Z{Score: 7, Member: "e"})
	c.RPush(ctx, k.lA, "x", "y", "z")
	c.RPush(ctx, k.lB, "q")
	c.Set(ctx, k.str, "v", 0)
	if err := c.Set(ctx, k.ttl, "w", time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
}

// txSetsRun queues the transaction under test on p.
func txSetsRun(ctx context.Context, p redis.Pipeliner, k *txSetsKeys) {
	p.SAdd(ctx, k.sA, "new") // seen by every command after it
	p.SUnionStore(ctx, k.dB, k.sA, k.sB, k.sC)
	p.SMembers(ctx, k.dB)
	p.SInterStore(ctx, k.dC, k.sA, k.sB)
	p.SDiffStore(ctx, k.dA, k.sA, k.sB, k.sC)
	p.SInterStore(ctx, k.dA, k.sA, k.gone) // empty: deletes the destination
	p.SUnion(ctx, k.sA, k.sB, k.gone)
	p.SInter(ctx, k.sA, k.sB, k.sC)
	p.SDiff(ctx, k.sA, k.sC)
	p.SInterCard(ctx, 0, k.sA, k.sB)
	p.SInterCard(ctx, 1, k.sA, k.sB)
	p.ZUnionStore(ctx, k.zdB, &redis.ZStore{Keys: []string{k.zA, k.zB, k.sC}, Weights: []float64{1, 2, 3}, Aggregate: "MAX"})
	p.ZRangeWithScores(ctx, k.zdB, 0, -1)
	p.ZInterStore(ctx, k.zdC, &redis.ZStore{Keys: []string{k.zA, k.zB}})
	p.ZDiffStore(ctx, k.zdA, k.zB, k.zA, k.zC)
	p.ZUnionWithScores(ctx, redis.ZStore{Keys: []string{k.zA, k.zC}, Aggregate: "MIN"})
	p.ZInterWithScores(ctx, &redis.ZStore{Keys: []string{k.zA, k.zB}, Weights: []float64{2, 0.5}})
	p.ZDiffWithScores(ctx, k.zB, k.zA)
	p.ZInter(ctx, &redis.ZStore{Keys: []string{k.zA, k.zB, k.zC}})
	p.ZInterCard(ctx, 1, k.zA, k.zB)
	p.ZRangeStore(ctx, k.zdC, redis.ZRangeArgs{Key: k.zB, Start: "15", Stop: "+inf", ByScore: true})
	p.ZRangeStore(ctx, k.zdA, redis.ZRangeArgs{Key: k.zB, Start: "[a", Stop: "[c", ByLex: true})
	p.SMove(ctx, k.sA, k.sB, "1")
	p.SMove(ctx, k.sA, k.sB, "nope")
	p.SMove(ctx, k.gone, k.sB, "1")
	p.SMove(ctx, k.sA, k.str, "2")
	p.LMove(ctx, k.lA, k.lB, "RIGHT", "LEFT")
	p.LMove(ctx, k.lA, k.lB, "LEFT", "RIGHT")
	p.RPopLPush(ctx, k.lB, k.lA)
	p.LMove(ctx, k.gone, k.str, "LEFT", "LEFT")
	p.LMove(ctx, k.lA, k.str, "LEFT", "LEFT")
	p.LRange(ctx, k.lA, 0, -1)
	p.Rename(ctx, k.str, k.dC)
	p.Get(ctx, k.dC)
	p.Rename(ctx, k.gone, k.dB)
	p.RenameNX(ctx, k.lB, k.sC)
	p.Copy(ctx, k.ttl, k.dA, 0, false)
	p.Copy(ctx, k.sC, k.dA, 0, false)
	p.Copy(ctx, k.sC, k.dA, 0, true)
	p.SUnionStore(ctx, k.dA, k.sB, k.ttl) // WRONGTYPE; the rest runs
	p.ZUnion(ctx, redis.ZStore{Keys: []string{k.zA, k.lA}})
	p.Do(ctx, "ZUNIONSTORE", k.zdA, "2", k.zA, k.zB, "WEIGHTS", "x", "1")
	p.Do(ctx, "ZINTER", "2", k.zA, k.zB, "AGGREGATE", "avg")
	p.Do(ctx, "LMOVE", k.lA, k.lB, "UP", "LEFT")
	p.Do(ctx, "SINTERCARD", "2", k.sA, k.sB, "LIMIT", "-1")
	p.Do(ctx, "SINTERCARD", "x", k.sA, k.sB)
	p.Do(ctx, "ZUNIONSTORE", k.zdA, "5", k.zA, k.zB)
	p.Do(ctx, "ZRANGESTORE", k.zdA, k.zB, "0", "-1", "WITHSCORES")
	p.Do(ctx, "ZRANGESTORE", k.zdA, k.zB, "a", "c", "BYLEX")
	p.Do(ctx, "COPY", k.sA, k.dB, "FOO")
	p.Do(ctx, "COPY", k.sA, k.dB, "DB", "0", "REPLACE")
	p.MSetNX(ctx, k.dA, "1", k.zdB, "2")
	p.MSetNX(ctx, k.dB, "1", k.zdB, "2")
	p.BitOpOr(ctx, k.dB, k.dA, k.zdB, k.gone)
	p.Get(ctx, k.dB)
	p.Ping(ctx)
	p.SCard(ctx, k.sB)
}

// txReply renders a command's reply (sets sorted: their order is the
// server's own).
func txReply(c redis.Cmder) string {
	switch v := c.(type) {
	case *redis.StringSliceCmd:
		if name := v.Name(); name == "sunion" || name == "sinter" || name == "sdiff" || name == "smembers" {
			vals := slices.Clone(v.Val())
			slices.Sort(vals)
			return fmt.Sprint(vals, v.Err())
		}
	}
	return fmt.Sprint(reflect.ValueOf(c).MethodByName("Val").Call(nil)[0].Interface(), c.Err())
}

// txState renders what a key holds: type, value, whether it expires.
func txKeyState(ctx context.Context, c *redis.Client, key string) string {
	typ := c.Type(ctx, key).Val()
	var val any
	switch typ {
	case "string":
		val = c.Get(ctx, key).Val()
	case "set":
		m := c.SMembers(ctx, key).Val()
		slices.Sort(m)
		val = m
	case "zset":
		val = c.ZRangeWithScores(ctx, key, 0, -1).Val()
	case "list":
		val = c.LRange(ctx, key, 0, -1).Val()
	}
	return fmt.Sprintf("%s %v expires=%v", typ, val, c.PTTL(ctx, key).Val() > 0)
}

// TestProxyTxSetsAcrossNodes: set, sorted-set, list and key commands
// whose keys are on different nodes, inside one MULTI/EXEC through the
// proxy over three vcache nodes, answer as redis-server answers the same
// transaction (each reply, in order, RESP2 and RESP3, runtime errors
// included), and leave every key as redis-server does.
func TestProxyTxSetsAcrossNodes(t *testing.T) {
	nodes, addr := txCluster(t)
	ref := startRedisRef(t)
	ctx := context.Background()
	k := &txSetsKeys{
		sA: onNode(t, nodes, 0, "sA"), sB: onNode(t, nodes, 1, "sB"), sC: onNode(t, nodes, 2, "sC"),
		zA: onNode(t, nodes, 0, "zA"), zB: onNode(t, nodes, 1, "zB"), zC: onNode(t, nodes, 2, "zC"),
		lA: onNode(t, nodes, 0, "lA"), lB: onNode(t, nodes, 1, "lB"),
		str: onNode(t, nodes, 2, "str"), ttl: onNode(t, nodes, 1, "ttl"),
		dA: onNode(t, nodes, 0, "dA"), dB: onNode(t, nodes, 1, "dB"), dC: onNode(t, nodes, 0, "dC"),
		zdA: onNode(t, nodes, 0, "zdA"), zdB: onNode(t, nodes, 2, "zdB"), zdC: onNode(t, nodes, 1, "zdC"),
		gone: onNode(t, nodes, 2, "gone"),
	}
	for _, proto := range []int{2, 3} {
		via := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto})
		want := redis.NewClient(&redis.Options{Addr: ref, Protocol: proto})
		defer via.Close()
		defer want.Close()
		txSetsFill(t, ctx, via, k)
		txSetsFill(t, ctx, want, k)
		got, err := via.TxPipelined(ctx, func(p redis.Pipeliner) error { txSetsRun(ctx, p, k); return nil })
		wantCmds, wantErr := want.TxPipelined(ctx, func(p redis.Pipeliner) error { txSetsRun(ctx, p, k); return nil })
		if fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Errorf("RESP%d EXEC: proxy %v, redis-server %v", proto, err, wantErr)
		}
		if len(got) != len(wantCmds) {
			t.Fatalf("RESP%d: %d replies, redis-server %d", proto, len(got), len(wantCmds))
		}
		for i := range got {
			if g, w := txReply(got[i]), txReply(wantCmds[i]); g != w {
				t.Errorf("RESP%d %v:\n proxy        %s\n redis-server %s", proto, wantCmds[i].Args(), g, w)
			}
		}
		for _, key := range k.all() {
			if g, w := txKeyState(ctx, via, key), txKeyState(ctx, want, key); g != w {
				t.Errorf("RESP%d after EXEC, %s: proxy %s, redis-server %s", proto, key, g, w)
			}
		}
	}
	spread(t, nodes, k.sA, k.sB, k.sC)
}

// TestProxyTxSetsQueuedAndWatch: through the proxy, each computed command
// is answered +QUEUED and EXEC's raw reply is byte for byte
// redis-server's; a WATCHed source changed by another client makes EXEC
// answer a null array and nothing is written, as redis-server does.
func TestProxyTxSetsQueuedAndWatch(t *testing.T) {
	nodes, addr := txCluster(t)
	ref := startRedisRef(t)
	a, b, c := onNode(t, nodes, 0, "qa"), onNode(t, nodes, 1, "qb"), onNode(t, nodes, 2, "qc")
	steps := [][]string{
		{"DEL", a, b, c},
		{"SADD", a, "1", "2"},
		{"SADD", b, "2", "3"},
		{"MULTI"},
		{"SUNIONSTORE", c, a, b},
		{"SMOVE", a, b, "1"},
		{"SINTERCARD", "2", a, b},
		{"ZUNIONSTORE", a, "2", b, c, "WEIGHTS", "2", "3"},
		{"ZRANGE", a, "0", "-1", "WITHSCORES"},
		{"SMEMBERS", a},
		{"EXEC"},
		{"TYPE", a},
		{"ZSCORE", a, "3"},
	}
	via, want := testutil.Dial(t, addr), testutil.Dial(t, ref)
	for _, st := range steps {
		if g, w := via.Do(st...), want.Do(st...); g != w {
			t.Errorf("%v: proxy %q, redis-server %q", st, g, w)
		}
	}

	// WATCH: another client's write to a source aborts the transaction.
	ctx := context.Background()
	for _, srv := range []string{addr, ref} {
		cl := redis.NewClient(&redis.Options{Addr: srv})
		other := redis.NewClient(&redis.Options{Addr: srv})
		defer cl.Close()
		defer other.Close()
		cl.Del(ctx, a, b, c)
		cl.SAdd(ctx, a, "1")
		cl.SAdd(ctx, b, "2")
		err := cl.Watch(ctx, func(tx *redis.Tx) error {
			if err := other.SAdd(ctx, b, "changed").Err(); err != nil {
				return err
			}
			_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.SUnionStore(ctx, c, a, b)
				p.SMove(ctx, a, b, "1")
				return nil
			})
			return err
		}, a, b)
		if !errors.Is(err, redis.TxFailedErr) {
			t.Errorf("%s: WATCH then a write by another client: EXEC %v, want %v", srv, err, redis.TxFailedErr)
		}
		if n := cl.Exists(ctx, c).Val(); n != 0 {
			t.Errorf("%s: the aborted transaction wrote its destination", srv)
		}
		if m := cl.SMembers(ctx, a).Val(); strings.Join(m, ",") != "1" {
			t.Errorf("%s: the aborted transaction moved a member: %v", srv, m)
		}
		// Unchanged, the WATCHed keys let it run.
		err = cl.Watch(ctx, func(tx *redis.Tx) error {
			_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.SUnionStore(ctx, c, a, b)
				p.SMove(ctx, a, b, "1")
				return nil
			})
			return err
		}, a, b)
		if err != nil {
			t.Errorf("%s: WATCH, no other write: EXEC %v", srv, err)
		}
		if m := cl.SMembers(ctx, b).Val(); len(m) != 3 || cl.SCard(ctx, c).Val() != 3 || cl.Exists(ctx, a).Val() != 0 {
			t.Errorf("%s: after the transaction %s = %v, SCARD %s = %d, EXISTS %s = %d", srv, b, m, c, cl.SCard(ctx, c).Val(), a, cl.Exists(ctx, a).Val())
		}
	}
}

// TestProxyTxSMoveIsolated: one client moves members between two sets on
// different nodes with SMOVEs in cross-node transactions while another
// counts both sets in transactions of its own: every count sees all the
// members, none lost or counted twice (the SMOVEs' reads and writes hold
// both nodes' locks from the first read to the last write).
func TestProxyTxSMoveIsolated(t *testing.T) {
	nodes, addr := txCluster(t)
	a, b := onNode(t, nodes, 0, "iso"), onNode(t, nodes, 1, "iso")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	mover := redis.NewClient(&redis.Options{Addr: addr})
	counter := redis.NewClient(&redis.Options{Addr: addr})
	defer mover.Close()
	defer counter.Close()
	const n, rounds = 20, 150
	members := make([]any, n)
	for i := range members {
		members[i] = "m" + strconv.Itoa(i)
	}
	if err := mover.SAdd(ctx, a, members...).Err(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for i := range rounds {
			_, err := mover.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.SMove(ctx, a, b, members[i%n])
				p.SMove(ctx, b, a, members[(i*7)%n])
				p.SMove(ctx, a, b, members[(i*3)%n])
				return nil
			})
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	counts := 0
	for moving := true; moving; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("mover: %v", err)
			}
			moving = false
		default:
		}
		cmds, err := counter.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.SCard(ctx, a)
			p.SCard(ctx, b)
			return nil
		})
		if err != nil {
			t.Fatalf("counter: %v", err)
		}
		counts++
		if x, y := cmds[0].(*redis.IntCmd).Val(), cmds[1].(*redis.IntCmd).Val(); x+y != n {
			t.Fatalf("count %d: %d + %d members, want %d", counts, x, y, n)
		}
	}
	all, err := counter.SUnion(ctx, a, b).Result()
	if err != nil || len(all) != n {
		t.Errorf("after: SUNION = %d members (%v), want %d", len(all), err, n)
	}
	t.Logf("%d counts during %d moving transactions", counts, rounds)
}

// startNodeCallsBench starts three vcache nodes behind a proxy with a
// static router. It returns a client of the proxy; key, which names a key
// name:<j> that the router places on node i; and measure, which runs op
// for b and reports the commands the nodes ran for each (INFO
// commandstats, which counts the INFO calls too). A nil reply
// (redis.Nil) is a reply, not an error.
func startNodeCallsBench(b *testing.B) (c *redis.Client, key func(i int, name string) string, measure func(b *testing.B, op func() error)) {
	b.Helper()
	nodes := []string{nodetest.Start(b), nodetest.Start(b), nodetest.Start(b)}
	router, err := proxy.NewStaticRouter(nodes)
	if err != nil {
		b.Fatal(err)
	}
	p, err := proxy.New(proxy.DefaultConfig(), router, nil)
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go p.Serve(context.Background(), ln)
	b.Cleanup(func() { p.Shutdown(context.Background()) })
	c = redis.NewClient(&redis.Options{Addr: ln.Addr().String()})
	b.Cleanup(func() { c.Close() })
	key = func(i int, name string) string {
		for j := 0; ; j++ {
			k := name + ":" + strconv.Itoa(j)
			if a, _ := router.Lookup(keyslot.OfString(k)); a == nodes[i] {
				return k
			}
		}
	}
	measure = func(b *testing.B, op func() error) {
		before := nodeCalls(b, nodes)
		for b.Loop() {
			if err := op(); err != nil && err != redis.Nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(nodeCalls(b, nodes)-before)/float64(b.N), "node-cmds/op")
	}
	return c, key, measure
}

// nodeCalls sums the calls INFO commandstats counts on every node.
func nodeCalls(b *testing.B, nodes []string) int64 {
	b.Helper()
	var n int64
	for _, addr := range nodes {
		info, err := testutil.Do(addr, "INFO", "commandstats")
		if err != nil {
			b.Fatal(err)
		}
		for _, line := range strings.Split(info, "\n") {
			_, rest, ok := strings.Cut(line, "calls=")
			if !ok {
				continue
			}
			v, _, _ := strings.Cut(rest, ",")
			c, _ := strconv.ParseInt(v, 10, 64)
			n += c
		}
	}
	return n
}

// BenchmarkProxyTxComputed: SUNIONSTORE over three sets on three nodes
// gathered outside a transaction, and inside a cross-node MULTI/EXEC,
// and an SMOVE between two nodes in one; node-cmds/op is what the nodes
// ran for each (INFO commandstats, which counts the INFO calls too).
func BenchmarkProxyTxComputed(b *testing.B) {
	c, key, measure := startNodeCallsBench(b)
	ctx := context.Background()
	s0, s1, s2, d := key(0, "bs"), key(1, "bs"), key(2, "bs"), key(1, "bd")
	for i, k := range []string{s0, s1, s2} {
		for j := range 10 {
			c.SAdd(ctx, k, strconv.Itoa(i*5+j))
		}
	}
	b.Run("sunionstore-gathered", func(b *testing.B) {
		measure(b, func() error { return c.SUnionStore(ctx, d, s0, s1, s2).Err() })
	})
	b.Run("sunionstore-in-multi", func(b *testing.B) {
		measure(b, func() error {
			_, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.SUnionStore(ctx, d, s0, s1, s2)
				return nil
			})
			return err
		})
	})
	b.Run("smove-in-multi", func(b *testing.B) {
		i := 0
		measure(b, func() error {
			i++
			_, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.SMove(ctx, s0, s1, strconv.Itoa(i%5))
				p.SMove(ctx, s1, s0, strconv.Itoa(i%5))
				return nil
			})
			return err
		})
	})
}

// TestProxyMovesAcrossNodes: outside a transaction, SMOVE, LMOVE,
// RPOPLPUSH, RENAME, RENAMENX, COPY, ZRANGESTORE, MSETNX and BITOP whose keys are on
// different nodes answer byte for byte as redis-server (RESP2 and RESP3),
// errors included, and leave the same keys.
func TestProxyMovesAcrossNodes(t *testing.T) {
	nodes, addr := txCluster(t)
	ref := startRedisRef(t)
	a, b, c := onNode(t, nodes, 0, "mv"), onNode(t, nodes, 1, "mv"), onNode(t, nodes, 2, "mv")
	for _, proto := range []string{"2", "3"} {
		steps := [][]string{
			{"HELLO", proto},
			{"DEL", a, b, c},
			{"SADD", a, "1", "2"},
			{"SMOVE", a, b, "1"},
			{"SMOVE", a, b, "9"},
			{"SMOVE", c, b, "2"},
			{"SMEMBERS", b},
			{"SET", c, "str"},
			{"SMOVE", a, c, "2"},
			{"SMOVE", c, a, "2"},
			{"DEL", a, b},
			{"RPUSH", a, "x", "y", "z"},
			{"LMOVE", a, b, "RIGHT", "LEFT"},
			{"LMOVE", a, b, "LEFT", "LEFT"},
			{"RPOPLPUSH", a, b},
			{"RPOPLPUSH", a, b},
			{"LMOVE", a, c, "LEFT", "LEFT"},
			{"LMOVE", b, c, "LEFT", "LEFT"},
			{"LMOVE", b, a, "UP", "LEFT"},
			{"LRANGE", b, "0", "-1"},
			{"PEXPIRE", c, "100000"},
			{"RENAME", c, a},
			{"GET", a},
			{"TYPE", c},
			{"RENAME", c, a},
			{"RENAMENX", b, a},
			{"RENAMENX", b, c},
			{"LRANGE", c, "0", "-1"},
			{"COPY", a, b},
			{"COPY", a, c},
			{"COPY", a, c, "REPLACE"},
			{"GET", c},
			{"DEL", a, b, c},
			{"ZADD", a, "1", "x", "2", "y", "3", "z"},
			{"ZRANGESTORE", b, a, "1", "-1"},
			{"ZRANGE", b, "0", "-1", "WITHSCORES"},
			{"ZRANGESTORE", c, a, "(1", "+inf", "BYSCORE", "LIMIT", "0", "1"},
			{"ZRANGE", c, "0", "-1", "WITHSCORES"},
			{"ZRANGESTORE", c, a, "0", "-1", "WITHSCORES"},
			{"ZRANGESTORE", c, "nokey", "0", "-1"},
			{"EXISTS", c},
			{"DEL", a, b, c},
			{"MSETNX", a, "1", b, "2"},
			{"MSETNX", c, "3", b, "4"},
			{"MSETNX", c, "3", a},
			{"MGET", a, b, c},
			{"SET", a, "\xff\x0f"},
			{"SET", b, "\x01\x02\x03"},
			{"BITOP", "AND", c, a, b},
			{"GET", c},
			{"BITOP", "OR", c, a, b, "nokey"},
			{"GET", c},
			{"BITOP", "XOR", c, a, b},
			{"GET", c},
			{"BITOP", "NOT", c, a},
			{"GET", c},
			{"BITOP", "NOT", c, a, b},
			{"BITOP", "NAND", c, a, b},
			{"BITOP", "AND", c, "nokey", "nokey2"},
			{"EXISTS", c},
			{"ZADD", b, "1", "x"},
			{"BITOP", "OR", c, a, b},
		}
		via, want := testutil.Dial(t, addr), testutil.Dial(t, ref)
		for _, st := range steps {
			if g, w := via.Do3(st...), want.Do3(st...); g != w && st[0] != "HELLO" {
				t.Errorf("RESP%s %v: proxy %q, redis-server %q", proto, st, g, w)
			}
		}
		for _, k := range []string{a, b, c} {
			if g, w := via.Do3("PTTL", k), want.Do3("PTTL", k); (g == ":-2\r\n") != (w == ":-2\r\n") || (g == ":-1\r\n") != (w == ":-1\r\n") {
				t.Errorf("RESP%s PTTL %s: proxy %q, redis-server %q", proto, k, g, w)
			}
		}
	}
}

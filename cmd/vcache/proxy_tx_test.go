package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/resp"
	"github.com/vcache/vcache/internal/testutil"
	"github.com/vcache/vcache/node/nodetest"
	"github.com/vcache/vcache/proxy"
)

// cliDo sends one command and renders its reply as redis-cli does.
func cliDo(t *testing.T, c *testutil.Conn, args ...string) string {
	t.Helper()
	v, _, err := resp.Parse([]byte(c.Do(args...)))
	if err != nil {
		t.Fatalf("%v: %v", args, err)
	}
	return testutil.CLI(v)
}

// txCluster is three vcache nodes behind a proxy, with keys that fall on
// every node.
func txCluster(t *testing.T) (nodes []string, proxyAddr string) {
	t.Helper()
	nodes = []string{startNode(t), startNode(t), startNode(t)}
	return nodes, serveProxyOver(t, nodes...)
}

// spread checks that keys are stored on at least two nodes.
func spread(t *testing.T, nodes []string, keys ...string) {
	t.Helper()
	on := 0
	for _, n := range nodes {
		args := append([]string{"EXISTS"}, keys...)
		if got := cliDo(t, testutil.Dial(t, n), args...); got != "(integer) 0" {
			on++
		}
	}
	if on < 2 {
		t.Fatalf("keys %v are on %d node(s): the test would not cross nodes", keys, on)
	}
}

func TestProxyTxPipelinedAcrossNodes(t *testing.T) {
	nodes, addr := txCluster(t)
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	var keys []string
	for i := range 10 {
		keys = append(keys, fmt.Sprintf("acct:%d", i))
	}
	cmds, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			p.Set(ctx, k, i, 0)
		}
		p.IncrBy(ctx, keys[0], 5)
		p.Get(ctx, keys[9])
		p.Ping(ctx)
		p.HSet(ctx, "doc:a", "f", "1")
		p.HSet(ctx, "doc:b", "f", "2")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range keys {
		if v := cmds[i].(*redis.StatusCmd).Val(); v != "OK" {
			t.Errorf("SET %d in the transaction = %q", i, v)
		}
	}
	if v := cmds[10].(*redis.IntCmd).Val(); v != 5 {
		t.Errorf("INCRBY in the transaction = %d", v)
	}
	if v := cmds[11].(*redis.StringCmd).Val(); v != "9" {
		t.Errorf("GET in the transaction = %q", v)
	}
	if v := cmds[12].(*redis.StatusCmd).Val(); v != "PONG" {
		t.Errorf("PING in the transaction = %q", v)
	}
	spread(t, nodes, keys...)
	vals, err := c.MGet(ctx, keys...).Result()
	if err != nil || fmt.Sprint(vals) != "[5 1 2 3 4 5 6 7 8 9]" {
		t.Fatalf("MGET after: %v %v", vals, err)
	}

	// Queuing errors abort everything, as Redis does.
	raw := testutil.Dial(t, addr)
	cliDo(t, raw, "MULTI")
	cliDo(t, raw, "SET", keys[1], "x")
	if got := cliDo(t, raw, "NOSUCHCMD", keys[2]); !strings.HasPrefix(got, "(error) ERR unknown command 'NOSUCHCMD'") {
		t.Errorf("unknown command in MULTI: %s", got)
	}
	cliDo(t, raw, "SET", keys[2], "x")
	if got := cliDo(t, raw, "EXEC"); got != "(error) EXECABORT Transaction discarded because of previous errors." {
		t.Errorf("EXEC after a queuing error: %s", got)
	}
	cliDo(t, raw, "MULTI")
	cliDo(t, raw, "SET", keys[1], "x")
	if got := cliDo(t, raw, "GET"); got != "(error) ERR wrong number of arguments for 'get' command" {
		t.Errorf("arity in MULTI: %s", got)
	}
	cliDo(t, raw, "SET", keys[3], "x")
	if got := cliDo(t, raw, "EXEC"); got != "(error) EXECABORT Transaction discarded because of previous errors." {
		t.Errorf("EXEC after an arity error: %s", got)
	}
	if vals, _ := c.MGet(ctx, keys[1], keys[2], keys[3]).Result(); fmt.Sprint(vals) != "[1 2 3]" {
		t.Errorf("an aborted transaction wrote: %v", vals)
	}
	// A runtime error is one element of EXEC's reply; the rest runs.
	cliDo(t, raw, "MULTI")
	cliDo(t, raw, "LPUSH", keys[1], "x")
	cliDo(t, raw, "SET", keys[4], "y")
	if got := cliDo(t, raw, "EXEC"); got != "1) (error) WRONGTYPE Operation against a key holding the wrong kind of value\n2) OK" {
		t.Errorf("EXEC with a runtime error: %q", got)
	}
}

func TestProxyWatchAcrossNodes(t *testing.T) {
	nodes, addr := txCluster(t)
	a, b := testutil.Dial(t, addr), testutil.Dial(t, addr)
	keys := []string{"w:0", "w:1", "w:2", "w:3", "w:4", "w:5"}
	for _, k := range keys {
		cliDo(t, a, "SET", k, "0")
	}
	spread(t, nodes, keys...)
	watch := append([]string{"WATCH"}, keys...)
	run := func() string {
		cliDo(t, a, "MULTI")
		for _, k := range keys {
			cliDo(t, a, "INCR", k)
		}
		return cliDo(t, a, "EXEC")
	}
	if got := cliDo(t, a, watch...); got != "OK" {
		t.Fatalf("WATCH across nodes: %s", got)
	}
	if got := run(); !strings.HasPrefix(got, "1) (integer) 1") {
		t.Fatalf("EXEC with untouched WATCHed keys: %q", got)
	}
	for i, k := range keys {
		cliDo(t, a, watch...)
		cliDo(t, b, "SET", k, "changed")
		if got := run(); got != "(nil)" {
			t.Fatalf("EXEC after another client wrote %s: %q", k, got)
		}
		if got := cliDo(t, a, "GET", keys[(i+1)%len(keys)]); got == `"2"` {
			t.Fatalf("an aborted transaction ran")
		}
	}
	cliDo(t, a, watch...)
	if got := cliDo(t, a, "UNWATCH"); got != "OK" {
		t.Fatalf("UNWATCH: %s", got)
	}
	cliDo(t, b, "SET", keys[0], "5")
	if got := run(); !strings.HasPrefix(got, "1) (integer) 6") {
		t.Fatalf("EXEC after UNWATCH: %q", got)
	}
}

// TestProxyTransfersKeepTheSum has 20 clients move amounts between keys on
// different nodes in MULTI/EXEC (half of them under WATCH) while another
// reads every key in one transaction: the sum never changes.
func TestProxyTransfersKeepTheSum(t *testing.T) {
	nodes, addr := txCluster(t)
	ctx := context.Background()
	const nKeys, start = 8, 1000
	var keys []string
	for i := range nKeys {
		keys = append(keys, fmt.Sprintf("bal:%d", i))
	}
	c := redis.NewClient(&redis.Options{Addr: addr, PoolSize: 32})
	defer c.Close()
	for _, k := range keys {
		c.Set(ctx, k, start, 0)
	}
	spread(t, nodes, keys...)
	deadline := time.Now().Add(3 * time.Second)
	var wg sync.WaitGroup
	var moved, aborted atomic.Int64
	errs := make(chan error, 64)
	for w := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for n := 0; n < 5000 && time.Now().Before(deadline); n++ {
				i, j := rng.IntN(nKeys), rng.IntN(nKeys-1)
				if j >= i {
					j++
				}
				amt := int64(rng.IntN(10) + 1)
				var err error
				if w%2 == 0 {
					_, err = c.TxPipelined(ctx, func(p redis.Pipeliner) error {
						p.DecrBy(ctx, keys[i], amt)
						p.IncrBy(ctx, keys[j], amt)
						return nil
					})
				} else {
					err = c.Watch(ctx, func(tx *redis.Tx) error {
						v, err := tx.Get(ctx, keys[i]).Int64()
						if err != nil {
							return err
						}
						_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
							p.Set(ctx, keys[i], v-amt, 0)
							p.IncrBy(ctx, keys[j], amt)
							return nil
						})
						return err
					}, keys[i], keys[j])
					if errors.Is(err, redis.TxFailedErr) {
						aborted.Add(1)
						err = nil
					}
				}
				if err != nil {
					errs <- err
					return
				}
				moved.Add(1)
			}
		}()
	}
	reads := 0
	for time.Now().Before(deadline) {
		cmds, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys {
				p.Get(ctx, k)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		var sum int64
		for _, cmd := range cmds {
			v, _ := cmd.(*redis.StringCmd).Int64()
			sum += v
		}
		if sum != nKeys*start {
			t.Fatalf("read %d: the sum is %d, want %d", reads, sum, nKeys*start)
		}
		reads++
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if moved.Load() < 20 || reads < 5 {
		t.Fatalf("too little ran: %d transfers, %d reads", moved.Load(), reads)
	}
	t.Logf("%d transfers (%d WATCH aborts), %d consistent reads", moved.Load(), aborted.Load(), reads)
}

func TestRedisPyTransactionThroughProxy(t *testing.T) {
	py := testutil.PythonWith(t, "redis")
	nodes, addr := txCluster(t)
	_, port, _ := strings.Cut(addr, ":")
	ctx, stop := context.WithTimeout(context.Background(), 60*time.Second)
	defer stop()
	out, err := exec.CommandContext(ctx, py, "testdata/redispy_tx.py", port).CombinedOutput()
	if err != nil {
		t.Fatalf("redis-py: %v\n%s", err, out)
	}
	want := `[True, True, True, True, True, True, True, True, True, True, True, True, 1, ['1']]
['1', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']
[True, 10]
1 10
WatchError
3
`
	if string(out) != want {
		t.Fatalf("redis-py printed:\n%s\nwant:\n%s", out, want)
	}
	spread(t, nodes, "tx:0", "tx:1", "tx:2", "tx:3", "tx:4", "tx:5")
}

// BenchmarkProxyExec times one MULTI/EXEC of two SETs through the proxy
// over three nodes: both keys in one slot, and keys on two nodes, with
// the proxy's pool of transaction connections and without it (a new
// connection per node per transaction), in the same run.
func BenchmarkProxyExec(b *testing.B) {
	nodes := []string{nodetest.Start(b), nodetest.Start(b), nodetest.Start(b)}
	serve := func(cfg proxy.Config) string {
		router, err := proxy.NewStaticRouter(nodes)
		if err != nil {
			b.Fatal(err)
		}
		p, err := proxy.New(cfg, router, nil)
		if err != nil {
			b.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		go p.Serve(context.Background(), ln)
		b.Cleanup(func() { p.Shutdown(context.Background()) })
		return ln.Addr().String()
	}
	noPool := proxy.DefaultConfig()
	noPool.TxConnsPerBackend = 0
	addrs := map[string]string{"": serve(proxy.DefaultConfig()), "-nopool": serve(noPool)}
	ctx := context.Background()
	run := func(b *testing.B, addr, k1, k2 string) {
		c := redis.NewClient(&redis.Options{Addr: addr})
		defer c.Close()
		for b.Loop() {
			if _, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.Set(ctx, k1, "v", 0)
				p.Set(ctx, k2, "v", 0)
				return nil
			}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("one-slot", func(b *testing.B) { run(b, addrs[""], "{t}a", "{t}b") })
	// bal:0 (slot 62) and bal:2 (slot 8316) are on different nodes of three.
	for _, v := range []string{"-nopool", ""} {
		b.Run("two-nodes"+v, func(b *testing.B) { run(b, addrs[v], "bal:0", "bal:2") })
	}
}

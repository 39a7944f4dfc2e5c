package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// connsReceived is a node's INFO total_connections_received.
func connsReceived(t *testing.T, node string) int {
	t.Helper()
	info := testutil.Dial(t, node).Do("INFO", "stats")
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "total_connections_received:"); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no total_connections_received in INFO stats")
	return 0
}

// TestProxyTxConnsPooled: 200 transactions across nodes from one client
// open at most a couple of connections to each node (the pool's), where a
// connection per node per transaction was opened before; then 200 more
// with WATCH, some aborted by a WATCHed key that changed: each gives its
// reply, and no key stays locked (a plain SET on each key answers).
func TestProxyTxConnsPooled(t *testing.T) {
	nodes, addr := txCluster(t)
	ctx := context.Background()
	c := redis.NewClient(&redis.Options{Addr: addr, PoolSize: 1})
	defer c.Close()
	other := redis.NewClient(&redis.Options{Addr: addr})
	defer other.Close()
	keys := []string{"pool:0", "pool:1", "pool:2", "pool:3"}
	for _, k := range keys {
		c.Set(ctx, k, 0, 0)
	}
	spread(t, nodes, keys...)
	before := make([]int, len(nodes))
	for i, n := range nodes {
		before[i] = connsReceived(t, n)
	}
	const n = 200
	for i := range n {
		if _, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys {
				p.Incr(ctx, k)
			}
			return nil
		}); err != nil {
			t.Fatalf("transaction %d: %v", i, err)
		}
	}
	for i, node := range nodes {
		opened := connsReceived(t, node) - before[i] - 1 // INFO's own
		t.Logf("node %d: %d connections opened for %d transactions", i, opened, n)
		if opened > 2 {
			t.Errorf("node %d: %d connections opened for %d transactions, want at most 2", i, opened, n)
		}
	}
	aborted := 0
	for i := range n {
		err := c.Watch(ctx, func(tx *redis.Tx) error {
			if i%10 == 0 {
				other.Incr(ctx, keys[i%len(keys)]) // the WATCH fails
			}
			_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				for _, k := range keys {
					p.Incr(ctx, k)
				}
				return nil
			})
			return err
		}, keys[i%len(keys)])
		switch {
		case err == redis.TxFailedErr:
			aborted++
		case err != nil:
			t.Fatalf("transaction %d: %v", i, err)
		}
	}
	if aborted != n/10 {
		t.Errorf("%d transactions aborted by WATCH, want %d", aborted, n/10)
	}
	for _, k := range keys {
		if err := other.Set(ctx, k, "free", 0).Err(); err != nil {
			t.Fatalf("SET %s after the transactions: %v", k, err)
		}
	}
	if got := fmt.Sprint(other.MGet(ctx, keys...).Val()); got != "[free free free free]" {
		t.Fatalf("MGET = %s", got)
	}
}

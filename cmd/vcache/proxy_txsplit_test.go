package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/vcache/vcache/internal/testutil"
)

// TestProxyTxMultiKeyAcrossNodes: MSET, MGET, EXISTS, DEL, TOUCH,
// UNLINK and JSON.MGET over keys on several nodes inside one go-redis
// TxPipelined (MULTI/EXEC) through the proxy: each answers as one
// command, with its keys in the client's order, in RESP2 and RESP3, and
// the writes are all visible afterwards.
func TestProxyTxMultiKeyAcrossNodes(t *testing.T) {
	nodes, addr := txCluster(t)
	ctx := context.Background()
	var keys []string
	for i := range 8 {
		keys = append(keys, fmt.Sprintf("mk:%d", i))
	}
	for _, proto := range []int{2, 3} {
		c := redis.NewClient(&redis.Options{Addr: addr, Protocol: proto})
		defer c.Close()
		c.Del(ctx, keys...)
		pairs := []any{}
		for i, k := range keys {
			pairs = append(pairs, k, fmt.Sprint("v", i))
		}
		cmds, err := c.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, keys[7], "first", 0)
			p.MSet(ctx, pairs...)
			p.MGet(ctx, keys[6], "mk:none", keys[0], keys[3])
			p.Exists(ctx, keys[1], keys[2], "mk:none", keys[1])
			p.Del(ctx, keys[4], keys[5], "mk:none")
			p.MGet(ctx, keys[4], keys[5], keys[7])
			p.Touch(ctx, keys[0], keys[1], keys[2])
			p.Unlink(ctx, keys[6], keys[2])
			return nil
		})
		if err != nil {
			t.Fatalf("RESP%d TxPipelined: %v", proto, err)
		}
		if len(cmds) != 8 {
			t.Fatalf("RESP%d: %d replies, want 8", proto, len(cmds))
		}
		if v := cmds[1].(*redis.StatusCmd).Val(); v != "OK" {
			t.Errorf("RESP%d MSET = %q", proto, v)
		}
		if v := fmt.Sprint(cmds[2].(*redis.SliceCmd).Val()); v != "[v6 <nil> v0 v3]" {
			t.Errorf("RESP%d MGET = %s, want [v6 <nil> v0 v3]", proto, v)
		}
		if v := cmds[3].(*redis.IntCmd).Val(); v != 3 {
			t.Errorf("RESP%d EXISTS = %d, want 3", proto, v)
		}
		if v := cmds[4].(*redis.IntCmd).Val(); v != 2 {
			t.Errorf("RESP%d DEL = %d, want 2", proto, v)
		}
		if v := fmt.Sprint(cmds[5].(*redis.SliceCmd).Val()); v != "[<nil> <nil> v7]" {
			t.Errorf("RESP%d MGET after DEL = %s, want [<nil> <nil> v7]", proto, v)
		}
		if v := cmds[6].(*redis.IntCmd).Val(); v != 3 {
			t.Errorf("RESP%d TOUCH = %d, want 3", proto, v)
		}
		if v := cmds[7].(*redis.IntCmd).Val(); v != 2 {
			t.Errorf("RESP%d UNLINK = %d, want 2", proto, v)
		}
		spread(t, nodes, keys[0], keys[1], keys[3], keys[7])
		if vals, err := c.MGet(ctx, keys...).Result(); err != nil || fmt.Sprint(vals) != "[v0 v1 <nil> v3 <nil> <nil> <nil> v7]" {
			t.Errorf("RESP%d MGET after EXEC = %v, %v", proto, vals, err)
		}
	}
	// JSON.MGET's path goes to every part; the merged reply keeps the
	// keys' order.
	raw := testutil.Dial(t, addr)
	cliDo(t, raw, "DEL", "mk:0", "mk:3")
	cliDo(t, raw, "JSON.SET", "mk:0", "$", `{"a":1}`)
	cliDo(t, raw, "JSON.SET", "mk:3", "$", `{"a":3}`)
	cliDo(t, raw, "MULTI")
	cliDo(t, raw, "JSON.MGET", "mk:3", "mk:none", "mk:0", "$.a")
	if got := cliDo(t, raw, "EXEC"); got != "1) 1) \"[3]\"\n   2) (nil)\n   3) \"[1]\"" {
		t.Errorf("JSON.MGET in a transaction: %q", got)
	}
}

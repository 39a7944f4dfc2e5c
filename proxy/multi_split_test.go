package proxy

import (
	"testing"
)

// TestTxSplitOnOneNode: a transaction's MGET, MSET and DEL over keys in
// different slots of one node (a router that refuses cross-slot
// commands) are queued in parts and EXEC answers each as one command,
// byte for byte as redis-server answers the same transaction.
func TestTxSplitOnOneNode(t *testing.T) {
	r := startRedis(t)
	ref := startRedis(t)
	tp := startProxy(t, Config{}, r.addr)
	steps := [][]string{
		{"MULTI"},
		{"MSET", "a", "1", "b", "2", "c", "3"},
		{"MGET", "c", "nokey", "a", "b"},
		{"EXISTS", "a", "b", "nokey", "a"},
		{"DEL", "b", "c", "nokey"},
		{"MGET", "a", "b", "c"},
		{"EXEC"},
	}
	for _, proto := range []string{"2", "3"} {
		want, got := dialRaw(t, ref.addr), dialRaw(t, tp.addr)
		want.Do3("HELLO", proto)
		got.Do3("HELLO", proto)
		for _, st := range steps {
			if w, g := want.Do3(st...), got.Do3(st...); w != g {
				t.Errorf("RESP%s %v: proxy %q, redis-server %q", proto, st, trim(g), trim(w))
			}
		}
	}
}

package proxy

import (
	"context"
	"strings"
	"testing"
)

// TestScriptThroughProxy: SCRIPT LOAD reaches every node, so EVALSHA
// works whichever node its key lands on; EVAL routes by its declared
// key; SCRIPT EXISTS is 1 only where every node has the script.
func TestScriptThroughProxy(t *testing.T) {
	needRedis(t)
	rs := startRedises(t, 3)
	p := startProxy(t, Config{}, addrs(rs...)...)
	c := client(t, p.addr)
	ctx := context.Background()
	sha, err := c.ScriptLoad(ctx, "return redis.call('incr', KEYS[1])").Result()
	if err != nil {
		t.Fatal(err)
	}
	for node := range rs {
		for _, k := range keysOn(p.router, node, 2, "s") {
			if got, err := c.EvalSha(ctx, sha, []string{k}).Int(); err != nil || got != 1 {
				t.Fatalf("EVALSHA on node %d key %s: %v %v", node, k, got, err)
			}
			// The write landed on the node that owns the key.
			if got := rawDo(rs[node].addr, "GET", k); got != "$1\r\n1\r\n" {
				t.Fatalf("node %d GET %s = %q, want 1", node, k, got)
			}
		}
	}
	if got, err := c.ScriptExists(ctx, sha, "ffffffffffffffffffffffffffffffffffffffff").Result(); err != nil || !got[0] || got[1] {
		t.Fatalf("SCRIPT EXISTS = %v %v, want [true false]", got, err)
	}
	rawDo(rs[1].addr, "SCRIPT", "FLUSH")
	if got, err := c.ScriptExists(ctx, sha).Result(); err != nil || got[0] {
		t.Fatalf("SCRIPT EXISTS with one node flushed = %v %v, want [false]", got, err)
	}
	if err := c.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.EvalSha(ctx, sha, []string{"s0"}).Err(); err == nil || err.Error() != "NOSCRIPT No matching script. Please use EVAL." {
		t.Fatalf("EVALSHA after SCRIPT FLUSH: %v", err)
	}
	if err := c.Eval(ctx, "return 1", []string{"a", "b"}).Err(); err == nil || !strings.HasPrefix(err.Error(), "CROSSSLOT Keys in request don't hash to the same slot") {
		t.Fatalf("EVAL with keys of two slots: %v", err)
	}
	if got, err := c.Eval(ctx, "return ARGV[1]", nil, "x").Result(); err != nil || got != "x" {
		t.Fatalf("EVAL without keys: %v %v", got, err)
	}
}

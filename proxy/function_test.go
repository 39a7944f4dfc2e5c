package proxy

import (
	"context"
	"testing"
)

// TestFunctionThroughProxy: FUNCTION LOAD reaches every node, so FCALL
// works whichever node its key lands on and writes there; FUNCTION
// DELETE and FLUSH reach every node too.
func TestFunctionThroughProxy(t *testing.T) {
	needRedis(t)
	rs := startRedises(t, 3)
	p := startProxy(t, Config{}, addrs(rs...)...)
	c := client(t, p.addr)
	ctx := context.Background()
	code := "#!lua name=plib\nredis.register_function('pincr', function(keys) return redis.call('incr', keys[1]) end)"
	if got, err := c.FunctionLoad(ctx, code).Result(); err != nil || got != "plib" {
		t.Fatalf("FUNCTION LOAD = %q %v", got, err)
	}
	for node := range rs {
		if got := rawDo(rs[node].addr, "FUNCTION", "LIST"); len(got) < 20 {
			t.Fatalf("node %d has no library after FUNCTION LOAD through the proxy: %q", node, got)
		}
		for _, k := range keysOn(p.router, node, 2, "f") {
			if got, err := c.FCall(ctx, "pincr", []string{k}).Int(); err != nil || got != 1 {
				t.Fatalf("FCALL on node %d key %s: %v %v", node, k, got, err)
			}
			if got := rawDo(rs[node].addr, "GET", k); got != "$1\r\n1\r\n" {
				t.Fatalf("node %d GET %s = %q, want 1", node, k, got)
			}
		}
	}
	if err := c.FunctionLoad(ctx, code).Err(); err == nil || err.Error() != "ERR Library 'plib' already exists" {
		t.Fatalf("second FUNCTION LOAD: %v", err)
	}
	if err := c.FunctionDelete(ctx, "plib").Err(); err != nil {
		t.Fatal(err)
	}
	for node := range rs {
		if got := rawDo(rs[node].addr, "FCALL", "pincr", "0"); got != "-ERR Function not found\r\n" {
			t.Fatalf("node %d FCALL after FUNCTION DELETE through the proxy: %q", node, got)
		}
	}
	if err := c.FunctionLoad(ctx, code).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.FunctionFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.FCall(ctx, "pincr", []string{"f0"}).Err(); err == nil || err.Error() != "ERR Function not found" {
		t.Fatalf("FCALL after FUNCTION FLUSH: %v", err)
	}
}

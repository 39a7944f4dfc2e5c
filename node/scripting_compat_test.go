package node

import (
	"context"
	"strings"
	"testing"
)

// TestScriptRandomSeed: math.randomseed takes a numeric string (an ARGV)
// as Lua 5.1's does, the same seed gives the same numbers and another
// seed others; a string that is no number gets Lua's error; math.random's
// ranges are Lua's.
func TestScriptRandomSeed(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	const src = `math.randomseed(ARGV[1]); return tostring(math.random())`
	a := c.Eval(ctx, src, nil, "10").Val()
	b := c.Eval(ctx, src, nil, "10").Val()
	d := c.Eval(ctx, src, nil, "20").Val()
	if a == nil || a != b || b == d {
		t.Fatalf("seed 10: %v, %v; seed 20: %v", a, b, d)
	}
	err := c.Eval(ctx, `math.randomseed('x')`, nil).Err()
	if err == nil || !strings.Contains(err.Error(), "bad argument #1 to 'randomseed' (number expected, got string)") {
		t.Fatalf("randomseed('x'): %v", err)
	}
	err = c.Eval(ctx, `return math.random(0)`, nil).Err()
	if err == nil || !strings.Contains(err.Error(), "bad argument #1 to 'random' (interval is empty)") {
		t.Fatalf("random(0): %v", err)
	}
	vals, err := c.Eval(ctx, `local t = {} for i = 1, 200 do t[#t+1] = math.random(3, 4) end for i = 1, 200 do t[#t+1] = math.random(2) end return t`, nil).Int64Slice()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for i, v := range vals {
		lo, hi := int64(3), int64(4)
		if i >= 200 {
			lo, hi = 1, 2
		}
		if v < lo || v > hi {
			t.Fatalf("random value %d outside [%d,%d]", v, lo, hi)
		}
		seen[v] = true
	}
	if len(seen) != 4 {
		t.Fatalf("400 random values cover %v, want 1..4", seen)
	}
}

// TestScriptStringDump: string.dump returns a binary chunk (a string
// starting with ESC "Lua") that loadstring refuses, as Redis's Lua does.
func TestScriptStringDump(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	got, err := c.Eval(ctx, `local d = string.dump(function() return 1 end)
local f, msg = loadstring(d)
return {string.sub(d, 1, 4), tostring(f), type(msg)}`, nil).StringSlice()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != "\x1bLua" || got[1] != "nil" || got[2] != "string" {
		t.Fatalf("string.dump/loadstring = %q", got)
	}
}

// TestScriptShebangEngine: EVAL of a script whose shebang names another
// engine gets Redis 7.0's error, which names the shebang.
func TestScriptShebangEngine(t *testing.T) {
	tn := startNode(t, nil)
	r := tn.raw(t)
	for body, want := range map[string]string{
		"#!not-lua flags=no-writes\nreturn 1": "-ERR Unexpected engine in script shebang: #!not-lua\r\n",
		"#!\nreturn 1":                        "-ERR Unexpected engine in script shebang: #!\r\n",
	} {
		if got := r.Do("EVAL", body, "0"); got != want {
			t.Errorf("EVAL %q = %q, want %q", body, got, want)
		}
	}
}

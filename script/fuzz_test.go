package script

import (
	"context"
	"testing"
	"time"
)

// echoCaller answers every redis.call with a reply built from its
// arguments, covering every reply kind.
type echoCaller struct{}

func (echoCaller) Call(args [][]byte, _ bool) Reply {
	switch len(args) % 5 {
	case 0:
		return Reply{Kind: Int, Int: int64(len(args[0]))}
	case 1:
		return Reply{Kind: Bulk, Str: string(args[0])}
	case 2:
		return Reply{Kind: Array, Elems: []Reply{{Kind: Nil}, {Kind: Status, Str: "OK"}, {Kind: Array}}}
	case 3:
		return ErrorReply("ERR " + string(args[0]))
	}
	return Reply{Kind: NilArray}
}

// FuzzScript runs arbitrary script bodies (return values of every Lua
// type, tables that hold themselves, errors): no panic, and a reply of a
// known kind comes back within the deadline.
func FuzzScript(f *testing.F) {
	for _, s := range []string{
		"return 1", "return 1.5", "return -0.5", "return 'x'", "return true", "return false", "return nil",
		"return {1,2,{3,'a'},nil,5}", "local t = {} t[1] = t return t", "return {err='x'}", "return {ok='y'}",
		"return {err=1}", "return function() end", "return coroutine.create(function() end)",
		"return cjson.decode('[1,{\"a\":null}]')", "return cjson.encode({1,{a=2}})", "error({})", "error(nil)",
		"return redis.call('a','b')", "return redis.pcall('a')", "return redis.call('a')", "return {redis.pcall('a','b','c','d')}",
		"return 0/0", "return 1/0", "return -1/0", "return 2^63", "return bit.tohex(-1, -4)", "while true do end",
		"return unpack({1,2,3}, -2, 2147483647)", "return {unpack({}, 1, 7997)}", "local t t.x = 1", "return (type).x",
		"return getmetatable(nil).__index", "setmetatable(1, {})", "local f = function() end return f.x.y",
	} {
		f.Add(s)
	}
	e := New()
	defer e.Close()
	f.Fuzz(func(t *testing.T, body string) {
		s, err := Compile(body)
		if err != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		r := e.Exec(ctx, s, &Run{Name: s.SHA, Keys: [][]byte{[]byte("k")}, Args: [][]byte{[]byte("a")}, Caller: echoCaller{}})
		checkReply(t, r, 0)
	})
}

func checkReply(t *testing.T, r Reply, depth int) {
	if r.Kind > lastKind {
		t.Fatalf("reply of unknown kind %d", r.Kind)
	}
	if depth > maxDepth+1 {
		t.Fatalf("reply nested %d deep", depth)
	}
	for _, e := range r.Elems {
		checkReply(t, e, depth+1)
	}
}

package script

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestArgsStayIn: the bytecode check keeps FCALL's tables from call to
// call only for functions that cannot let them out.
func TestArgsStayIn(t *testing.T) {
	for _, tc := range []struct {
		body string
		in   bool
	}{
		{"return redis.call('GET', keys[1])", true},
		{"local c = redis.call('INCR', keys[1]) if c > tonumber(args[2]) then return 0 end return #keys + #args", true},
		{"if keys then keys[2] = 'x' end return keys[1]", true},
		{"return 1", true},
		{"return keys", false},
		{"return keys[1], args", false},
		{"saved = keys return 1", false},
		{"local k = keys return k[1]", false},
		{"return table.concat(keys, ',')", false},
		{"return redis.call('GET', unpack(keys))", false},
		{"return (function() return keys[1] end)()", false},
		{"for i, k in ipairs(args) do end return 1", false},
		{"local t = {} t[1] = keys return 1", false},
		{"local t = {keys} return 1", false},
		{"local t = {} t[args] = 1 return 1", false},
		{"return keys == args", false},
		{"return keys:foo()", false},
	} {
		e := New()
		lib := fmt.Sprintf("#!lua name=t\nlocal saved\nredis.register_function('f', function(keys, args) %s end)", tc.body)
		if _, err := e.LoadLibrary(lib, false); err != nil {
			t.Fatalf("%s: %v", tc.body, err)
		}
		if got := e.Function("f").keys != nil; got != tc.in {
			t.Errorf("%s: kept tables %v, want %v", tc.body, got, tc.in)
		}
		e.Close()
	}
	for _, head := range []string{"function(...)", "function(keys, ...)"} {
		e := New()
		if _, err := e.LoadLibrary("#!lua name=t\nredis.register_function('f', "+head+" return 1 end)", false); err != nil {
			t.Fatal(err)
		}
		if e.Function("f").keys != nil {
			t.Errorf("%s: kept its tables", head)
		}
		e.Close()
	}
}

// TestFCallTablesFresh: a function whose tables are kept from call to
// call sees them as new ones each call, whatever the call before did to
// them; one that keeps them somewhere sees what it kept.
func TestFCallTablesFresh(t *testing.T) {
	e := New()
	defer e.Close()
	lib := "#!lua name=t\nlocal saved\n" +
		"redis.register_function('count', function(keys, args) if args[1] == 'add' then keys[#keys + 1] = 'x' keys.y = 1 end return #keys end)\n" +
		"redis.register_function('keep', function(keys, args) if saved == nil then saved = keys end return saved[1] end)\n"
	if _, err := e.LoadLibrary(lib, false); err != nil {
		t.Fatal(err)
	}
	call := func(fn string, keys []string, arg string) Reply {
		var ks [][]byte
		for _, k := range keys {
			ks = append(ks, []byte(k))
		}
		return e.ExecFunction(context.Background(), e.Function(fn), &Run{Name: fn, Keys: ks, Args: [][]byte{[]byte(arg)}, Caller: valueCaller{}})
	}
	for i, tc := range []struct {
		keys []string
		arg  string
		want int64
	}{{[]string{"a", "b"}, "add", 3}, {[]string{"a", "b"}, "", 2}, {[]string{"a"}, "", 1}, {nil, "add", 1}, {nil, "", 0}, {[]string{"a", "b", "c"}, "", 3}} {
		if r := call("count", tc.keys, tc.arg); r.Kind != Int || r.Int != tc.want {
			t.Fatalf("call %d of count %v %q: %+v, want %d", i, tc.keys, tc.arg, r, tc.want)
		}
	}
	for _, k := range []string{"first", "second"} {
		if r := call("keep", []string{k}, ""); r.Kind != Bulk || r.Str != "first" {
			t.Fatalf("keep %s: %+v, want first", k, r)
		}
	}
	if e.Function("keep").keys != nil || e.Function("count").keys == nil {
		t.Fatal("kept tables where the check should not, or did not where it should")
	}
}

// FuzzFCallKeptTables runs arbitrary function bodies three times with
// different keys and arguments on two engines, one keeping the tables
// from call to call where the bytecode check allows it and one making
// new tables for each call: every reply is the same on both.
func FuzzFCallKeptTables(f *testing.F) {
	for _, s := range []string{
		"return redis.call('GET', keys[1])", "if keys then keys[2] = 'x' end return #keys",
		"keys.y = (keys.y or 0) + 1 return keys.y", "keys[1] = nil return #keys + #args",
		"if saved == nil then saved = keys end return saved[1]", "return keys", "return {keys[1], args[1], #args}",
		"local k = keys return k[1]", "return table.concat(args, ',')", "args[#args + 1] = 'z' return args[#args]",
		"for i = 1, #keys do keys[i] = keys[i] .. '!' end return keys[1]", "setmetatable(keys, {}) return 1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		lib := "#!lua name=t\nlocal saved\nredis.register_function('f', function(keys, args) " + body + "\nend)"
		kept, fresh := New(), New()
		defer kept.Close()
		defer fresh.Close()
		if _, err := kept.LoadLibrary(lib, false); err != nil {
			return
		}
		if _, err := fresh.LoadLibrary(lib, false); err != nil {
			t.Fatalf("loads on one engine only: %v", err)
		}
		ff := fresh.Function("f")
		ff.keys, ff.args = nil, nil
		for i, in := range []struct{ keys, args []string }{
			{[]string{"a", "b"}, []string{"1"}}, {[]string{"c"}, nil}, {nil, []string{"2", "3", "4"}},
		} {
			run := func(e *Engine) (Reply, bool) {
				ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
				defer cancel()
				var ks, as [][]byte
				for _, k := range in.keys {
					ks = append(ks, []byte(k))
				}
				for _, a := range in.args {
					as = append(as, []byte(a))
				}
				r := e.ExecFunction(ctx, e.Function("f"), &Run{Name: "f", Keys: ks, Args: as, Caller: echoCaller{}})
				return r, ctx.Err() == nil
			}
			a, okA := run(kept)
			b, okB := run(fresh)
			if !okA || !okB {
				return // ran out of time: loops
			}
			if sa, sb := fmt.Sprintf("%+v", a), fmt.Sprintf("%+v", b); sa != sb && !strings.Contains(sa+sb, "0x") {
				t.Fatalf("call %d: kept tables %s, fresh %s", i, sa, sb)
			}
		}
	})
}

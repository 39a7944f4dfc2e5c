package script

import (
	"context"
	"fmt"
	"testing"
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

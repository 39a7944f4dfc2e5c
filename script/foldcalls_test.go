package script

import (
	"context"
	"reflect"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// foldSeeds are bounded scripts that call redis.call and redis.pcall in
// the ways the check follows, with replies and errors of every kind.
var foldSeeds = []string{
	"return redis.call('GET', KEYS[1])",
	"return redis.pcall('a', 'b', 'c', 'd')",
	"local call = redis.pcall\nreturn call('HGET', KEYS[1], 'f')",
	"local c = redis.call('INCR', KEYS[1])\nif c == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end\nreturn c",
	"if redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 1 end\nreturn 0",
	"return {redis.pcall('x'), redis.call('ab'), redis.pcall('abc', 'd')}",
	"\n\nreturn redis.call('abc', 'd')",
	"return redis.call()",
	"return redis.pcall()",
	"return redis.call('a', {})",
	"return redis['call']('a', 'b')",
	"local r = redis.pcall('abc', 'd')\nreturn r.err",
	"return redis.call('SET', KEYS[1], unpack(ARGV))",
	"local r = redis\nif ARGV[1] then r = redis end\nreturn r.call('GET', KEYS[1]), r.pcall('x')",
	"local r = redis\nlocal c = r.call\nreturn c('GET', KEYS[1]), r.LOG_DEBUG",
	"KEYS[1] = 'x'\nARGV[3] = KEYS[1]\nreturn {redis.call('GET', KEYS[1]), #ARGV, tonumber(ARGV[2] or '7') + 1}",
	"local k, a = KEYS[1], ARGV[1]\nKEYS[1], ARGV[1] = 'x', 'y'\nreturn {k, a, redis.call('GET', 'z')}",
	"local k = KEYS[1]\nKEYS[2] = 'x'\nARGV.y = 1\nreturn {k, #KEYS, ARGV[1], redis.call('GET', 'z')}",
	"return {KEYS[1], ARGV[1], ARGV[2], #KEYS, redis.pcall('x', KEYS[1]), type(ARGV), tostring(math.max(2, 3))}",
}

// runFolded runs body as it runs (redis.call folded) and with its loads
// of redis.call left as they are, each on its own engine, and fails when
// the replies differ. It reports whether the script had loads to fold.
func runFolded(t *testing.T, folded, plain *Engine, body string) bool {
	s, err := Compile(body)
	if err != nil || len(s.loads) == 0 {
		return false
	}
	u := *s
	u.loads, u.fn = nil, nil
	run := func(e *Engine, s *Script, key, arg string) Reply {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		return e.Exec(ctx, s, &Run{Name: s.SHA, Keys: [][]byte{[]byte(key)}, Args: [][]byte{[]byte(arg), []byte("bc")}, Caller: echoCaller{}})
	}
	// Twice: a run that changed KEYS or ARGV leaves the next one new tables.
	for _, ka := range [][2]string{{"k", "a"}, {"k2", "a2"}} {
		got, want := run(folded, s, ka[0], ka[1]), run(plain, &u, ka[0], ka[1])
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q with key %s: folded %+v, as written %+v", body, ka[0], got, want)
		}
	}
	return true
}

// TestFoldedCallsAnswerAlike: scripts whose loads of redis.call are
// constants answer as they do without (errors with their lines too),
// and the code run has them as constants.
func TestFoldedCallsAnswerAlike(t *testing.T) {
	folded, plain := NewWith(Config{DeprecatedAPI: true}), NewWith(Config{DeprecatedAPI: true})
	defer folded.Close()
	defer plain.Close()
	for _, body := range foldSeeds {
		if !runFolded(t, folded, plain, body) {
			t.Fatalf("%q: nothing folded", body)
		}
	}
	s, _ := Compile("return redis.call('GET', KEYS[1])")
	folded.Exec(context.Background(), s, &Run{Keys: [][]byte{[]byte("k")}, Caller: echoCaller{}})
	want := map[int]lua.LValue{} // what the loads of the code as written give
	for _, pc := range s.loads {
		inst := s.proto.Code[pc]
		if instOp(inst) == lua.OP_GETGLOBAL {
			want[pc] = folded.globals.RawGetString(string(s.proto.Constants[inst&0x3ffff].(lua.LString)))
		} else {
			want[pc] = folded.redisCall
			if op := instOp(s.fn.Proto.Code[pc-1]); op != lua.OP_NOP {
				t.Fatalf("instruction %d before the load of redis.call runs as op %d, want a NOP", pc-1, op)
			}
		}
	}
	for pc, v := range want {
		inst := s.fn.Proto.Code[pc]
		if instOp(inst) == lua.OP_NOP && want[pc+1] == folded.redisCall {
			continue // GETGLOBAL redis before redis.call
		}
		if instOp(inst) != lua.OP_LOADK || s.fn.Proto.Constants[inst&0x3ffff] != v {
			t.Fatalf("instruction %d runs as %#x, want a LOADK of %v", pc, inst, v)
		}
	}
	if len(want) != 3 { // redis (a NOP now), redis.call, KEYS
		t.Fatalf("%d loads folded, want 3", len(want))
	}
}

// FuzzFoldedCalls: arbitrary scripts answer alike with and without
// their loads of redis.call folded.
func FuzzFoldedCalls(f *testing.F) {
	for _, s := range foldSeeds {
		f.Add(s)
	}
	folded, plain := NewWith(Config{DeprecatedAPI: true}), NewWith(Config{DeprecatedAPI: true})
	defer folded.Close()
	defer plain.Close()
	f.Fuzz(func(t *testing.T, body string) {
		runFolded(t, folded, plain, body)
	})
}

// TestFoldedFunctionEnvironment: a library's function runs with redis.call
// as a constant only while its environment is the globals: once another
// function of its library gives it another one (setfenv), its redis is
// that one's.
func TestFoldedFunctionEnvironment(t *testing.T) {
	e := NewWith(Config{DeprecatedAPI: true})
	defer e.Close()
	if _, err := e.LoadLibrary("#!lua name=envlib\n"+
		"local function f(keys) return redis.call('GET', keys[1]) end\n"+
		"redis.register_function('f', f)\n"+
		"redis.register_function('g', function() setfenv(f, {redis = {call = function() return 'fake' end}}) return 'ok' end)", false); err != nil {
		t.Fatal(err)
	}
	if e.Function("f").fast == nil {
		t.Fatal("f has no folded form")
	}
	call := func(name string) Reply {
		return e.ExecFunction(context.Background(), e.Function(name), &Run{Name: name, Keys: [][]byte{[]byte("k")}, Caller: valueCaller{}})
	}
	for _, step := range []struct{ fn, want string }{{"f", "bar"}, {"g", "ok"}, {"f", "fake"}} {
		if r := call(step.fn); r.Str != step.want {
			t.Fatalf("FCALL %s = %+v, want %q", step.fn, r, step.want)
		}
	}
}

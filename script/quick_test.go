package script

import (
	"context"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// TestBoundedScripts: scripts in common use are quick, and any script
// that could loop, recurse, or reach a function that runs long or runs
// code of the script's is not.
func TestBoundedScripts(t *testing.T) {
	for _, tc := range []struct {
		body  string
		calls []string // nil: not bounded
	}{
		{"return redis.call('GET', KEYS[1])", []string{"GET"}},
		{"local c = redis.call('INCR', KEYS[1])\nif c == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end\n" +
			"if c > tonumber(ARGV[2]) then return 0 end\nreturn 1", []string{"INCR", "EXPIRE"}},
		{"if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end\nreturn 0", []string{"SET"}},
		{"if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end", []string{"get", "del"}},
		{"return redis.call('SET', KEYS[1], unpack(ARGV))", []string{"SET"}},
		{"local call = redis.pcall\nreturn call('HGET', KEYS[1], 'f')", []string{"HGET"}},
		{"local name = 'INCRBY'\nreturn redis.call(name, KEYS[1], ARGV[1] or 1)", []string{"INCRBY"}},
		{"local v = cjson.decode(ARGV[1])\nreturn cjson.encode({v.a, v['b'], #ARGV, ARGV[1]:upper(), string.format('%d', 3)})", []string{}},
		{"local t = {}\nt[1] = KEYS[1]\nt.x = math.max(1, 2)\ntable.insert(t, tostring(bit.band(3, 1)))\nreturn t", []string{}},
		{"return redis.status_reply('OK')", []string{}},
		{"redis.setresp(3)\nreturn redis.call('HGETALL', KEYS[1])", []string{"HGETALL"}},
		{"local x = ARGV[1] and ARGV[2] or 'd'\nreturn x .. 'y'", []string{}},
		{"return select('#', unpack(KEYS))", []string{}},
		{"return", []string{}},

		{"while true do end", nil},
		{"repeat until false", nil},
		{"for i = 1, 10 do redis.call('INCR', KEYS[1]) end", nil},
		{"for k, v in pairs(ARGV) do end", nil},
		{"local function f() return f() end\nreturn f()", nil},
		{"return (function() return 1 end)()", nil},
		{"return redis.call(ARGV[1], KEYS[1])", nil},
		{"return redis.call(unpack(ARGV))", nil},
		{"local t = {redis.call}\nreturn t[1]('GET', 'x')", nil},
		{"return select(1, redis.call)('GET', ARGV[1])", nil},
		{"local s = string\nreturn s.rep('x', 1e9)", nil},
		{"return string.rep('x', 10)", nil},
		{"return string['rep']('x', 10)", nil},
		{"return ARGV[1]:rep(1e9)", nil},
		{"local f = ARGV[1].rep\nreturn f(ARGV[1], 1e9)", nil},
		{"return ('x'):gsub('.', tostring)", nil},
		{"return string.find(ARGV[1], ARGV[2])", nil},
		{"return KEYS[1][ARGV[1]]", nil},
		{"local t = cjson.decode(ARGV[1])\nreturn t[ARGV[2]]", nil},
		{"return loadstring('while true do end')()", nil},
		{"return pcall(redis.call, 'GET', 'x')", nil},
		{"setmetatable({}, {})", nil},
		{"return table.sort(KEYS)", nil},
		{"return rawget(_G, 'x')", nil},
		{"return getfenv(0)", nil},
		{"return coroutine.wrap(print)()", nil},
		{"return next(string)", nil},
		{"x = 1", nil},
		{"return redis", nil},
		{"return tostring(string)", nil},
		{"local r = redis\nreturn r:call('GET', 'x')", nil},
		{"return redis.breakpoint()", nil},
		{"return struct.pack('c100', 'x')", nil},
		{"local t = string\nif ARGV[1] then t = KEYS end\nreturn t.rep('x', 9)", nil},
		{"local c = redis.call\nif ARGV[1] then c = tostring end\nreturn c(ARGV[1])", nil},
	} {
		s, err := Compile(tc.body)
		if err != nil {
			t.Fatalf("%q: %v", tc.body, err)
		}
		if got, want := s.bounded, tc.calls != nil; got != want {
			t.Errorf("%q: bounded %v, want %v", tc.body, got, want)
			continue
		}
		var names []string
		for _, c := range s.calls {
			names = append(names, c.Name)
		}
		if tc.calls != nil && !slices.Equal(names, tc.calls) && !(len(names) == 0 && len(tc.calls) == 0) {
			t.Errorf("%q: calls %q, want %q", tc.body, names, tc.calls)
		}
	}
}

// TestBoundedCallArgs: the check tells which arguments of redis.call
// are declared keys (KEYS[i], a function's keys[i]) and which are
// constants, and none is a declared key once KEYS may have changed.
func TestBoundedCallArgs(t *testing.T) {
	key := func(i int) CallArg { return CallArg{Key: i} }
	con := func(s string) CallArg { return CallArg{Const: s, IsConst: true} }
	for _, tc := range []struct {
		body string
		want []Call
	}{
		{"return redis.call('GET', KEYS[1])", []Call{{Name: "GET", Args: []CallArg{key(1)}}}},
		{"redis.call('SET', KEYS[2], ARGV[1], 'EX', 10)", []Call{{Name: "SET", Args: []CallArg{key(2), {}, con("EX"), {}}}}},
		{"local k = KEYS[1]\nreturn redis.pcall('GET', k)", []Call{{Name: "GET", Args: []CallArg{key(1)}}}},
		{"return redis.call('GET', 'fixed')", []Call{{Name: "GET", Args: []CallArg{con("fixed")}}}},
		{"return redis.call('GET', KEYS[ARGV[1]])", []Call{{Name: "GET", Args: []CallArg{{}}}}},
		{"return redis.call('MGET', KEYS[1], unpack(ARGV))", []Call{{Name: "MGET", Args: []CallArg{key(1)}, More: true}}},
		{"local k = ARGV[1] and KEYS[1] or KEYS[2]\nreturn redis.call('GET', k)", []Call{{Name: "GET", Args: []CallArg{{}}}}},
		{"if #KEYS > 1 and KEYS[2] then return redis.call('GET', KEYS[2]) end", []Call{{Name: "GET", Args: []CallArg{key(2)}}}},
		{"KEYS[1] = ARGV[1]\nreturn redis.call('GET', KEYS[1])", []Call{{Name: "GET", Args: []CallArg{{}}}}},
		{"local t = KEYS\nt[1] = 'x'\nreturn redis.call('GET', KEYS[1])", []Call{{Name: "GET", Args: []CallArg{{}}}}},
		{"table.insert(KEYS, 'x')\nreturn redis.call('GET', KEYS[1])", []Call{{Name: "GET", Args: []CallArg{{}}}}},
		{"redis.call('DEL', unpack(KEYS))\nreturn redis.call('GET', KEYS[1])", []Call{{Name: "DEL", More: true}, {Name: "GET", Args: []CallArg{{}}}}},
		{"local t = ARGV[1] and KEYS or {}\nt[1] = 'x'\nreturn redis.call('GET', KEYS[1])", []Call{{Name: "GET", Args: []CallArg{{}}}}},
	} {
		s, err := Compile(tc.body)
		if err != nil {
			t.Fatalf("%q: %v", tc.body, err)
		}
		if !s.bounded || fmt.Sprint(s.calls) != fmt.Sprint(tc.want) {
			t.Errorf("%q: bounded %v, calls %+v; want %+v", tc.body, s.bounded, s.calls, tc.want)
		}
	}
}

// TestVerdicts: scripts and functions get the judge's verdict on their
// calls when their bytecode is bounded, none otherwise; a function's
// declared keys are its first parameter's, not KEYS.
func TestVerdicts(t *testing.T) {
	e := New()
	defer e.Close()
	if s, _ := e.Load("return redis.call('GET', KEYS[1])"); s.Verdict.Quick {
		t.Fatal("quick without a judge")
	}
	e = New()
	defer e.Close()
	// The judge: BLPOP is not for quick scripts; Keys when every first
	// argument is a declared key; Mask counts the calls.
	e.SetJudge(func(calls []Call) Verdict {
		v := Verdict{Quick: true, Keys: true, Mask: uint64(len(calls))}
		for _, c := range calls {
			if strings.EqualFold(c.Name, "blpop") {
				return Verdict{}
			}
			if len(c.Args) == 0 || c.Args[0].Key == 0 {
				v.Keys = false
			}
		}
		return v
	})
	for body, want := range map[string]Verdict{
		"return redis.call('get', KEYS[1])":                      {Quick: true, Keys: true, Mask: 1},
		"return redis.call('BLPOP', KEYS[1], 0)":                 {},
		"while true do end":                                      {},
		"return redis.pcall('bLpOp', KEYS[1], 0)":                {},
		"redis.call('SET', KEYS[1], 'x') redis.call('GET', 'y')": {Quick: true, Mask: 2},
		"return {redis.call('GET', KEYS[2]), #ARGV}":             {Quick: true, Keys: true, Mask: 1},
		"local i = 0 repeat i = i + 1 until i > 3":               {},
	} {
		s, err := e.Load(body)
		if err != nil {
			t.Fatal(err)
		}
		if s.Verdict != want {
			t.Errorf("%q: %+v, want %+v", body, s.Verdict, want)
		}
	}
	if _, err := e.LoadLibrary("#!lua name=lib\n"+
		"local function helper(k) return redis.call('GET', k) end\n"+
		"redis.register_function('get', function(keys, args) return redis.call('GET', keys[1]) end)\n"+
		"redis.register_function('global', function(keys, args) return redis.call('GET', KEYS[1]) end)\n"+
		"redis.register_function('viahelper', function(keys, args) return helper(keys[1]) end)\n"+
		"redis.register_function('loop', function(keys, args) for i = 1, #args do end end)\n"+
		"redis.register_function('pop', function(keys, args) return redis.call('BLPOP', keys[1], 0) end)\n"+
		"redis.register_function('args', function(keys, args) return {keys[1], args[1], #args} end)\n", false); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]Verdict{
		"get": {Quick: true, Keys: true, Mask: 1}, "global": {Quick: true, Mask: 1}, "viahelper": {}, "loop": {}, "pop": {},
		"args": {Quick: true, Keys: true},
	} {
		if f := e.Function(name); f.Verdict != want {
			t.Errorf("function %s: %+v, want %+v", name, f.Verdict, want)
		}
	}
}

// TestStringMethodsCovered: every function of the string library (which
// any string's methods reach) is either allowed or refused by name, so a
// library function added to it is not reachable unchecked.
func TestStringMethodsCovered(t *testing.T) {
	L := lua.NewState()
	defer L.Close()
	var names []string
	if lib, ok := L.GetGlobal("string").(*lua.LTable); ok {
		lib.ForEach(func(k, _ lua.LValue) { names = append(names, k.String()) })
	}
	if len(names) < 10 {
		t.Fatalf("string library: %d names found", len(names))
	}
	for _, n := range names {
		if !quickFields["string"][n] && !stringOnly[n] {
			t.Errorf("string.%s is neither allowed nor refused", n)
		}
	}
	e := New()
	defer e.Close()
	for _, lib := range []string{"redis", "string", "table", "math", "cjson", "cmsgpack", "bit"} {
		for f := range quickFields[lib] {
			v := e.L.DoString(fmt.Sprintf("assert(%s.%s ~= nil)", lib, f))
			if v != nil {
				t.Errorf("%s.%s: %v", lib, f, v)
			}
		}
	}
}

// stepCtx is a context whose Done, which gopher-lua calls once before
// each instruction it runs, counts the instructions and ends the run
// after max of them.
type stepCtx struct {
	context.Context
	n, max int
	over   chan struct{}
}

func newStepCtx(max int) *stepCtx {
	c := &stepCtx{Context: context.Background(), max: max, over: make(chan struct{})}
	close(c.over)
	return c
}

func (c *stepCtx) Done() <-chan struct{} {
	c.n++
	if c.n > c.max {
		return c.over
	}
	return nil
}

func (c *stepCtx) Err() error {
	if c.n > c.max {
		return context.DeadlineExceeded
	}
	return nil
}

// checkBounded runs s, which the check found bounded, and fails when it
// runs any instruction twice in all (more instructions than its code
// has) or takes long.
func checkBounded(t *testing.T, e *Engine, s *Script) {
	t.Helper()
	ctx := newStepCtx(len(s.proto.Code))
	start := time.Now()
	r := e.Exec(ctx, s, &Run{Name: s.SHA, Keys: [][]byte{[]byte("k"), []byte("l")},
		Args: [][]byte{[]byte("1"), []byte("ab"), []byte("{\"a\":1}")}, Caller: echoCaller{}})
	if ctx.n > len(s.proto.Code) {
		t.Fatalf("bounded script ran more than its %d instructions (%q): %q", len(s.proto.Code), r.Str, s.Body)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("bounded script ran %v: %q", d, s.Body)
	}
}

// FuzzBounded compiles random Lua (the fuzzer's bytes as text, and as the
// choices of a generator of scripts with loops, closures, globals and
// method calls) and runs every script the check finds bounded, under an
// instruction count: none may run more instructions than its code has.
func FuzzBounded(f *testing.F) {
	for _, s := range []string{
		"return redis.call('GET', KEYS[1])", "while true do end", "local t = {1,2,3} return #t",
		"if ARGV[1] then return 1 elseif ARGV[2] then return 2 else return 3 end",
		"return ARGV[1]:upper() .. ARGV[2]:sub(1, 1)", "local a, b = 1 return a and b or (a or b)",
		"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c", "\xff\xfe\xfd\x10\x20\x30\x40\x50\x60\x70",
	} {
		f.Add(s)
	}
	e := NewWith(Config{DeprecatedAPI: true}) // the generator reads getfenv
	defer e.Close()
	f.Fuzz(func(t *testing.T, in string) {
		for _, body := range []string{in, genLua(in)} {
			s, err := Compile(body)
			if err != nil || !s.bounded {
				continue
			}
			checkBounded(t, e, s)
		}
	})
}

// genLua turns seed into a Lua chunk: each byte picks the next piece of
// the grammar below.
func genLua(seed string) string {
	g := &luaGen{in: []byte(seed)}
	g.block(0)
	return g.out.String()
}

type luaGen struct {
	in   []byte
	pos  int
	out  strings.Builder
	vars int
}

func (g *luaGen) pick(n int) int {
	if g.pos >= len(g.in) {
		return 0
	}
	b := g.in[g.pos]
	g.pos++
	return int(b) % n
}

func (g *luaGen) w(s ...string) {
	for _, x := range s {
		g.out.WriteString(x)
	}
}

func (g *luaGen) block(depth int) {
	for n := g.pick(4) + 1; n > 0 && g.pos < len(g.in); n-- {
		g.stat(depth)
	}
}

func (g *luaGen) stat(depth int) {
	if depth > 4 {
		g.w("local _ = ", g.expr(depth), "\n")
		return
	}
	switch g.pick(14) {
	case 0:
		g.w("local v", fmt.Sprint(g.vars), " = ", g.expr(depth), "\n")
		g.vars++
	case 1:
		g.w(g.variable(), " = ", g.expr(depth), "\n")
	case 2:
		g.w("if ", g.expr(depth), " then\n")
		g.block(depth + 1)
		if g.pick(2) == 0 {
			g.w("else\n")
			g.block(depth + 1)
		}
		g.w("end\n")
	case 3:
		g.w("while ", g.expr(depth), " do\n")
		g.block(depth + 1)
		g.w("end\n")
	case 4:
		g.w("for i = 1, ", g.expr(depth), " do\n")
		g.block(depth + 1)
		g.w("end\n")
	case 5:
		g.w("repeat\n")
		g.block(depth + 1)
		g.w("until ", g.expr(depth), "\n")
	case 6:
		g.w("local function f", fmt.Sprint(depth), "()\n")
		g.block(depth + 1)
		g.w("end\n")
	case 7:
		g.w("do\n")
		g.block(depth + 1)
		g.w("end\n")
	case 8:
		g.w("return ", g.expr(depth), "\n")
	case 9:
		g.w(g.call(depth), "\n")
	case 10:
		g.w("for k, v in pairs(", g.expr(depth), ") do\n")
		g.block(depth + 1)
		g.w("end\n")
	case 11:
		g.w("local t", fmt.Sprint(depth), " = ", g.expr(depth), "\n")
	default:
		g.w("local _ = ", g.expr(depth), "\n")
	}
}

var (
	genGlobals = []string{"redis", "string", "table", "math", "cjson", "bit", "KEYS", "ARGV", "tonumber", "tostring",
		"type", "select", "unpack", "assert", "error", "pcall", "loadstring", "setmetatable", "getfenv", "_G", "pairs",
		"next", "rawget", "coroutine", "struct", "cmsgpack", "f0", "f1", "xpcall"}
	genFields = []string{"call", "pcall", "rep", "sub", "upper", "gsub", "find", "format", "len", "insert", "concat",
		"sort", "max", "floor", "encode", "decode", "band", "wrap", "status_reply", "x", "1"}
)

func (g *luaGen) variable() string {
	if g.vars > 0 && g.pick(2) == 0 {
		return "v" + fmt.Sprint(g.pick(g.vars))
	}
	return genGlobals[g.pick(len(genGlobals))]
}

func (g *luaGen) call(depth int) string {
	fn := g.expr(depth + 1)
	switch g.pick(4) {
	case 0:
		return "redis.call('" + []string{"GET", "SET", "INCR", "x"}[g.pick(4)] + "', " + g.expr(depth+1) + ")"
	case 1:
		return g.expr(depth+1) + ":" + genFields[g.pick(len(genFields))] + "(" + g.expr(depth+1) + ")"
	}
	return "(" + fn + ")(" + g.expr(depth+1) + ", " + g.expr(depth+1) + ")"
}

func (g *luaGen) expr(depth int) string {
	if depth > 5 {
		return fmt.Sprint(g.pick(10))
	}
	switch g.pick(16) {
	case 0:
		return fmt.Sprint(g.pick(100))
	case 1:
		return "'" + []string{"a", "GET", "rep", "1", ""}[g.pick(5)] + "'"
	case 2:
		return "KEYS[" + fmt.Sprint(g.pick(3)) + "]"
	case 3:
		return "ARGV[" + fmt.Sprint(g.pick(4)) + "]"
	case 4:
		return g.variable()
	case 5:
		return "(" + g.expr(depth+1) + " " + []string{"+", "..", "==", "<", "and", "or", "*"}[g.pick(7)] + " " + g.expr(depth+1) + ")"
	case 6:
		return "#" + g.expr(depth+1)
	case 7:
		return "{" + g.expr(depth+1) + ", " + g.expr(depth+1) + "}"
	case 8:
		return g.expr(depth+1) + "[" + g.expr(depth+1) + "]"
	case 9:
		return g.expr(depth+1) + "." + genFields[g.pick(len(genFields)-1)]
	case 10:
		return g.call(depth + 1)
	case 11:
		return "function() return " + g.expr(depth+1) + " end"
	case 12:
		return "not " + g.expr(depth+1)
	case 13:
		return "..."
	}
	return "nil"
}

// TestBoundedGenerated runs the generator of FuzzBounded on fixed seeds:
// many of its scripts are found bounded, and each of them runs within its
// instruction count.
func TestBoundedGenerated(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	e := NewWith(Config{DeprecatedAPI: true}) // the generator reads getfenv
	defer e.Close()
	compiled, bounded := 0, 0
	for range 5000 {
		b := make([]byte, 10+rng.Intn(60))
		rng.Read(b)
		s, err := Compile(genLua(string(b)))
		if err != nil {
			continue
		}
		compiled++
		if s.bounded {
			bounded++
			checkBounded(t, e, s)
		}
	}
	if bounded < compiled/10 || bounded == compiled {
		t.Fatalf("%d of %d generated scripts bounded: the generator tests nothing", bounded, compiled)
	}
}

package script

import (
	"math"
	"math/rand"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// Where gopher-lua's standard library differs from the Lua 5.1 that
// Redis embeds, in ways scripts can see:
//
//   - math.random and math.randomseed use a generator of the state's own
//     (gopher-lua's share the process's), and randomseed takes what
//     Lua's luaL_checkint takes: a number or a string that reads as one.
//   - string.dump returns a binary chunk header instead of failing;
//     loadstring refuses binary chunks (as Redis's Lua does), so
//     loadstring(string.dump(f)) is nil.
//   - calling nil, a boolean or a number fails with Lua 5.1's "attempt to
//     call a nil value" or "attempt to call field 'f' (a nil value)"
//     (gopher-lua says "attempt to call a non-function object" whatever
//     the value): those types get a metatable whose __call raises it
//     (callname.go), which getmetatable does not show. Indexing them, or
//     a function or a coroutine, fails with Lua 5.1's "attempt to index
//     global 'x' (a nil value)" or "attempt to index a nil value" (gopher-lua
//     says "attempt to index a non-table object(nil) with key 'k'"), by
//     their metatables' __index and __newindex (indexname.go).
//   - unpack takes Lua 5.1's 32-bit indexes and returns at most what Lua's
//     C stack holds, failing with "too many results to unpack" past it
//     (gopher-lua's would push each of 2^31 values), with the fix of
//     CVE-2025-46817 for ranges whose length overflows.

// openCompat replaces those functions in the math and string tables of
// g (before the globals are protected).
func openCompat(L *lua.LState, g *lua.LTable, e *Engine) {
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	g.RawSetString("unpack", L.NewFunction(unpack))
	if f, ok := g.RawGetString("tonumber").(*lua.LFunction); ok && f.IsG {
		g.RawSetString("tonumber", L.NewFunction(fastToNumber(f.GFunction)))
	}
	if m, ok := g.RawGetString("math").(*lua.LTable); ok {
		m.RawSetString("random", L.NewFunction(func(L *lua.LState) int { return mathRandom(L, rng) }))
		m.RawSetString("randomseed", L.NewFunction(func(L *lua.LState) int {
			rng.Seed(int64(checkInt(L, 1, "randomseed")))
			return 0
		}))
	}
	if s, ok := g.RawGetString("string").(*lua.LTable); ok {
		s.RawSetString("dump", L.NewFunction(func(L *lua.LState) int {
			L.CheckFunction(1)
			L.Push(lua.LString("\x1bLuaQ\x00"))
			return 1
		}))
	}
	openCallErrors(L, g, e)
}

// openCallErrors gives nil, booleans, numbers, functions and coroutines
// a metatable whose __index and __newindex raise Lua 5.1's error for
// indexing them, and whose __call (but a function's) raises its error
// for calling them; getmetatable returns nil for them as Lua 5.1 does,
// so no script can change them.
func openCallErrors(L *lua.LState, g *lua.LTable, e *Engine) {
	// (Values of each type: SetMetatable sets the metatable of the type.)
	for _, v := range []lua.LValue{lua.LNil, lua.LFalse, lua.LNumber(0), L.NewFunction(nil), new(lua.LState)} {
		typ := v.Type().String()
		mt := L.CreateTable(0, 3)
		if v.Type() != lua.LTFunction {
			mt.RawSetString("__call", L.NewFunction(func(L *lua.LState) int {
				L.RaiseError("%s", callError(L, typ))
				return 0
			}))
		}
		index := L.NewFunction(func(L *lua.LState) int {
			L.RaiseError("%s", e.indexError(L, typ, L.Get(2)))
			return 0
		})
		mt.RawSetString("__index", index)
		mt.RawSetString("__newindex", index)
		L.SetMetatable(v, mt)
	}
	get, ok := g.RawGetString("getmetatable").(*lua.LFunction)
	if !ok {
		return
	}
	g.RawSetString("getmetatable", L.NewFunction(func(L *lua.LState) int {
		switch L.Get(1).Type() {
		case lua.LTNil, lua.LTBool, lua.LTNumber, lua.LTFunction, lua.LTThread:
			L.CheckAny(1)
			L.Push(lua.LNil)
			return 1
		}
		L.Push(get)
		L.Push(L.Get(1))
		L.Call(1, 1)
		return 1
	}))
}

// unpack is Lua 5.1's unpack(t, i, j): t[i], ..., t[j], i 1 and j #t by
// default.
func unpack(L *lua.LState) int {
	t, ok := L.Get(1).(*lua.LTable)
	if !ok {
		typeError(L, 1, "unpack", "table")
	}
	i := optInt(L, 2, "unpack", 1)
	var j int
	if L.Get(3) == lua.LNil {
		j = t.Len()
	} else {
		j = checkInt(L, 3, "unpack")
	}
	if i > j {
		return 0
	}
	// Their difference as Redis's patched Lua takes it: unsigned, so that
	// no range overflows into a small or negative count.
	n := uint32(j) - uint32(i)
	if n >= math.MaxInt32 || int(n)+1+L.GetTop() > luaMaxCStack {
		L.RaiseError("too many results to unpack")
	}
	for k := range int(n) + 1 {
		L.Push(t.RawGetInt(i + k))
	}
	return int(n) + 1
}

// mathRandom is Lua 5.1's math.random: a float in [0,1), an integer in
// [1,m] or in [m,n].
func mathRandom(L *lua.LState, rng *rand.Rand) int {
	lo, hi := 1, 0
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(rng.Float64()))
		return 1
	case 1:
		hi = checkInt(L, 1, "random")
		if hi < 1 {
			argError(L, 1, "random", "interval is empty")
		}
	case 2:
		lo, hi = checkInt(L, 1, "random"), checkInt(L, 2, "random")
		if lo > hi {
			argError(L, 2, "random", "interval is empty")
		}
	default:
		L.RaiseError("wrong number of arguments")
	}
	L.Push(lua.LNumber(lo + rng.Intn(hi-lo+1)))
	return 1
}

// fastToNumber wraps tonumber: a lone argument that is a string of
// decimal digits (with a minus sign or not), what scripts pass their
// limits and counts as, reads without the general parse; anything else
// goes to tonumber.
func fastToNumber(tonumber lua.LGFunction) lua.LGFunction {
	return func(L *lua.LState) int {
		if L.GetTop() == 1 {
			if s, ok := L.Get(1).(lua.LString); ok {
				if n, ok := decimalInt(string(s)); ok {
					L.Push(lua.LNumber(n))
					return 1
				}
			}
		}
		return tonumber(L)
	}
}

// decimalInt reads s when it is 1 to 15 decimal digits, with a leading
// minus sign or not (exact as a float64).
func decimalInt(s string) (int64, bool) {
	neg := len(s) > 0 && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 15 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

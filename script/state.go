package script

import (
	lua "github.com/yuin/gopher-lua"
)

// deprecatedAPI are the base functions Redis gives scripts only with
// lua-enable-deprecated-api (CVE-2025-46818): with them a script can
// change the environment of functions it did not write, or run code when
// a value is collected.
var deprecatedAPI = []string{"setfenv", "getfenv", "newproxy"}

// newState makes the sandboxed state scripts run in: base (without file
// access, loading code or print, and without deprecatedAPI unless cfg
// asks), string, table, math, coroutine, cjson, cmsgpack, struct, bit and
// redis; no os, io, debug or package. Globals are read-only once set up:
// creating one fails as in Redis 7, and reading one that does not exist
// fails too.
func newState(e *Engine, cfg Config) *lua.LState {
	L := lua.NewState(lua.Options{SkipOpenLibs: true, CallStackSize: 256, RegistrySize: 1024 * 16, RegistryMaxSize: 1024 * 1024})
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
		{lua.CoroutineLibName, lua.OpenCoroutine},
	} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	g := L.G.Global
	openCompat(L, g, e)
	for _, name := range []string{"dofile", "loadfile", "load", "require", "module", "print",
		"_printregs", "_GOPHER_LUA_VERSION"} {
		g.RawSetString(name, lua.LNil)
	}
	if !cfg.DeprecatedAPI {
		for _, name := range deprecatedAPI {
			g.RawSetString(name, lua.LNil)
		}
	}
	g.RawSetString("redis", redisLib(L, e))
	g.RawSetString("cjson", cjsonLib(L))
	g.RawSetString("bit", bitLib(L))
	g.RawSetString("cmsgpack", cmsgpackLib(L))
	g.RawSetString("struct", structLib(L))
	g.RawSetString("KEYS", L.NewTable())
	g.RawSetString("ARGV", L.NewTable())
	e.globals, e.globalsMeta = protect(L, g)
	e.loadAPI = loadAPI(L, e)
	e.protectLibs(L, e.globalsMeta)
	e.hideBacking(L)
	return L
}

// protect makes the globals table g read-only, as Redis 7 protects it:
// its fields move to a backing table g reads through, assigning any
// global fails, and so does reading one that does not exist. It returns
// the backing table (where KEYS and ARGV are set for each run) and g's
// metatable (FUNCTION LOAD points its __index elsewhere while a library
// registers its functions).
func protect(L *lua.LState, g *lua.LTable) (*lua.LTable, *lua.LTable) {
	backing := L.NewTable()
	var keys []lua.LValue
	g.ForEach(func(k, v lua.LValue) {
		backing.RawSet(k, v)
		keys = append(keys, k)
	})
	for _, k := range keys {
		g.RawSet(k, lua.LNil)
	}
	mt := readonlyMeta(L, backing)
	L.SetMetatable(g, mt)
	return backing, mt
}

package node

import (
	"strings"
	"testing"
)

// The sandbox changes of Debian's redis-server 7.0.15 (its security
// patches): each test compares vcache's replies with a live redis-server's.

// deprecatedScripts use setfenv, getfenv and newproxy as Redis's tests of
// lua-enable-deprecated-api do.
var deprecatedScripts = []string{
	"local f = function() return 1 end setfenv(f, {}) return 0",
	"local f = function() return 1 end getfenv(f) return 0",
	"getmetatable(newproxy(true)).__gc = function() return 1 end return 0",
	"return type(setfenv) .. type(getfenv) .. type(newproxy)",
}

// deprecatedLibrary registers a function running each of
// deprecatedScripts.
func deprecatedLibrary() string {
	lib := "#!lua name=deprecated\n"
	for i, body := range deprecatedScripts {
		lib += "redis.register_function('f" + string(rune('0'+i)) + "', function() " + body + " end)\n"
	}
	return lib
}

// TestDeprecatedLuaAPIAsRedis (CVE-2025-46818): scripts and functions
// have no setfenv, getfenv or newproxy unless the server started with
// lua-enable-deprecated-api yes, a hidden parameter CONFIG GET shows only
// by its name and CONFIG SET refuses.
func TestDeprecatedLuaAPIAsRedis(t *testing.T) {
	for _, enabled := range []bool{false, true} {
		t.Run(map[bool]string{false: "no", true: "yes"}[enabled], func(t *testing.T) {
			var extra []string
			if enabled {
				extra = []string{"--lua-enable-deprecated-api", "yes"}
			}
			ref := (&testNode{addr: startRedisServer(t, extra...).Options().Addr}).raw(t)
			vc := startNode(t, func(c *Config) { c.LuaEnableDeprecatedAPI = enabled }).raw(t)
			var cmds [][]string
			for i, body := range deprecatedScripts {
				cmds = append(cmds, []string{"EVAL", body, "0"}, []string{"FCALL", "f" + string(rune('0'+i)), "0"})
			}
			cmds = append([][]string{{"FUNCTION", "LOAD", deprecatedLibrary()}}, cmds...)
			cmds = append(cmds,
				[]string{"CONFIG", "GET", "lua-enable-deprecated-api"},
				[]string{"CONFIG", "GET", "LUA-ENABLE-DEPRECATED-API"},
				[]string{"CONFIG", "SET", "lua-enable-deprecated-api", "yes"},
				[]string{"CONFIG", "SET", "lua-enable-deprecated-api", "no"},
				[]string{"CONFIG", "GET", "lua-enable-deprecated-*"})
			sameAsRedis(t, vc, ref, cmds...)
			if all := vc.exact("CONFIG", "GET", "*"); strings.Contains(all, "lua-enable-deprecated-api") {
				t.Error("CONFIG GET * shows lua-enable-deprecated-api")
			}
		})
	}
}

// TestBasicTypeMetatablesReadOnlyAsRedis (CVE-2025-46818): a script or
// function cannot change the metatable of strings, numbers, booleans,
// nil, functions or coroutines: either it has none or it is read-only,
// with Redis's errors.
func TestBasicTypeMetatablesReadOnlyAsRedis(t *testing.T) {
	ref := (&testNode{addr: startRedisServer(t).Options().Addr}).raw(t)
	vc := startNode(t, nil).raw(t)
	bodies := []string{
		"getmetatable(nil).__index = function() return 1 end",
		"getmetatable('').__index = function() return 1 end",
		"getmetatable(123.222).__index = function() return 1 end",
		"getmetatable(true).__index = function() return 1 end",
		"getmetatable(function() return 1 end).__index = function() return 1 end",
		"getmetatable(coroutine.create(function() return 1 end)).__index = function() return 1 end",
		"getmetatable('').__newindex = function() return 1 end",
		"rawset(getmetatable(''), '__index', {})",
		"setmetatable(getmetatable(''), {})",
		"return {type(getmetatable('')), type(getmetatable(1)), type(getmetatable(type))}",
		"return ('x'):rep(3)",
		"setmetatable(1, {__index = function() return 'x' end})",
		"setmetatable(function() end, {__index = function() return 'x' end})",
		"setmetatable(coroutine.create(function() end), {})",
		"setmetatable(true, {})",
		"setmetatable(nil, {})",
		"setmetatable('', {})",
		"setmetatable()",
		"return setmetatable({}, 1)",
		"return {pcall(function() return (5).x end)}",
		"return {pcall(function() return (type).x end)}",
	}
	lib := "#!lua name=meta\n"
	var cmds [][]string
	for i, body := range bodies {
		cmds = append(cmds, []string{"EVAL", body, "0"})
		lib += "redis.register_function('m" + string(rune('a'+i)) + "', function() " + body + " end)\n"
	}
	cmds = append(cmds, []string{"FUNCTION", "LOAD", lib})
	for i := range bodies {
		cmds = append(cmds, []string{"FCALL", "m" + string(rune('a'+i)), "0"})
	}
	sameAsRedis(t, vc, ref, cmds...)
}

// TestUnpackAsRedis (CVE-2025-46817): unpack over a range that would
// overflow, or that holds more values than Lua's C stack, fails with "too
// many results to unpack"; other ranges give their values, nils included.
func TestUnpackAsRedis(t *testing.T) {
	ref := (&testNode{addr: startRedisServer(t).Options().Addr}).raw(t)
	vc := startNode(t, nil).raw(t)
	const toList = `local function unpack_to_list(t, i, j)
  local n, v = select('#', unpack(t, i, j)), {unpack(t, i, j)}
  for i = 1, n do v[i] = v[i] or '_NIL_' end
  v.n = n
  return v
end
`
	var cmds [][]string
	for _, body := range []string{
		"return {unpack({1,2,3}, -2, 2147483647)}",
		"return {unpack({1,2,3}, 0, 2147483647)}",
		"return {unpack({1,2,3}, -2147483648, -2)}",
		"return {unpack({1,2,3}, -1, -2)}",
		"return {unpack({1,2,3}, 1, -1)}",
		toList + "return unpack_to_list({1,2,3}, -1, 5)",
		toList + "return unpack_to_list({1,2,3}, -2147483648, -2147483646)",
		"return {unpack({1,2,3})}",
		"return {unpack({1,2,3}, 2)}",
		"return {unpack({1,2,3}, '2', 3.7)}",
		"return select('#', unpack({}, 1, 7997))",
		"return select('#', unpack({}, 1, 7998))",
		"return select('#', unpack({}, 1, 7999))",
		"return select('#', unpack({}, 1, 8000))",
		"return select('#', unpack({}, -3999, 3999))",
		"return select('#', unpack({}, 2147483647, 2147483647))",
		"return select('#', unpack({}, 4294967296, 4294967297))",
		"return unpack({1,2,3}, 'x')",
		"return unpack({1,2,3}, 1, {})",
		"return unpack('abc')",
		"return unpack()",
		"return pcall(unpack, {}, 1, 1e9)",
	} {
		cmds = append(cmds, []string{"EVAL", body, "0"})
	}
	sameAsRedis(t, vc, ref, cmds...)
}

// TestIndexErrorsAsRedis: indexing nil, a boolean, a number, a function
// or a coroutine fails with Lua 5.1's words, naming what was indexed
// (local, global, field, upvalue) as Lua 5.1 does.
func TestIndexErrorsAsRedis(t *testing.T) {
	ref := (&testNode{addr: startRedisServer(t).Options().Addr}).raw(t)
	vc := startNode(t, nil).raw(t)
	var cmds [][]string
	for _, body := range []string{
		"local t t.x = 1",
		"local t = {} return t.a.b",
		"local t = {} t.a.b = 1",
		"return (type).x",
		"type.x = 1",
		"local u local function f() return u.x end return f()",
		"local s = 5 return s:foo()",
		"return KEYS[5].x",
		"local k = 'a' local t = {} return t[k].x",
		"return ('x').y.z",
		"local b = true return b[1]",
		"local co = coroutine.create(function() end) return co.x",
		"return {pcall(function() local t return t.x end)}",
		"local t = {} local x = t.a return x.y",
	} {
		cmds = append(cmds, []string{"EVAL", body, "0"})
	}
	sameAsRedis(t, vc, ref, cmds...)
}

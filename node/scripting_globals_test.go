package node

import (
	"context"
	"strings"
	"testing"

	"github.com/vcache/vcache/script"
)

// TestScriptGlobalsStayReadOnly: scripts that assign no global read
// their globals straight from where they live; the globals stay
// read-only to them all the same, with Redis's errors (redis-server
// 7.0.15's texts for the scripts it can run), getfenv included when
// lua-enable-deprecated-api gives it.
func TestScriptGlobalsStayReadOnly(t *testing.T) {
	tn := startNode(t, func(c *Config) { c.LuaEnableDeprecatedAPI = true })
	ctx := context.Background()
	c := tn.client(t)
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	const readonly = "ERR user_script:1: Attempt to modify a readonly table script: "
	for _, tc := range []struct{ body, want string }{
		{"return nonexistent", "ERR user_script:1: Script attempted to access nonexistent global variable 'nonexistent' script: "},
		{"redis = 1", readonly},
		{"local function f() y = 2 end f()", readonly},
		{"getfenv(1).x = 1", readonly},
		{"getfenv().KEYS = 1", readonly},
		{"local function f() getfenv(1).redis = nil end f()", readonly},
		{"rawset(getfenv(1), 'x', 1)", "ERR Attempt to modify a readonly table script: "},
		{"setmetatable(getfenv(1), {})", "ERR Attempt to modify a readonly table script: "},
		{"return tostring(getfenv(1) == _G) .. tostring(getfenv() == _G) .. tostring(getfenv(0) == _G)", "truetruetrue"},
		{"local function f() return getfenv(1) == _G end return tostring(f())", "true"},
		{"local function f() return redis.call('GET', KEYS[1]) end return f()", "v"},
		{"return tostring(_G.redis == redis) .. type(_G.KEYS)", "truetable"},
		{"return tostring(rawget(_G, 'redis'))", "nil"},
	} {
		got, err := c.Eval(ctx, tc.body, []string{"k"}).Text()
		if err != nil {
			got = err.Error()
		}
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.body, got, tc.want)
		}
		if err != nil && !strings.HasSuffix(got, script.SHA1Hex(tc.body)+", on @user_script:1.") && strings.Contains(tc.want, "user_script") {
			t.Errorf("%s: %q does not name the script and line", tc.body, got)
		}
	}
}

// TestFunctionGlobalsStayReadOnly: the same for FCALL's functions.
func TestFunctionGlobalsStayReadOnly(t *testing.T) {
	tn := startNode(t, func(c *Config) { c.LuaEnableDeprecatedAPI = true })
	ctx := context.Background()
	c := tn.client(t)
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	lib := `#!lua name=glib
local function get(keys) return redis.call('GET', keys[1]) end
redis.register_function('get', get)
redis.register_function('env', function() return tostring(getfenv(1) == _G) .. tostring(getfenv() == _G) end)
redis.register_function('setenv', function() getfenv(1).redis = nil end)
redis.register_function('setglobal', function() y = 1 end)
redis.register_function('nested', function(keys) local function f() return redis.call('GET', keys[1]) end return f() end)
redis.register_function('missing', function() return nonexistent end)`
	if err := c.FunctionLoad(ctx, lib).Err(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ fn, want string }{
		{"get", "v"},
		{"env", "truetrue"},
		{"setenv", "ERR user_function:5: Attempt to modify a readonly table script: setenv"},
		{"setglobal", "ERR user_function:6: Attempt to modify a readonly table script: setglobal"},
		{"nested", "v"},
		{"missing", "ERR user_function:8: Script attempted to access nonexistent global variable 'nonexistent' script: missing"},
		{"get", "v"},
	} {
		got, err := c.FCall(ctx, tc.fn, []string{"k"}).Text()
		if err != nil {
			got = err.Error()
		}
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("FCALL %s: %q, want %q", tc.fn, got, tc.want)
		}
	}
}

// TestStringMetatableReadOnly: the strings' metatable and the string
// table it reads through are read-only, as in Redis (a change to them
// would outlive the script); string methods work through it.
func TestStringMetatableReadOnly(t *testing.T) {
	tn := startNode(t, nil)
	ctx := context.Background()
	c := tn.client(t)
	const readonly = "ERR user_script:1: Attempt to modify a readonly table script: "
	for _, tc := range []struct{ body, want string }{
		{"getmetatable('').zz = 1 return 1", readonly},
		{"getmetatable('').__index.zz = 1 return 1", readonly},
		{"getmetatable('').__index = {} return 1", readonly},
		{"return type(getmetatable(''))", "table"},
		{"return tostring(getmetatable('').zz) .. tostring(string.zz)", "nilnil"},
		{"local s = 'abc' return s:upper() .. s:sub(2) .. ('x'):rep(3) .. #s", "ABCbcxxx3"},
		{"return tostring(getmetatable('').__index == string)", "true"},
	} {
		got, err := c.Eval(ctx, tc.body, nil).Text()
		if err != nil {
			got = err.Error()
		}
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.body, got, tc.want)
		}
	}
}

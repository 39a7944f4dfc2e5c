package script

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// luaMaxCStack is Lua 5.1's LUAI_MAXCSTACK: how many values a C function
// may hold on its stack. cmsgpack and struct refuse to go past it as
// Redis's do, with the same errors.
const luaMaxCStack = 8000

// argError raises Lua 5.1's luaL_argerror text:
// "bad argument #n to 'fname' (msg)".
func argError(L *lua.LState, n int, fname, msg string) {
	L.RaiseError("bad argument #%d to '%s' (%s)", n, fname, msg)
}

// typeError raises luaL_typerror's text for argument n.
func typeError(L *lua.LState, n int, fname, want string) {
	got := "no value"
	if n <= L.GetTop() {
		got = L.Get(n).Type().String()
	}
	argError(L, n, fname, want+" expected, got "+got)
}

// toNumber converts v as lua_tonumber does (numbers and numeric strings).
func toNumber(v lua.LValue) (float64, bool) {
	switch v := v.(type) {
	case lua.LNumber:
		return float64(v), true
	case lua.LString:
		s := strings.TrimSpace(string(v))
		if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
			u, err := strconv.ParseUint(s[2:], 16, 64)
			return float64(u), err == nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && !strings.Contains(err.Error(), "range") {
			return 0, false
		}
		return f, true
	}
	return 0, false
}

// checkNumber is luaL_checknumber.
func checkNumber(L *lua.LState, n int, fname string) float64 {
	f, ok := toNumber(L.Get(n))
	if !ok || n > L.GetTop() {
		typeError(L, n, fname, "number")
	}
	return f
}

// checkInt is luaL_checkint: the number truncated to a C int.
func checkInt(L *lua.LState, n int, fname string) int {
	return cInt(checkNumber(L, n, fname))
}

// optInt is luaL_optint: def when argument n is absent or nil.
func optInt(L *lua.LState, n int, fname string, def int) int {
	if L.Get(n) == lua.LNil {
		return def
	}
	return checkInt(L, n, fname)
}

// cInt converts f as C's (int)(ptrdiff_t)f does on 64-bit machines.
func cInt(f float64) int {
	if math.IsNaN(f) || f >= 9223372036854775808 || f < -9223372036854775808 {
		return 0 // INT64_MIN, truncated to 32 bits
	}
	return int(int32(int64(f)))
}

// checkString is luaL_checklstring (numbers are converted).
func checkString(L *lua.LState, n int, fname string) string {
	switch v := L.Get(n).(type) {
	case lua.LString:
		return string(v)
	case lua.LNumber:
		if n <= L.GetTop() {
			return numString(float64(v))
		}
	}
	typeError(L, n, fname, "string")
	return ""
}

// luaErrorf raises msg without a position, as errors raised by the Lua
// 5.1 core from inside a C function read ("table index is nil").
func luaErrorf(L *lua.LState, format string, args ...any) {
	L.Error(lua.LString(fmt.Sprintf(format, args...)), 0)
}

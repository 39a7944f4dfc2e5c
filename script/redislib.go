package script

import (
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// Log levels of redis.log (Redis's LL_* values).
const (
	LogDebug   = 0
	LogVerbose = 1
	LogNotice  = 2
	LogWarning = 3
)

// redisLib makes the redis table: call, pcall, error_reply, status_reply,
// sha1hex, log, setresp, set_repl, replicate_commands, breakpoint, debug
// and their constants.
func redisLib(L *lua.LState, e *Engine) *lua.LTable {
	t := L.NewTable()
	fns := map[string]lua.LGFunction{
		"call":  func(L *lua.LState) int { return e.call(L, true) },
		"pcall": func(L *lua.LState) int { return e.call(L, false) },
		"error_reply": func(L *lua.LState) int {
			s, ok := L.Get(1).(lua.LString)
			if L.GetTop() != 1 || !ok {
				L.Push(errTable(L, "ERR wrong number or type of arguments"))
				return 1
			}
			L.Push(errTable(L, errorCode(string(s))))
			return 1
		},
		"status_reply": func(L *lua.LState) int {
			s, ok := L.Get(1).(lua.LString)
			if L.GetTop() != 1 || !ok {
				L.Push(errTable(L, "ERR wrong number or type of arguments"))
				return 1
			}
			r := L.CreateTable(0, 1)
			r.RawSetString("ok", lua.LString(s))
			L.Push(r)
			return 1
		},
		"sha1hex": func(L *lua.LState) int {
			if L.GetTop() != 1 {
				raise(L, "wrong number of arguments")
			}
			L.Push(lua.LString(SHA1Hex(L.ToString(1))))
			return 1
		},
		"log": func(L *lua.LState) int {
			if L.GetTop() < 2 {
				raise(L, "redis.log() requires two arguments or more.")
			}
			lv, ok := L.Get(1).(lua.LNumber)
			if !ok {
				raise(L, "First argument must be a number (log level).")
			}
			if lv < LogDebug || lv > LogWarning {
				raise(L, "Invalid debug level.")
			}
			msg := ""
			for i := 2; i <= L.GetTop(); i++ {
				if i > 2 {
					msg += " "
				}
				msg += L.ToString(i)
			}
			if e.run != nil && e.run.Log != nil {
				e.run.Log(int(lv), msg)
			}
			return 0
		},
		"setresp": func(L *lua.LState) int {
			if L.GetTop() != 1 {
				raise(L, "redis.setresp() requires one argument.")
			}
			v := int(lua.LVAsNumber(L.Get(1)))
			if v != 2 && v != 3 {
				raise(L, "RESP version must be 2 or 3.")
			}
			if e.run == nil {
				raise(L, "redis.setresp can only be called inside a script invocation")
			}
			e.run.resp3 = v == 3
			return 0
		},
		"set_repl": func(L *lua.LState) int {
			if L.GetTop() != 1 {
				raise(L, "redis.set_repl() requires two arguments.")
			}
			if n := L.CheckInt(1); n < 0 || n > 3 {
				raise(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
			}
			return 0
		},
		"acl_check_cmd":      func(L *lua.LState) int { return e.aclCheck(L) },
		"replicate_commands": func(L *lua.LState) int { L.Push(lua.LTrue); return 1 },
		"breakpoint":         func(L *lua.LState) int { L.Push(lua.LFalse); return 1 },
		"debug":              func(L *lua.LState) int { return 0 },
	}
	for name, fn := range fns {
		t.RawSetString(name, L.NewFunction(fn))
	}
	e.redisCall, e.redisPCall = t.RawGetString("call"), t.RawGetString("pcall")
	for name, v := range map[string]int{
		"LOG_DEBUG": LogDebug, "LOG_VERBOSE": LogVerbose, "LOG_NOTICE": LogNotice, "LOG_WARNING": LogWarning,
		"REPL_NONE": 0, "REPL_AOF": 1, "REPL_SLAVE": 2, "REPL_REPLICA": 2, "REPL_ALL": 3,
	} {
		t.RawSetString(name, lua.LNumber(v))
	}
	t.RawSetString("REDIS_VERSION", lua.LString("7.0.15"))
	t.RawSetString("REDIS_VERSION_NUM", lua.LNumber(0x07000f))
	return t
}

// ACLChecker is what a Caller may also do: say whether the script's user
// may run a command (known is false for a command that does not exist).
type ACLChecker interface {
	CheckACL(args [][]byte) (allowed, known bool)
}

// aclCheck is redis.acl_check_cmd: whether the user running the script
// may run the command its arguments name.
func (e *Engine) aclCheck(L *lua.LState) int {
	if e.run == nil {
		raise(L, "redis.acl_check_cmd can only be called inside a script invocation")
	}
	args, msg := luaCallArgs(L)
	if msg != "" {
		return e.fail(L, true, msg)
	}
	c, ok := e.run.Caller.(ACLChecker)
	if !ok {
		raise(L, "Invalid command passed to redis.acl_check_cmd()")
	}
	allowed, known := c.CheckACL(args)
	if !known {
		raise(L, "Invalid command passed to redis.acl_check_cmd()")
	}
	L.Push(lua.LBool(allowed))
	return 1
}

// luaCallArgs reads a redis lib call's arguments as redis.call does, or
// returns the error they give.
func luaCallArgs(L *lua.LState) ([][]byte, string) {
	n := L.GetTop()
	if n == 0 {
		return nil, "ERR Please specify at least one argument for this redis lib call"
	}
	args := make([][]byte, n)
	for i := 1; i <= n; i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			args[i-1] = []byte(v)
		case lua.LNumber:
			args[i-1] = []byte(callArgNumber(float64(v)))
		default:
			return nil, "ERR Lua redis lib command arguments must be strings or integers"
		}
	}
	return args, ""
}

// call is redis.call (raise true) and redis.pcall: it runs the command
// its arguments name through the run's Caller. redis.call raises an error
// reply as a Lua error; redis.pcall returns it as {err=...}.
func (e *Engine) call(L *lua.LState, raise bool) int {
	n := L.GetTop()
	if n == 0 {
		return e.fail(L, raise, "ERR Please specify at least one argument for this redis lib call")
	}
	args, ok := e.callArgs(L, n)
	if !ok {
		return e.fail(L, raise, "ERR Lua redis lib command arguments must be strings or integers")
	}
	if e.run == nil || e.run.Caller == nil {
		return e.fail(L, raise, "ERR redis.call is only available while a script runs")
	}
	r := e.run.Caller.Call(args, e.run.resp3)
	e.dropCallArgs()
	if r.Kind == Error && raise {
		L.Error(replyErrTable(L, r), 0)
		return 0
	}
	L.Push(toLua(L, r))
	return 1
}

// callArgs copies redis.call's n arguments, strings or numbers, into
// one buffer the arguments slice; ok is false when one is of another
// type. The buffer and the slice are the engine's, reused from call to
// call (a Caller does not keep its arguments past the call).
func (e *Engine) callArgs(L *lua.LState, n int) (args [][]byte, ok bool) {
	size := 0
	for i := 1; i <= n; i++ {
		switch v := L.Get(i).(type) {
		case lua.LString:
			size += len(v)
		case lua.LNumber:
			size += 24 // %.17g of a float64
		default:
			return nil, false
		}
	}
	if cap(e.callArgv) < n {
		e.callArgv = make([][]byte, n)
	}
	if cap(e.callBuf) < size {
		e.callBuf = make([]byte, 0, size)
	}
	args, buf := e.callArgv[:n], e.callBuf[:0]
	for i := 1; i <= n; i++ {
		at := len(buf)
		switch v := L.Get(i).(type) {
		case lua.LString:
			buf = append(buf, v...)
		case lua.LNumber:
			buf = append(buf, callArgNumber(float64(v))...)
		}
		args[i-1] = buf[at:len(buf):len(buf)]
	}
	e.callBuf = buf
	return args, true
}

// maxKeptCallBuf bounds the argument buffer kept between calls.
const maxKeptCallBuf = 64 << 10

// dropCallArgs lets go of the last call's arguments when they were
// large.
func (e *Engine) dropCallArgs() {
	if cap(e.callBuf) > maxKeptCallBuf {
		e.callBuf = nil
		clear(e.callArgv)
	}
	if cap(e.callArgv) > 1024 {
		e.callArgv = nil
	}
}

// fail raises msg as an error table (raise) or returns it.
func (e *Engine) fail(L *lua.LState, raise bool, msg string) int {
	t := errTable(L, msg)
	if raise {
		L.Error(t, 0)
		return 0
	}
	L.Push(t)
	return 1
}

// errorCode gives an error text a code as Redis's error_reply does: the
// first word when the text has several, else ERR.
func errorCode(msg string) string {
	msg = strings.TrimPrefix(msg, "-")
	if !strings.Contains(msg, " ") {
		return "ERR " + msg
	}
	return msg
}

// callArgNumber is how redis.call passes a number argument in Redis 7.0:
// printf's %.17g ("0.10000000000000001", "9007199254740991", "-nan").
func callArgNumber(f float64) string {
	switch {
	case math.IsNaN(f) && math.Signbit(f):
		return "-nan"
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return cFormatG(f, 17)
}

// raise raises msg as the redis library's errors are raised: an error
// table {err="ERR msg"}, without Lua's position prefix.
func raise(L *lua.LState, msg string) {
	L.Error(errTable(L, "ERR "+msg), 0)
}

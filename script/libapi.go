package script

import (
	lua "github.com/yuin/gopher-lua"
)

// loadAPI makes the globals a library's code sees while FUNCTION LOAD
// runs it: a read-only table holding only redis, itself read-only with
// register_function, log, the log levels and the version constants.
// Reading any other name fails as reading a missing global does.
func loadAPI(L *lua.LState, e *Engine) *lua.LTable {
	full := e.globals.RawGetString("redis").(*lua.LTable)
	redis := L.NewTable()
	redis.RawSetString("register_function", L.NewFunction(e.registerFunction))
	for _, k := range []string{"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING",
		"REDIS_VERSION", "REDIS_VERSION_NUM"} {
		redis.RawSetString(k, full.RawGetString(k))
	}
	api := L.NewTable()
	api.RawSetString("redis", readonlyView(L, redis))
	return readonlyView(L, api)
}

// readonlyView returns an empty table that reads through to fields,
// fails on assignment ("Attempt to modify a readonly table") and on
// reading a name fields lacks.
func readonlyView(L *lua.LState, fields *lua.LTable) *lua.LTable {
	view := L.NewTable()
	L.SetMetatable(view, readonlyMeta(L, fields))
	return view
}

// readonlyMeta makes reading a name fields lacks fail, and returns the
// metatable of a read-only view of fields: it reads through to fields,
// fails on assignment and hides itself from getmetatable.
func readonlyMeta(L *lua.LState, fields *lua.LTable) *lua.LTable {
	missing := L.NewTable()
	missing.RawSetString("__index", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("Script attempted to access nonexistent global variable '%s'", L.ToString(2))
		return 0
	}))
	L.SetMetatable(fields, missing)
	mt := L.NewTable()
	mt.RawSetString("__index", fields)
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError("Attempt to modify a readonly table")
		return 0
	}))
	mt.RawSetString("__metatable", lua.LFalse)
	return mt
}

// registerFunction is redis.register_function(name, callback) and its
// named form redis.register_function{function_name=, callback=, flags=,
// description=}, with Redis's error texts.
func (e *Engine) registerFunction(L *lua.LState) int {
	fail := func(msg string) int {
		L.Error(lua.LString(msg), 0)
		return 0
	}
	run := e.loading
	if run == nil {
		return fail("redis.register_function can only be called on FUNCTION LOAD command")
	}
	f := &Function{}
	switch L.GetTop() {
	case 1:
		t, ok := L.Get(1).(*lua.LTable)
		if !ok {
			return fail("calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).")
		}
		if msg := namedArgs(t, f); msg != "" {
			return fail(msg)
		}
	case 2:
		var name string
		switch v := L.Get(1).(type) {
		case lua.LString:
			name = string(v)
		case lua.LNumber:
			name = numString(float64(v)) // Lua's strings include numbers
		default:
			return fail("first argument to redis.register_function must be a string")
		}
		fn, ok := L.Get(2).(*lua.LFunction)
		if !ok {
			return fail("second argument to redis.register_function must be a function")
		}
		f.Name, f.fn = name, fn
	default:
		return fail("wrong number of arguments to redis.register_function")
	}
	if !ValidName(f.Name) {
		return fail("Library names can only contain letters, numbers, or underscores(_) and must be at least one character long")
	}
	for _, g := range run.funcs {
		if g.Name == f.Name {
			return fail("Function already exists in the library")
		}
	}
	if f.fn != nil && !f.fn.IsG && argsStayIn(f.fn.Proto) {
		f.keys, f.args = &argTable{}, &argTable{}
	}
	run.funcs = append(run.funcs, f)
	return 0
}

// namedArgs reads the named form's table into f; it returns an error
// text or "".
func namedArgs(t *lua.LTable, f *Function) string {
	msg := ""
	t.ForEach(func(k, v lua.LValue) {
		if msg != "" {
			return
		}
		ks, ok := k.(lua.LString)
		if !ok {
			msg = "unknown argument given to redis.register_function"
			return
		}
		switch string(ks) {
		case "function_name":
			s, ok := v.(lua.LString)
			if !ok {
				msg = "function_name argument given to redis.register_function must be a string"
			}
			f.Name = string(s)
		case "description":
			s, ok := v.(lua.LString)
			if !ok {
				msg = "description argument given to redis.register_function must be a string"
			}
			f.Desc = string(s)
		case "callback":
			fn, ok := v.(*lua.LFunction)
			if !ok {
				msg = "callback argument given to redis.register_function must be a function"
			}
			f.fn = fn
		case "flags":
			ft, ok := v.(*lua.LTable)
			if !ok {
				msg = "flags argument to redis.register_function must be a table representing function flags"
				return
			}
			ft.ForEach(func(_, fv lua.LValue) {
				s, _ := fv.(lua.LString)
				fl, ok := flagNames[string(s)]
				if !ok || fv.Type() != lua.LTString {
					if msg == "" {
						msg = "unknown flag given"
					}
					return
				}
				f.Flags |= fl
			})
		default:
			msg = "unknown argument given to redis.register_function"
		}
	})
	switch {
	case msg != "":
		return msg
	case f.Name == "":
		return "redis.register_function must get a function name argument"
	case f.fn == nil:
		return "redis.register_function must get a callback argument"
	}
	return ""
}

// flagNames are the flags a function (or a script's shebang) may name.
var flagNames = map[string]Flags{
	"no-writes": NoWrites, "allow-oom": AllowOOM, "allow-stale": AllowStale,
	"no-cluster": NoCluster, "allow-cross-slot-keys": AllowCrossSlot,
}

// FlagNames returns the names of fl's flags in Redis's order.
func FlagNames(fl Flags) []string {
	var out []string
	for _, n := range []string{"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"} {
		if fl&flagNames[n] != 0 {
			out = append(out, n)
		}
	}
	return out
}

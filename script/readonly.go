package script

import (
	lua "github.com/yuin/gopher-lua"
)

// Redis 7 makes every library table a script can reach read-only (redis,
// cjson, cmsgpack, struct, bit, string, math, table, coroutine) and the
// metatable of the globals too: assigning to one of them, or replacing
// its metatable, fails with "Attempt to modify a readonly table".
// gopher-lua has no read-only tables, so each library is replaced by an
// empty table that reads through to it and refuses assignment, and
// setmetatable and rawset refuse the tables made so.

// readonlyLibs are the globals made read-only.
var readonlyLibs = []string{"redis", "cjson", "cmsgpack", "struct", "bit", "string", "math", "table", "coroutine"}

// msgReadonly is Redis's text for a write to a read-only table.
const msgReadonly = "Attempt to modify a readonly table"

// protectLibs makes the library tables among the globals read-only, and
// the globals' metatable mt (which getmetatable(_G) then returns as a
// read-only view).
func (e *Engine) protectLibs(L *lua.LState, mt *lua.LTable) {
	e.readonly = map[*lua.LTable]bool{}
	for _, name := range readonlyLibs {
		if t, ok := e.globals.RawGetString(name).(*lua.LTable); ok {
			e.globals.RawSetString(name, e.readonlyTable(L, t))
		}
	}
	mt.RawSetString("__metatable", e.readonlyTable(L, mt))
	if view, ok := e.globals.RawGetString("string").(*lua.LTable); ok {
		// The strings' metatable is Lua 5.1's {__index = string}, and
		// read-only (gopher-lua's is the string table itself, which a
		// script could change through getmetatable('') for the runs after
		// it).
		smt := L.CreateTable(0, 2)
		smt.RawSetString("__index", view)
		smt.RawSetString("__metatable", e.readonlyTable(L, smt))
		L.SetMetatable(lua.LString(""), smt)
	}
	e.readonly[L.G.Global] = true
	e.readonly[e.globals] = true
	base := e.globals
	if orig, ok := base.RawGetString("setmetatable").(*lua.LFunction); ok {
		base.RawSetString("setmetatable", L.NewFunction(func(L *lua.LState) int {
			// Lua 5.1's takes tables only; gopher-lua's would set the
			// metatable of every value of a basic type (numbers,
			// functions...) for the scripts that run later.
			if _, ok := L.Get(1).(*lua.LTable); !ok {
				typeError(L, 1, "setmetatable", "table")
			}
			if t := L.Get(2).Type(); t != lua.LTNil && t != lua.LTTable {
				argError(L, 2, "setmetatable", "nil or table expected")
			}
			e.refuseReadonly(L)
			n := L.GetTop()
			L.Push(orig)
			for i := 1; i <= n; i++ {
				L.Push(L.Get(i))
			}
			L.Call(n, lua.MultRet)
			return L.GetTop() - n
		}))
	}
	// rawset(t, k, v) returns t, as Lua's does.
	base.RawSetString("rawset", L.NewFunction(func(L *lua.LState) int {
		e.refuseReadonly(L)
		t := L.CheckTable(1)
		k := L.CheckAny(2)
		if k == lua.LNil {
			L.RaiseError("table index is nil")
		}
		t.RawSet(k, L.CheckAny(3))
		L.Push(t)
		return 1
	}))
}

// refuseReadonly fails when the first argument is a read-only table, as
// Redis does: without a position.
func (e *Engine) refuseReadonly(L *lua.LState) {
	if t, ok := L.Get(1).(*lua.LTable); ok && e.readonly[t] {
		L.Error(lua.LString(msgReadonly), 0)
	}
}

// readonlyTable returns a table that reads through to fields and refuses
// assignment.
func (e *Engine) readonlyTable(L *lua.LState, fields *lua.LTable) *lua.LTable {
	view := L.NewTable()
	mt := L.NewTable()
	mt.RawSetString("__index", fields)
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		L.RaiseError(msgReadonly)
		return 0
	}))
	mt.RawSetString("__metatable", lua.LFalse)
	L.SetMetatable(view, mt)
	e.readonly[view] = true
	e.readonly[fields] = true
	return view
}

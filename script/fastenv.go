package script

import (
	lua "github.com/yuin/gopher-lua"
)

// A script (or a function of a library) reads its globals through the read-only globals table, which
// is empty and reads through its metatable's __index to the backing table
// holding them (state.go): three table lookups a global. A script that
// never assigns a global (no SETGLOBAL in its code or its functions', as
// in any script that runs without error) runs with the backing table
// itself as its environment instead: one lookup, the same errors for a
// global that does not exist. The globals stay read-only to it: getfenv
// (with Config.DeprecatedAPI) gives it the read-only table, and the
// backing table is among those rawset and setmetatable refuse.

// opSetGlobal is gopher-lua's SETGLOBAL opcode (the top 6 bits of an
// instruction).
const opSetGlobal = lua.OP_SETGLOBAL

// setsGlobals reports whether the code of p or of a function in it
// assigns a global.
func setsGlobals(p *lua.FunctionProto) bool {
	for _, inst := range p.Code {
		if int(inst>>26) == opSetGlobal {
			return true
		}
	}
	for _, f := range p.FunctionPrototypes {
		if setsGlobals(f) {
			return true
		}
	}
	return false
}

// hideBacking makes getfenv answer the read-only globals table where a
// function's environment is their backing table (called once the globals
// are protected).
func (e *Engine) hideBacking(L *lua.LState) {
	orig, ok := e.globals.RawGetString("getfenv").(*lua.LFunction)
	if !ok {
		return
	}
	backing, global := e.globals, L.G.Global
	e.globals.RawSetString("getfenv", L.NewFunction(func(L *lua.LState) int {
		n := L.GetTop()
		L.Push(orig)
		for i := 1; i <= n; i++ {
			L.Push(L.Get(i))
		}
		L.Call(n, 1)
		if L.Get(-1) == backing {
			L.Pop(1)
			L.Push(global)
		}
		return 1
	}))
}

// runDirect gives the functions a library registered the globals'
// backing table as their environment, where they had the read-only
// globals and assign none (once the library's code has run: while it
// runs, its globals are the load API).
func (e *Engine) runDirect(funcs []*Function) {
	for _, f := range funcs {
		if fn := f.fn; fn != nil && !fn.IsG && fn.Env == e.L.G.Global && !setsGlobals(fn.Proto) {
			fn.Env = e.globals
		}
	}
}

package script

import (
	lua "github.com/yuin/gopher-lua"
)

// indexError is Lua 5.1's error for indexing (reading or assigning field
// key of) a value of type typ that is not a table nor a string, naming
// what was indexed when the code says: "attempt to index global 'x' (a
// nil value)", "... local ...", "... field ...", "... upvalue ...", or
// "attempt to index a nil value" for an expression. gopher-lua says
// "attempt to index a non-table object(nil) with key 'k'" whatever the
// value; L is running the __index or __newindex that raises it
// (openCallErrors).
func (e *Engine) indexError(L *lua.LState, typ string, key lua.LValue) string {
	if kind, name := e.indexedName(L, key); name != "" {
		return "attempt to index " + kind + " '" + name + "' (a " + typ + " value)"
	}
	return "attempt to index a " + typ + " value"
}

// indexedName finds, in the Lua function that indexed a value, the one
// instruction of the current line that indexes with key (or with a key
// in a register), and names its table operand as Lua 5.1 does: a local
// by its name, else by the instruction that last set its register before.
func (e *Engine) indexedName(L *lua.LState, key lua.LValue) (kind, name string) {
	p, line := callerProto(L)
	if p == nil {
		return "", ""
	}
	// The instruction: the one of the line whose constant key is key, else
	// the one whose key is in a register.
	var exact, dynamic []int
	for i, inst := range p.Code {
		if i >= len(p.DbgSourcePositions) || p.DbgSourcePositions[i] != line {
			continue
		}
		var k int
		switch instOp(inst) {
		case lua.OP_GETTABLE, lua.OP_GETTABLEKS, lua.OP_SELF:
			k = instC(inst)
		case lua.OP_SETTABLE, lua.OP_SETTABLEKS:
			k = instB(inst)
		default:
			continue
		}
		switch {
		case k&rkConst == 0:
			dynamic = append(dynamic, i)
		case k&^rkConst < len(p.Constants) && p.Constants[k&^rkConst] == key:
			exact = append(exact, i)
		}
	}
	var pc int
	switch {
	case len(exact) == 1:
		pc = exact[0]
	case len(exact) == 0 && len(dynamic) == 1:
		pc = dynamic[0]
	default:
		return "", "" // none, or several: which is unknown
	}
	reg := instB(p.Code[pc]) // the table: B of a load, A of a store
	if op := instOp(p.Code[pc]); op == lua.OP_SETTABLE || op == lua.OP_SETTABLEKS {
		reg = instA(p.Code[pc])
	}
	if name := localName(p, reg, pc); name != "" {
		return "local", name
	}
	for i := pc - 1; i >= 0; i-- {
		inst := p.Code[i]
		if instA(inst) != reg {
			continue
		}
		switch instOp(inst) {
		case lua.OP_SETTABLE, lua.OP_SETTABLEKS, lua.OP_SETGLOBAL, lua.OP_SETUPVAL, lua.OP_JMP,
			lua.OP_EQ, lua.OP_LT, lua.OP_LE, lua.OP_TEST:
			continue // these do not set register A
		case lua.OP_GETGLOBAL:
			if s, ok := p.Constants[inst&0x3ffff].(lua.LString); ok {
				return "global", string(s)
			}
		case lua.OP_GETTABLE, lua.OP_GETTABLEKS:
			// Lua 5.1 names a field by its key when it is a constant
			// string, "?" otherwise.
			if c := instC(inst); c&rkConst != 0 {
				if s, ok := p.Constants[c&^rkConst].(lua.LString); ok {
					return "field", string(s)
				}
			}
			return "field", "?"
		case lua.OP_GETUPVAL:
			if b := instB(inst); b < len(p.DbgUpvalues) {
				return "upvalue", p.DbgUpvalues[b]
			}
		case lua.OP_MOVE:
			if b := instB(inst); b < reg {
				if name := localName(p, b, i); name != "" {
					return "local", name
				}
			}
		case lua.OP_LOADK:
			// A global or redis.call the engine folded into a constant
			// (foldcalls.go): no code loads a function or a table else.
			if k := int(inst & 0x3ffff); k < len(p.Constants) {
				return e.foldedName(p.Constants[k])
			}
		}
		return "", ""
	}
	return "", ""
}

// foldedName names v, a function or table a folded load gave: the global
// that holds it, or the field of redis.
func (e *Engine) foldedName(v lua.LValue) (kind, name string) {
	switch v.Type() {
	case lua.LTFunction, lua.LTTable:
	default:
		return "", ""
	}
	find := func(t *lua.LTable) (found string) {
		t.ForEach(func(k, x lua.LValue) {
			if s, ok := k.(lua.LString); ok && x == v && found == "" {
				found = string(s)
			}
		})
		return found
	}
	if e.globals == nil {
		return "", ""
	}
	if name := find(e.globals); name != "" {
		return "global", name
	}
	// redis is a read-only view (readonly.go): its fields are its
	// metatable's __index.
	if view, ok := e.globals.RawGetString("redis").(*lua.LTable); ok {
		if mt, ok := view.Metatable.(*lua.LTable); ok {
			if fields, ok := mt.RawGetString("__index").(*lua.LTable); ok {
				if name := find(fields); name != "" {
					return "field", name
				}
			}
		}
	}
	return "", ""
}

// localName is luaF_getlocalname: the name of the local variable held in
// register reg at pc, or "".
func localName(p *lua.FunctionProto, reg, pc int) string {
	n := reg
	for _, l := range p.DbgLocals {
		if l.StartPc <= pc && pc < l.EndPc {
			if n == 0 {
				return l.Name
			}
			n--
		}
	}
	return ""
}

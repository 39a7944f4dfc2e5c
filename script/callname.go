package script

import (
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// callError is Lua 5.1's error for calling a value of type typ that is
// not a function, naming what was called when the calling code says:
// "attempt to call field 'f' (a nil value)", "... local 'x' ...",
// "... method 'm' ...", or "attempt to call a nil value" for an
// expression. L is running the __call that raised it (callErrors).
func callError(L *lua.LState, typ string) string {
	if kind, name := calledName(L); name != "" {
		return "attempt to call " + kind + " '" + name + "' (a " + typ + " value)"
	}
	return "attempt to call a " + typ + " value"
}

// callerProto is the compiled code of the Lua function that called the
// running Go function, and the line it is at; nil when the caller is not
// Lua code.
func callerProto(L *lua.LState) (*lua.FunctionProto, int) {
	caller, ok := L.GetStack(1)
	if !ok {
		return nil, 0
	}
	fv, err := L.GetInfo("lf", caller, lua.LNil)
	fn, _ := fv.(*lua.LFunction)
	if err != nil || fn == nil || fn.Proto == nil {
		return nil, 0
	}
	return fn.Proto, caller.CurrentLine
}

// calledName finds, in the Lua function that made the call, the call's
// name (gopher-lua keeps one per call instruction) and how the called
// value was got: the instruction that last set the call's register
// before it, as Lua 5.1's symbolic execution does for straight code.
func calledName(L *lua.LState) (kind, name string) {
	self, ok := L.GetStack(0)
	if !ok {
		return "", ""
	}
	if _, err := L.GetInfo("n", self, lua.LNil); err != nil || self.Name == "" || self.Name == "?" ||
		strings.HasPrefix(self.Name, "<") || self.Name == "(anonymous)" {
		return "", ""
	}
	p, line := callerProto(L)
	if p == nil {
		return "", ""
	}
	pc := -1
	for _, c := range p.DbgCalls {
		if c.Name == self.Name && c.Pc < len(p.DbgSourcePositions) && p.DbgSourcePositions[c.Pc] == line {
			if pc >= 0 {
				return "", "" // two such calls on the line: which is unknown
			}
			pc = c.Pc
		}
	}
	if pc < 0 {
		return "", ""
	}
	reg := int(p.Code[pc]>>18) & 0xff
	for i := pc - 1; i >= 0; i-- {
		inst := p.Code[i]
		if int(inst>>18)&0xff != reg {
			continue
		}
		switch int(inst >> 26) {
		case lua.OP_GETTABLE, lua.OP_GETTABLEKS:
			return "field", self.Name
		case lua.OP_SELF:
			return "method", self.Name
		case lua.OP_GETGLOBAL:
			return "global", self.Name
		case lua.OP_GETUPVAL:
			return "upvalue", self.Name
		case lua.OP_MOVE:
			return "local", self.Name
		}
		return "", ""
	}
	if reg < int(p.NumParameters) || reg < len(p.DbgLocals) {
		return "local", self.Name
	}
	return "", ""
}

package script

import (
	"slices"

	lua "github.com/yuin/gopher-lua"
)

// A bounded script (quick.go) reads redis.call as a global and a field
// of the read-only redis table: three table lookups a call (the global,
// the empty read-only view, its metatable's __index). Where the check
// proves that a register is loaded with redis.call or redis.pcall from
// the redis table, the instruction can load the function as a constant
// instead: no code of a bounded script can change its globals or the
// library tables, so it is the same function. foldCalls makes a copy of
// the code with those loads as LOADK of constants appended to the
// constants (the line of each instruction, and so every error's, is
// unchanged), and the GETGLOBAL of redis just before each becomes a NOP
// where the load overwrites it. A library's function is called this way only while its
// environment is the globals (setfenv from another function of its
// library could change what redis names in it).

// maxConstants is the most constants LOADK can address (its Bx operand).
const maxConstants = 1 << 18

// foldCalls returns p, or a copy of p in which the instructions at
// loads (GETTABLE or GETTABLEKS of "call" or "pcall" from the redis
// table, found by bounded) load e's redis.call or redis.pcall.
func (e *Engine) foldCalls(p *lua.FunctionProto, loads []int) *lua.FunctionProto {
	if len(loads) == 0 || len(p.Constants)+2 > maxConstants {
		return p
	}
	q := *p
	q.Code = slices.Clone(p.Code)
	q.Constants = append(slices.Clip(p.Constants), e.redisCall, e.redisPCall)
	callK, pcallK := len(p.Constants), len(p.Constants)+1
	for _, pc := range loads {
		inst := p.Code[pc]
		k := instC(inst) &^ rkConst
		name, _ := p.Constants[k].(lua.LString)
		bx := callK
		if name == "pcall" {
			bx = pcallK
		}
		a := instA(inst)
		q.Code[pc] = uint32(lua.OP_LOADK)<<26 | uint32(a)<<18 | uint32(bx)
		if pc > 0 && instB(inst) == a && p.Code[pc-1] == getRedis(p, a) {
			// redis.call as Lua compiles it: GETGLOBAL a 'redis' just
			// before, which the load now overwrites (a path that jumps to
			// the load has the redis table in a too, and skips it).
			q.Code[pc-1] = uint32(lua.OP_NOP) << 26
		}
	}
	return &q
}

// getRedis returns the instruction GETGLOBAL a 'redis' of p, or 0 when
// p has no constant "redis".
func getRedis(p *lua.FunctionProto, a int) uint32 {
	for i, k := range p.Constants {
		if k == lua.LString("redis") {
			return uint32(lua.OP_GETGLOBAL)<<26 | uint32(a)<<18 | uint32(i)
		}
	}
	return 0
}

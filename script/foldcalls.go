package script

import (
	"slices"

	lua "github.com/yuin/gopher-lua"
)

// A bounded script (quick.go) reads its globals from the globals table
// and redis.call as a field of the read-only redis table: a table lookup
// for each global, three for redis.call (the global, the empty read-only
// view, its metatable's __index). No code of a bounded script can change
// its globals or the library tables, so each of those loads gives the
// same value on every run, but KEYS and ARGV, which the engine sets for
// each run. foldLoads makes a copy of the code with those loads as LOADK
// of constants appended to the constants (the line of each instruction,
// and so every error's, is unchanged): the globals' values, redis.call
// and redis.pcall where the check proves that a register is loaded with
// them from the redis table, and for KEYS and ARGV a constant that Exec
// sets to the run's table (setArgConstants); the GETGLOBAL of redis just
// before a load of redis.call becomes a NOP where the load overwrites
// it. A library's function is called this way only while its
// environment is the globals (with Config.DeprecatedAPI, setfenv from
// another function of its library could change what its globals name),
// and reads KEYS and ARGV as globals still.

// maxConstants is the most constants LOADK can address (its Bx operand).
const maxConstants = 1 << 18

// argConstants are where a folded script's code finds KEYS and ARGV
// among its constants (-1: it does not read them).
type argConstants struct{ keys, argv int }

// foldLoads returns p, or a copy of p in which the instructions at loads
// (found by bounded: GETGLOBAL, and GETTABLE or GETTABLEKS of "call" or
// "pcall" from the redis table) load constants, and where in its
// constants KEYS and ARGV are (args: a script's; else a library
// function's, whose loads of them are left as they are).
func (e *Engine) foldLoads(p *lua.FunctionProto, loads []int, args bool) (*lua.FunctionProto, argConstants) {
	ac := argConstants{keys: -1, argv: -1}
	if len(loads) == 0 || len(p.Constants)+len(loads)+2 > maxConstants {
		return p, ac
	}
	q := *p
	q.Code = slices.Clone(p.Code)
	q.Constants = append(slices.Clip(p.Constants), e.redisCall, e.redisPCall)
	callK, pcallK := len(p.Constants), len(p.Constants)+1
	globalK := map[string]int{}
	for _, pc := range loads {
		inst := p.Code[pc]
		a := instA(inst)
		var bx int
		if instOp(inst) == lua.OP_GETGLOBAL {
			name, _ := p.Constants[inst&0x3ffff].(lua.LString)
			isArg := name == "KEYS" || name == "ARGV"
			if isArg && !args {
				continue
			}
			v := e.globals.RawGetString(string(name))
			if v == lua.LNil {
				continue // (reading it fails as it did)
			}
			k, ok := globalK[string(name)]
			if !ok {
				k = len(q.Constants)
				globalK[string(name)] = k
				q.Constants = append(q.Constants, v)
				switch name {
				case "KEYS":
					ac.keys = k
				case "ARGV":
					ac.argv = k
				}
			}
			bx = k
		} else {
			name, _ := p.Constants[instC(inst)&^rkConst].(lua.LString)
			bx = callK
			if name == "pcall" {
				bx = pcallK
			}
		}
		q.Code[pc] = uint32(lua.OP_LOADK)<<26 | uint32(a)<<18 | uint32(bx)
		if instOp(inst) != lua.OP_GETGLOBAL && pc > 0 && instB(inst) == a && p.Code[pc-1] == getRedis(p, a) {
			// redis.call as Lua compiles it: GETGLOBAL a 'redis' just
			// before, which the load now overwrites (a path that jumps to
			// the load has the redis table in a too, and skips it).
			q.Code[pc-1] = uint32(lua.OP_NOP) << 26
		}
	}
	return &q, ac
}

// setArgConstants makes the constants of p at ac the run's KEYS and ARGV.
func (e *Engine) setArgConstants(p *lua.FunctionProto, ac argConstants) {
	if ac.keys >= 0 {
		p.Constants[ac.keys] = e.keys.t
	}
	if ac.argv >= 0 {
		p.Constants[ac.argv] = e.argv.t
	}
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

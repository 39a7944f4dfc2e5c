package script

import (
	lua "github.com/yuin/gopher-lua"
)

// FCALL passes a function its keys and arguments as two tables. Making
// them for each call was a twentieth of an FCALL's CPU; a function whose
// code cannot let the tables out of the call gets the same two tables
// from call to call instead, refilled (see argTable): nothing can hold
// them once the call returns, so the next call sees them as fresh ones.
//
// A function lets them out when its code reads the registers of its
// first two parameters other than to index them (keys[1], #keys, if
// keys): passing them to a function, returning, storing or copying them,
// capturing them in a closure. The check reads the function's bytecode
// (Lua 5.1's instruction set, as gopher-lua encodes it) and says no to
// anything it is not sure of.

// Operand decoding of gopher-lua's instructions (A: 8 bits, C and B: 9
// bits; B and C with the top bit set are constants).
func instOp(i uint32) int { return int(i >> 26) }
func instA(i uint32) int  { return int(i>>18) & 0xff }
func instB(i uint32) int  { return int(i & 0x1ff) }
func instC(i uint32) int  { return int(i>>9) & 0x1ff }

const rkConst = 1 << 8

// argsStayIn reports whether a call of p cannot let the tables passed as
// its first two arguments out of the call.
func argsStayIn(p *lua.FunctionProto) bool {
	if p == nil || p.IsVarArg != 0 {
		return false // ... would reach them
	}
	params := int(p.NumParameters)
	if params > 2 {
		params = 2
	}
	// reads reports whether the registers from..to (to < 0: up to the
	// top) include a parameter's: they hold registers 0..params-1.
	reads := func(from, to int) bool {
		return from < params && (to < 0 || to >= from)
	}
	rk := func(v int) bool { return v&rkConst == 0 && reads(v, v) }
	for _, inst := range p.Code {
		a, b, c := instA(inst), instB(inst), instC(inst)
		switch instOp(inst) {
		case lua.OP_LOADK, lua.OP_LOADBOOL, lua.OP_LOADNIL, lua.OP_GETUPVAL, lua.OP_GETGLOBAL,
			lua.OP_NEWTABLE, lua.OP_JMP, lua.OP_VARARG, lua.OP_NOP, lua.OP_CLOSE:
			// read no register
		case lua.OP_GETTABLE, lua.OP_GETTABLEKS:
			// R(A) := R(B)[RK(C)]: indexing a parameter keeps it in
			if rk(c) {
				return false
			}
		case lua.OP_LEN, lua.OP_TEST:
			// the length or truth of a parameter
		case lua.OP_SETTABLE, lua.OP_SETTABLEKS:
			// R(A)[RK(B)] := RK(C): a change to a parameter shows in
			// the table (and makes argTable replace it), storing one
			// lets it out
			if rk(b) || rk(c) {
				return false
			}
		case lua.OP_MOVE, lua.OP_MOVEN, lua.OP_SELF, lua.OP_UNM, lua.OP_NOT, lua.OP_TESTSET:
			if reads(b, b) {
				return false
			}
			if instOp(inst) == lua.OP_SELF && rk(c) {
				return false
			}
		case lua.OP_ADD, lua.OP_SUB, lua.OP_MUL, lua.OP_DIV, lua.OP_MOD, lua.OP_POW,
			lua.OP_EQ, lua.OP_LT, lua.OP_LE:
			if rk(b) || rk(c) {
				return false
			}
		case lua.OP_SETGLOBAL, lua.OP_SETUPVAL:
			if reads(a, a) {
				return false
			}
		case lua.OP_CONCAT:
			if reads(b, c) {
				return false
			}
		case lua.OP_CALL, lua.OP_TAILCALL:
			if b == 0 && reads(a, -1) || b > 0 && reads(a, a+b-1) {
				return false
			}
		case lua.OP_RETURN:
			if b == 0 && reads(a, -1) || b > 1 && reads(a, a+b-2) {
				return false
			}
		case lua.OP_FORLOOP, lua.OP_FORPREP, lua.OP_TFORLOOP:
			if reads(a, a+2) {
				return false
			}
		case lua.OP_SETLIST:
			if b == 0 && reads(a, -1) || reads(a, a+b) {
				return false
			}
		default:
			// OP_CLOSURE (a closure may capture them) and anything else
			return false
		}
	}
	return true
}

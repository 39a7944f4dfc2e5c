package script

import (
	lua "github.com/yuin/gopher-lua"
)

// A quick script is one whose bytecode proves that it ends quickly: no
// instruction of it can run twice (it runs at most as many as its code
// has), and the only functions it can call are library functions that
// run no code of the script's and whose work grows with their arguments
// (a cjson.decode of a long argument takes its time, as a command of a
// long argument does). The node runs such scripts on its event loop, as
// it runs a GET, instead of handing the connection to a goroutine and
// back; BUSY and SCRIPT KILL apply to them as to any script, though they
// end long before the threshold.
//
// The check (bounded) reads the function's instructions once, in order:
// every jump must go forward (no JMP back, no FORLOOP, FORPREP or
// TFORLOOP), so each instruction runs at most once; there is no CLOSURE
// (no nested function, so no recursion) and no upvalue (a function of a
// library could call a helper of the library's); globals are read only
// from an allowlist (quickGlobals), and the library tables among them
// only indexed by a constant name of their allowlist (quickFields). A
// value read from a library table that the check follows (the table
// itself, redis.call, redis.pcall) must not leave the registers it can
// see: passed to a function, stored in a table or returned, it could be
// indexed or called where the check cannot tell by what. Any other value
// may be a string, whose methods are the string library's: indexing one
// by a name outside the allowlist (rep, find, gsub...) is refused too.
//
// A call of redis.call or redis.pcall must name its command by a constant
// string; the calls are kept (Call: the name, and for each argument
// whether it is a declared key, KEYS[i] or keys[i] with i a constant, or
// a constant string), for the engine's judge (SetJudge) to refuse a
// script that calls a command the node serves off its event loops, and
// to tell whether the script's commands name only its declared keys and
// constant ones. That holds only while the script cannot change its KEYS
// table: any use of it but indexing it, its length and truth tests
// (passing it to a function, storing into it or it, returning it) makes
// no argument count as a declared key.

// A Call is a redis.call or redis.pcall of a bounded script.
type Call struct {
	Name string    // the command's name, as the script writes it
	Args []CallArg // the arguments after the name that the bytecode gives
	More bool      // more arguments follow (unpack(...), ...), how many the bytecode does not say
}

// CallArg is what the check knows of an argument of a Call.
type CallArg struct {
	Key     int    // >= 1: the script's Key-th declared key (KEYS[Key]); 0: not known to be one
	Const   string // the constant string it is, if IsConst
	IsConst bool
}

// Verdict is what the engine's judge says of a bounded script's calls.
type Verdict struct {
	// Quick: the script may run where quick scripts run.
	Quick bool
	// Keys: every key the script's commands may name is one of its
	// declared keys or a constant one; Mask is the judge's own summary
	// of the constant ones (the node's: their stripes).
	Keys bool
	Mask uint64
}

// qkind is what the check knows of a register's value.
type qkind uint8

const (
	qData  qkind = iota // a value that is none of the kinds below (may be a string, or an allowed function)
	qTable              // a table without a metatable (ARGV, {}, a function's args)
	qKeys               // the script's KEYS (a function's keys)
	qKey                // KEYS[key]
	qConst              // the constant string name
	qLib                // the library table name
	qCall               // redis.call or redis.pcall
	qMixed              // a library table or redis.call on one path, something else on another
)

type qval struct {
	k    qkind
	name string
	key  int
}

// followed reports whether v is a value that may not leave the registers
// the check sees.
func (v qval) followed() bool { return v.k == qLib || v.k == qCall || v.k == qMixed }

// joinQ is what a register holds after paths where it held a and b;
// keys is set when KEYS may be in it unfollowed.
func joinQ(a, b qval, keys *bool) qval {
	switch {
	case a == b:
		return a
	case a.followed() || b.followed():
		return qval{k: qMixed}
	case a.k == qKeys || b.k == qKeys:
		*keys = true
		if (a.k == qKeys || a.k == qTable) && (b.k == qKeys || b.k == qTable) {
			return qval{k: qTable}
		}
	}
	return qval{}
}

// quickGlobals are the globals a quick script may read, and what they
// hold.
var quickGlobals = map[string]qkind{
	"redis": qLib, "string": qLib, "table": qLib, "math": qLib, "cjson": qLib, "cmsgpack": qLib, "bit": qLib,
	"KEYS": qKeys, "ARGV": qTable,
	"tonumber": qData, "tostring": qData, "type": qData, "select": qData, "unpack": qData,
	"assert": qData, "error": qData, "rawequal": qData,
}

// quickFields are the fields of the library tables a quick script may
// read: functions whose work grows with their arguments' sizes (not
// string.rep, whose result can be any size; not the pattern functions,
// whose matching can take polynomial time of any degree; not
// table.sort, whose comparator may be anything), and constants.
var quickFields = map[string]map[string]bool{
	"redis": set("call", "pcall", "error_reply", "status_reply", "sha1hex", "log", "setresp", "set_repl",
		"replicate_commands", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REPL_ALL", "REPL_AOF",
		"REPL_SLAVE", "REPL_REPLICA", "REPL_NONE", "REDIS_VERSION", "REDIS_VERSION_NUM"),
	"string": set("byte", "char", "format", "len", "lower", "upper", "sub", "reverse"),
	"table":  set("concat", "insert", "remove", "getn", "maxn"),
	"math": set("abs", "ceil", "floor", "fmod", "frexp", "ldexp", "log", "log10", "max", "min", "modf", "pow",
		"random", "randomseed", "sqrt", "exp", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "cosh",
		"sinh", "tanh", "deg", "rad", "pi", "huge"),
	"cjson":    set("encode", "decode", "null"),
	"cmsgpack": set("pack", "unpack", "unpack_one", "unpack_limit"),
	"bit":      set("tobit", "tohex", "bnot", "band", "bor", "bxor", "lshift", "rshift", "arshift", "rol", "ror", "bswap"),
}

// stringOnly are the string library's fields outside quickFields: a
// string's method of that name is refused (s:rep(n), s.gsub, s.__index,
// the library itself).
var stringOnly = set("dump", "find", "gfind", "gmatch", "gsub", "match", "rep", "__index")

func set(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// qstate is the check's knowledge at one instruction.
type qstate struct {
	r []qval
	// open is the first register of the results of the instruction just
	// before (a CALL or VARARG with a variable count), -1 if none.
	open int
}

func (s *qstate) clone() *qstate {
	return &qstate{r: append([]qval(nil), s.r...), open: s.open}
}

func (s *qstate) join(o *qstate, keys *bool) {
	for i := range s.r {
		s.r[i] = joinQ(s.r[i], o.r[i], keys)
	}
	if s.open != o.open {
		s.open = -2 // used by neither: refused
	}
}

// bounded reports whether p is bounded (see above) and returns its calls
// of redis.call and redis.pcall, and whether its KEYS stay as the run
// started (keysStay: else no argument of calls is a declared key), and
// where it reads globals and redis.call or redis.pcall from the redis
// table (loads: the pcs of those instructions, see foldLoads). fn is set
// for a library's function, called with the tables keys and args (KEYS
// is then not its declared keys).
func bounded(p *lua.FunctionProto, fn bool) (calls []Call, keysStay bool, loads []int, ok bool) {
	if p == nil || len(p.FunctionPrototypes) > 0 || p.NumUpvalues > 0 {
		return nil, false, nil, false
	}
	const nreg = 256 // (an operand may name any register)
	code := p.Code
	at := make([]*qstate, len(code)+2) // the states flowing into each instruction
	start := &qstate{r: make([]qval, nreg), open: -1}
	keysOut := false // KEYS may have changed or left
	keysGlobal := qKeys
	if fn {
		keysGlobal = qTable
		for i, k := range []qkind{qKeys, qTable} {
			if i < int(p.NumParameters) {
				start.r[i] = qval{k: k}
			}
		}
	}
	at[0] = start
	// flow sends s to instruction pc (forward only).
	flow := func(pc int, s *qstate) bool {
		if pc < 0 || pc > len(code) {
			return false
		}
		if at[pc] == nil {
			at[pc] = s
		} else {
			at[pc].join(s, &keysOut)
		}
		return true
	}
	constant := func(x int) (lua.LValue, bool) {
		if x&rkConst == 0 {
			return nil, false
		}
		if i := x &^ rkConst; i < len(p.Constants) {
			return p.Constants[i], true
		}
		return nil, false
	}
	for pc := 0; pc < len(code); pc++ {
		st := at[pc]
		at[pc] = nil
		if st == nil {
			continue // no path reaches it
		}
		inst := code[pc]
		a, b, c := instA(inst), instB(inst), instC(inst)
		bx := int(inst & 0x3ffff)
		open := st.open
		st.open = -1
		r := st.r
		// look: R(i) is read where KEYS could not change or leave
		// (compared, tested, measured); use: anywhere else.
		look := func(i int) bool { return i >= len(r) || !r[i].followed() }
		use := func(i int) bool {
			if i < len(r) && r[i].k == qKeys {
				keysOut = true
			}
			return look(i)
		}
		useRK := func(x int) bool { return x&rkConst != 0 || use(x) }
		lookRK := func(x int) bool { return x&rkConst != 0 || look(x) }
		useRange := func(from, to int) bool { // registers from..to
			for i := from; i <= to; i++ {
				if !use(i) {
					return false
				}
			}
			return true
		}
		// through: the next instruction runs after this one.
		through := true
		switch instOp(inst) {
		case lua.OP_MOVE, lua.OP_MOVEN:
			// (MOVEN runs the MOVEs after it itself: they are checked as
			// they come.)
			r[a] = r[b]
		case lua.OP_LOADK:
			r[a] = qval{}
			if bx < len(p.Constants) {
				if s, ok := p.Constants[bx].(lua.LString); ok {
					r[a] = qval{k: qConst, name: string(s)}
				}
			}
		case lua.OP_LOADBOOL:
			r[a] = qval{}
			if c != 0 {
				through = false
				if !flow(pc+2, st) {
					return nil, false, nil, false
				}
			}
		case lua.OP_LOADNIL:
			for i := a; i <= b && i < len(r); i++ {
				r[i] = qval{}
			}
		case lua.OP_GETGLOBAL:
			if bx >= len(p.Constants) {
				return nil, false, nil, false
			}
			name, _ := p.Constants[bx].(lua.LString)
			k, ok := quickGlobals[string(name)]
			if !ok {
				return nil, false, nil, false
			}
			if k == qKeys {
				k = keysGlobal
			}
			loads = append(loads, pc)
			r[a] = qval{k: k}
			if k == qLib {
				r[a].name = string(name)
			}
		case lua.OP_GETTABLE, lua.OP_GETTABLEKS:
			v, ok := index(r[b], c, constant, useRK)
			if !ok {
				return nil, false, nil, false
			}
			if v.k == qCall {
				loads = append(loads, pc)
			}
			r[a] = v
		case lua.OP_SELF:
			obj := r[b]
			v, ok := index(obj, c, constant, useRK)
			if !ok || !use(b) {
				return nil, false, nil, false // (a library table as the method's self would leave)
			}
			if a+1 >= len(r) {
				return nil, false, nil, false
			}
			r[a], r[a+1] = v, obj
		case lua.OP_SETTABLE, lua.OP_SETTABLEKS:
			if !use(a) || !useRK(b) || !useRK(c) {
				return nil, false, nil, false
			}
		case lua.OP_NEWTABLE:
			r[a] = qval{k: qTable}
		case lua.OP_ADD, lua.OP_SUB, lua.OP_MUL, lua.OP_DIV, lua.OP_MOD, lua.OP_POW:
			if !useRK(b) || !useRK(c) {
				return nil, false, nil, false
			}
			r[a] = qval{}
		case lua.OP_UNM, lua.OP_NOT, lua.OP_LEN:
			if !look(b) {
				return nil, false, nil, false
			}
			r[a] = qval{}
		case lua.OP_CONCAT:
			if !useRange(b, c) {
				return nil, false, nil, false
			}
			r[a] = qval{}
		case lua.OP_JMP:
			sbx := bx - opMaxArgSbx
			if sbx < 0 || !flow(pc+1+sbx, st) {
				return nil, false, nil, false
			}
			through = false
		case lua.OP_EQ, lua.OP_LT, lua.OP_LE:
			if !lookRK(b) || !lookRK(c) || !flow(pc+2, st.clone()) {
				return nil, false, nil, false
			}
		case lua.OP_TEST:
			if !look(a) || !flow(pc+2, st.clone()) {
				return nil, false, nil, false
			}
		case lua.OP_TESTSET:
			// R(A) := R(B) and on to the next instruction, or skip it.
			if !look(b) || !flow(pc+2, st.clone()) {
				return nil, false, nil, false
			}
			r[a] = r[b]
		case lua.OP_CALL, lua.OP_TAILCALL:
			fn := r[a]
			if fn.k == qLib || fn.k == qMixed {
				return nil, false, nil, false
			}
			last := a + b - 1 // the last argument's register
			if b == 0 {
				if open <= a {
					return nil, false, nil, false
				}
				last = open - 1 // and the open results from there
			}
			if fn.k == qCall && (last > a || b == 0) {
				// redis.call('NAME', ...): the name is a constant.
				if last <= a || r[a+1].k != qConst {
					return nil, false, nil, false
				}
				call := Call{Name: r[a+1].name, More: b == 0}
				for i := a + 2; i <= last; i++ {
					var arg CallArg
					switch v := r[i]; v.k {
					case qKey:
						arg.Key = v.key
					case qConst:
						arg.Const, arg.IsConst = v.name, true
					}
					call.Args = append(call.Args, arg)
				}
				calls = append(calls, call)
			}
			if !useRange(a+1, last) {
				return nil, false, nil, false
			}
			for i := a; i < len(r); i++ {
				r[i] = qval{} // the results, and whatever the call left above them
			}
			if c == 0 || instOp(inst) == lua.OP_TAILCALL {
				st.open = a
			}
		case lua.OP_RETURN:
			last := a + b - 2
			if b == 0 {
				if open < a {
					return nil, false, nil, false
				}
				last = open - 1
			}
			if !useRange(a, last) {
				return nil, false, nil, false
			}
			through = false
		case lua.OP_SETLIST:
			last := a + b
			if b == 0 {
				if open <= a {
					return nil, false, nil, false
				}
				last = open - 1
			}
			if r[a].k != qTable || !useRange(a+1, last) {
				return nil, false, nil, false
			}
			if c == 0 {
				// The next word is the block number, not an instruction.
				through = false
				if !flow(pc+2, st) {
					return nil, false, nil, false
				}
			}
		case lua.OP_VARARG:
			if b == 0 {
				for i := a; i < len(r); i++ {
					r[i] = qval{}
				}
				st.open = a
			} else {
				for i := a; i <= a+b-2 && i < len(r); i++ {
					r[i] = qval{}
				}
			}
		case lua.OP_CLOSE, lua.OP_NOP:
		default:
			// OP_CLOSURE, OP_GETUPVAL, OP_SETUPVAL, OP_SETGLOBAL, the
			// loops, anything else
			return nil, false, nil, false
		}
		if through && !flow(pc+1, st) {
			return nil, false, nil, false
		}
	}
	if keysOut {
		for i := range calls {
			for j := range calls[i].Args {
				calls[i].Args[j].Key = 0
			}
		}
	}
	return calls, !keysOut, loads, true
}

// opMaxArgSbx is the bias of gopher-lua's signed sBx operand.
const opMaxArgSbx = (1<<18 - 1) >> 1

// index is what R(B)[RK(C)] gives when R(B) holds t: ok is false when
// the check cannot tell that it is safe.
func index(t qval, key int, constant func(int) (lua.LValue, bool), useRK func(int) bool) (qval, bool) {
	k, isConst := constant(key)
	name, isString := k.(lua.LString)
	switch t.k {
	case qLib:
		if !isConst || !isString || !quickFields[t.name][string(name)] {
			return qval{}, false
		}
		if t.name == "redis" && (name == "call" || name == "pcall") {
			return qval{k: qCall}, true
		}
		return qval{}, true
	case qCall, qMixed:
		return qval{}, false
	case qKeys:
		if n, ok := k.(lua.LNumber); ok && n >= 1 && n <= 1<<20 && n == lua.LNumber(int(n)) {
			return qval{k: qKey, key: int(n)}, true
		}
		return qval{}, useRK(key)
	case qTable:
		return qval{}, useRK(key)
	}
	// Anything else may be a string: its fields are the string
	// library's.
	if !isConst {
		return qval{}, false
	}
	if isString && stringOnly[string(name)] {
		return qval{}, false
	}
	return qval{}, true
}

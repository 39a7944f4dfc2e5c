package script

import (
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// maxDepth bounds the nesting of a converted reply (a table that holds
// itself would never end).
const maxDepth = 512

// toReply converts a script's return value to a reply, by Redis's rules:
// a number is an integer (truncated), a string a bulk string, true 1,
// false and nil a null, a table with an err or ok field an error or
// status, one with a double, big_number, verbatim_string, map or set field
// that RESP3 type, any other table an array of its elements 1..n up to
// the first nil. resp3 is the script's redis.setresp: under RESP3 a
// boolean is a boolean.
func toReply(v lua.LValue, depth int, resp3 bool) Reply {
	switch v := v.(type) {
	case lua.LString:
		return Reply{Kind: Bulk, Str: string(v)}
	case lua.LNumber:
		return Reply{Kind: Int, Int: toInt(float64(v))}
	case lua.LBool:
		switch {
		case resp3 && bool(v):
			return Reply{Kind: Bool, Int: 1}
		case resp3:
			return Reply{Kind: Bool}
		case bool(v):
			return Reply{Kind: Int, Int: 1}
		}
		return Reply{Kind: Nil}
	case *lua.LTable:
		if depth >= maxDepth {
			return ErrorReply("ERR reached lua stack limit")
		}
		if r, ok := tableReply(v, depth, resp3); ok {
			return r
		}
		var elems []Reply
		for i := 1; ; i++ {
			e := v.RawGetInt(i)
			if e == lua.LNil {
				break
			}
			elems = append(elems, toReply(e, depth+1, resp3))
		}
		return Reply{Kind: Array, Elems: elems}
	}
	return Reply{Kind: Nil}
}

// tableReply converts a table that stands for a reply of another kind
// than an array (see toReply), checking its fields in Redis's order.
func tableReply(v *lua.LTable, depth int, resp3 bool) (Reply, bool) {
	if e, ok := v.RawGetString("err").(lua.LString); ok {
		return Reply{Kind: Error, Str: oneLine(string(e)), Counted: counted(v)}, true
	}
	if s, ok := v.RawGetString("ok").(lua.LString); ok {
		return Reply{Kind: Status, Str: oneLine(string(s))}, true
	}
	if d, ok := v.RawGetString("double").(lua.LNumber); ok {
		return Reply{Kind: Double, Float: float64(d)}, true
	}
	if b, ok := v.RawGetString("big_number").(lua.LString); ok {
		return Reply{Kind: BigNumber, Str: oneLine(string(b))}, true
	}
	if t, ok := v.RawGetString("verbatim_string").(*lua.LTable); ok {
		f, fok := t.RawGetString("format").(lua.LString)
		s, sok := t.RawGetString("string").(lua.LString)
		if fok && sok {
			return Reply{Kind: Verbatim, Str: string(s), Format: string(f)}, true
		}
	}
	if m, ok := v.RawGetString("map").(*lua.LTable); ok {
		var elems []Reply
		m.ForEach(func(k, val lua.LValue) {
			elems = append(elems, toReply(k, depth+1, resp3), toReply(val, depth+1, resp3))
		})
		return Reply{Kind: Map, Elems: elems}, true
	}
	if s, ok := v.RawGetString("set").(*lua.LTable); ok {
		var elems []Reply
		s.ForEach(func(k, _ lua.LValue) {
			elems = append(elems, toReply(k, depth+1, resp3))
		})
		return Reply{Kind: Set, Elems: elems}, true
	}
	return Reply{}, false
}

// toInt truncates f toward zero as C's cast does on the usual platforms
// (NaN and out-of-range values give the minimum integer).
func toInt(f float64) int64 {
	if math.IsNaN(f) || f >= 9.223372036854775807e18 || f < -9.223372036854775808e18 {
		return math.MinInt64
	}
	return int64(f)
}

// oneLine replaces line breaks, which a status or error reply cannot hold.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}

// toLua converts a command reply to a Lua value, by Redis's rules:
// integers are numbers, bulk strings strings, RESP2's nulls false, RESP3's
// null nil, arrays tables, a status {ok=...}, an error {err=...}, a
// boolean a boolean, a double {double=n}, a big number {big_number=s}, a
// verbatim string {verbatim_string={format=f, string=s}}, a map
// {map={k=v...}} and a set {set={e=true...}}.
func toLua(L *lua.LState, r Reply) lua.LValue {
	switch r.Kind {
	case Int:
		return lua.LNumber(r.Int)
	case Bulk:
		return lua.LString(r.Str)
	case Status:
		t := L.CreateTable(0, 1)
		t.RawSetString("ok", lua.LString(r.Str))
		return t
	case Error:
		return replyErrTable(L, r)
	case Array:
		t := L.CreateTable(len(r.Elems), 0)
		for i, e := range r.Elems {
			t.RawSetInt(i+1, toLua(L, e))
		}
		return t
	case Null:
		return lua.LNil
	case Bool:
		return lua.LBool(r.Int != 0)
	case Double:
		return oneField(L, "double", lua.LNumber(r.Float))
	case BigNumber:
		return oneField(L, "big_number", lua.LString(r.Str))
	case Verbatim:
		v := L.CreateTable(0, 2)
		v.RawSetString("string", lua.LString(r.Str))
		v.RawSetString("format", lua.LString(r.Format))
		return oneField(L, "verbatim_string", v)
	case Map:
		m := L.CreateTable(0, len(r.Elems)/2)
		for i := 0; i+1 < len(r.Elems); i += 2 {
			setField(m, toLua(L, r.Elems[i]), toLua(L, r.Elems[i+1]))
		}
		return oneField(L, "map", m)
	case Set:
		s := L.CreateTable(0, len(r.Elems))
		for _, e := range r.Elems {
			setField(s, toLua(L, e), lua.LTrue)
		}
		return oneField(L, "set", s)
	}
	return lua.LFalse
}

// oneField returns a table {name=v}.
func oneField(L *lua.LState, name string, v lua.LValue) *lua.LTable {
	t := L.CreateTable(0, 1)
	t.RawSetString(name, v)
	return t
}

// setField sets t[k] = v, skipping keys a table cannot hold (nil, NaN).
func setField(t *lua.LTable, k, v lua.LValue) {
	if n, ok := k.(lua.LNumber); (ok && math.IsNaN(float64(n))) || k == lua.LNil {
		return
	}
	t.RawSet(k, v)
}

// countedField marks an error table holding a command's error the server
// already counted (Redis's field of the same name): a script that passes
// it on does not count it again.
const countedField = "ignore_error_stats_update"

// replyErrTable is the error table of the error reply r.
func replyErrTable(L *lua.LState, r Reply) *lua.LTable {
	t := errTable(L, r.Str)
	if r.Counted {
		t.RawSetString(countedField, lua.LTrue)
	}
	return t
}

// counted reports whether the error table t is marked counted.
func counted(t *lua.LTable) bool { return t.RawGetString(countedField) == lua.LTrue }

func errTable(L *lua.LState, msg string) *lua.LTable {
	t := L.CreateTable(0, 1)
	t.RawSetString("err", lua.LString(msg))
	return t
}

// numString formats a Lua number as Lua 5.1's tostring does ("%.14g").
func numString(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case math.IsNaN(f):
		return "nan"
	}
	return cFormatG(f, 14)
}

// cFormatG formats f as C's printf %.<prec>g does.
func cFormatG(f float64, prec int) string {
	s := strconv.FormatFloat(f, 'g', prec, 64)
	mant, exp, found := strings.Cut(s, "e")
	if strings.Contains(mant, ".") {
		mant = strings.TrimRight(strings.TrimRight(mant, "0"), ".")
	}
	if !found {
		return mant
	}
	sign := exp[0]
	digits := exp[1:]
	if len(digits) < 2 {
		digits = "0" + digits
	}
	return mant + "e" + string(sign) + digits
}

// errorHandler is the message handler of a script's protected call: it
// makes every error a table with the error's text (err) and the script
// line it happened on (line), as Redis 7's handler does.
func errorHandler(L *lua.LState) int {
	obj := L.Get(1)
	line := currentLine(L)
	var t *lua.LTable
	switch o := obj.(type) {
	case *lua.LTable:
		t = o
	default:
		msg := ""
		if s, ok := obj.(lua.LString); ok {
			msg = string(s)
		} else if n, ok := obj.(lua.LNumber); ok {
			msg = numString(float64(n))
		} else {
			msg = obj.String()
		}
		t = errTable(L, "ERR "+msg)
	}
	if line > 0 && t.RawGetString("line") == lua.LNil {
		t.RawSetString("line", lua.LNumber(line))
	}
	L.Push(t)
	return 1
}

// currentLine returns the line of the innermost Lua function of the
// script on the stack, or 0.
func currentLine(L *lua.LState) int {
	for level := 0; level < 64; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			return 0
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil {
			return 0
		}
		if dbg.CurrentLine > 0 && (dbg.Source == chunkName || dbg.Source == funcChunkName) {
			return dbg.CurrentLine
		}
	}
	return 0
}

// errorObject is the reply of a script that raised obj: its err text and,
// when known, where ("ERR ... script: <name>, on @user_script:1.").
func errorObject(obj lua.LValue, name, chunkName string) Reply {
	t, ok := obj.(*lua.LTable)
	if !ok {
		return ErrorReply("ERR " + oneLine(obj.String()))
	}
	msg := "ERR unknown error"
	if e, ok := t.RawGetString("err").(lua.LString); ok {
		msg = string(e)
	}
	if line, ok := t.RawGetString("line").(lua.LNumber); ok {
		msg += " script: " + name + ", on @" + chunkName + ":" + numString(float64(line)) + "."
	}
	return Reply{Kind: Error, Str: oneLine(msg), Counted: counted(t)}
}

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
// status, any other table an array of its elements 1..n up to the first
// nil.
func toReply(v lua.LValue, depth int) Reply {
	switch v := v.(type) {
	case lua.LString:
		return Reply{Kind: Bulk, Str: string(v)}
	case lua.LNumber:
		return Reply{Kind: Int, Int: toInt(float64(v))}
	case lua.LBool:
		if v {
			return Reply{Kind: Int, Int: 1}
		}
		return Reply{Kind: Nil}
	case *lua.LTable:
		if depth >= maxDepth {
			return ErrorReply("ERR reached lua stack limit")
		}
		if e, ok := v.RawGetString("err").(lua.LString); ok {
			return Reply{Kind: Error, Str: oneLine(string(e))}
		}
		if s, ok := v.RawGetString("ok").(lua.LString); ok {
			return Reply{Kind: Status, Str: oneLine(string(s))}
		}
		var elems []Reply
		for i := 1; ; i++ {
			e := v.RawGetInt(i)
			if e == lua.LNil {
				break
			}
			elems = append(elems, toReply(e, depth+1))
		}
		return Reply{Kind: Array, Elems: elems}
	}
	return Reply{Kind: Nil}
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
// integers are numbers, bulk strings strings, nulls false, arrays tables,
// a status {ok=...} and an error {err=...}.
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
		return errTable(L, r.Str)
	case Array:
		t := L.CreateTable(len(r.Elems), 0)
		for _, e := range r.Elems {
			t.Append(toLua(L, e))
		}
		return t
	}
	return lua.LFalse
}

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
	return ErrorReply(oneLine(msg))
}

package script

import (
	"encoding/binary"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// msgpackMaxNesting is how deep cmsgpack.pack descends into tables;
// deeper tables (and tables that hold themselves) are packed as nil.
const msgpackMaxNesting = 16

// cmsgpackLib makes the cmsgpack table as Redis ships it (lua-cmsgpack
// 0.4.0): pack, unpack, unpack_one and unpack_limit. Tables whose keys
// are exactly 1..n pack as arrays, other tables as maps (keys in the
// order the table iterates them); numbers equal to an int64 pack as the
// smallest integer that holds them, others as a float32 when that is
// exact, else as a float64; strings pack as str. unpack reads nil,
// booleans, integers, floats, str and raw, arrays and maps.
func cmsgpackLib(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("_NAME", lua.LString("cmsgpack"))
	t.RawSetString("_VERSION", lua.LString("lua-cmsgpack 0.4.0"))
	t.RawSetString("_COPYRIGHT", lua.LString("Copyright (C) 2012, Salvatore Sanfilippo"))
	t.RawSetString("_DESCRIPTION", lua.LString("MessagePack C implementation for Lua"))
	t.RawSetString("pack", L.NewFunction(msgpackPack))
	t.RawSetString("unpack", L.NewFunction(func(L *lua.LState) int {
		return msgpackUnpack(L, "unpack", 0, 0)
	}))
	t.RawSetString("unpack_one", L.NewFunction(func(L *lua.LState) int {
		offset := optInt(L, 2, "unpack_one", 0)
		L.SetTop(1)
		return msgpackUnpack(L, "unpack_one", 1, offset)
	}))
	t.RawSetString("unpack_limit", L.NewFunction(func(L *lua.LState) int {
		limit := checkInt(L, 2, "unpack_limit")
		offset := optInt(L, 3, "unpack_limit", 0)
		L.SetTop(1)
		return msgpackUnpack(L, "unpack_limit", limit, offset)
	}))
	return t
}

// msgpackPack is cmsgpack.pack(v, ...): every argument packed, one
// after the other, in one string.
func msgpackPack(L *lua.LState) int {
	n := L.GetTop()
	if n == 0 {
		argError(L, 0, "pack", "MessagePack pack needs input.")
	}
	if 2*n > luaMaxCStack {
		argError(L, 0, "pack", "Too many arguments for MessagePack pack.")
	}
	var b []byte
	for i := 1; i <= n; i++ {
		b = packValue(L, b, L.Get(i), 0)
	}
	L.Push(lua.LString(b))
	return 1
}

func packValue(L *lua.LState, b []byte, v lua.LValue, level int) []byte {
	switch v := v.(type) {
	case lua.LString:
		return packString(b, string(v))
	case lua.LBool:
		if v {
			return append(b, 0xc3)
		}
		return append(b, 0xc2)
	case lua.LNumber:
		return packNumber(b, float64(v))
	case *lua.LTable:
		if level == msgpackMaxNesting {
			return append(b, 0xc0)
		}
		return packTable(L, b, v, level)
	}
	return append(b, 0xc0)
}

// packNumber packs f as an integer when an int64 holds it exactly.
func packNumber(b []byte, f float64) []byte {
	if f >= -9223372036854775808 && f < 9223372036854775808 && f == math.Trunc(f) {
		return packInt(b, int64(f))
	}
	if f32 := float32(f); float64(f32) == f {
		b = append(b, 0xca)
		return binary.BigEndian.AppendUint32(b, math.Float32bits(f32))
	}
	b = append(b, 0xcb)
	return binary.BigEndian.AppendUint64(b, math.Float64bits(f))
}

func packInt(b []byte, n int64) []byte {
	switch {
	case n >= 0 && n <= 127:
		return append(b, byte(n))
	case n >= 0 && n <= 0xff:
		return append(b, 0xcc, byte(n))
	case n >= 0 && n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, 0xcd), uint16(n))
	case n >= 0 && n <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, 0xce), uint32(n))
	case n >= 0:
		return binary.BigEndian.AppendUint64(append(b, 0xcf), uint64(n))
	case n >= -32:
		return append(b, byte(n))
	case n >= -128:
		return append(b, 0xd0, byte(n))
	case n >= -32768:
		return binary.BigEndian.AppendUint16(append(b, 0xd1), uint16(n))
	case n >= -2147483648:
		return binary.BigEndian.AppendUint32(append(b, 0xd2), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(n))
}

func packString(b []byte, s string) []byte {
	n := len(s)
	switch {
	case n < 32:
		b = append(b, 0xa0|byte(n))
	case n <= 0xff:
		b = append(b, 0xd9, byte(n))
	case n <= 0xffff:
		b = binary.BigEndian.AppendUint16(append(b, 0xda), uint16(n))
	default:
		b = binary.BigEndian.AppendUint32(append(b, 0xdb), uint32(n))
	}
	return append(b, s...)
}

// packHeader appends an array (fix 0x90, base 0xdc) or map (fix 0x80,
// base 0xde) header for n elements.
func packHeader(b []byte, fix, base byte, n int) []byte {
	switch {
	case n <= 15:
		return append(b, fix|byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, base), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(b, base+1), uint32(n))
}

func packTable(L *lua.LState, b []byte, t *lua.LTable, level int) []byte {
	if n, ok := msgpackArrayLen(t); ok {
		b = packHeader(b, 0x90, 0xdc, n)
		for i := 1; i <= n; i++ {
			b = packValue(L, b, L.GetTable(t, lua.LNumber(i)), level+1)
		}
		return b
	}
	n := 0
	eachPair(t, func(lua.LValue, lua.LValue) { n++ })
	b = packHeader(b, 0x80, 0xde, n)
	eachPair(t, func(k, v lua.LValue) {
		b = packValue(L, b, k, level+1)
		b = packValue(L, b, v, level+1)
	})
	return b
}

// eachPair calls fn for t's pairs in the order next() gives them, the
// same from one call to the next (ForEach's order is random).
func eachPair(t *lua.LTable, fn func(k, v lua.LValue)) {
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		fn(k, v)
	}
}

// msgpackArrayLen reports whether t's keys are exactly 1..n, each a
// number a C int holds (an empty table is an empty array).
func msgpackArrayLen(t *lua.LTable) (int, bool) {
	n, count, ok := 0, 0, true
	t.ForEach(func(k, _ lua.LValue) {
		f, isNum := k.(lua.LNumber)
		if !ok || !isNum || f <= 0 || f > math.MaxInt32 || float64(f) != math.Trunc(float64(f)) {
			ok = false
			return
		}
		count++
		n = max(n, int(f))
	})
	return n, ok && n == count
}

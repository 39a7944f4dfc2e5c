package script

import (
	"fmt"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// bitLib makes the bit table (LuaBitOp): tobit, tohex, bnot, band, bor,
// bxor, lshift, rshift, arshift, rol, ror, bswap, on 32-bit integers.
func bitLib(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	arg := func(L *lua.LState, i int) int32 {
		f := float64(L.CheckNumber(i))
		// LuaBitOp: the number modulo 2^32, as a signed 32-bit integer.
		return int32(uint32(int64(math.Mod(math.Trunc(f), 4294967296))))
	}
	push := func(L *lua.LState, v int32) int { L.Push(lua.LNumber(v)); return 1 }
	fold := func(op func(a, b int32) int32) lua.LGFunction {
		return func(L *lua.LState) int {
			v := arg(L, 1)
			for i := 2; i <= L.GetTop(); i++ {
				v = op(v, arg(L, i))
			}
			return push(L, v)
		}
	}
	fns := map[string]lua.LGFunction{
		"tobit": func(L *lua.LState) int { return push(L, arg(L, 1)) },
		"bnot":  func(L *lua.LState) int { return push(L, ^arg(L, 1)) },
		"band":  fold(func(a, b int32) int32 { return a & b }),
		"bor":   fold(func(a, b int32) int32 { return a | b }),
		"bxor":  fold(func(a, b int32) int32 { return a ^ b }),
		"lshift": func(L *lua.LState) int {
			return push(L, int32(uint32(arg(L, 1))<<(uint32(arg(L, 2))&31)))
		},
		"rshift": func(L *lua.LState) int {
			return push(L, int32(uint32(arg(L, 1))>>(uint32(arg(L, 2))&31)))
		},
		"arshift": func(L *lua.LState) int { return push(L, arg(L, 1)>>(uint32(arg(L, 2))&31)) },
		"rol": func(L *lua.LState) int {
			x, n := uint32(arg(L, 1)), uint32(arg(L, 2))&31
			return push(L, int32(x<<n|x>>((32-n)&31)))
		},
		"ror": func(L *lua.LState) int {
			x, n := uint32(arg(L, 1)), uint32(arg(L, 2))&31
			return push(L, int32(x>>n|x<<((32-n)&31)))
		},
		"bswap": func(L *lua.LState) int {
			x := uint32(arg(L, 1))
			return push(L, int32(x>>24|(x>>8)&0xff00|(x<<8)&0xff0000|x<<24))
		},
		"tohex": func(L *lua.LState) int {
			x := uint32(arg(L, 1))
			n := 8
			if L.GetTop() >= 2 {
				n = int(arg(L, 2))
			}
			digits := "0123456789abcdef"
			if n < 0 {
				n, digits = -n, "0123456789ABCDEF"
			}
			n = min(n, 8)
			s := fmt.Sprintf("%08x", x)
			if digits[10] == 'A' {
				s = fmt.Sprintf("%08X", x)
			}
			L.Push(lua.LString(s[8-n:]))
			return 1
		},
	}
	for name, fn := range fns {
		t.RawSetString(name, L.NewFunction(fn))
	}
	return t
}

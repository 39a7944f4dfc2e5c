package script

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

// mpDecoder reads MessagePack values into Lua values. stack counts the
// values lua-cmsgpack would hold on its C stack at this point, so that
// input nested or repeated too far fails as it does in Redis.
type mpDecoder struct {
	L     *lua.LState
	b     []byte
	stack int
	err   string // "" or why the input cannot be read
}

const (
	mpErrEOF    = "Missing bytes in input."
	mpErrBadFmt = "Bad data format in input."
)

// msgpackUnpack decodes the string argument from offset: every value
// when limit and offset are both 0, else at most limit values, preceded
// by the offset of the next one (-1 when the input is consumed).
func msgpackUnpack(L *lua.LState, fname string, limit, offset int) int {
	s := checkString(L, 1, fname)
	all := limit == 0 && offset == 0
	if offset < 0 || limit < 0 {
		L.RaiseError("Invalid request to unpack with offset of %d and limit of %d.", offset, int32(len(s)))
	}
	if offset > len(s) {
		L.RaiseError("Start offset %d greater than input length %d.", offset, int32(len(s)))
	}
	if all {
		limit = math.MaxInt32
	}
	d := &mpDecoder{L: L, b: []byte(s[offset:]), stack: L.GetTop()}
	var vals []lua.LValue
	for len(d.b) > 0 && len(vals) < limit {
		v := d.value()
		if d.err != "" {
			L.RaiseError("%s", d.err)
		}
		vals = append(vals, v)
		d.stack++
	}
	if !all {
		if d.stack+1 > luaMaxCStack {
			L.RaiseError("stack overflow (in function mp_unpack_full)")
		}
		next := -1
		if len(d.b) > 0 {
			next = len(s) - len(d.b)
		}
		L.Push(lua.LNumber(next))
	}
	for _, v := range vals {
		L.Push(v)
	}
	return len(vals) + btoi(!all)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// need reports whether n more bytes are there, and records EOF if not.
func (d *mpDecoder) need(n uint64) bool {
	if uint64(len(d.b)) < n {
		d.err = mpErrEOF
		return false
	}
	return true
}

// uint reads the n-byte big-endian number after the type byte.
func (d *mpDecoder) uint(n int) (uint64, bool) {
	if !d.need(uint64(n) + 1) {
		return 0, false
	}
	var u uint64
	for _, c := range d.b[1 : n+1] {
		u = u<<8 | uint64(c)
	}
	d.b = d.b[n+1:]
	return u, true
}

// value decodes one value; on bad input it sets d.err and returns nil.
func (d *mpDecoder) value() lua.LValue {
	if !d.need(1) {
		return lua.LNil
	}
	if d.stack+1 > luaMaxCStack {
		d.L.RaiseError("stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)")
	}
	c := d.b[0]
	switch {
	case c <= 0x7f:
		d.b = d.b[1:]
		return lua.LNumber(c)
	case c >= 0xe0:
		d.b = d.b[1:]
		return lua.LNumber(int8(c))
	case c&0xe0 == 0xa0:
		d.b = d.b[1:]
		return d.str(uint64(c & 0x1f))
	case c&0xf0 == 0x90:
		d.b = d.b[1:]
		return d.array(uint64(c & 0xf))
	case c&0xf0 == 0x80:
		d.b = d.b[1:]
		return d.table(uint64(c & 0xf))
	}
	switch c {
	case 0xc0:
		d.b = d.b[1:]
		return lua.LNil
	case 0xc2, 0xc3:
		d.b = d.b[1:]
		return lua.LBool(c == 0xc3)
	}
	// Sized types: how many bytes follow the type byte.
	size := mpSize(c)
	if size == 0 {
		d.err = mpErrBadFmt
		return lua.LNil
	}
	u, ok := d.uint(size)
	if !ok {
		return lua.LNil
	}
	switch c {
	case 0xcc, 0xcd, 0xce:
		return lua.LNumber(u)
	case 0xcf: // pushed as a lua_Integer: 2^63 and above wrap negative
		return lua.LNumber(int64(u))
	case 0xd0:
		return lua.LNumber(int8(u))
	case 0xd1:
		return lua.LNumber(int16(u))
	case 0xd2:
		return lua.LNumber(int32(u))
	case 0xd3:
		return lua.LNumber(int64(u))
	case 0xca:
		return lua.LNumber(math.Float32frombits(uint32(u)))
	case 0xcb:
		return lua.LNumber(math.Float64frombits(u))
	case 0xd9, 0xda, 0xdb:
		return d.str(u)
	case 0xdc, 0xdd:
		return d.array(u)
	}
	return d.table(u)
}

func (d *mpDecoder) str(n uint64) lua.LValue {
	if !d.need(n) {
		return lua.LNil
	}
	s := lua.LString(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *mpDecoder) array(n uint64) lua.LValue {
	t := d.L.CreateTable(int(min(n, uint64(len(d.b)))), 0)
	d.stack++ // the table
	if d.stack+1 > luaMaxCStack {
		d.L.RaiseError("stack overflow (in function mp_decode_to_lua_array)")
	}
	for i := uint64(1); i <= n; i++ {
		d.stack++ // the index
		v := d.value()
		d.stack--
		if d.err != "" {
			break
		}
		t.RawSetInt(int(i), v)
	}
	d.stack--
	return t
}

func (d *mpDecoder) table(n uint64) lua.LValue {
	t := d.L.CreateTable(0, int(min(n, uint64(len(d.b)))))
	d.stack++
	for ; n > 0; n-- {
		k := d.value()
		if d.err != "" {
			break
		}
		d.stack++
		v := d.value()
		d.stack--
		if d.err != "" {
			break
		}
		if k == lua.LNil {
			luaErrorf(d.L, "table index is nil")
		}
		if f, ok := k.(lua.LNumber); ok && math.IsNaN(float64(f)) {
			luaErrorf(d.L, "table index is NaN")
		}
		t.RawSet(k, v)
	}
	d.stack--
	return t
}

// mpSize is how many bytes follow type byte c before its payload (0
// for a type cmsgpack does not read).
func mpSize(c byte) int {
	switch c {
	case 0xcc, 0xd0, 0xd9:
		return 1
	case 0xcd, 0xd1, 0xda, 0xdc, 0xde:
		return 2
	case 0xce, 0xd2, 0xca, 0xdb, 0xdd, 0xdf:
		return 4
	case 0xcf, 0xd3, 0xcb:
		return 8
	}
	return 0
}

package script

import (
	"encoding/binary"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// structUnpack is struct.unpack(fmt, s [, i]): the values read from s
// (from its i-th byte), then the position after them.
func structUnpack(L *lua.LState) int {
	f := newStructFormat(L, "unpack")
	data := checkString(L, 2, "unpack")
	ld := uint64(len(data))
	pos := uint64(1)
	if L.Get(3) != lua.LNil {
		pos = uint64(int64(checkNumber(L, 3, "unpack")))
	}
	if pos == 0 {
		argError(L, 3, "unpack", "offset must be 1 or greater")
	}
	pos--
	top := L.GetTop()
	var vals []lua.LValue
	for f.fmt != "" {
		opt, n := f.next()
		size := uint64(n)
		pos += f.toAlign(pos, opt, n)
		if size > ld || pos > ld-size {
			argError(L, 2, "unpack", "data string too short")
		}
		if top+len(vals)+2 > luaMaxCStack {
			L.RaiseError("stack overflow (too many results)")
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			vals = append(vals, lua.LNumber(structInt([]byte(data[pos:pos+size]), f.little, opt >= 'a')))
		case 'x':
		case 'f':
			b := f.order([]byte(data[pos : pos+4]))
			vals = append(vals, lua.LNumber(math.Float32frombits(binary.LittleEndian.Uint32(b))))
		case 'd':
			b := f.order([]byte(data[pos : pos+8]))
			vals = append(vals, lua.LNumber(math.Float64frombits(binary.LittleEndian.Uint64(b))))
		case 'c':
			if size == 0 {
				var prev float64
				ok := len(vals) > 0
				if ok {
					prev, ok = toNumber(vals[len(vals)-1])
				}
				if !ok {
					L.RaiseError("format 'c0' needs a previous size")
				}
				vals = vals[:len(vals)-1]
				size = cUint64(prev)
				if size > ld || pos > ld-size {
					argError(L, 2, "unpack", "data string too short")
				}
			}
			vals = append(vals, lua.LString(data[pos:pos+size]))
		case 's':
			e := strings.IndexByte(data[pos:], 0)
			if e < 0 {
				L.RaiseError("unfinished string in data")
			}
			vals = append(vals, lua.LString(data[pos:pos+uint64(e)]))
			size = uint64(e) + 1
		default:
			f.control(opt)
		}
		pos += size
	}
	for _, v := range vals {
		L.Push(v)
	}
	L.Push(lua.LNumber(int64(pos + 1)))
	return len(vals) + 1
}

// structInt reads an integer of len(b) bytes as the C library does: in
// a 64-bit accumulator (longer integers keep their last 8 bytes read),
// sign-extended from the item's top bit.
func structInt(b []byte, little, signed bool) float64 {
	var l uint64
	for i := range b {
		c := b[i]
		if little {
			c = b[len(b)-1-i]
		}
		l = l<<8 | uint64(c)
	}
	if !signed {
		return float64(l)
	}
	mask := ^uint64(0) << ((len(b)*8 - 1) & 63)
	if l&mask != 0 {
		l |= mask
	}
	return float64(int64(l))
}

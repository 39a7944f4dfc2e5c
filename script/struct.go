package script

import (
	"encoding/binary"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

// structLib makes the struct table as Redis ships it (Roberto
// Ierusalimschy's struct library): pack(fmt, ...), unpack(fmt, s [, i])
// and size(fmt). Formats: '<' '>' byte order, '!n' alignment, ' '
// ignored, 'x' a pad byte, b/B h/H l/L T i/I[n] integers (1, 2, 8, 8, n
// bytes; lower case signed), f d floats, 'c[n]' fixed strings ('c0':
// the argument's length, or when unpacking the number read before),
// 's' zero-terminated strings.
func structLib(L *lua.LState) *lua.LTable {
	t := L.NewTable()
	t.RawSetString("pack", L.NewFunction(structPack))
	t.RawSetString("unpack", L.NewFunction(structUnpack))
	t.RawSetString("size", L.NewFunction(structSize))
	return t
}

const (
	structMaxIntSize = 32
	structMaxAlign   = 8
)

// structFormat walks a format string as the C library does.
type structFormat struct {
	L      *lua.LState
	fname  string
	fmt    string // the rest of the format
	little bool
	align  int
}

func newStructFormat(L *lua.LState, fname string) *structFormat {
	f := checkString(L, 1, fname)
	if i := strings.IndexByte(f, 0); i >= 0 {
		f = f[:i] // a C string
	}
	return &structFormat{L: L, fname: fname, fmt: f, little: true, align: 1}
}

// next returns the next option and its size.
func (f *structFormat) next() (byte, int) {
	opt := f.fmt[0]
	f.fmt = f.fmt[1:]
	switch opt {
	case 'B', 'b':
		return opt, 1
	case 'H', 'h':
		return opt, 2
	case 'L', 'l', 'T', 'd':
		return opt, 8
	case 'f':
		return opt, 4
	case 'x':
		return opt, 1
	case 'c':
		return opt, f.num(1)
	case 'i', 'I':
		n := f.num(4)
		if n > structMaxIntSize {
			f.L.RaiseError("integral size %d is larger than limit of %d", n, structMaxIntSize)
		}
		return opt, n
	}
	return opt, 0
}

// num reads the number that follows an option, or returns def.
func (f *structFormat) num(def int) int {
	if f.fmt == "" || f.fmt[0] < '0' || f.fmt[0] > '9' {
		return def
	}
	a := 0
	for f.fmt != "" && f.fmt[0] >= '0' && f.fmt[0] <= '9' {
		d := int(f.fmt[0] - '0')
		if a > math.MaxInt32/10 || a*10 > math.MaxInt32-d {
			f.L.RaiseError("integral size overflow")
		}
		a = a*10 + d
		f.fmt = f.fmt[1:]
	}
	return a
}

// toAlign is how many pad bytes put an item of size at offset pos.
func (f *structFormat) toAlign(pos uint64, opt byte, size int) uint64 {
	if size == 0 || opt == 'c' {
		return 0
	}
	s := uint64(min(size, f.align))
	return (s - (pos & (s - 1))) & (s - 1)
}

// control applies an option that is not an item.
func (f *structFormat) control(opt byte) {
	switch opt {
	case ' ':
	case '>':
		f.little = false
	case '<':
		f.little = true
	case '!':
		a := f.num(structMaxAlign)
		if a <= 0 || a&(a-1) != 0 {
			f.L.RaiseError("alignment %d is not a power of 2", a)
		}
		f.align = a
	default:
		argError(f.L, 1, f.fname, "invalid format option '"+string(opt)+"'")
	}
}

// order returns b in the format's byte order (b is little-endian).
func (f *structFormat) order(b []byte) []byte {
	if !f.little {
		for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
			b[i], b[j] = b[j], b[i]
		}
	}
	return b
}

func structPack(L *lua.LState) int {
	f := newStructFormat(L, "pack")
	arg := 2
	// The C library pushes a nil after its arguments: the first missing
	// one reads as nil, not as no value.
	L.Push(lua.LNil)
	var out []byte
	for f.fmt != "" {
		opt, size := f.next()
		out = append(out, make([]byte, f.toAlign(uint64(len(out)), opt, size))...)
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			v := cUint64(checkNumber(L, arg, "pack"))
			arg++
			b := make([]byte, size)
			for i := 0; i < size && i < 8; i++ {
				b[i] = byte(v >> (8 * i))
			}
			out = append(out, f.order(b)...)
		case 'x':
			out = append(out, 0)
		case 'f':
			b := binary.LittleEndian.AppendUint32(nil, math.Float32bits(float32(checkNumber(L, arg, "pack"))))
			arg++
			out = append(out, f.order(b)...)
		case 'd':
			b := binary.LittleEndian.AppendUint64(nil, math.Float64bits(checkNumber(L, arg, "pack")))
			arg++
			out = append(out, f.order(b)...)
		case 'c', 's':
			s := checkString(L, arg, "pack")
			arg++
			if size == 0 {
				size = len(s)
			}
			if len(s) < size {
				argError(L, arg, "pack", "string too short")
			}
			out = append(out, s[:size]...)
			if opt == 's' {
				out = append(out, 0)
			}
		default:
			f.control(opt)
		}
	}
	L.Push(lua.LString(out))
	return 1
}

// cUint64 converts n as the C library does: through int64 when
// negative, else straight to uint64, with x86's result for values out
// of range.
func cUint64(n float64) uint64 {
	const two63 = 9223372036854775808.0
	if n < 0 {
		if n >= -two63 {
			return uint64(int64(n))
		}
		return 1 << 63
	}
	if math.IsNaN(n) {
		return 1 << 63
	}
	if n < two63 {
		return uint64(int64(n))
	}
	if n-two63 < two63 {
		return uint64(int64(n-two63)) ^ 1<<63
	}
	return 0
}

func structSize(L *lua.LState) int {
	f := newStructFormat(L, "size")
	pos := uint64(0)
	for f.fmt != "" {
		opt, size := f.next()
		pos += f.toAlign(pos, opt, size)
		if opt == 's' {
			argError(L, 1, "size", "option 's' has no fixed size")
		} else if opt == 'c' && size == 0 {
			argError(L, 1, "size", "option 'c0' has no fixed size")
		}
		if !isAlnum(opt) {
			f.control(opt)
		}
		pos += uint64(size)
	}
	L.Push(lua.LNumber(pos))
	return 1
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

package node

import (
	"math"
	"strings"

	"github.com/vcache/vcache/cache"
	"github.com/vcache/vcache/internal/command"
)

const (
	msgBitOffset    = "ERR bit offset is not an integer or out of range"
	msgBitValue     = "ERR bit is not an integer or out of range"
	msgBitArg       = "ERR The bit argument must be 1 or 0."
	msgBitOpNot     = "ERR BITOP NOT must be called with a single source key."
	msgBitFieldType = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."
	msgOverflowType = "ERR Invalid OVERFLOW type specified"
	msgBitFieldRO   = "ERR BITFIELD_RO only supports the GET subcommand"
)

// parseBitOffset reads a bit offset: a non-negative integer whose byte is
// within maxBytes; with bits > 0 a "#N" offset means N*bits (BITFIELD).
func parseBitOffset(arg []byte, bits int, maxBytes int64) (uint64, bool) {
	hash := bits > 0 && len(arg) > 0 && arg[0] == '#'
	if hash {
		arg = arg[1:]
	}
	v, err := cache.ParseInt(arg)
	if err != nil {
		return 0, false
	}
	if hash {
		if v > math.MaxInt64/int64(bits) || v < math.MinInt64/int64(bits) {
			return 0, false
		}
		v *= int64(bits)
	}
	if v < 0 || v>>3 >= maxBytes {
		return 0, false
	}
	return uint64(v), true
}

func cmdSetBit(cx *Ctx) {
	off, ok := parseBitOffset(cx.Args[2], 0, cx.Node.ks.MaxStringLen())
	if !ok {
		cx.Error(msgBitOffset)
		return
	}
	on, err := cache.ParseInt(cx.Args[3])
	if err != nil || on&^1 != 0 {
		cx.Error(msgBitValue)
		return
	}
	old, err := cx.Node.ks.SetBit(cx.Args[1], off, on == 1)
	replyInt(cx, int64(old), err)
}

func cmdGetBit(cx *Ctx) {
	off, ok := parseBitOffset(cx.Args[2], 0, cx.Node.ks.MaxStringLen())
	if !ok {
		cx.Error(msgBitOffset)
		return
	}
	bit, err := cx.Node.ks.GetBit(cx.Args[1], off)
	replyInt(cx, int64(bit), err)
}

// parseBitUnit reads BYTE or BIT.
func parseBitUnit(arg []byte) (isBit, ok bool) {
	switch strings.ToLower(string(arg)) {
	case "bit":
		return true, true
	case "byte":
		return false, true
	}
	return false, false
}

func cmdBitCount(cx *Ctx) {
	// As Redis: a missing key answers 0 and a wrong type errs before the
	// range is parsed.
	v, err := cx.Node.ks.Get(cx.Args[1])
	if err != nil {
		cx.Err(err)
		return
	}
	if v == nil {
		cx.Int(0)
		return
	}
	args := cx.Args
	var r *cache.BitRange
	switch len(args) {
	case 2:
	case 4, 5:
		start, err1 := cache.ParseInt(args[2])
		end, err2 := cache.ParseInt(args[3])
		if err1 != nil || err2 != nil {
			cx.Error(command.MsgNotInt)
			return
		}
		r = &cache.BitRange{Start: start, End: end}
		if start < 0 && end < 0 && start > end {
			cx.Int(0)
			return
		}
		if len(args) == 5 {
			isBit, ok := parseBitUnit(args[4])
			if !ok {
				cx.SyntaxError()
				return
			}
			r.Bit = isBit
		}
	default:
		cx.SyntaxError()
		return
	}
	cx.Int(cache.BitCount(v, r))
}

func cmdBitPos(cx *Ctx) {
	args := cx.Args
	bit, err := cache.ParseInt(args[2])
	if err != nil {
		cx.Error(command.MsgNotInt)
		return
	}
	if bit != 0 && bit != 1 {
		cx.Error(msgBitArg)
		return
	}
	v, err := cx.Node.ks.Get(args[1])
	switch {
	case err != nil:
		cx.Err(err)
		return
	case v == nil:
		cx.Int(-bit)
		return
	}
	var r cache.BitPosRange
	if len(args) > 6 {
		cx.SyntaxError()
		return
	}
	if len(args) >= 4 {
		if r.Start, err = cache.ParseInt(args[3]); err != nil {
			cx.Error(command.MsgNotInt)
			return
		}
		r.HasStart = true
	}
	if len(args) == 6 {
		var ok bool
		if r.Bit, ok = parseBitUnit(args[5]); !ok {
			cx.SyntaxError()
			return
		}
	}
	if len(args) >= 5 {
		if r.End, err = cache.ParseInt(args[4]); err != nil {
			cx.Error(command.MsgNotInt)
			return
		}
		r.HasEnd = true
	}
	cx.Int(cache.BitPos(v, int(bit), r))
}

func cmdBitOp(cx *Ctx) {
	var op cache.BitOpKind
	switch strings.ToLower(string(cx.Args[1])) {
	case "and":
		op = cache.BitAnd
	case "or":
		op = cache.BitOr
	case "xor":
		op = cache.BitXor
	case "not":
		op = cache.BitNot
	default:
		cx.SyntaxError()
		return
	}
	if op == cache.BitNot && len(cx.Args) != 4 {
		cx.Error(msgBitOpNot)
		return
	}
	n, err := cx.Node.ks.BitOp(op, cx.Args[2], cx.Args[3:])
	replyInt(cx, n, err)
}

func cmdBitField(cx *Ctx) { bitField(cx, false) }

func cmdBitFieldRO(cx *Ctx) { bitField(cx, true) }

func bitField(cx *Ctx, readonly bool) {
	ops, msg := parseBitField(cx.Args[2:], cx.Node.ks.MaxStringLen())
	if msg != "" {
		cx.Error(msg)
		return
	}
	if readonly {
		for _, op := range ops {
			if op.Kind != cache.BitFieldGet {
				cx.Error(msgBitFieldRO)
				return
			}
		}
	}
	res, err := cx.Node.ks.BitField(cx.Args[1], ops)
	if err != nil {
		cx.Err(err)
		return
	}
	cx.Array(len(res))
	for _, r := range res {
		if r.Null {
			cx.Null()
		} else {
			cx.Int(r.Val)
		}
	}
}

// parseBitField reads BITFIELD's subcommands; on error it returns the
// error text.
func parseBitField(args [][]byte, maxBytes int64) ([]cache.BitFieldOp, string) {
	var ops []cache.BitFieldOp
	ow := cache.OverflowWrap
	for j := 0; j < len(args); j++ {
		rem := len(args) - j - 1
		var kind cache.BitFieldOpKind
		switch sub := strings.ToLower(string(args[j])); {
		case sub == "get" && rem >= 2:
			kind = cache.BitFieldGet
		case sub == "set" && rem >= 3:
			kind = cache.BitFieldSet
		case sub == "incrby" && rem >= 3:
			kind = cache.BitFieldIncrBy
		case sub == "overflow" && rem >= 1:
			switch strings.ToLower(string(args[j+1])) {
			case "wrap":
				ow = cache.OverflowWrap
			case "sat":
				ow = cache.OverflowSat
			case "fail":
				ow = cache.OverflowFail
			default:
				return nil, msgOverflowType
			}
			j++
			continue
		default:
			return nil, "ERR syntax error"
		}
		signed, bits, ok := parseBitFieldType(args[j+1])
		if !ok {
			return nil, msgBitFieldType
		}
		off, ok := parseBitOffset(args[j+2], bits, maxBytes)
		if !ok {
			return nil, msgBitOffset
		}
		op := cache.BitFieldOp{Kind: kind, Signed: signed, Bits: uint8(bits), Offset: off, Overflow: ow}
		if kind != cache.BitFieldGet {
			v, err := cache.ParseInt(args[j+3])
			if err != nil {
				return nil, command.MsgNotInt
			}
			op.Value = v
			j++
		}
		ops = append(ops, op)
		j += 2
	}
	return ops, ""
}

// parseBitFieldType reads i1..i64 or u1..u63.
func parseBitFieldType(arg []byte) (signed bool, bits int, ok bool) {
	if len(arg) < 2 {
		return false, 0, false
	}
	switch arg[0] {
	case 'i':
		signed = true
	case 'u':
	default:
		return false, 0, false
	}
	n, err := cache.ParseInt(arg[1:])
	if err != nil || n < 1 || (signed && n > 64) || (!signed && n > 63) {
		return false, 0, false
	}
	return signed, int(n), true
}

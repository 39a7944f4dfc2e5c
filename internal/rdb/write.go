package rdb

import (
	"encoding/binary"
	"math"
	"strconv"
)

// Encode returns v's DUMP payload in plain forms Redis 7.0 loads (a
// string, integer-encoded when it is a small canonical integer; RDB_TYPE_SET,
// RDB_TYPE_HASH, RDB_TYPE_ZSET_2).
func Encode(v Value) []byte {
	var b []byte
	switch v.Kind {
	case Native:
		return EncodeNative(v.Body)
	case Stream:
		b = appendStream(append(b, typeStreamLP2), v.Stream)
	case String:
		b = append(b, typeString)
		b = appendStr(b, v.Str)
	case Set:
		b = append(b, typeSet)
		b = appendLen(b, uint64(len(v.Members)))
		for _, m := range v.Members {
			b = appendStr(b, m)
		}
	case Hash:
		b = append(b, typeHash)
		b = appendLen(b, uint64(len(v.Pairs)/2))
		for _, s := range v.Pairs {
			b = appendStr(b, s)
		}
	case List:
		b = appendQuicklist(append(b, typeListQuick2), v.Items)
	case ZSet:
		b = append(b, typeZSet2)
		b = appendLen(b, uint64(len(v.Z)))
		for _, e := range v.Z {
			b = appendStr(b, e.Member)
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(e.Score))
		}
	}
	return seal(b)
}

func appendLen(b []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(b, byte(n))
	case n < 1<<14:
		return append(b, byte(n>>8)|0x40, byte(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(b, 0x80), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, 0x81), n)
}

// appendStr writes s, as an 8, 16 or 32-bit integer when it spells one
// canonically (as Redis does), else its length and bytes.
func appendStr(b []byte, s []byte) []byte {
	if len(s) > 0 && len(s) <= 11 {
		if v, err := strconv.ParseInt(string(s), 10, 32); err == nil && strconv.FormatInt(v, 10) == string(s) {
			switch {
			case v >= math.MinInt8 && v <= math.MaxInt8:
				return append(b, 0xC0, byte(int8(v)))
			case v >= math.MinInt16 && v <= math.MaxInt16:
				return binary.LittleEndian.AppendUint16(append(b, 0xC1), uint16(int16(v)))
			default:
				return binary.LittleEndian.AppendUint32(append(b, 0xC2), uint32(int32(v)))
			}
		}
	}
	b = appendLen(b, uint64(len(s)))
	return append(b, s...)
}

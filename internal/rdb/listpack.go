package rdb

import (
	"encoding/binary"
	"strconv"
)

// packedOrZipped returns the entries of a listpack, or of a ziplist (RDB
// files older than Redis 7.0) if ziplist is set.
func packedOrZipped(b []byte, ziplist bool) ([][]byte, bool) {
	if ziplist {
		return ziplistEntries(b)
	}
	return packEntries(b)
}

// packEntries returns the entries of a listpack as strings (integers in
// decimal).
func packEntries(b []byte) ([][]byte, bool) {
	if len(b) < 7 || int(binary.LittleEndian.Uint32(b)) != len(b) || b[len(b)-1] != 0xFF {
		return nil, false
	}
	var out [][]byte
	p := b[6 : len(b)-1]
	for len(p) > 0 {
		entry, size, ok := lpEntry(p)
		if !ok {
			return nil, false
		}
		bl := backlenSize(size)
		if size+bl > len(p) || lpBacklen(p[size:size+bl]) != size {
			return nil, false
		}
		out = append(out, entry)
		p = p[size+bl:]
	}
	if n := binary.LittleEndian.Uint16(b[4:]); n != 0xFFFF && int(n) != len(out) {
		return nil, false
	}
	return out, true
}

// lpEntry decodes the entry at the start of p: its value and the bytes
// of its encoding and data (without the back length).
func lpEntry(p []byte) ([]byte, int, bool) {
	c := p[0]
	integer := func(size int, v int64) ([]byte, int, bool) {
		return strconv.AppendInt(nil, v, 10), size, true
	}
	str := func(head, n int) ([]byte, int, bool) {
		if n < 0 || head+n > len(p) {
			return nil, 0, false
		}
		return p[head : head+n : head+n], head + n, true
	}
	need := func(n int) bool { return len(p) >= n }
	switch {
	case c&0x80 == 0:
		return integer(1, int64(c))
	case c&0xC0 == 0x80:
		return str(1, int(c&0x3F))
	case c&0xE0 == 0xC0:
		if !need(2) {
			return nil, 0, false
		}
		v := int64(c&0x1F)<<8 | int64(p[1])
		if v >= 1<<12 {
			v -= 1 << 13
		}
		return integer(2, v)
	case c&0xF0 == 0xE0:
		if !need(2) {
			return nil, 0, false
		}
		return str(2, int(c&0x0F)<<8|int(p[1]))
	}
	switch c {
	case 0xF0:
		if !need(5) {
			return nil, 0, false
		}
		return str(5, int(binary.LittleEndian.Uint32(p[1:])))
	case 0xF1:
		if !need(3) {
			return nil, 0, false
		}
		return integer(3, int64(int16(binary.LittleEndian.Uint16(p[1:]))))
	case 0xF2:
		if !need(4) {
			return nil, 0, false
		}
		v := int64(p[1]) | int64(p[2])<<8 | int64(p[3])<<16
		if v >= 1<<23 {
			v -= 1 << 24
		}
		return integer(4, v)
	case 0xF3:
		if !need(5) {
			return nil, 0, false
		}
		return integer(5, int64(int32(binary.LittleEndian.Uint32(p[1:]))))
	case 0xF4:
		if !need(9) {
			return nil, 0, false
		}
		return integer(9, int64(binary.LittleEndian.Uint64(p[1:])))
	}
	return nil, 0, false
}

// backlenSize is how many bytes the back length of an entry of n bytes
// takes (7 bits each).
func backlenSize(n int) int {
	switch {
	case n < 1<<7:
		return 1
	case n < 1<<14:
		return 2
	case n < 1<<21:
		return 3
	case n < 1<<28:
		return 4
	}
	return 5
}

// lpBacklen reads a back length, stored most significant group first,
// each byte but the last with its high bit set.
func lpBacklen(p []byte) int {
	v := 0
	for i := 0; i < len(p); i++ {
		v |= int(p[len(p)-1-i]&0x7F) << (7 * i)
	}
	return v
}

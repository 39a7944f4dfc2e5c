package rdb

import (
	"encoding/binary"
	"strconv"
)

// Encodings of RDB files older than Redis 7.0, read so that a DUMP from
// Redis 6 (RDB version 9) RESTOREs as on Redis 7.0: ziplists (small
// hashes, sorted sets and lists, and the nodes of version 1 quicklists)
// and zipmaps (hashes of Redis before 2.6).
const (
	typeHashZipmap   = 9
	typeListZiplist  = 10
	typeListQuicklst = 14
)

// ziplistEntries returns the entries of a ziplist as strings (integers
// in decimal): a header of total bytes, offset of the last entry and
// count (32, 32 and 16 bits, little-endian), the entries, then 0xFF.
// Each entry is the previous entry's length (1 byte, or 0xFE and 4
// bytes), an encoding, and its data.
func ziplistEntries(b []byte) ([][]byte, bool) {
	if len(b) < 11 || int(binary.LittleEndian.Uint32(b)) != len(b) || b[len(b)-1] != 0xFF {
		return nil, false
	}
	tail := int(binary.LittleEndian.Uint32(b[4:]))
	var out [][]byte
	prev, last := 0, 10
	for p := 10; p < len(b)-1; {
		start := p
		pl := int(b[p])
		if pl == 0xFE {
			if p+5 > len(b)-1 {
				return nil, false
			}
			pl = int(binary.LittleEndian.Uint32(b[p+1:]))
			p += 5
		} else {
			p++
		}
		if pl != prev {
			return nil, false
		}
		entry, size, ok := zlEntry(b[p : len(b)-1])
		if !ok {
			return nil, false
		}
		out = append(out, entry)
		p += size
		prev, last = p-start, start
	}
	if len(out) > 0 && tail != last {
		return nil, false
	}
	if n := binary.LittleEndian.Uint16(b[8:]); n != 0xFFFF && int(n) != len(out) {
		return nil, false
	}
	return out, true
}

// zlEntry decodes the encoding and data at the start of p: the value and
// the bytes they take.
func zlEntry(p []byte) ([]byte, int, bool) {
	if len(p) == 0 {
		return nil, 0, false
	}
	c := p[0]
	str := func(head, n int) ([]byte, int, bool) {
		if n < 0 || head+n > len(p) {
			return nil, 0, false
		}
		return p[head : head+n : head+n], head + n, true
	}
	integer := func(size int, v int64) ([]byte, int, bool) {
		if size > len(p) {
			return nil, 0, false
		}
		return strconv.AppendInt(nil, v, 10), size, true
	}
	switch c >> 6 {
	case 0:
		return str(1, int(c&0x3F))
	case 1:
		if len(p) < 2 {
			return nil, 0, false
		}
		return str(2, int(c&0x3F)<<8|int(p[1]))
	case 2:
		if c != 0x80 || len(p) < 5 {
			return nil, 0, false
		}
		return str(5, int(binary.BigEndian.Uint32(p[1:])))
	}
	switch c {
	case 0xC0:
		if len(p) < 3 {
			return nil, 0, false
		}
		return integer(3, int64(int16(binary.LittleEndian.Uint16(p[1:]))))
	case 0xD0:
		if len(p) < 5 {
			return nil, 0, false
		}
		return integer(5, int64(int32(binary.LittleEndian.Uint32(p[1:]))))
	case 0xE0:
		if len(p) < 9 {
			return nil, 0, false
		}
		return integer(9, int64(binary.LittleEndian.Uint64(p[1:])))
	case 0xF0:
		if len(p) < 4 {
			return nil, 0, false
		}
		v := int64(p[1]) | int64(p[2])<<8 | int64(p[3])<<16
		if v >= 1<<23 {
			v -= 1 << 24
		}
		return integer(4, v)
	case 0xFE:
		if len(p) < 2 {
			return nil, 0, false
		}
		return integer(2, int64(int8(p[1])))
	}
	if c >= 0xF1 && c <= 0xFD {
		return integer(1, int64(c&0x0F)-1)
	}
	return nil, 0, false
}

// zipmapPairs returns a zipmap's fields and values: a count byte (254:
// count them), then per pair the field's length and bytes, the value's
// length, a count of free bytes, the value and the free bytes; 0xFF
// ends it. A length is one byte below 254, or 254 and 4 bytes (only for
// a length of 254 or more: Redis refuses a short one written long since
// CVE-2026-25243).
func zipmapPairs(b []byte) ([][]byte, bool) {
	if len(b) < 2 || b[len(b)-1] != 0xFF {
		return nil, false
	}
	p := b[1 : len(b)-1]
	size := func() (int, bool) {
		if len(p) == 0 {
			return 0, false
		}
		switch n := p[0]; {
		case n < 254:
			p = p[1:]
			return int(n), true
		case n == 254 && len(p) >= 5:
			v := int(binary.LittleEndian.Uint32(p[1:]))
			p = p[5:]
			return v, v >= 254
		}
		return 0, false
	}
	var out [][]byte
	for len(p) > 0 {
		n, ok := size()
		if !ok || n > len(p) {
			return nil, false
		}
		field := p[:n:n]
		p = p[n:]
		if n, ok = size(); !ok || len(p) < 1 {
			return nil, false
		}
		free := int(p[0])
		p = p[1:]
		if n+free > len(p) {
			return nil, false
		}
		out = append(out, field, p[:n:n])
		p = p[n+free:]
	}
	if c := int(b[0]); c < 254 && c != len(out)/2 {
		return nil, false
	}
	return out, true
}

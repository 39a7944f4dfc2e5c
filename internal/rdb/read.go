package rdb

import (
	"encoding/binary"
	"math"
	"strconv"
)

// maxItems bounds a collection's announced length before reading it, so
// a payload cannot make Decode allocate more than its own size allows.
const maxItems = 1 << 31

// Decode reads a DUMP payload: ErrChecksum if its trailer is wrong,
// ErrFormat if its value is not one of the kinds and encodings this
// package reads, is malformed, empty, or holds a member twice.
func Decode(payload []byte) (Value, error) {
	body, err := open(payload)
	if err != nil {
		return Value{}, err
	}
	r := &reader{b: body}
	v, ok := r.value() // bytes after the value are ignored, as Redis does
	if !ok {
		return Value{}, ErrFormat
	}
	return v, nil
}

// reader consumes a body; a failed read leaves ok false.
type reader struct{ b []byte }

func (r *reader) byte() (byte, bool) {
	if len(r.b) == 0 {
		return 0, false
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c, true
}

func (r *reader) take(n uint64) ([]byte, bool) {
	if n > uint64(len(r.b)) {
		return nil, false
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	return p, true
}

// length reads a length; enc reports a special string encoding instead
// (its number in the low 6 bits).
func (r *reader) length() (n uint64, enc bool, ok bool) {
	c, ok := r.byte()
	if !ok {
		return 0, false, false
	}
	switch c >> 6 {
	case 0:
		return uint64(c & 0x3F), false, true
	case 1:
		d, ok := r.byte()
		return uint64(c&0x3F)<<8 | uint64(d), false, ok
	case 3:
		return uint64(c & 0x3F), true, true
	}
	switch c {
	case 0x80:
		p, ok := r.take(4)
		if !ok {
			return 0, false, false
		}
		return uint64(binary.BigEndian.Uint32(p)), false, true
	case 0x81:
		p, ok := r.take(8)
		if !ok {
			return 0, false, false
		}
		return binary.BigEndian.Uint64(p), false, true
	}
	return 0, false, false
}

// count reads a collection's length: not an encoded value, not zero
// (Redis refuses empty keys), not past what the body could hold.
func (r *reader) count(per int) (int, bool) {
	n, enc, ok := r.length()
	if !ok || enc || n == 0 || n > maxItems || n*uint64(per) > uint64(len(r.b)) {
		return 0, false
	}
	return int(n), true
}

// str reads a string in any of its encodings.
func (r *reader) str() ([]byte, bool) {
	n, enc, ok := r.length()
	if !ok {
		return nil, false
	}
	if !enc {
		return r.take(n)
	}
	switch n {
	case 0:
		c, ok := r.byte()
		return strconv.AppendInt(nil, int64(int8(c)), 10), ok
	case 1:
		p, ok := r.take(2)
		if !ok {
			return nil, false
		}
		return strconv.AppendInt(nil, int64(int16(binary.LittleEndian.Uint16(p))), 10), true
	case 2:
		p, ok := r.take(4)
		if !ok {
			return nil, false
		}
		return strconv.AppendInt(nil, int64(int32(binary.LittleEndian.Uint32(p))), 10), true
	case 3:
		clen, e1, ok1 := r.length()
		ulen, e2, ok2 := r.length()
		if !ok1 || !ok2 || e1 || e2 || ulen > 1<<32 {
			return nil, false
		}
		c, ok := r.take(clen)
		if !ok {
			return nil, false
		}
		return lzfDecompress(c, int(ulen))
	}
	return nil, false
}

func (r *reader) value() (Value, bool) {
	t, ok := r.byte()
	if !ok {
		return Value{}, false
	}
	switch t {
	case typeNative:
		body := r.b[:len(r.b):len(r.b)]
		r.b = nil
		return Value{Kind: Native, Body: body}, len(body) > 0
	case typeStreamLP, typeStreamLP2:
		st, ok := r.stream(t)
		return Value{Kind: Stream, Stream: st}, ok
	case typeString:
		s, ok := r.str()
		return Value{Kind: String, Str: s}, ok
	case typeSet:
		n, ok := r.count(1)
		if !ok {
			return Value{}, false
		}
		v := Value{Kind: Set, Members: make([][]byte, 0, n)}
		for range n {
			m, ok := r.str()
			if !ok {
				return Value{}, false
			}
			v.Members = append(v.Members, m)
		}
		return v, unique(v.Members, 1)
	case typeHash:
		n, ok := r.count(2)
		if !ok {
			return Value{}, false
		}
		v := Value{Kind: Hash, Pairs: make([][]byte, 0, 2*n)}
		for range 2 * n {
			s, ok := r.str()
			if !ok {
				return Value{}, false
			}
			v.Pairs = append(v.Pairs, s)
		}
		return v, unique(v.Pairs, 2)
	case typeZSet, typeZSet2:
		n, ok := r.count(2)
		if !ok {
			return Value{}, false
		}
		v := Value{Kind: ZSet, Z: make([]ZEntry, 0, n)}
		for range n {
			m, ok := r.str()
			if !ok {
				return Value{}, false
			}
			var f float64
			if t == typeZSet2 {
				p, ok := r.take(8)
				if !ok {
					return Value{}, false
				}
				f = math.Float64frombits(binary.LittleEndian.Uint64(p))
			} else if f, ok = r.oldDouble(); !ok {
				return Value{}, false
			}
			if math.IsNaN(f) {
				return Value{}, false
			}
			v.Z = append(v.Z, ZEntry{Member: m, Score: f})
		}
		return v, uniqueZ(v.Z)
	case typeList:
		items, ok := r.plainList()
		return Value{Kind: List, Items: items}, ok
	case typeListQuick2:
		items, ok := r.quicklist()
		return Value{Kind: List, Items: items}, ok
	case typeListQuicklst:
		items, ok := r.quicklistV1()
		return Value{Kind: List, Items: items}, ok
	case typeListZiplist:
		blob, ok := r.str()
		if !ok {
			return Value{}, false
		}
		items, ok := ziplistEntries(blob)
		return Value{Kind: List, Items: items}, ok && len(items) > 0
	case typeHashZipmap:
		blob, ok := r.str()
		if !ok {
			return Value{}, false
		}
		pairs, ok := zipmapPairs(blob)
		if !ok || len(pairs) == 0 || !unique(pairs, 2) {
			return Value{}, false
		}
		return Value{Kind: Hash, Pairs: pairs}, true
	case typeSetIntset:
		blob, ok := r.str()
		if !ok {
			return Value{}, false
		}
		ms, ok := intsetMembers(blob)
		return Value{Kind: Set, Members: ms}, ok && len(ms) > 0
	case typeHashListpack, typeHashZiplist:
		blob, ok := r.str()
		if !ok {
			return Value{}, false
		}
		items, ok := packedOrZipped(blob, t == typeHashZiplist)
		if !ok || len(items) == 0 || len(items)%2 != 0 || !unique(items, 2) {
			return Value{}, false
		}
		return Value{Kind: Hash, Pairs: items, Packed: true}, true
	case typeZSetListpack, typeZSetZiplist:
		blob, ok := r.str()
		if !ok {
			return Value{}, false
		}
		items, ok := packedOrZipped(blob, t == typeZSetZiplist)
		if !ok || len(items) == 0 || len(items)%2 != 0 {
			return Value{}, false
		}
		v := Value{Kind: ZSet, Z: make([]ZEntry, 0, len(items)/2), Packed: true}
		for i := 0; i < len(items); i += 2 {
			f, err := strconv.ParseFloat(string(items[i+1]), 64)
			if err != nil || math.IsNaN(f) {
				return Value{}, false
			}
			v.Z = append(v.Z, ZEntry{Member: items[i], Score: f})
		}
		return v, uniqueZ(v.Z)
	}
	return Value{}, false
}

// oldDouble reads RDB_TYPE_ZSET's text score: a length byte (253 NaN,
// 254 +inf, 255 -inf) then that many characters.
func (r *reader) oldDouble() (float64, bool) {
	n, ok := r.byte()
	if !ok {
		return 0, false
	}
	switch n {
	case 253:
		return math.NaN(), true
	case 254:
		return math.Inf(1), true
	case 255:
		return math.Inf(-1), true
	}
	p, ok := r.take(uint64(n))
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(p), 64)
	return f, err == nil
}

// unique reports whether the items at every step-th place differ.
func unique(items [][]byte, step int) bool {
	seen := make(map[string]struct{}, len(items)/step)
	for i := 0; i < len(items); i += step {
		if _, dup := seen[string(items[i])]; dup {
			return false
		}
		seen[string(items[i])] = struct{}{}
	}
	return true
}

func uniqueZ(z []ZEntry) bool {
	seen := make(map[string]struct{}, len(z))
	for _, e := range z {
		if _, dup := seen[string(e.Member)]; dup {
			return false
		}
		seen[string(e.Member)] = struct{}{}
	}
	return true
}

// intsetMembers reads an intset: its width (2, 4 or 8 bytes), its count
// (both 32-bit little-endian), then the sorted values.
func intsetMembers(b []byte) ([][]byte, bool) {
	if len(b) < 8 {
		return nil, false
	}
	w := binary.LittleEndian.Uint32(b)
	n := uint64(binary.LittleEndian.Uint32(b[4:]))
	if (w != 2 && w != 4 && w != 8) || uint64(len(b)-8) != n*uint64(w) {
		return nil, false
	}
	out := make([][]byte, 0, n)
	var prev int64
	for i := uint64(0); i < n; i++ {
		p := b[8+i*uint64(w):]
		var v int64
		switch w {
		case 2:
			v = int64(int16(binary.LittleEndian.Uint16(p)))
		case 4:
			v = int64(int32(binary.LittleEndian.Uint32(p)))
		default:
			v = int64(binary.LittleEndian.Uint64(p))
		}
		if i > 0 && v <= prev {
			return nil, false
		}
		prev = v
		out = append(out, strconv.AppendInt(nil, v, 10))
	}
	return out, true
}

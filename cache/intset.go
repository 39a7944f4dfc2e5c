package cache

import "encoding/binary"

// intset is a set's sorted integers packed as Redis packs them, but to
// the byte: the first byte is the width of every value (1 to 8 bytes, the
// least that holds them all in two's complement; Redis's are 2, 4 or 8),
// then the values ascending, little-endian. nil is empty. Ten members
// below 8388608 take 1+30 bytes, not 1+40 (with the entry's length byte,
// a 32-byte allocation rather than 48).
type intset []byte

func intWidth(v int64) int {
	for w := 1; w < 8; w++ {
		if lim := int64(1) << (8*w - 1); v >= -lim && v < lim {
			return w
		}
	}
	return 8
}

func (s intset) width() int {
	if len(s) == 0 {
		return 1
	}
	return int(s[0])
}

func (s intset) len() int {
	if len(s) == 0 {
		return 0
	}
	return (len(s) - 1) / int(s[0])
}

func (s intset) at(i int) int64 {
	w := int(s[0])
	b := s[1+i*w:]
	switch w {
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(b)))
	case 3:
		return int64(int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8)
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(b)))
	case 8:
		return int64(binary.LittleEndian.Uint64(b))
	}
	return atOdd(b, w)
}

// atOdd reads a value of width 1, 5, 6 or 7 at b.
func atOdd(b []byte, w int) int64 {
	var u uint64
	switch w {
	case 1:
		return int64(int8(b[0]))
	case 5:
		u = uint64(binary.LittleEndian.Uint32(b)) | uint64(b[4])<<32
	case 6:
		u = uint64(binary.LittleEndian.Uint32(b)) | uint64(binary.LittleEndian.Uint16(b[4:]))<<32
	default:
		u = uint64(binary.LittleEndian.Uint32(b)) | uint64(binary.LittleEndian.Uint16(b[4:]))<<32 | uint64(b[6])<<48
	}
	shift := 64 - 8*w
	return int64(u<<shift) >> shift // sign-extended
}

func (s intset) put(i int, v int64) {
	w := int(s[0])
	b := s[1+i*w:]
	switch w {
	case 2:
		binary.LittleEndian.PutUint16(b, uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(b, uint32(v))
	case 8:
		binary.LittleEndian.PutUint64(b, uint64(v))
	default:
		for k := range w {
			b[k] = byte(v >> (8 * k))
		}
	}
}

// search returns v's position, or where it would go, and whether it is there.
func (s intset) search(v int64) (int, bool) {
	n := s.len()
	if n == 0 {
		return 0, false
	}
	w, d := int(s[0]), s[1:]
	lo, hi := 0, n
	// One loop per width, each reading its values inline (at is too
	// large to inline): a lookup costs what it did with Redis's widths.
	switch w {
	case 2:
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if int64(int16(binary.LittleEndian.Uint16(d[2*mid:]))) < v {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
	case 3:
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			b := d[3*mid : 3*mid+3]
			if int64(int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24)>>8) < v {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
	case 4:
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if int64(int32(binary.LittleEndian.Uint32(d[4*mid:]))) < v {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
	case 8:
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			if int64(binary.LittleEndian.Uint64(d[8*mid:])) < v {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
	default: // 1, 5, 6 or 7: the 8 bytes that end with the value, shifted down
		shift := uint(64 - 8*w)
		for lo < hi {
			mid := int(uint(lo+hi) >> 1)
			var x int64
			if end := 1 + w*(mid+1); end >= 8 {
				x = int64(binary.LittleEndian.Uint64(s[end-8:end])) >> shift
			} else {
				x = atOdd(d[w*mid:], w)
			}
			if x < v {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
	}
	return lo, lo < n && s.at(lo) == v
}

// insert puts v (not in s) at position i; when s is full it grows to
// hold n values (n > s.len()), the capacity filling its size class. A
// value wider than s's width widens every value.
func (s intset) insert(i int, v int64, n int) intset {
	w, l := s.width(), s.len()
	if vw := intWidth(v); len(s) == 0 && cap(s) >= 1+vw { // an empty buffer to fill
		s = s[:1+vw]
		s[0] = byte(vw)
		s.put(0, v)
		return s
	}
	if vw := intWidth(v); vw > w || len(s) == 0 {
		out := make(intset, 1+(l+1)*max(vw, w), sizeClass(1+n*max(vw, w)))
		out[0] = byte(max(vw, w))
		for j := 0; j < l; j++ {
			if j < i {
				out.put(j, s.at(j))
			} else {
				out.put(j+1, s.at(j))
			}
		}
		out.put(i, v)
		return out
	}
	if len(s)+w > cap(s) {
		out := make(intset, len(s), sizeClass(1+n*w))
		copy(out, s)
		s = out
	}
	s = s[:len(s)+w]
	off := 1 + i*w
	copy(s[off+w:], s[off:len(s)-w])
	s.put(i, v)
	return s
}

// remove deletes the value at position i.
func (s intset) remove(i int) intset {
	w := int(s[0])
	off := 1 + i*w
	copy(s[off:], s[off+w:])
	return s[:len(s)-w]
}

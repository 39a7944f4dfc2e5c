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
	case 1:
		return int64(int8(b[0]))
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(b)))
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(b)))
	case 8:
		return int64(binary.LittleEndian.Uint64(b))
	}
	var u uint64
	for k := w - 1; k >= 0; k-- {
		u = u<<8 | uint64(b[k])
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
	lo, hi := 0, s.len()
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if s.at(mid) < v {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < s.len() && s.at(lo) == v
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

package cache

import (
	"encoding/binary"
	"math"
)

// intset is a set's sorted integers packed as Redis packs them: the first
// byte is the width of every value (2, 4 or 8 bytes, the least that holds
// them all), then the values ascending, little-endian. nil is empty.
type intset []byte

func intWidth(v int64) int {
	switch {
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return 2
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return 4
	}
	return 8
}

func (s intset) width() int {
	if len(s) == 0 {
		return 2
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
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(b)))
	}
	return int64(binary.LittleEndian.Uint64(b))
}

func (s intset) put(i int, v int64) {
	w := int(s[0])
	b := s[1+i*w:]
	switch w {
	case 2:
		binary.LittleEndian.PutUint16(b, uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(b, uint32(v))
	default:
		binary.LittleEndian.PutUint64(b, uint64(v))
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

package rdb

import "sync"

// LZF, the compression Redis uses for long strings in RDB files and for a
// quicklist's inner nodes: a stream of literal runs (a control byte under
// 32: that many bytes plus one follow) and back references (a control
// byte whose top three bits are the length less two, 7 meaning a length
// byte follows to add, and whose low five bits with the next byte are the
// distance less one, up to 8 KiB back).

const (
	lzfMaxLit  = 32
	lzfMaxOff  = 1 << 13
	lzfMaxRef  = 2 + 7 + 255
	lzfHashLog = 13
)

var lzfTables = sync.Pool{New: func() any { return new([1 << lzfHashLog]int32) }}

// LZFCompress appends in compressed to dst and returns it; it fails
// (false) when the result would be longer than max bytes, so a caller
// keeping data compressed only when that saves room stops early.
func LZFCompress(dst, in []byte, max int) ([]byte, bool) {
	start := len(dst)
	tab := lzfTables.Get().(*[1 << lzfHashLog]int32)
	defer lzfTables.Put(tab)
	clear(tab[:])
	lit := 0 // the pending literals start here
	flush := func(end int) {
		for lit < end {
			run := min(end-lit, lzfMaxLit)
			dst = append(dst, byte(run-1))
			dst = append(dst, in[lit:lit+run]...)
			lit += run
		}
	}
	hash := func(i int) int {
		v := uint32(in[i])<<16 | uint32(in[i+1])<<8 | uint32(in[i+2])
		return int((v * 2654435761) >> (32 - lzfHashLog))
	}
	for i := 0; i+2 < len(in); {
		if len(dst)-start > max {
			return dst[:start], false
		}
		h := hash(i)
		ref := int(tab[h]) - 1
		tab[h] = int32(i + 1)
		if ref < 0 || i-ref > lzfMaxOff || in[ref] != in[i] || in[ref+1] != in[i+1] || in[ref+2] != in[i+2] {
			i++
			continue
		}
		n := 3
		for limit := min(lzfMaxRef, len(in)-i); n < limit && in[ref+n] == in[i+n]; n++ {
		}
		flush(i)
		off := i - ref - 1
		if l := n - 2; l < 7 {
			dst = append(dst, byte(l<<5|off>>8), byte(off))
		} else {
			dst = append(dst, byte(7<<5|off>>8), byte(l-7), byte(off))
		}
		// Index the match's last two positions: later data may refer to them.
		for j := i + n - 2; j < i+n && j+2 < len(in); j++ {
			tab[hash(j)] = int32(j + 1)
		}
		i += n
		lit = i
	}
	flush(len(in))
	if len(dst)-start > max {
		return dst[:start], false
	}
	return dst, true
}

// LZFDecompress appends LZF data in, expanded to exactly n bytes, to dst;
// false if the data is malformed or expands to another length.
func LZFDecompress(dst, in []byte, n int) ([]byte, bool) {
	if n > 88*len(in)+64 { // a 3-byte back reference expands to 264 bytes at most; refuse absurd claims early
		return dst, false
	}
	base := len(dst)
	out := dst
	if cap(out)-base < n {
		out = make([]byte, base, base+n)
		copy(out, dst)
	}
	for i := 0; i < len(in); {
		ctrl := int(in[i])
		i++
		if ctrl < 32 { // a literal run of ctrl+1 bytes
			run := ctrl + 1
			if i+run > len(in) || len(out)-base+run > n {
				return dst, false
			}
			out = append(out, in[i:i+run]...)
			i += run
			continue
		}
		length := ctrl >> 5 // a back reference
		if length == 7 {
			if i >= len(in) {
				return dst, false
			}
			length += int(in[i])
			i++
		}
		if i >= len(in) {
			return dst, false
		}
		back := (ctrl&0x1F)<<8 + int(in[i]) + 1
		i++
		length += 2
		from := len(out) - back
		if from < base || len(out)-base+length > n {
			return dst, false
		}
		if back >= length {
			out = append(out, out[from:from+length]...)
			continue
		}
		for k := 0; k < length; k++ { // overlapping: a run
			out = append(out, out[from+k])
		}
	}
	return out, len(out)-base == n
}

// lzfDecompress expands LZF data into exactly n new bytes.
func lzfDecompress(in []byte, n int) ([]byte, bool) {
	return LZFDecompress(make([]byte, 0, n), in, n)
}

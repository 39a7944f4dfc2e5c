package rdb

// lzfDecompress expands LZF data (Redis compresses long strings with it)
// into exactly n bytes; false if the data is malformed or expands to
// another length.
func lzfDecompress(in []byte, n int) ([]byte, bool) {
	if n > 88*len(in)+64 { // a 3-byte back reference expands to 264 bytes at most; refuse absurd claims early
		return nil, false
	}
	out := make([]byte, 0, n)
	for i := 0; i < len(in); {
		ctrl := int(in[i])
		i++
		if ctrl < 32 { // a literal run of ctrl+1 bytes
			run := ctrl + 1
			if i+run > len(in) || len(out)+run > n {
				return nil, false
			}
			out = append(out, in[i:i+run]...)
			i += run
			continue
		}
		length := ctrl >> 5 // a back reference
		if length == 7 {
			if i >= len(in) {
				return nil, false
			}
			length += int(in[i])
			i++
		}
		if i >= len(in) {
			return nil, false
		}
		back := (ctrl&0x1F)<<8 + int(in[i]) + 1
		i++
		length += 2
		start := len(out) - back
		if start < 0 || len(out)+length > n {
			return nil, false
		}
		for k := 0; k < length; k++ {
			out = append(out, out[start+k])
		}
	}
	return out, len(out) == n
}

package resp

import "strconv"

// Len3 returns the length of the RESP3 (or RESP2) reply at the start of
// b: 0 if b holds only part of one, -1 if b does not start with a
// well-formed reply. Attributes count as a reply of their own.
func Len3(b []byte) int { return len3(b, 0) }

func len3(b []byte, depth int) int {
	if len(b) == 0 {
		return 0
	}
	end := -1
	for i := 1; i < len(b); i++ {
		if b[i] == '\n' {
			end = i
			break
		}
	}
	if end < 0 {
		return 0
	}
	if end < 2 || b[end-1] != '\r' || depth > MaxDepth {
		return -1
	}
	line, n := string(b[1:end-1]), end+1
	switch Kind(b[0]) {
	case SimpleString, Error, Integer, Double, BigNum:
		return n
	case Null3:
		if line != "" {
			return -1
		}
		return n
	case Boolean:
		if line != "t" && line != "f" {
			return -1
		}
		return n
	case BulkString, Verbatim, BlobErr:
		size, err := strconv.Atoi(line)
		switch {
		case err != nil || size < -1:
			return -1
		case size == -1:
			return n
		case n+size+2 > len(b):
			return 0
		case b[n+size] != '\r' || b[n+size+1] != '\n':
			return -1
		}
		return n + size + 2
	case Array, Map, Set, Push, Attr:
		count, err := strconv.Atoi(line)
		if err != nil || count < -1 {
			return -1
		}
		if b[0] == '%' || b[0] == '|' {
			count *= 2
		}
		for range count {
			used := len3(b[n:], depth+1)
			if used <= 0 {
				return used
			}
			n += used
		}
		return n
	}
	return -1
}

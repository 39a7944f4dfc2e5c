package command

import "strconv"

// ParseScanCursor reads a SCAN, SSCAN, HSCAN or ZSCAN cursor as Redis does
// (strtoul): an optional sign (a negative number wraps around), digits up
// to 2^64-1, nothing else; an empty cursor is 0. Node and proxy both read
// cursors with it.
func ParseScanCursor(b []byte) (uint64, bool) {
	if len(b) == 0 {
		return 0, true
	}
	s, neg := string(b), false
	switch s[0] {
	case '-':
		s, neg = s[1:], true
	case '+':
		s = s[1:]
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

package rdb

import "errors"

// opFunction2 is RDB_OPCODE_FUNCTION2: a function library's code follows.
const opFunction2 = 245

// ErrNotFunction is FUNCTION RESTORE's error for a payload whose records
// are not function libraries.
var ErrNotFunction = errors.New("given type is not a function")

// EncodeFunctions returns FUNCTION DUMP's payload for the libraries whose
// code is codes: one RDB_OPCODE_FUNCTION2 record each, then the version
// and checksum trailer, as Redis 7.0 writes it (so either server restores
// the other's payload).
func EncodeFunctions(codes []string) []byte {
	var b []byte
	for _, c := range codes {
		b = append(b, opFunction2)
		b = appendLen(b, uint64(len(c)))
		b = append(b, c...)
	}
	return seal(b)
}

// DecodeFunctions reads a FUNCTION DUMP payload back into the libraries'
// code: ErrChecksum if its trailer is wrong, ErrNotFunction if a record is
// not a library, ErrFormat if one is cut short.
func DecodeFunctions(payload []byte) ([]string, error) {
	body, err := open(payload)
	if err != nil {
		return nil, err
	}
	r := &reader{b: body}
	var codes []string
	for len(r.b) > 0 {
		t, _ := r.byte()
		if t != opFunction2 {
			return nil, ErrNotFunction
		}
		s, ok := r.str()
		if !ok {
			return nil, ErrFormat
		}
		codes = append(codes, string(s))
	}
	return codes, nil
}

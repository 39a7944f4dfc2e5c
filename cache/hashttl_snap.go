package cache

import (
	"bytes"
	"fmt"
	"math"
)

// appendHashTTL writes a hash with field TTLs (record recHashTTL): its
// field count, then field, value, deadline (uvarint unix ms, 0 = none)
// triples.
func appendHashTTL(b *bytes.Buffer, hx *hashEx) {
	appendUvarint(b, uint64(hx.m.len()))
	hx.m.each(func(f, v []byte) bool {
		appendBytes(b, f)
		appendBytes(b, v)
		appendUvarint(b, uint64(hx.ttl[string(f)]))
		return true
	})
}

// hashTTL reads appendHashTTL's form, leaving out fields whose deadline
// is not after now; nil when none is left.
func (s *snapReader) hashTTL(now int64) (*hashEx, error) {
	n, err := s.uvarint()
	if err != nil || n == 0 || n > maxSnapItem {
		return nil, fmt.Errorf("size %d: %v", n, err)
	}
	hx := &hashEx{m: newFtab(int(min(n, 1024))), ttl: make(map[string]int64), next: math.MaxInt64}
	for i := uint64(0); i < n; i++ {
		f, err := s.bytes()
		if err != nil {
			return nil, err
		}
		v, err := s.bytes()
		if err != nil {
			return nil, err
		}
		at, err := s.uvarint()
		if err != nil || at > math.MaxInt64 {
			return nil, fmt.Errorf("field deadline: %v", err)
		}
		if at != 0 && int64(at) <= now {
			hx.m.del(f)
			delete(hx.ttl, string(f))
			continue
		}
		hx.m.set(f, v)
		delete(hx.ttl, string(f))
		if at != 0 {
			hx.setTTL(string(f), int64(at))
		}
	}
	if hx.m.len() == 0 {
		return nil, nil
	}
	return hx, nil
}

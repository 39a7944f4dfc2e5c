package cache

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// appendZSet writes a sorted set's snapshot value: the member count, then
// each member and its score (8 bytes, little-endian bits) in order.
func appendZSet(b *bytes.Buffer, z *zset) {
	appendUvarint(b, uint64(z.card()))
	var sc [8]byte
	z.each(func(m string, s float64) bool {
		appendString(b, m)
		binary.LittleEndian.PutUint64(sc[:], math.Float64bits(s))
		b.Write(sc[:])
		return true
	})
}

// zset reads what appendZSet wrote, packed as lim allows.
func (s *snapReader) zset(lim zlimits) (*zset, error) {
	n, err := s.uvarint()
	if err != nil {
		return nil, err
	}
	if n == 0 || n > maxSnapItem {
		return nil, fmt.Errorf("%d members", n)
	}
	z := newZSet()
	var sc [8]byte
	for i := uint64(0); i < n; i++ {
		m, err := s.bytes()
		if err != nil {
			return nil, err
		}
		if _, err := io.ReadFull(s.r, sc[:]); err != nil {
			return nil, err
		}
		s.crc.Write(sc[:])
		score := math.Float64frombits(binary.LittleEndian.Uint64(sc[:]))
		if math.IsNaN(score) {
			return nil, errors.New("NaN score")
		}
		if z.sl.dict.get(string(m)) != nil {
			return nil, fmt.Errorf("member %q twice", m)
		}
		z.add(string(m), score)
	}
	z.fit(lim)
	return z, nil
}

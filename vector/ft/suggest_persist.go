package ft

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
)

// A suggestion dictionary's snapshot form: its version (1), its entry
// count, then per entry the text, the score (8 bytes, little-endian IEEE
// 754), and the payload: 0 for none, or 1 then the payload. Strings are a
// uvarint length then the bytes.
const sugFormat = 1

// errBadSugDict is the error for a suggestion dictionary that cannot be
// read back.
var errBadSugDict = errors.New("bad suggestion dictionary data")

// MarshalBinary encodes the dictionary for a snapshot; UnmarshalSugDict
// reads it back.
func (d *SugDict) MarshalBinary() ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var b bytes.Buffer
	e := &enc{w: &b}
	e.uvarint(sugFormat)
	e.uvarint(uint64(len(d.m)))
	for _, sg := range d.m {
		e.str(sg.text)
		var f [8]byte
		binary.LittleEndian.PutUint64(f[:], math.Float64bits(sg.score))
		b.Write(f[:])
		if sg.payload == nil {
			e.uvarint(0)
		} else {
			e.uvarint(1)
			e.bytes(sg.payload)
		}
	}
	return b.Bytes(), e.err
}

// UnmarshalSugDict reads what MarshalBinary wrote.
func UnmarshalSugDict(data []byte) (*SugDict, error) {
	d := &dec{r: bufio.NewReader(bytes.NewReader(data))}
	if v := d.count(math.MaxUint32); d.err == nil && v != sugFormat {
		return nil, errBadSugDict
	}
	n := d.count(uint64(len(data)))
	out := NewSugDict()
	for i := 0; i < n && d.err == nil; i++ {
		text := d.str()
		var f [8]byte
		if d.err == nil {
			if _, err := io.ReadFull(d.r, f[:]); err != nil {
				d.err = err
				break
			}
		}
		var payload []byte
		if d.count(1) == 1 {
			payload = d.bytes()
			if payload == nil {
				payload = []byte{}
			}
		}
		if d.err == nil {
			out.Add(text, math.Float64frombits(binary.LittleEndian.Uint64(f[:])), false, payload)
		}
	}
	if d.err != nil {
		return nil, errBadSugDict
	}
	return out, nil
}

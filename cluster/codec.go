package cluster

import (
	"encoding/binary"
	"errors"
	"math"
	"time"
)

// The gossip wire format is hand-rolled: unsigned varints, length-prefixed
// strings and little-endian float64s. Decoding never trusts a length: every
// count is bounded by the bytes left, so a hostile packet cannot make the
// decoder allocate much or panic.

// errDecode is wrapped by every malformed-message error.
var errDecode = errors.New("cluster: malformed gossip message")

// maxString bounds strings in messages.
const maxString = 1024

type encoder struct{ b []byte }

func (e *encoder) byte(v byte)         { e.b = append(e.b, v) }
func (e *encoder) uvarint(v uint64)    { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) str(s string)        { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *encoder) id(n NodeID)         { e.str(string(n)) }
func (e *encoder) float(f float64)     { e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(f)) }
func (e *encoder) time(t time.Time)    { e.uvarint(uint64(max(0, t.UnixMilli()))) }
func (e *encoder) dur(d time.Duration) { e.uvarint(uint64(max(0, d.Milliseconds()))) }

// ranges writes slot ranges as (start, length-1) pairs.
func (e *encoder) ranges(rs []SlotRange) {
	e.uvarint(uint64(len(rs)))
	for _, r := range rs {
		e.uvarint(uint64(r.Start))
		e.uvarint(uint64(r.End - r.Start))
	}
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errDecode
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail()
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a number of elements that each take at least one byte.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.uvarint()
	if n > maxString || n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) id() NodeID { return NodeID(d.str()) }

func (d *decoder) float() float64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(d.b))
	d.b = d.b[8:]
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		d.fail()
		return 0
	}
	return f
}

func (d *decoder) time() time.Time {
	ms := d.uvarint()
	if ms > math.MaxInt64/2 {
		d.fail()
		return time.Time{}
	}
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(int64(ms))
}

func (d *decoder) dur() time.Duration {
	ms := d.uvarint()
	if ms > uint64(math.MaxInt64/int64(time.Millisecond)) {
		d.fail()
		return 0
	}
	return time.Duration(ms) * time.Millisecond
}

func (d *decoder) shardID() ShardID {
	v := d.uvarint()
	if v > math.MaxUint32 {
		d.fail()
		return 0
	}
	return ShardID(v)
}

func (d *decoder) slot() int {
	v := d.uvarint()
	if v >= 16384 {
		d.fail()
		return 0
	}
	return int(v)
}

func (d *decoder) ranges() []SlotRange {
	n := d.count()
	if n == 0 {
		return nil
	}
	out := make([]SlotRange, 0, min(n, 1024))
	for range n {
		start := d.slot()
		l := d.uvarint()
		if d.err != nil || uint64(start)+l >= 16384 {
			d.fail()
			return nil
		}
		out = append(out, SlotRange{start, start + int(l)})
	}
	return out
}

// done reports the decoding error, or one if bytes are left over.
func (d *decoder) done() error {
	if d.err == nil && len(d.b) != 0 {
		d.err = errDecode
	}
	return d.err
}

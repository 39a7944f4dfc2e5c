package cache

import (
	"sync"

	"github.com/vcache/vcache/internal/rdb"
)

// List compression (Redis's list-compress-depth): with depth d > 0 a
// list's chunks but the d at either end are kept LZF-compressed, as Redis
// compresses a quicklist's inner nodes. A chunk is compressed when it
// holds at least zipMinBytes and compression saves at least zipMinGain
// bytes; one that does not is marked (zraw -1) and not tried again until
// it is written. The chunks at the ends, where pushes and pops go, are
// never compressed; a command reading an inner chunk decompresses it
// into a scratch buffer and leaves it compressed; a command writing one
// (LSET, LINSERT) makes new chunks, compressed again before the command
// ends.
//
// The depth is the one set when the list was last written: pushes and
// pops keep the chunks around the d-th from either end as the depth
// wants (settleEnds, O(d)); rewrites and a change of depth walk every
// chunk (settleAll).

const (
	zipMinBytes  = 48 // Redis's MIN_COMPRESS_BYTES
	zipMinGain   = 8  // Redis's MIN_COMPRESS_IMPROVE
	listDepthMax = 1<<15 - 1
)

// zipScratch holds compression output before it is copied to its size.
var zipScratch = sync.Pool{New: func() any { return new([]byte) }}

// freeze compresses c when it is worth it.
func (l *list) freeze(c *chunk) {
	if c.zraw != 0 || c.used() < zipMinBytes {
		return
	}
	raw := c.buf[c.lo:c.hi]
	sp := zipScratch.Get().(*[]byte)
	z, ok := rdb.LZFCompress((*sp)[:0], raw, len(raw)-zipMinGain)
	*sp = z[:0]
	if !ok {
		zipScratch.Put(sp)
		c.zraw = -1
		return
	}
	old := c.mem()
	c.buf = append([]byte(nil), z...)
	zipScratch.Put(sp)
	c.lo, c.hi, c.zraw = 0, len(c.buf), len(raw)
	l.mem += c.mem() - old
}

// thaw decompresses c in place (a chunk about to be written, or at an
// end of the list).
func (l *list) thaw(c *chunk) {
	if c.zraw <= 0 {
		return
	}
	old := c.mem()
	b := c.rawBytes(nil)
	c.buf, c.lo, c.hi, c.zraw = b, 0, len(b), 0
	l.mem += c.mem() - old
}

// rawBytes appends c's elements' bytes (decompressed) to dst.
func (c *chunk) rawBytes(dst []byte) []byte {
	if c.zraw <= 0 {
		return append(dst, c.buf[c.lo:c.hi]...)
	}
	b, ok := rdb.LZFDecompress(dst, c.buf[c.lo:c.hi], c.zraw)
	if !ok {
		panic("cache: a compressed list chunk does not decompress")
	}
	return b
}

// rawOf returns c when it is not compressed, else a raw copy of it whose
// bytes are decompressed into tmp's buffer (reused from call to call).
func (c *chunk) rawOf(tmp *chunk) *chunk {
	if c.zraw <= 0 {
		return c
	}
	b := c.rawBytes(tmp.buf[:0])
	*tmp = chunk{buf: b, lo: 0, hi: len(b), n: c.n}
	return tmp
}

// setDepth sets the list's compress depth, compressing or decompressing
// chunks as it wants.
func (l *list) setDepth(d int32) {
	if int32(l.depth) == d {
		return
	}
	l.depth = int16(d)
	l.settleAll()
}

// settleAll compresses every inner chunk and decompresses the others.
func (l *list) settleAll() {
	d, n := int(l.depth), len(l.chunks)
	for i, c := range l.chunks {
		if d > 0 && i >= d && i < n-d {
			l.freeze(c)
		} else {
			l.thaw(c)
		}
	}
}

// settleEnds is settleAll after a change at the list's ends only (a chunk
// added or removed there): the d chunks at either end are decompressed
// and the chunk next to them compressed.
func (l *list) settleEnds() {
	d, n := int(l.depth), len(l.chunks)
	if d == 0 {
		return
	}
	if n <= 2*d+1 { // few chunks: look at each
		l.settleAll()
		return
	}
	for i := 0; i < d; i++ {
		l.thaw(l.chunks[i])
		l.thaw(l.chunks[n-1-i])
	}
	l.freeze(l.chunks[d])
	l.freeze(l.chunks[n-1-d])
}

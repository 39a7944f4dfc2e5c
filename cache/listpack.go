package cache

import (
	"encoding/binary"
	"strconv"
)

// A list is kept as Redis keeps it (a quicklist of listpacks): a deque of
// chunks, each a byte slice of packed elements. An element is its length
// as a uvarint, its bytes, and its length again as a uvarint written
// backwards, so a chunk is walked from either end. A chunk has free room
// at both ends, so pushing and popping at either end of the list touches
// one chunk only: O(1). A chunk holds at most the bytes or elements
// list-max-listpack-size allows (fillLimits; Redis's default -2: 8 KiB),
// so a long list costs about its packed bytes; a short list is kept as its
// packed bytes alone (listsmall.go, Redis 7.2's listpack encoding).

// chunkMax is the most bytes of elements a chunk holds under the default
// list-max-listpack-size (an element longer than a chunk's most has a
// chunk of its own).
const chunkMax = 8 << 10

// chunkStruct is the heap bytes of a chunk's header (size class of 56).
const chunkStruct = 64

// chunk is a run of packed elements, buf[lo:hi].
type chunk struct {
	buf    []byte
	lo, hi int
	n      int // elements
	zraw   int // compressed (listzip.go): buf[lo:hi] is LZF of zraw bytes of elements; -1: raw and found not to compress
}

// used returns the bytes of the chunk's elements.
func (c *chunk) used() int {
	if c.zraw > 0 {
		return c.zraw
	}
	return c.hi - c.lo
}

// mem returns the chunk's heap bytes.
func (c *chunk) mem() int64 { return chunkStruct + sizeClass(cap(c.buf)) }

// An element's header is a uvarint: its payload length << 1, and 1 for
// an integer. A string's payload is its bytes; an element that is an
// integer as Redis writes one ("-12", not "012") is packed as the zigzag
// varint of its value, as Redis's listpack packs integers (1M numbers
// below a million take 5 bytes each, not 8).

// elemEnc is how an element is packed.
type elemEnc struct {
	hdr   uint64 // the header's value
	hlen  int    // the header's bytes
	plen  int    // the payload's bytes
	isInt bool
	zz    uint64 // an integer's zigzag value
}

// encOf chooses v's packing.
func encOf(v []byte) elemEnc {
	if len(v) > 0 && len(v) <= 20 && (v[0] == '-' || v[0] >= '0' && v[0] <= '9') {
		if x, err := ParseInt(v); err == nil {
			var tmp [20]byte
			if string(strconv.AppendInt(tmp[:0], x, 10)) == string(v) {
				return intEnc(x)
			}
		}
	}
	h := uint64(len(v)) << 1
	return elemEnc{hdr: h, hlen: uvarintLen(h), plen: len(v)}
}

// intEnc packs the integer x.
func intEnc(x int64) elemEnc {
	zz := uint64(x<<1) ^ uint64(x>>63)
	k := uvarintLen(zz)
	h := uint64(k)<<1 | 1
	return elemEnc{hdr: h, hlen: uvarintLen(h), plen: k, isInt: true, zz: zz}
}

// intPayload returns the integer packed in an integer element's payload.
func intPayload(p []byte) int64 {
	zz, _ := binary.Uvarint(p)
	return int64(zz>>1) ^ -int64(zz&1)
}

// size returns the element's packed bytes: header, payload, header
// again backwards.
func (e elemEnc) size() int { return 2*e.hlen + e.plen }

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// putElem packs v at b (which has room for e.size() bytes).
func putElem(b []byte, v []byte, e elemEnc) {
	k := putElemFwd(b, v, e)
	tail := b[k+e.plen : k+e.plen+k]
	for i := 0; i < k; i++ {
		tail[k-1-i] = b[i]
	}
}

// putElemFwd writes v's header and payload at b (the element without its
// trailing header: e.fwdSize() bytes) and returns the header's bytes.
func putElemFwd(b []byte, v []byte, e elemEnc) int {
	k := binary.PutUvarint(b, e.hdr)
	if e.isInt {
		binary.PutUvarint(b[k:], e.zz)
	} else {
		copy(b[k:], v)
	}
	return k
}

// fwdSize returns the bytes of the element without its trailing header.
func (e elemEnc) fwdSize() int { return e.hlen + e.plen }

// scratch holds an integer element formatted back to text.
type scratch [20]byte

// payload returns the element whose header h is followed by p, as text
// (an integer formatted in sc).
func payload(h uint64, p []byte, sc *scratch) []byte {
	if h&1 == 0 {
		return p[:len(p):len(p)]
	}
	return strconv.AppendInt(sc[:0], intPayload(p), 10)
}

// rawElem returns the header and payload of the element packed at off in
// b, and the offset after it.
func rawElem(b []byte, off int) (h uint64, p []byte, next int) {
	h, k := binary.Uvarint(b[off:])
	start := off + k
	end := start + int(h>>1)
	return h, b[start:end], end + k
}

// rawElemBefore returns the header and payload of the element packed in
// b ending at end, and its start offset.
func rawElemBefore(b []byte, end int) (h uint64, p []byte, start int) {
	k := 0
	for shift := 0; ; shift += 7 {
		c := b[end-1-k]
		k++
		h |= uint64(c&0x7f) << shift
		if c < 0x80 {
			break
		}
	}
	stop := end - k
	begin := stop - int(h>>1)
	return h, b[begin:stop], begin - k
}

// elemAt returns the element starting at off and the offset after it.
// An integer's text is in sc: valid until sc is used again.
func (c *chunk) elemAt(off int, sc *scratch) (v []byte, next int) {
	h, p, next := rawElem(c.buf[:c.hi], off)
	return payload(h, p, sc), next
}

// elemBefore returns the element ending at end and its start offset.
func (c *chunk) elemBefore(end int, sc *scratch) (v []byte, start int) {
	h, p, start := rawElemBefore(c.buf, end)
	return payload(h, p, sc), start
}

// room makes need free bytes at the chunk's front (left) or back,
// reallocating (doubling, up to limit bytes) as needed. It returns the
// change in the chunk's heap bytes.
func (c *chunk) room(need int, left bool, limit int) int64 {
	if left && c.lo >= need || !left && len(c.buf)-c.hi >= need {
		return 0
	}
	used := c.used()
	size := max(2*len(c.buf), used+need, 16)
	if size > limit && used+need <= limit {
		size = limit
	}
	old := c.mem()
	nb := make([]byte, size)
	var lo int
	if left {
		lo = size - used
	}
	copy(nb[lo:], c.buf[c.lo:c.hi])
	c.buf, c.lo, c.hi = nb, lo, lo+used
	return c.mem() - old
}

// fits reports whether an element packed in size bytes may join chunk c
// under the list's list-max-listpack-size.
func (l *list) fits(c *chunk, size int) bool {
	maxBytes, maxCount := fillLimits(l.fill)
	return c.n == 0 || c.used()+size <= maxBytes && c.n < maxCount
}

// list is a deque of chunks.
type list struct {
	chunks []*chunk
	n      int   // elements
	mem    int64 // heap bytes of the chunks and the slice of them
	fill   int32 // list-max-listpack-size when the list was last written
	depth  int16 // list-compress-depth when the list was last written (listzip.go)
	shared bool  // a view whose chunk reads the entry's packed bytes (listsmall.go): read only
	pooled bool  // a pooled view (listsmall.go)
}

// listBase is a list's fixed heap bytes (the struct).
const listBase = 48

// bytes returns the list's heap bytes.
func (l *list) bytes() int64 { return listBase + l.mem + 8*int64(cap(l.chunks)) }

// push adds v at the front (left) or back.
func (l *list) push(v []byte, left bool) {
	enc := encOf(v)
	size := enc.size()
	var c *chunk
	if len(l.chunks) > 0 {
		if left {
			c = l.chunks[0]
		} else {
			c = l.chunks[len(l.chunks)-1]
		}
	}
	if l.shared {
		l.unshare()
	}
	if c != nil && c.zraw > 0 {
		l.thaw(c)
	}
	added := false
	if c == nil || !l.fits(c, size) {
		added = true
		if l.pooled && len(l.chunks) == 0 {
			v := viewOf(l)
			c = &v.c // the view's own chunk, written in its spare buffer
			*c = chunk{}
			v.spareChunk(c, nil)
		} else {
			c = &chunk{}
			if len(l.chunks) > 1 {
				// A list of chunks growing at an end whose chunk is full: the new
				// chunk will most likely fill too, so it starts at the full
				// chunk's size rather than doubling up to it (the doublings'
				// garbage is as large as the list).
				full := l.chunks[0]
				if !left {
					full = l.chunks[len(l.chunks)-1]
				}
				maxBytes, _ := fillLimits(l.fill)
				c.buf = make([]byte, min(len(full.buf), maxBytes))
				if left {
					c.lo, c.hi = len(c.buf), len(c.buf)
				}
			}
		}
		l.mem += c.mem()
		if left {
			l.chunks = append(l.chunks, nil)
			copy(l.chunks[1:], l.chunks)
			l.chunks[0] = c
		} else {
			l.chunks = append(l.chunks, c)
		}
	}
	maxBytes, _ := fillLimits(l.fill)
	l.mem += c.room(size, left, maxBytes)
	if left {
		c.lo -= size
		putElem(c.buf[c.lo:], v, enc)
	} else {
		putElem(c.buf[c.hi:], v, enc)
		c.hi += size
	}
	c.n++
	c.zraw = 0
	l.n++
	if added && l.depth > 0 {
		l.settleEnds()
	}
}

// popTo removes the element at the front (left) or back and calls fn with
// it (an integer formatted in sc), before its chunk's bytes move or go: v
// is valid during the call only. The list must not be empty.
func (l *list) popTo(left bool, sc *scratch, fn func(v []byte)) {
	i := 0
	if !left {
		i = len(l.chunks) - 1
	}
	c := l.chunks[i]
	if c.zraw > 0 {
		l.thaw(c)
	}
	c.zraw = 0
	var v []byte
	if left {
		v, c.lo = c.elemAt(c.lo, sc)
	} else {
		v, c.hi = c.elemBefore(c.hi, sc)
	}
	fn(v)
	c.n--
	l.n--
	if c.n == 0 {
		l.removeChunk(i)
		l.settleEnds()
	} else {
		l.shrink(c)
	}
}

// shrink gives back a chunk's memory when it is mostly empty.
func (l *list) shrink(c *chunk) {
	if len(c.buf) > 64 && c.used()*4 < len(c.buf) {
		old := c.mem()
		nb := make([]byte, max(2*c.used(), 16))
		lo := (len(nb) - c.used()) / 2
		copy(nb[lo:], c.buf[c.lo:c.hi])
		c.buf, c.hi, c.lo = nb, lo+c.used(), lo
		l.mem += c.mem() - old
	}
}

func (l *list) removeChunk(i int) {
	l.mem -= l.chunks[i].mem()
	copy(l.chunks[i:], l.chunks[i+1:])
	l.chunks[len(l.chunks)-1] = nil
	l.chunks = l.chunks[:len(l.chunks)-1]
	if cap(l.chunks) > 64 && len(l.chunks)*4 < cap(l.chunks) {
		l.chunks = append([]*chunk(nil), l.chunks...)
	}
}

// each calls fn with the elements from index start (0 is the front) to
// the end, front to back, until fn returns false. The slices alias the
// list's bytes or a scratch buffer: they are valid during the call only.
func (l *list) each(start int, fn func(i int, v []byte) bool) {
	var sc scratch
	var tmp chunk
	i := 0
	for _, c := range l.chunks {
		if i+c.n <= start {
			i += c.n
			continue
		}
		c = c.rawOf(&tmp)
		for off := c.lo; off < c.hi; i++ {
			var v []byte
			v, off = c.elemAt(off, &sc)
			if i >= start && !fn(i, v) {
				return
			}
		}
	}
}

// eachBack calls fn with the elements from index start back to the front
// until fn returns false.
func (l *list) eachBack(start int, fn func(i int, v []byte) bool) {
	var sc scratch
	var tmp chunk
	i := l.n - 1
	for k := len(l.chunks) - 1; k >= 0; k-- {
		c := l.chunks[k]
		if i-c.n >= start {
			i -= c.n
			continue
		}
		c = c.rawOf(&tmp)
		for end := c.hi; end > c.lo; i-- {
			var v []byte
			v, end = c.elemBefore(end, &sc)
			if i <= start && !fn(i, v) {
				return
			}
		}
	}
}

// elems returns copies of the elements from start to stop (inclusive,
// in range), in one allocation.
func (l *list) elems(start, stop int) [][]byte {
	if start > stop {
		return nil
	}
	ends := make([]int, 0, stop-start+1)
	slab := make([]byte, 0, 64) // never nil: an empty element is not a missing one
	l.each(start, func(i int, v []byte) bool {
		if i > stop {
			return false
		}
		slab = append(slab, v...)
		ends = append(ends, len(slab))
		return true
	})
	out := make([][]byte, len(ends))
	prev := 0
	for i, e := range ends {
		out[i] = slab[prev:e:e]
		prev = e
	}
	return out
}

// rewrite replaces the list's content by fn's result on all its
// elements (the rare operations: LSET, LINSERT, LREM, LTRIM in the
// middle). fn may keep the element slices it is given in its result.
func (l *list) rewrite(fn func(all [][]byte) [][]byte) {
	all := l.elems(0, l.n-1)
	out := fn(all)
	nl := newList(out, l.fill)
	nl.pooled = l.pooled // a view's struct stays the pool's: listStore stores nl's content
	nl.depth = l.depth
	*l = *nl
	l.settleAll()
}

// newList packs vals (copied) into a list under list-max-listpack-size
// fill.
func newList(vals [][]byte, fill int32) *list {
	l := &list{fill: fill}
	maxBytes, _ := fillLimits(fill)
	var c *chunk
	for _, v := range vals {
		enc := encOf(v)
		s := enc.size()
		if c == nil || !l.fits(c, s) {
			c = &chunk{}
			l.chunks = append(l.chunks, c)
		}
		if len(c.buf)-c.hi < s {
			grow := max(2*len(c.buf), c.hi+s, 16)
			if grow > maxBytes && c.hi+s <= maxBytes {
				grow = maxBytes
			}
			nb := make([]byte, grow)
			copy(nb, c.buf[:c.hi])
			c.buf = nb
		}
		putElem(c.buf[c.hi:], v, enc)
		c.hi += s
		c.n++
		l.n++
	}
	for _, c := range l.chunks {
		l.mem += c.mem()
	}
	return l
}

// drop removes k elements (k <= l.n) from the front (left) or back.
func (l *list) drop(k int, left bool) {
	for k > 0 {
		i := 0
		if !left {
			i = len(l.chunks) - 1
		}
		c := l.chunks[i]
		if c.n <= k {
			k -= c.n
			l.n -= c.n
			l.removeChunk(i)
			continue
		}
		l.thaw(c)
		c.zraw = 0
		var sc scratch
		for ; k > 0; k-- {
			if left {
				_, c.lo = c.elemAt(c.lo, &sc)
			} else {
				_, c.hi = c.elemBefore(c.hi, &sc)
			}
			c.n--
			l.n--
		}
		l.shrink(c)
	}
	l.settleEnds()
}

// rewriteAt replaces the chunk holding element i by fn's result on that
// chunk's elements (j is i's place among them): LSET and LINSERT touch
// one chunk, not the whole list. fn may keep the slices it is given.
func (l *list) rewriteAt(i int, fn func(elems [][]byte, j int) [][]byte) {
	k, first := 0, 0
	for ; k < len(l.chunks)-1 && first+l.chunks[k].n <= i; k++ {
		first += l.chunks[k].n
	}
	c := l.chunks[k]
	elems := make([][]byte, 0, c.n+1)
	var sc scratch
	var tmp chunk
	rc := c.rawOf(&tmp)
	for off := rc.lo; off < rc.hi; {
		var v []byte
		v, off = rc.elemAt(off, &sc)
		elems = append(elems, append([]byte(nil), v...))
	}
	nl := newList(fn(elems, i-first), l.fill)
	l.mem += nl.mem - c.mem()
	l.n += nl.n - c.n
	rest := append(nl.chunks, l.chunks[k+1:]...)
	l.chunks = append(l.chunks[:k], rest...)
	l.settleAll()
}

package cache

import "encoding/binary"

// A list is kept as Redis keeps it (a quicklist of listpacks): a deque of
// chunks, each a byte slice of packed elements. An element is its length
// as a uvarint, its bytes, and its length again as a uvarint written
// backwards, so a chunk is walked from either end. A chunk has free room
// at both ends, so pushing and popping at either end of the list touches
// one chunk only: O(1). A chunk holds at most chunkMax bytes (Redis's
// default list-max-listpack-size -2, 8 KiB), so a long list costs about its
// packed bytes; a short list is one small chunk (Redis 7.2's listpack
// encoding).

// chunkMax is the most bytes of elements a chunk holds (an element longer
// than that has a chunk of its own).
const chunkMax = 8 << 10

// chunkStruct is the heap bytes of a chunk's header (size class of 48).
const chunkStruct = 48

// chunk is a run of packed elements, buf[lo:hi].
type chunk struct {
	buf    []byte
	lo, hi int
	n      int // elements
}

// used returns the bytes of the chunk's elements.
func (c *chunk) used() int { return c.hi - c.lo }

// mem returns the chunk's heap bytes.
func (c *chunk) mem() int64 { return chunkStruct + sizeClass(cap(c.buf)) }

// elemSize returns the packed size of an element of n bytes.
func elemSize(n int) int { return 2*uvarintLen(uint64(n)) + n }

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// putElem packs v at b (which has room for elemSize(len(v)) bytes).
func putElem(b []byte, v []byte) {
	k := binary.PutUvarint(b, uint64(len(v)))
	copy(b[k:], v)
	tail := b[k+len(v) : k+len(v)+k]
	for i := 0; i < k; i++ {
		tail[k-1-i] = b[i]
	}
}

// elemAt returns the element starting at off and the offset after it.
func (c *chunk) elemAt(off int) (v []byte, next int) {
	n, k := binary.Uvarint(c.buf[off:c.hi])
	start := off + k
	end := start + int(n)
	return c.buf[start:end:end], end + k
}

// elemBefore returns the element ending at end and its start offset.
func (c *chunk) elemBefore(end int) (v []byte, start int) {
	var n uint64
	k := 0
	for shift := 0; ; shift += 7 {
		b := c.buf[end-1-k]
		k++
		n |= uint64(b&0x7f) << shift
		if b < 0x80 {
			break
		}
	}
	stop := end - k
	begin := stop - int(n)
	return c.buf[begin:stop:stop], begin - k
}

// room makes need free bytes at the chunk's front (left) or back,
// reallocating (doubling) as needed. It returns the change in the
// chunk's heap bytes.
func (c *chunk) room(need int, left bool) int64 {
	if left && c.lo >= need || !left && len(c.buf)-c.hi >= need {
		return 0
	}
	used := c.used()
	size := max(2*len(c.buf), used+need, 16)
	if size > chunkMax && used+need <= chunkMax {
		size = chunkMax
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

// fits reports whether an element of n bytes may join the chunk.
func (c *chunk) fits(n int) bool { return c.n == 0 || c.used()+elemSize(n) <= chunkMax }

// list is a deque of chunks.
type list struct {
	chunks []*chunk
	n      int   // elements
	mem    int64 // heap bytes of the chunks and the slice of them
}

// listBase is a list's fixed heap bytes (the struct).
const listBase = 48

// bytes returns the list's heap bytes.
func (l *list) bytes() int64 { return listBase + l.mem + 8*int64(cap(l.chunks)) }

// push adds v at the front (left) or back.
func (l *list) push(v []byte, left bool) {
	size := elemSize(len(v))
	var c *chunk
	if len(l.chunks) > 0 {
		if left {
			c = l.chunks[0]
		} else {
			c = l.chunks[len(l.chunks)-1]
		}
	}
	if c == nil || !c.fits(len(v)) {
		c = &chunk{}
		l.mem += c.mem()
		if left {
			l.chunks = append(l.chunks, nil)
			copy(l.chunks[1:], l.chunks)
			l.chunks[0] = c
		} else {
			l.chunks = append(l.chunks, c)
		}
	}
	l.mem += c.room(size, left)
	if left {
		c.lo -= size
		putElem(c.buf[c.lo:], v)
	} else {
		putElem(c.buf[c.hi:], v)
		c.hi += size
	}
	c.n++
	l.n++
}

// pop removes and returns (a copy of) the element at the front or back;
// the list must not be empty.
func (l *list) pop(left bool) []byte {
	i := 0
	if !left {
		i = len(l.chunks) - 1
	}
	c := l.chunks[i]
	var v []byte
	if left {
		v, c.lo = c.elemAt(c.lo)
	} else {
		v, c.hi = c.elemBefore(c.hi)
	}
	out := append([]byte(nil), v...)
	c.n--
	l.n--
	if c.n == 0 {
		l.removeChunk(i)
	} else {
		l.shrink(c)
	}
	return out
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
// list's bytes.
func (l *list) each(start int, fn func(i int, v []byte) bool) {
	i := 0
	for _, c := range l.chunks {
		if i+c.n <= start {
			i += c.n
			continue
		}
		for off := c.lo; off < c.hi; i++ {
			var v []byte
			v, off = c.elemAt(off)
			if i >= start && !fn(i, v) {
				return
			}
		}
	}
}

// eachBack calls fn with the elements from index start back to the front
// until fn returns false.
func (l *list) eachBack(start int, fn func(i int, v []byte) bool) {
	i := l.n - 1
	for k := len(l.chunks) - 1; k >= 0; k-- {
		c := l.chunks[k]
		if i-c.n >= start {
			i -= c.n
			continue
		}
		for end := c.hi; end > c.lo; i-- {
			var v []byte
			v, end = c.elemBefore(end)
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
	out := make([][]byte, 0, stop-start+1)
	var size int
	l.each(start, func(i int, v []byte) bool {
		if i > stop {
			return false
		}
		size += len(v)
		out = append(out, v)
		return true
	})
	slab := make([]byte, 0, size)
	for i, v := range out {
		slab = append(slab, v...)
		out[i] = slab[len(slab)-len(v) : len(slab) : len(slab)]
	}
	return out
}

// rewrite replaces the list's content by fn's result on all its
// elements (the rare operations: LSET, LINSERT, LREM, LTRIM in the
// middle). fn may keep the element slices it is given in its result.
func (l *list) rewrite(fn func(all [][]byte) [][]byte) {
	all := make([][]byte, 0, l.n)
	l.each(0, func(_ int, v []byte) bool { all = append(all, v); return true })
	out := fn(all)
	nl := newList(out)
	*l = *nl
}

// newList packs vals (copied) into a list.
func newList(vals [][]byte) *list {
	l := &list{}
	var c *chunk
	for _, v := range vals {
		if c == nil || !c.fits(len(v)) {
			c = &chunk{}
			l.chunks = append(l.chunks, c)
		}
		s := elemSize(len(v))
		if len(c.buf)-c.hi < s {
			grow := max(2*len(c.buf), c.hi+s, 16)
			if grow > chunkMax && c.hi+s <= chunkMax {
				grow = chunkMax
			}
			nb := make([]byte, grow)
			copy(nb, c.buf[:c.hi])
			c.buf = nb
		}
		putElem(c.buf[c.hi:], v)
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
		for ; k > 0; k-- {
			if left {
				_, c.lo = c.elemAt(c.lo)
			} else {
				_, c.hi = c.elemBefore(c.hi)
			}
			c.n--
			l.n--
		}
		l.shrink(c)
	}
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
	for off := c.lo; off < c.hi; {
		var v []byte
		v, off = c.elemAt(off)
		elems = append(elems, v)
	}
	nl := newList(fn(elems, i-first))
	l.mem += nl.mem - c.mem()
	l.n += nl.n - c.n
	rest := append(nl.chunks, l.chunks[k+1:]...)
	l.chunks = append(l.chunks[:k], rest...)
}

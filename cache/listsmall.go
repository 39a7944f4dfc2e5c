package cache

import (
	"encoding/binary"
	"math"
	"sync"
	"unsafe"
)

// A small list is kept in its entry as one allocation, as Redis 7.2 keeps
// one in a single listpack (Redis 7.0, whose replies vcache gives, keeps
// every list in a quicklist and OBJECT ENCODING says "quicklist" for it,
// so it does here too): the entry's obj is an lsmall (pointer-shaped, so
// the interface holds it without an allocation of its own) pointing to
// the bytes of the elements as a chunk packs them, after two uvarints:
// those bytes' length and the element count. A list is small while it
// fits one chunk under list-max-listpack-size; past that it becomes a
// *list of chunks, and a *list that shrinks to one chunk of at most half
// that size is packed again (as Redis 7.2 converts both ways, with room
// between so that a list at the limit does not flap).
//
// Commands work on a *list view of the bytes (entry.listVal): its one
// chunk reads the stored bytes, which are never written in place (the
// view is marked shared: its first push copies them); a write puts new
// bytes, or a *list, back in the entry (listStore). Views come from a
// pool.

// Redis's list-max-listpack-size: positive, the most elements a
// listpack holds (and at most listSafetyBytes); negative, the most bytes:
// -1 4 KiB, -2 8 KiB, ... -5 64 KiB (below -5 as -5).
const (
	listFillDefault = -2
	listFillMax     = 1 << 15 // Redis's FILL_MAX: a larger positive fill is this
	listSafetyBytes = 8 << 10 // a positive fill's chunks hold at most this many bytes
)

// fillLimits returns the most bytes and elements a chunk holds under
// list-max-listpack-size fill.
func fillLimits(fill int32) (bytes, count int) {
	if fill >= 0 {
		return listSafetyBytes, int(min(fill, listFillMax))
	}
	return 4096 << min(-int(fill)-1, 4), math.MaxInt
}

// SetListPackSize sets list-max-listpack-size (its alias
// list-max-ziplist-size): how many elements (positive) or bytes
// (negative: -1 for 4 KiB to -5 for 64 KiB) a list packs in one chunk,
// and so in one allocation while it is small. Lists change as they are
// next written.
func (ks *Keyspace) SetListPackSize(fill int64) {
	ks.listPack.Store(int32(min(max(fill, -5), listFillMax)) - listFillDefault)
}

// SetListCompressDepth sets list-compress-depth: with d > 0 a list's
// chunks but the d at either end are kept LZF-compressed (listzip.go);
// 0, the default, compresses none. Lists change as they are next written.
func (ks *Keyspace) SetListCompressDepth(d int64) {
	ks.listDepth.Store(int32(min(max(d, 0), listDepthMax)))
}

// listFill returns list-max-listpack-size (ks.listPack holds it less the
// default, so that its zero value is the default).
func (ks *Keyspace) listFill() int32 { return ks.listPack.Load() + listFillDefault }

// lsmall is a small list as its entry keeps it.
type lsmall struct{ p *byte }

// lsmallSize returns the bytes of an lsmall of n elements packed in blen
// bytes; its allocation is that rounded up to a size class.
func lsmallSize(blen, n int) int {
	return uvarintLen(uint64(blen)) + uvarintLen(uint64(n)) + blen
}

// newLSmall packs a chunk's elements (n of them, in b) in one allocation
// of a whole size class (the room past its bytes lets a later change of
// the same class be written in place: putLSmall).
func newLSmall(b []byte, n int) lsmall {
	buf := make([]byte, sizeClass(lsmallSize(len(b), n)))
	putLSmall(buf, b, n)
	return lsmall{&buf[0]}
}

// putLSmall writes the header and elements b (which may overlap buf
// past the header's end) of an lsmall of n elements into buf.
func putLSmall(buf, b []byte, n int) {
	h1, h2 := uvarintLen(uint64(len(b))), uvarintLen(uint64(n))
	copy(buf[h1+h2:], b) // first: b may start within the old header's end
	binary.PutUvarint(buf, uint64(len(b)))
	binary.PutUvarint(buf[h1:], uint64(n))
}

// form returns the list's element bytes (capacity their length), its
// element count and the allocation's size.
func (s lsmall) form() (b []byte, n, size int) {
	off := 0
	uvarint := func() int { // byte by byte: the header may end the allocation
		var v uint64
		for shift := 0; ; shift += 7 {
			c := *(*byte)(unsafe.Add(unsafe.Pointer(s.p), off))
			off++
			v |= uint64(c&0x7f) << shift
			if c < 0x80 {
				return int(v)
			}
		}
	}
	blen := uvarint()
	n = uvarint()
	if blen == 0 {
		return nil, n, off
	}
	return unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(s.p), off)), blen), n, off + blen
}

// mem returns the allocation's heap bytes.
func (s lsmall) mem() int64 {
	_, _, size := s.form()
	return sizeClass(size)
}

// listView is a pooled *list reading an lsmall's bytes.
type listView struct {
	l     list // first: a *list of a view is a *listView
	c     chunk
	arr   [1]*chunk
	spare []byte // a buffer the view's chunk is written in, kept for the next view
}

// viewSpareMax bounds the buffer a pooled view keeps.
const viewSpareMax = 16 << 10

// viewOf returns the listView holding l (l.pooled is set).
func viewOf(l *list) *listView { return (*listView)(unsafe.Pointer(l)) }

// spareChunk points c at the view's spare buffer with b's bytes in its
// middle (room at both ends) and returns whether it fits there.
func (v *listView) spareChunk(c *chunk, b []byte) bool {
	need := len(b) + 64
	if need > viewSpareMax {
		return false
	}
	if cap(v.spare) < need {
		v.spare = make([]byte, sizeClass(max(2*len(b)+64, 256)))
	}
	buf := v.spare[:cap(v.spare)]
	lo := (len(buf) - len(b)) / 2
	copy(buf[lo:], b)
	c.buf, c.lo, c.hi = buf, lo, lo+len(b)
	return true
}

var lviews = sync.Pool{New: func() any { return new(listView) }}

// view returns a *list reading s's bytes (release it when done).
func (s lsmall) view() *list {
	v := lviews.Get().(*listView)
	b, n, _ := s.form()
	v.c = chunk{buf: b, lo: 0, hi: len(b), n: n}
	v.arr[0] = &v.c
	v.l = list{chunks: v.arr[:1], n: n, shared: true, pooled: true}
	return &v.l
}

// emptyView returns an empty pooled *list, for a key about to be made.
func emptyView() *list {
	v := lviews.Get().(*listView)
	v.c = chunk{}
	v.arr[0] = nil
	v.l = list{chunks: v.arr[:0], pooled: true}
	return &v.l
}

// release gives a view back to the pool (nothing for a list that is not
// one).
func (l *list) release() {
	if l == nil || !l.pooled {
		return
	}
	v := viewOf(l)
	spare := v.spare
	*v = listView{spare: spare}
	lviews.Put(v)
}

// unshare lets a view write in its chunk (the listView's c, the only
// one that may read the entry's bytes or the spare buffer): the entry's
// bytes are copied to the view's spare buffer, or else resliced to have
// no free room, so that the next push there copies them.
func (l *list) unshare() {
	l.shared = false
	v := viewOf(l)
	for _, c := range l.chunks {
		if c != &v.c {
			continue
		}
		if !v.spareChunk(c, c.buf[c.lo:c.hi]) {
			c.buf = c.buf[c.lo:c.hi:c.hi]
			c.lo, c.hi = 0, len(c.buf)
		}
		return
	}
	v.c = chunk{} // not in the list any more: the entry's bytes are not to be written
}

// packable reports whether the list fits one allocation: a view or a
// new list when it is one chunk within fill's limits (loose); a list of
// chunks when it is at most two chunks within half those limits.
func (l *list) packable(loose bool) bool {
	if l.n == 0 {
		return false
	}
	maxBytes, maxCount := fillLimits(l.fill)
	if loose {
		return len(l.chunks) == 1 && l.chunks[0].used() <= maxBytes && l.n <= maxCount
	}
	if len(l.chunks) > 2 {
		return false
	}
	used := 0
	for _, c := range l.chunks {
		used += c.used()
	}
	return used <= maxBytes/2 && l.n <= maxCount/2
}

// packed returns the list's elements as an lsmall.
func (l *list) packed() lsmall {
	if len(l.chunks) == 1 && l.chunks[0].zraw <= 0 {
		c := l.chunks[0]
		return newLSmall(c.buf[c.lo:c.hi], l.n)
	}
	var b []byte
	for _, c := range l.chunks {
		b = c.rawBytes(b)
	}
	return newLSmall(b, l.n)
}

// detached returns a view's content as a list of its own (l itself when
// it is not a view).
func (l *list) detached() *list {
	if !l.pooled {
		return l
	}
	nl := &list{n: l.n, fill: l.fill, depth: l.depth, chunks: make([]*chunk, len(l.chunks), cap(l.chunks))}
	v := viewOf(l)
	for i, c := range l.chunks {
		if c == &v.c { // it may read the entry's bytes or the spare buffer
			c = &chunk{buf: append([]byte(nil), c.buf[c.lo:c.hi]...), n: c.n, zraw: c.zraw}
			c.hi = len(c.buf)
		}
		nl.chunks[i] = c
		nl.mem += c.mem()
	}
	return nl
}

// stored returns l as a new entry keeps it: packed when it fits one
// chunk, else a list of its own.
func (l *list) stored() any {
	if l.packable(true) {
		return l.packed()
	}
	return l.detached()
}

// listStore puts l, a command's list of e (a view or e's own), back in
// e after a change; the caller releases l. A small list's new bytes are
// written over its old ones when they take the same size class (readers
// of a list hold its stripe's lock and copy what they keep).
func listStore(e *entry, l *list) {
	switch cur := e.object().(type) {
	case *list:
		if cur == l && l.packable(false) {
			e.setObject(l.packed())
		}
		if cur == l {
			return
		}
	case lsmall:
		if l.packable(true) && len(l.chunks) == 1 && l.chunks[0].zraw <= 0 {
			c := l.chunks[0]
			_, _, size := cur.form()
			if class := sizeClass(size); class == sizeClass(lsmallSize(c.used(), l.n)) {
				putLSmall(unsafe.Slice(cur.p, class), c.buf[c.lo:c.hi], l.n)
				return
			}
		}
	}
	e.setObject(l.stored())
}

// listMem returns the heap bytes of a kindList entry's value.
func listMem(e *entry) int64 {
	if s, ok := e.object().(lsmall); ok {
		return s.mem()
	}
	return e.object().(*list).bytes()
}

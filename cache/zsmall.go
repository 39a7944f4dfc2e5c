package cache

import (
	"encoding/binary"
	"sync"
	"unsafe"
)

// A packed sorted set is kept in its entry without a zset header: the
// entry's obj is a zsmall (pointer-shaped, so the interface holds it
// without an allocation of its own) pointing to one allocation that holds
// the pack's length as a uvarint, then the pack's bytes (zpack). That
// makes a small sorted set its entry plus one allocation, as Redis's is
// its dict entry, robj and listpack. A command works on a zset view of
// the bytes (entry.zsetVal), marked shared so that nothing writes to them
// in place; a write puts new bytes back in the entry (zsetStore). The
// stored bytes are therefore never modified once stored. Views come from
// a pool and keep the buffer a write worked in for the next one, so that
// a write leaves no garbage but the bytes it replaced: garbage of the
// entries' size classes would leave holes among them after a load.

// zsmall is a packed sorted set as its entry keeps it.
type zsmall struct{ p *byte }

// newZSmall copies a pack (not empty) into a zsmall.
func newZSmall(b []byte) zsmall {
	hl := uvarintLen(uint64(len(b)))
	buf := make([]byte, hl+len(b))
	binary.PutUvarint(buf, uint64(len(b)))
	copy(buf[hl:], b)
	return zsmall{&buf[0]}
}

// form returns the pack (its capacity its length: appending reallocates).
func (s zsmall) form() []byte {
	var n uint64
	k := 0
	for shift := 0; ; shift += 7 {
		b := *(*byte)(unsafe.Add(unsafe.Pointer(s.p), k))
		k++
		n |= uint64(b&0x7f) << shift
		if b < 0x80 {
			break
		}
	}
	if n == 0 {
		return nil // no pointer past the allocation's end
	}
	return unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(s.p), k)), n)
}

// mem returns the allocation's heap bytes.
func (s zsmall) mem() int64 {
	n := len(s.form())
	return sizeClass(uvarintLen(uint64(n)) + n)
}

// zviews holds views (zset.view set) for reuse.
var zviews = sync.Pool{New: func() any { return new(zset) }}

// zviewSpare bounds the buffer a pooled view keeps.
const zviewSpare = 16 << 10

// view returns a zset reading s's bytes; a write to it makes new bytes.
func (s zsmall) view() *zset {
	z := newZView()
	z.lp.b, z.lp.shared = s.form(), true
	return z
}

// release gives a view back to the pool once its user is done with it
// and with the bytes it returned (z may be nil, or not a view: then
// nothing happens). A view that became a skiplist is no longer a view.
func (z *zset) release() {
	if z == nil || !z.view {
		return
	}
	if !z.lp.shared && cap(z.lp.b) > cap(z.lp.spare) {
		z.lp.spare = z.lp.b[:0]
	}
	if cap(z.lp.spare) > zviewSpare {
		z.lp.spare = nil
	}
	z.lp.b, z.lp.shared = nil, false
	zviews.Put(z)
}

// stored returns z as an entry keeps it: a packed set as a zsmall, a
// skiplist as itself.
func (z *zset) stored() any {
	if z.packed() {
		return newZSmall(z.lp.b)
	}
	return z
}

// zsetStore puts z, a command's view of e's sorted set, back in e if the
// command changed it: the view's bytes are new then, or it became a
// skiplist.
func zsetStore(e *entry, z *zset) {
	if cur, ok := e.object().(*zset); ok && cur == z && !z.packed() {
		return
	}
	if zs, ok := e.object().(zsmall); ok && z.packed() {
		if b := zs.form(); unsafe.SliceData(b) == unsafe.SliceData(z.lp.b) && len(b) == len(z.lp.b) {
			return // unchanged: a change makes new bytes or changes their length
		}
	}
	e.setObject(z.stored())
}

// zsetCard returns a kindZSet entry's member count without a view.
func zsetCard(e *entry) int {
	if s, ok := e.object().(zsmall); ok {
		p := zpack{b: s.form()}
		return p.len()
	}
	return e.zsetVal().card()
}

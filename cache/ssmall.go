package cache

import (
	"encoding/binary"
	"sync"
	"unsafe"
)

// A small set (an intset or a setPack) is kept in its entry without a
// setObj header: the entry's obj is an ssmall (pointer-shaped, so the
// interface holds it without an allocation of its own) pointing to one
// allocation. A setPack is stored as itself (its first byte is
// setPackTag, 0; its length follows from its count and members); an
// intset as its length (a uvarint, at least 2: never 0) then its bytes.
// An empty set, about to be deleted, is a nil pointer. Commands work on a
// setObj view of the bytes (entry.setVal), marked shared so that nothing
// writes to them in place; a write puts new bytes back in the entry
// (setStore), so stored bytes never change. Views come from a pool and
// keep the buffer an intset was changed in for the next change: a load
// then leaves no garbage among the entries' size classes but the bytes a
// write replaced.

// ssmall is a small set as its entry keeps it.
type ssmall struct{ p *byte }

// newSSmall stores a small set's bytes: a setPack with no spare capacity
// as itself (a setPack is never modified in place), else a copy.
func newSSmall(b []byte) ssmall {
	switch {
	case len(b) == 0:
		return ssmall{}
	case isSetPack(b) && cap(b) == len(b):
		return ssmall{&b[0]}
	case isSetPack(b):
		c := make([]byte, len(b))
		copy(c, b)
		return ssmall{&c[0]}
	}
	hl := uvarintLen(uint64(len(b)))
	buf := make([]byte, hl+len(b))
	binary.PutUvarint(buf, uint64(len(b)))
	copy(buf[hl:], b)
	return ssmall{&buf[0]}
}

// form returns the set's bytes (capacity their length) and the
// allocation's size.
func (s ssmall) form() ([]byte, int) {
	if s.p == nil {
		return nil, 0
	}
	at := func(i int) byte { return *(*byte)(unsafe.Add(unsafe.Pointer(s.p), i)) }
	if at(0) == setPackTag {
		off := setPackHdr
		for range int(at(1)) {
			off += 1 + int(at(off))
		}
		return unsafe.Slice(s.p, off), off
	}
	var n uint64
	k := 0
	for shift := 0; ; shift += 7 {
		b := at(k)
		k++
		n |= uint64(b&0x7f) << shift
		if b < 0x80 {
			break
		}
	}
	return unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(s.p), k)), n), k + int(n)
}

// mem returns the allocation's heap bytes.
func (s ssmall) mem() int64 {
	_, n := s.form()
	return sizeClass(n)
}

// len returns the member count.
func (s ssmall) len() int {
	b, _ := s.form()
	o := setObj{small: b}
	return o.len()
}

// sviews holds views (setObj.view set) for reuse.
var sviews = sync.Pool{New: func() any { return new(setObj) }}

// view returns a setObj reading s's bytes.
func (s ssmall) view() *setObj {
	o := sviews.Get().(*setObj)
	o.small, _ = s.form()
	o.shared, o.view = true, true
	return o
}

// stored returns s as an entry keeps it: a small set as an ssmall, a
// hashSet as itself (no longer a view then).
func (s *setObj) stored() any {
	if s.h != nil {
		s.view = false
		return s
	}
	return newSSmall(s.small)
}

// setStore puts s, a command's view of e's set, back in e if the command
// changed it.
func setStore(e *entry, s *setObj) {
	if cur, ok := e.object().(*setObj); ok && cur == s && s.h != nil {
		return
	}
	if ss, ok := e.object().(ssmall); ok && s.h == nil {
		if b, _ := ss.form(); unsafe.SliceData(b) == unsafe.SliceData(s.small) && len(b) == len(s.small) {
			return // unchanged: a change makes new bytes or changes their length
		}
	}
	e.setObject(s.stored())
}

// setCard returns a kindSet entry's member count without a view.
func setCard(e *entry) int {
	if s, ok := e.object().(ssmall); ok {
		return s.len()
	}
	return e.setVal().len()
}

// setSpareMax bounds the buffer a pooled view keeps.
const setSpareMax = 16 << 10

// release gives a view back to the pool once its user is done with it
// (s may be nil or not a view: then nothing happens).
func (s *setObj) release() {
	if s == nil || !s.view || s.h != nil {
		return
	}
	if !s.shared && !isSetPack(s.small) && cap(s.small) > cap(s.spare) {
		s.spare = s.small[:0]
	}
	if cap(s.spare) > setSpareMax {
		s.spare = nil
	}
	s.small, s.shared = nil, false
	sviews.Put(s)
}

// storedSmallBytes is the heap bytes of a small set's bytes as an ssmall
// keeps them.
func storedSmallBytes(b []byte) int64 {
	switch {
	case len(b) == 0:
		return 0
	case isSetPack(b):
		return sizeClass(len(b))
	}
	return sizeClass(uvarintLen(uint64(len(b))) + len(b))
}

// writable makes an intset's bytes the view's own, copied (into the
// spare buffer if it is large enough) with a capacity of need bytes at
// least; an empty set takes the spare buffer when it is large enough.
func (s *setObj) writable(need int) {
	if !s.shared && (len(s.small) > 0 || cap(s.spare) < need) {
		return
	}
	need = max(need, len(s.small))
	var nb []byte
	if cap(s.spare) >= need {
		nb, s.spare = s.spare[:0], nil
	} else {
		nb = make([]byte, 0, sizeClass(need))
	}
	s.small, s.shared = append(nb, s.small...), false
}

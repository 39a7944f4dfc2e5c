package cache

import (
	"strconv"
	"unsafe"
)

// A small set of strings is packed in one allocation, as Redis 7.2 packs
// one in a listpack (Redis 7.0, whose replies vcache gives, keeps it in a
// hash table and OBJECT ENCODING says "hashtable" for it, so it does here
// too): a tag byte (setPackTag, never an intset's width), the number of
// members, then each member as its length (one byte) and its bytes, in
// the order they were added. A set is packed while it has at most
// set-max-listpack-entries members of at most set-max-listpack-value
// bytes (setLimits, as Redis 7.2 packs sets); past either it
// becomes a hashSet once, and never goes back. The packed bytes are never
// modified in place: a change makes new bytes, so a member read from them
// (unsafe.String) stays valid after the lock is released.

// setPack is a packed set of strings.
type setPack []byte

const (
	setPackTag     = 0   // setPack's first byte; an intset's is its width
	setPackEntries = 128 // set-max-listpack-entries's default
	setPackValue   = 64  // set-max-listpack-value's default
	setPackMax     = 255 // most members, and longest member, packed whatever the limits
	setPackHdr     = 2   // tag and count
)

// isSetPack tells whether a set's compact bytes are a setPack.
func isSetPack(b []byte) bool { return len(b) > 0 && b[0] == setPackTag }

// fits tells whether a set of n members, the longest of longest bytes,
// may be packed.
func (lim setLimits) fits(n, longest int) bool { return n <= lim.entries && longest <= lim.value }

func (p setPack) len() int { return int(p[1]) }

// next returns the member at off and the offset after it.
func (p setPack) next(off int) (string, int) {
	n := int(p[off])
	if n == 0 {
		return "", off + 1
	}
	return unsafe.String(&p[off+1], n), off + 1 + n
}

// find returns m's offset and whether it is there.
func (p setPack) find(m string) (int, bool) {
	for off := setPackHdr; off < len(p); {
		v, next := p.next(off)
		if v == m {
			return off, true
		}
		off = next
	}
	return 0, false
}

// at returns the i-th member.
func (p setPack) at(i int) string {
	off := setPackHdr
	for range i {
		off += 1 + int(p[off])
	}
	v, _ := p.next(off)
	return v
}

// each calls fn with every member until fn returns false.
func (p setPack) each(fn func(m string) bool) {
	for off := setPackHdr; off < len(p); {
		v, next := p.next(off)
		if !fn(v) {
			return
		}
		off = next
	}
}

// with returns new bytes holding p's members and m (not in p; p may be
// nil for an empty set).
func (p setPack) with(m string) setPack {
	if len(p) == 0 {
		p = setPack{setPackTag, 0}
	}
	q := make(setPack, len(p)+1+len(m))
	copy(q, p)
	q[1]++
	q[len(p)] = byte(len(m))
	copy(q[len(p)+1:], m)
	return q
}

// without returns new bytes holding p's members but the one at off.
func (p setPack) without(off int) setPack {
	end := off + 1 + int(p[off])
	q := make(setPack, len(p)-(end-off))
	copy(q, p[:off])
	copy(q[off:], p[end:])
	q[1]--
	return q
}

// textLen returns the length of the longest of s's members in decimal
// (its least or its greatest), 0 for an empty intset.
func (s intset) textLen() int {
	n := 0
	if l := s.len(); l > 0 {
		var buf [20]byte
		n = max(len(strconv.AppendInt(buf[:0], s.at(0), 10)), len(strconv.AppendInt(buf[:0], s.at(l-1), 10)))
	}
	return n
}

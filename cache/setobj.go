package cache

import (
	"hash/maphash"
	"math/rand/v2"
	"strconv"
	"strings"
)

// setObj is a set's value. While every member is an integer (in its
// canonical decimal form) and there are at most the keyspace's
// set-max-intset-entries of them, the members are a packed intset (small,
// h nil: Redis's intset); otherwise, while the set is small, a setPack
// (small, h nil: setpack.go); otherwise a hashSet. A set never goes back
// to a more compact form.
type setObj struct {
	small []byte // intset or setPack (told apart by the first byte)
	h     *hashSet
	// A view of the bytes an entry keeps (ssmall.go): shared while they
	// are those bytes, spare a buffer for the next copy.
	spare        []byte
	shared, view bool
}

// ints returns the intset of a set in that form.
func (s *setObj) ints() intset { return intset(s.small) }

// pack returns the setPack of a set in that form.
func (s *setObj) pack() setPack { return setPack(s.small) }

// isPacked tells whether the set is a setPack.
func (s *setObj) isPacked() bool { return s.h == nil && isSetPack(s.small) }

// setIntLimit is set-max-intset-entries's default.
const setIntLimit = 512

// canonicalInt returns the integer that s spells in canonical form (no
// sign but a minus, no leading zeros, within int64), as Redis's intset
// admits members.
func canonicalInt(s string) (int64, bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false
	}
	var buf [20]byte
	return v, string(strconv.AppendInt(buf[:0], v, 10)) == s
}

func (s *setObj) len() int {
	if s.h != nil {
		return len(s.h.members)
	}
	if s.isPacked() {
		return s.pack().len()
	}
	return s.ints().len()
}

// isIntset tells whether the set is in its compact integer form.
func (s *setObj) isIntset() bool { return s.h == nil && !isSetPack(s.small) }

func (s *setObj) has(m string) bool {
	if s.h != nil {
		_, _, ok := s.h.find(m)
		return ok
	}
	if s.isPacked() {
		_, ok := s.pack().find(m)
		return ok
	}
	v, ok := canonicalInt(m)
	if !ok {
		return false
	}
	_, found := s.ints().search(v)
	return found
}

// add adds m and reports whether it was new.
func (s *setObj) add(m string, lim setLimits) bool { return s.addSized(m, lim, 1) }

// addSized is add where pending members (this one included) are about to
// be added: a full intset grows to fit them (at least a quarter more when
// adding one at a time), rounded up to the allocator's size class, rather
// than doubling, so a set filled by one SADD holds no spare capacity.
func (s *setObj) addSized(m string, lim setLimits, pending int) bool {
	if s.h == nil && !s.isPacked() {
		if v, ok := canonicalInt(m); ok {
			i, found := s.ints().search(v)
			if found {
				return false
			}
			if l := s.ints().len(); l+1 <= lim.ints {
				s.writable(1 + max(intWidth(v), s.ints().width())*intsetRoom(l, pending, lim.ints))
				s.small = s.ints().insert(i, v, intsetRoom(l, pending, lim.ints))
				return true
			}
		}
		// m is new: an intset holds canonical integers only.
		if n := s.ints().len() + 1; !lim.fits(n, max(len(m), s.ints().textLen())) {
			s.toHash(n)
			return s.h.add(m)
		}
		s.toPack()
	}
	if s.h == nil {
		p := s.pack()
		if _, ok := p.find(m); ok {
			return false
		}
		if lim.fits(p.len()+1, len(m)) {
			s.small = p.with(m)
			return true
		}
		s.toHash(p.len() + 1)
	}
	return s.h.add(m)
}

// toPack converts an intset to a setPack.
func (s *setObj) toPack() {
	ints := s.ints()
	p := setPack{setPackTag, 0}
	var buf [20]byte
	for i := range ints.len() {
		p = p.with(string(strconv.AppendInt(buf[:0], ints.at(i), 10)))
	}
	s.small = p
}

// intsetRoom is how many values an intset of l values grows to hold:
// at least max(pending, l/4, 1) more, never past limit unless l is
// already there.
func intsetRoom(l, pending, limit int) int {
	return min(l+max(pending, l/4, 1), max(limit, l+1))
}

// toHash converts an intset or a setPack to a hashSet sized for n
// members.
func (s *setObj) toHash(n int) {
	h := newHashSet(n)
	s.each(func(m string) bool { h.add(m); return true })
	s.h, s.small = h, nil
}

// remove removes m and reports whether it was there.
func (s *setObj) remove(m string) bool {
	if s.h != nil {
		return s.h.remove(m)
	}
	if s.isPacked() {
		off, ok := s.pack().find(m)
		if ok {
			s.small = s.pack().without(off)
		}
		return ok
	}
	v, ok := canonicalInt(m)
	if !ok {
		return false
	}
	i, found := s.ints().search(v)
	if found {
		s.writable(len(s.small))
		s.small = s.ints().remove(i)
	}
	return found
}

// member returns the i-th member in iteration order (intset: ascending).
func (s *setObj) member(i int) string {
	if s.h != nil {
		return s.h.members[i]
	}
	if s.isPacked() {
		return s.pack().at(i)
	}
	return strconv.FormatInt(s.ints().at(i), 10)
}

// each calls fn with every member in iteration order until fn returns
// false. fn must not change the set.
func (s *setObj) each(fn func(m string) bool) {
	if s.h != nil {
		for _, m := range s.h.members {
			if !fn(m) {
				return
			}
		}
		return
	}
	if s.isPacked() {
		s.pack().each(fn)
		return
	}
	for i := range s.ints().len() {
		if !fn(strconv.FormatInt(s.ints().at(i), 10)) {
			return
		}
	}
}

// removeAt removes the i-th member and returns it.
func (s *setObj) removeAt(i int) string {
	m := s.member(i)
	if s.h != nil || s.isPacked() {
		s.remove(m)
	} else {
		s.writable(len(s.small))
		s.small = s.ints().remove(i)
	}
	return m
}

// random returns a random member of a non-empty set.
func (s *setObj) random() string { return s.member(rand.IntN(s.len())) }

// bytes estimates the set's heap bytes (without the entry).
func (s *setObj) bytes() int64 {
	n := int64(64) // the setObj
	if s.h == nil {
		return storedSmallBytes(s.small)
	}
	h := s.h
	return n + 64 + sizeClass(cap(h.members)*16) + sizeClass(len(h.index)*8) + h.strBytes
}

// hashSet is a set of strings: the members densely in a slice (so a
// random member costs O(1)) and an open-addressing index over them
// (linear probing, no tombstones). An index word is the low 32 bits of
// the member's hash << 32 | its position + 1; 0 is an empty place. A
// member's home place is its hash & mask, so SSCAN can walk home places
// in Redis's reverse-binary order and keep its guarantee while the index
// grows or shrinks.
type hashSet struct {
	seed     maphash.Seed
	members  []string
	index    []uint64 // len a power of two, at most 3/4 full
	strBytes int64    // allocated bytes of the members' strings
}

const minHashIndex = 8

func newHashSet(n int) *hashSet {
	return &hashSet{
		seed:    maphash.MakeSeed(),
		members: make([]string, 0, n),
		index:   make([]uint64, indexSize(n)),
	}
}

// indexSize is the index length for n members.
func indexSize(n int) int {
	size := minHashIndex
	for size*3 < n*4 {
		size *= 2
	}
	return size
}

func (h *hashSet) hash(m string) uint32 { return uint32(maphash.String(h.seed, m)) }

// find returns m's position, its index place (or the empty place where it
// would go) and whether it is there.
func (h *hashSet) find(m string) (pos, place int, ok bool) {
	hv := h.hash(m)
	mask := len(h.index) - 1
	for i := int(hv) & mask; ; i = (i + 1) & mask {
		w := h.index[i]
		if w == 0 {
			return -1, i, false
		}
		if uint32(w>>32) == hv && h.members[uint32(w)-1] == m {
			return int(uint32(w) - 1), i, true
		}
	}
}

func (h *hashSet) add(m string) bool {
	_, place, ok := h.find(m)
	if ok {
		return false
	}
	if (len(h.members)+1)*4 > len(h.index)*3 {
		h.rebuild(len(h.members) + 1)
		_, place, _ = h.find(m)
	}
	m = strings.Clone(m) // own the bytes: m may share a caller's buffer
	h.members = append(h.members, m)
	h.index[place] = uint64(h.hash(m))<<32 | uint64(len(h.members))
	h.strBytes += sizeClass(len(m))
	return true
}

// rebuild makes a new index for n members (and a fitting members slice
// when shrinking).
func (h *hashSet) rebuild(n int) {
	size := indexSize(n)
	if size < len(h.index) && cap(h.members) > 2*n {
		h.members = append(make([]string, 0, n), h.members...)
	}
	h.index = make([]uint64, size)
	mask := size - 1
	for p, m := range h.members {
		hv := h.hash(m)
		i := int(hv) & mask
		for h.index[i] != 0 {
			i = (i + 1) & mask
		}
		h.index[i] = uint64(hv)<<32 | uint64(p+1)
	}
}

func (h *hashSet) remove(m string) bool {
	pos, place, ok := h.find(m)
	if !ok {
		return false
	}
	h.clear(place)
	last := len(h.members) - 1
	if pos != last {
		moved := h.members[last]
		h.members[pos] = moved
		mask := len(h.index) - 1
		for i := int(h.hash(moved)) & mask; ; i = (i + 1) & mask {
			if int(uint32(h.index[i])) == last+1 {
				h.index[i] = h.index[i]&^0xFFFFFFFF | uint64(pos+1)
				break
			}
		}
	}
	h.members[last] = ""
	h.members = h.members[:last]
	h.strBytes -= sizeClass(len(m))
	if len(h.index) > minHashIndex && len(h.members)*8 < len(h.index) {
		h.rebuild(len(h.members))
	}
	return true
}

// clear empties index place i, shifting back the words after it that may
// move closer to their home place, so no lookup meets a hole.
func (h *hashSet) clear(i int) {
	mask := len(h.index) - 1
	j := i
	for {
		j = (j + 1) & mask
		w := h.index[j]
		if w == 0 {
			break
		}
		k := int(uint32(w>>32)) & mask // w's home place
		if (i <= j && i < k && k <= j) || (i > j && (i < k || k <= j)) {
			continue // w sits at or after its home, between i and j: stays
		}
		h.index[i] = w
		i = j
	}
	h.index[i] = 0
}

// scan calls fn with the members whose home place is cursor & mask and
// returns the next cursor (0 after the last place), in Redis's reverse
// binary order, so members present for a whole scan are returned at least
// once however the index grows or shrinks in between.
func (h *hashSet) scan(cursor uint64, fn func(m string)) uint64 {
	mask := uint64(len(h.index) - 1)
	home := int(cursor & mask)
	for i := home; h.index[i] != 0; i = (i + 1) & int(mask) {
		w := h.index[i]
		if int(uint32(w>>32))&int(mask) == home {
			fn(h.members[uint32(w)-1])
		}
	}
	return scanNext(cursor, mask)
}

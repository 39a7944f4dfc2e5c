package cache

import (
	"encoding/binary"
	"hash/maphash"
	"unsafe"
)

// A large hash (a "hashtable" in OBJECT ENCODING) is an ftab: an
// open-addressing table of fields. Each field is one allocation, a box:
// the field's length and the value's (uvarints), then the field's bytes,
// then the value's. The table keeps a pointer per slot and a tag byte per
// slot (empty, deleted, or seven bits of the field's hash), so a field
// costs its box and about 9 bytes of table at the load it runs at, where
// a Go map[string][]byte costs a string and a slice header per slot plus
// the field's and the value's allocations.
//
// A box is never modified: setting a field makes a new box and puts it in
// the old one's slot (the only allocation of HSET on an existing field),
// so a value a reader got stays valid after the lock is released.
//
// The table grows (and shrinks when mostly empty) by moving its fields
// into a new slot array a few slots per write, as Redis rehashes its
// dicts, so no write pays for moving every field at once. Until the move
// is done the fields are in both arrays: lookups look in both.

// ftabArr is a slot array: len(tags) == len(slots), a power of two.
type ftabArr struct {
	tags  []uint8 // tagEmpty, tagDeleted, or tagFull|seven bits of the hash
	slots []*byte // the box, nil unless tagged full
	used  int     // slots full or deleted
}

const (
	tagEmpty   = 0
	tagDeleted = 1
	tagFull    = 0x80

	ftabMin     = 8  // the smallest slot array
	ftabMigrate = 64 // old slots moved per write while growing
)

// ftab is a large hash's fields.
type ftab struct {
	seed  maphash.Seed
	cur   ftabArr
	old   ftabArr // being emptied into cur; no slots when not growing
	mig   int     // old's slots below mig are moved
	n     int     // fields
	boxes int64   // the boxes' heap bytes
}

// ftabStruct is an ftab's own bytes (its size class).
const ftabStruct = 144

func init() {
	if s := unsafe.Sizeof(ftab{}); s > ftabStruct || sizeClass(int(s)) != ftabStruct {
		panic("cache: ftabStruct is not ftab's size class")
	}
}

// newFtab returns an empty table sized for hint fields.
func newFtab(hint int) *ftab {
	t := &ftab{seed: maphash.MakeSeed()}
	t.cur = newFtabArr(ftabSizeFor(hint))
	return t
}

// ftabSizeFor returns the slot count for n fields at most half full.
func ftabSizeFor(n int) int {
	size := ftabMin
	for size < 2*n {
		size *= 2
	}
	return size
}

func newFtabArr(size int) ftabArr {
	return ftabArr{tags: make([]uint8, size), slots: make([]*byte, size)}
}

// full reports whether a slot array of size slots with used of them full
// or deleted must not take another: at most 3/4 are, so a probe always
// ends at an empty slot.
func arrFull(used, size int) bool { return (used+1)*4 > size*3 }

// box makes field f's box with value v.
func newBox(f, v []byte) (*byte, int64) {
	n := uvarintLen(uint64(len(f))) + uvarintLen(uint64(len(v))) + len(f) + len(v)
	b := make([]byte, n)
	k := binary.PutUvarint(b, uint64(len(f)))
	k += binary.PutUvarint(b[k:], uint64(len(v)))
	k += copy(b[k:], f)
	copy(b[k:], v)
	return &b[0], sizeClass(n)
}

// boxParts returns a box's field and value (slices of the box, capacity
// their length).
func boxParts(p *byte) (f, v []byte) {
	var fl, vl uint64
	k := 0
	for _, x := range [2]*uint64{&fl, &vl} {
		for shift := 0; ; shift += 7 {
			c := *(*byte)(unsafe.Add(unsafe.Pointer(p), k))
			k++
			*x |= uint64(c&0x7f) << shift
			if c < 0x80 {
				break
			}
		}
	}
	// An empty part may end the box: it must not point past it.
	f, v = noBytes, noBytes
	if fl > 0 {
		f = unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(p), k)), fl)
	}
	if vl > 0 {
		v = unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(p), k+int(fl))), vl)
	}
	return f, v
}

// noBytes is an empty part: not nil, as an empty value is not a missing
// one.
var noBytes = []byte{}

// boxField returns a box's field.
func boxField(p *byte) []byte {
	f, _ := boxParts(p)
	return f
}

// boxMem returns a box's heap bytes.
func boxMem(p *byte) int64 {
	f, v := boxParts(p)
	return sizeClass(uvarintLen(uint64(len(f))) + uvarintLen(uint64(len(v))) + len(f) + len(v))
}

func (t *ftab) hash(f []byte) uint64 { return maphash.Bytes(t.seed, f) }

func ftagOf(h uint64) uint8 { return tagFull | uint8(h>>57) }

// find returns f's slot in a, or -1.
func (a *ftabArr) find(h uint64, f []byte) int {
	if len(a.tags) == 0 {
		return -1
	}
	mask := len(a.tags) - 1
	tag := ftagOf(h)
	i := int(h) & mask
	for step := 1; ; step++ {
		switch a.tags[i] {
		case tagEmpty:
			return -1
		case tag:
			if string(boxField(a.slots[i])) == string(f) {
				return i
			}
		}
		i = (i + step) & mask
	}
}

// put puts box p, of a field not in a, into a.
func (a *ftabArr) put(h uint64, p *byte) {
	mask := len(a.tags) - 1
	i := int(h) & mask
	for step := 1; a.tags[i] >= tagFull; step++ {
		i = (i + step) & mask
	}
	if a.tags[i] == tagEmpty {
		a.used++
	}
	a.tags[i] = ftagOf(h)
	a.slots[i] = p
}

// lookup returns f's array and slot (nil when missing).
func (t *ftab) lookup(f []byte) (*ftabArr, int) {
	return t.lookupH(t.hash(f), f)
}

// lookupH is lookup for f of hash h.
func (t *ftab) lookupH(h uint64, f []byte) (*ftabArr, int) {
	if i := t.cur.find(h, f); i >= 0 {
		return &t.cur, i
	}
	if t.old.slots != nil {
		if i := t.old.find(h, f); i >= 0 {
			return &t.old, i
		}
	}
	return nil, -1
}

func (t *ftab) len() int { return t.n }

// get returns f's value (stable: boxes are never modified).
func (t *ftab) get(f []byte) ([]byte, bool) {
	a, i := t.lookup(f)
	if a == nil {
		return nil, false
	}
	_, v := boxParts(a.slots[i])
	return v, true
}

// getS is get for a field held as a string.
func (t *ftab) getS(f string) ([]byte, bool) {
	return t.get(unsafe.Slice(unsafe.StringData(f), len(f)))
}

// set sets f to v (both copied) and reports whether f is new.
func (t *ftab) set(f, v []byte) bool {
	p, sz := newBox(f, v)
	t.boxes += sz
	h := t.hash(f)
	if a, i := t.lookupH(h, f); a != nil {
		t.boxes -= boxMem(a.slots[i])
		a.slots[i] = p
		t.step()
		return false
	}
	t.reserve()
	t.cur.put(h, p)
	t.n++
	t.step()
	return true
}

// del removes f and reports whether it was there.
func (t *ftab) del(f []byte) bool {
	a, i := t.lookup(f)
	if a == nil {
		return false
	}
	t.boxes -= boxMem(a.slots[i])
	a.tags[i] = tagDeleted
	a.slots[i] = nil
	t.n--
	t.step()
	if t.old.slots == nil && len(t.cur.tags) > ftabMin && t.n*8 < len(t.cur.tags) {
		t.regrow(ftabSizeFor(t.n)) // mostly empty: shrink
	}
	return true
}

// delS is del for a field held as a string.
func (t *ftab) delS(f string) bool {
	return t.del(unsafe.Slice(unsafe.StringData(f), len(f)))
}

// reserve makes room in cur for one more field.
func (t *ftab) reserve() {
	if !arrFull(t.cur.used, len(t.cur.tags)) {
		return
	}
	t.finish()
	if !arrFull(t.cur.used, len(t.cur.tags)) {
		return
	}
	t.regrow(ftabSizeFor(t.n + 1))
}

// regrow starts moving the fields into a new array of size slots (which
// may be cur's size: then it only drops the deleted slots).
func (t *ftab) regrow(size int) {
	t.old, t.cur, t.mig = t.cur, newFtabArr(size), 0
}

// step moves a few of old's fields into cur.
func (t *ftab) step() {
	if t.old.slots == nil {
		return
	}
	end := min(t.mig+ftabMigrate, len(t.old.tags))
	for i := t.mig; i < end; i++ {
		t.moveSlot(i)
	}
	t.mig = end
	if end == len(t.old.tags) {
		t.old = ftabArr{}
	}
}

func (t *ftab) moveSlot(i int) {
	if t.old.tags[i] >= tagFull {
		p := t.old.slots[i]
		t.cur.put(t.hash(boxField(p)), p)
		t.old.slots[i] = nil
		t.old.tags[i] = tagDeleted
	}
}

// finish moves all of old's fields into cur.
func (t *ftab) finish() {
	for t.old.slots != nil {
		t.step()
	}
}

// each calls fn with every field and value (stable slices) until fn
// returns false. fn must not change t.
func (t *ftab) each(fn func(f, v []byte) bool) {
	for _, a := range [2]*ftabArr{&t.old, &t.cur} {
		for i, tag := range a.tags {
			if tag >= tagFull {
				if !fn(boxParts(a.slots[i])) {
					return
				}
			}
		}
	}
}

// mem returns the table's heap bytes: its struct, slot arrays and boxes.
func (t *ftab) mem() int64 {
	n := ftabStruct + t.boxes
	for _, a := range [2]*ftabArr{&t.old, &t.cur} {
		if a.slots != nil {
			n += sizeClass(len(a.tags)) + sizeClass(8*len(a.slots))
		}
	}
	return n
}

// clone returns a copy of t sharing its boxes (never modified).
func (t *ftab) clone() *ftab {
	c := newFtab(t.n)
	for _, a := range [2]*ftabArr{&t.old, &t.cur} {
		for i, tag := range a.tags {
			if tag >= tagFull {
				p := a.slots[i]
				c.cur.put(c.hash(boxField(p)), p)
			}
		}
	}
	c.n, c.boxes = t.n, t.boxes
	return c
}

// asMap returns the fields as a map (values shared).
func (t *ftab) asMap() map[string][]byte {
	m := make(map[string][]byte, t.n)
	t.each(func(f, v []byte) bool {
		m[string(f)] = v
		return true
	})
	return m
}

// randomField returns a uniformly random field and value (t must not be
// empty): a random slot of the arrays, retried until it holds a field.
func (t *ftab) randomField(rnd func(n int) int) (f, v []byte) {
	no, nc := len(t.old.tags), len(t.cur.tags)
	for {
		i := rnd(no + nc)
		a := &t.cur
		if i < no {
			a = &t.old
		} else {
			i -= no
		}
		if a.tags[i] >= tagFull {
			return boxParts(a.slots[i])
		}
	}
}

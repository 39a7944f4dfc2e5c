package cache

import (
	"encoding/binary"
	"math"
	"sync/atomic"
	"unsafe"
)

// A small hash is kept as Redis keeps it (a listpack): its fields and
// values packed one after another in one allocation, which the entry's obj
// points to (packedHash, pointer-shaped: no allocation for the interface).
// The allocation holds the packed form's length (a uvarint), then the
// packed form: the number of pairs (a uvarint),
// then field, value, field, value..., each element packed as a list's are
// (listpack.go: encOf, putElemFwd) but without the trailing copy of its
// header, as a hash is only walked forwards. A hash table's obj is its map.
// The packed form is never modified in place: a write makes new bytes, so
// a value read from it stays valid after the lock is released.
//
// A hash is packed while it has at most hash-max-listpack-entries fields
// and no field or value longer than hash-max-listpack-value bytes; past
// either it converts to a map once, and never back (as Redis). A hash
// loaded from a snapshot or restored from a DUMP payload is packed again
// when small, as Redis's loading does.

// packedHash is a packed hash: p is the first byte of its allocation.
type packedHash struct{ p *byte }

// newPacked allocates a packed hash of size bytes and returns it and its
// packed form's bytes to fill.
func newPacked(size int) (packedHash, hpack) {
	hl := uvarintLen(uint64(size))
	buf := make([]byte, hl+size)
	binary.PutUvarint(buf, uint64(size))
	return packedHash{&buf[0]}, buf[hl:]
}

// form returns the packed form (never empty: it starts with the count).
func (ph packedHash) form() hpack {
	var n uint64
	k := 0
	for shift := 0; ; shift += 7 {
		b := *(*byte)(unsafe.Add(unsafe.Pointer(ph.p), k))
		k++
		n |= uint64(b&0x7f) << shift
		if b < 0x80 {
			break
		}
	}
	return unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(ph.p), k)), n)
}

// mem returns the allocation's heap bytes.
func (ph packedHash) mem() int64 {
	n := len(ph.form())
	return sizeClass(uvarintLen(uint64(n)) + n)
}

// packed returns a packed hash entry's packed form.
func (e *entry) packed() hpack { return e.object().(packedHash).form() }

// hashPackMaxBytes bounds a packed hash's bytes whatever the limits say
// (Redis's listpack safety limit is 1 GiB too).
const hashPackMaxBytes = 1 << 30

// hashLimits are hash-max-listpack-entries and hash-max-listpack-value.
type hashLimits struct {
	entries, value atomic.Int64 // stored +1, so the zero value means the defaults
}

// Redis 7.0's defaults.
const (
	hashDefaultEntries = 128
	hashDefaultValue   = 64
)

func (l *hashLimits) get() (entries, value int) {
	entries, value = hashDefaultEntries, hashDefaultValue
	if v := l.entries.Load(); v != 0 {
		entries = int(min(v-1, 1<<40))
	}
	if v := l.value.Load(); v != 0 {
		value = int(min(v-1, 1<<40))
	}
	return entries, value
}

// SetHashListpackLimits sets hash-max-listpack-entries (the most fields a
// packed hash holds) and hash-max-listpack-value (the longest field or
// value it holds); negative values are taken as 0. Hashes already
// converted stay hash tables.
func (ks *Keyspace) SetHashListpackLimits(entries, value int64) {
	ks.hashLim.entries.Store(max(entries, 0) + 1)
	ks.hashLim.value.Store(max(value, 0) + 1)
}

// isPacked reports whether e is a packed hash.
func (e *entry) isPacked() bool {
	_, ok := e.object().(packedHash)
	return ok
}

// hashView is a hash as readers see it: a map or a packed hash. The zero
// hashView is an empty hash (a missing key).
type hashView struct {
	m *ftab
	p hpack
}

// view returns a kindHash entry's hash.
func (e *entry) view() hashView {
	if e.isPacked() {
		return hashView{p: e.packed()}
	}
	return hashView{m: e.hashTab()}
}

func (h hashView) len() int {
	if h.p != nil {
		return h.p.count()
	}
	if h.m == nil {
		return 0
	}
	return h.m.len()
}

// get returns f's value (stable: valid after the lock is released).
func (h hashView) get(f []byte) ([]byte, bool) {
	if h.p != nil {
		return h.p.get(f)
	}
	if h.m == nil {
		return nil, false
	}
	return h.m.get(f)
}

// each calls fn with every field and value (stable slices) until fn
// returns false.
func (h hashView) each(fn func(f, v []byte) bool) {
	if h.p != nil {
		h.p.each(fn)
		return
	}
	if h.m != nil {
		h.m.each(fn)
	}
}

// asMap returns the hash as a new map (values shared).
func (h hashView) asMap() map[string][]byte {
	if h.p != nil {
		return pairsMap(h.p.pairs())
	}
	if h.m == nil {
		return nil
	}
	return h.m.asMap()
}

// pick returns the fields of names that the hash has, with their values
// (shared).
func (h hashView) pick(names []string) map[string][]byte {
	m := make(map[string][]byte, len(names))
	for _, f := range names {
		if v, ok := h.get(unsafe.Slice(unsafe.StringData(f), len(f))); ok {
			m[f] = v
		}
	}
	return m
}

// elemFwd reads the element at off in b (packed without its trailing
// header): its header, its payload, and the offset after it.
func elemFwd(b []byte, off int) (h uint64, p []byte, next int) {
	var k int
	if c := b[off]; c < 0x80 { // elements under 64 bytes: the common case
		h, k = uint64(c), 1
	} else {
		h, k = binary.Uvarint(b[off:])
	}
	start := off + k
	end := start + int(h>>1)
	return h, b[start:end], end
}

// stableText returns an element's text: its payload itself for a string
// (the packed bytes are never modified), a new slice for an integer.
func stableText(h uint64, p []byte) []byte {
	if h&1 == 0 {
		return p[:len(p):len(p)]
	}
	var sc scratch
	return append([]byte(nil), payload(h, p, &sc)...)
}

// hpack is a packed hash: pair count, then the elements.
type hpack []byte

// count returns the number of fields.
func (p hpack) count() int {
	n, _ := binary.Uvarint(p)
	return int(n)
}

// first returns the offset of the first element.
func (p hpack) first() int {
	_, k := binary.Uvarint(p)
	return k
}

// find returns the offset of field f's element, of its value's, and the
// end of its value; ok is false when f is not there.
func (p hpack) find(f []byte) (fo, vo, end int, ok bool) {
	enc := encOf(f)
	// elemFwd by hand: this loop is every read's cost.
	for off := p.first(); off < len(p); {
		h, start := uint64(p[off]), off+1
		if h >= 0x80 {
			var k int
			h, k = binary.Uvarint(p[off:])
			start = off + k
		}
		next := start + int(h>>1)
		vh, vstart := uint64(p[next]), next+1
		if vh >= 0x80 {
			var k int
			vh, k = binary.Uvarint(p[next:])
			vstart = next + k
		}
		vend := vstart + int(vh>>1)
		if h == enc.hdr && sameElem(enc, p[start:next], f) {
			return off, next, vend, true
		}
		off = vend
	}
	return 0, 0, 0, false
}

// sameElem reports whether payload pl (of an element whose header is
// enc.hdr) is f's, packed as enc.
func sameElem(enc elemEnc, pl, f []byte) bool {
	if enc.isInt {
		zz, _ := binary.Uvarint(pl)
		return zz == enc.zz
	}
	return string(pl) == string(f)
}

// has reports whether field f is there.
func (p hpack) has(f []byte) bool {
	_, _, _, ok := p.find(f)
	return ok
}

// get returns field f's value (stable, see stableText).
func (p hpack) get(f []byte) ([]byte, bool) {
	_, vo, _, ok := p.find(f)
	if !ok {
		return nil, false
	}
	h, pl, _ := elemFwd(p, vo)
	return stableText(h, pl), true
}

// each calls fn with every field and value (stable slices) in order until
// fn returns false.
func (p hpack) each(fn func(f, v []byte) bool) {
	for off := p.first(); off < len(p); {
		fh, fp, next := elemFwd(p, off)
		vh, vp, end := elemFwd(p, next)
		if !fn(stableText(fh, fp), stableText(vh, vp)) {
			return
		}
		off = end
	}
}

// pairs returns the fields and values, alternating (stable slices).
func (p hpack) pairs() [][]byte {
	out := make([][]byte, 0, 2*p.count())
	p.each(func(f, v []byte) bool {
		out = append(out, f, v)
		return true
	})
	return out
}

// packPairs packs pairs (distinct fields).
func packPairs(pairs [][]byte) packedHash {
	n := len(pairs) / 2
	size := uvarintLen(uint64(n))
	for _, v := range pairs {
		size += encOf(v).fwdSize()
	}
	ph, out := newPacked(size)
	off := binary.PutUvarint(out, uint64(n))
	for _, v := range pairs {
		enc := encOf(v)
		putElemFwd(out[off:], v, enc)
		off += enc.fwdSize()
	}
	return ph
}

// set1 returns p with field f set to v, and whether f is new. p is not
// modified.
func (p hpack) set1(f, v []byte) (packedHash, bool) {
	venc := encOf(v)
	if _, vo, end, ok := p.find(f); ok {
		ph, out := newPacked(len(p) - (end - vo) + venc.fwdSize())
		copy(out, p[:vo])
		putElemFwd(out[vo:], v, venc)
		copy(out[vo+venc.fwdSize():], p[end:])
		return ph, false
	}
	fenc := encOf(f)
	n := uint64(p.count() + 1)
	body := p[p.first():]
	ph, out := newPacked(uvarintLen(n) + len(body) + fenc.fwdSize() + venc.fwdSize())
	off := binary.PutUvarint(out, n)
	off += copy(out[off:], body)
	putElemFwd(out[off:], f, fenc)
	putElemFwd(out[off+fenc.fwdSize():], v, venc)
	return ph, true
}

// setPairs applies fv (field, value, ...; fields may repeat; with nx only
// absent fields are set) to the pairs (distinct fields) and returns them,
// how many fields are new, and whether anything changed.
func setPairs(pairs, fv [][]byte, nx bool) (out [][]byte, added int, changed bool) {
	for i := 0; i+1 < len(fv); i += 2 {
		j := 0
		for ; j < len(pairs); j += 2 {
			if string(pairs[j]) == string(fv[i]) {
				break
			}
		}
		switch {
		case j < len(pairs) && nx:
			continue
		case j < len(pairs):
			pairs[j+1] = fv[i+1]
		default:
			pairs = append(pairs, fv[i], fv[i+1])
			added++
		}
		changed = true
	}
	return pairs, added, changed
}

// distinctFields reports whether the fields of fv (field, value, ...) are
// all different, when there are at most limit of them (a longer fv
// answers false without looking).
func distinctFields(fv [][]byte, limit int) bool {
	if len(fv)/2 > limit {
		return false
	}
	for i := 0; i+1 < len(fv); i += 2 {
		for j := 0; j < i; j += 2 {
			if string(fv[i]) == string(fv[j]) {
				return false
			}
		}
	}
	return true
}

// fitsPacked reports whether pairs may be packed under the limits.
func fitsPacked(pairs [][]byte, entries, value int) bool {
	if len(pairs)/2 > entries {
		return false
	}
	size := 0
	for _, v := range pairs {
		if len(v) > value {
			return false
		}
		size += len(v) + 2
	}
	return size <= hashPackMaxBytes
}

// tooLong reports whether any of args is longer than value.
func tooLong(args [][]byte, value int) bool {
	for _, a := range args {
		if len(a) > value {
			return true
		}
	}
	return false
}

// pairsMap returns pairs as a map (values shared).
func pairsMap(pairs [][]byte) map[string][]byte {
	m := make(map[string][]byte, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		m[string(pairs[i])] = pairs[i+1]
	}
	return m
}

// hashFrom returns a hash's representation for pairs (fields may repeat in
// a damaged input: the last wins): packed bytes and packedHash{} when the
// limits allow (packed: a listpack in the input, bounded by its count
// only), else nil and a map. Values are copied.
func (ks *Keyspace) hashFrom(pairs [][]byte, packed bool) ([]byte, any) {
	entries, value := ks.hashLim.get()
	if packed {
		value = math.MaxInt // a listpack stays one by its count alone
	}
	if fitsPacked(pairs, entries, value) {
		uniq, _, _ := setPairs(make([][]byte, 0, len(pairs)), pairs, false)
		return nil, packPairs(uniq)
	}
	return ks.hashTable(pairs)
}

// hashTable returns pairs as a hash table (values copied).
func (ks *Keyspace) hashTable(pairs [][]byte) ([]byte, any) {
	return nil, tabOf(pairs)
}

// tabOf returns pairs as a table (copied; a repeated field's last value
// wins).
func tabOf(pairs [][]byte) *ftab {
	t := newFtab(len(pairs) / 2)
	for i := 0; i+1 < len(pairs); i += 2 {
		t.set(pairs[i], pairs[i+1])
	}
	return t
}

// newPackedEntry makes the entry of the packed hash ph at key.
func newPackedEntry(key []byte, ph packedHash) *entry {
	return newEntry(bstr(key), kindHash, nil, ph)
}

// unpack converts a packed hash to a map, as Redis converts a listpack to
// a hash table.
func (e *entry) unpack() {
	e.setObject(tabOf(e.packed().pairs()))
}

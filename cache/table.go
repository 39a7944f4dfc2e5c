package cache

import (
	"hash/maphash"
	"iter"
	"math/bits"
	"sync/atomic"
	"unsafe"

	"github.com/vcache/vcache/internal/prefetch"
)

// table holds the keys of one hash slot: open addressing with linear
// probing, at most 3/4 full, deleting by backward shift (no tombstones).
// A key's home place is its hash scaled to the number of places, which
// need not be a power of two: a table grows to 9/16 full (not to half as
// a doubling would), and to whole size classes of the allocator. Places come in groups of 8:
// 8 one-byte tags (from the key's hash), then 8 entry pointers, 9 bytes
// a place where a (tag, pointer) pair would take 16. A lookup reads the
// group, then the entry, whose key shares its allocation (a string's
// value too). A Go map per slot read five places (the map, its group, the
// key, the entry, the value); its lookups were a third of the node's CPU
// under redis-benchmark.
type table struct {
	g []tgroup
	n int
	// mem is the slot's accounted bytes; ver changes with every change in
	// the slot (WATCH compares it). They sit with the table so that a
	// write does not take another cache miss to count itself.
	mem int64
	ver atomic.Uint64
}

// groupSize is the places of a tgroup.
const groupSize = 8

// tgroup is 8 places of a table: place i is tag[i] and e[i].
type tgroup struct {
	tag [groupSize]uint8 // the key hash's top byte, with the low bit set; 0: empty
	e   [groupSize]*entry
}

var hashSeed = maphash.MakeSeed()

func hashOf(key string) uint64 { return maphash.String(hashSeed, key) }

// tagOf is the low byte of h (home takes its high bits).
func tagOf(h uint64) uint8 { return uint8(h) | 1 }

// home returns the place where a key of hash h is first looked for.
func (t *table) home(h uint64) int {
	hi, _ := bits.Mul64(h, uint64(t.places()))
	return int(hi)
}

// next returns the place after i.
func (t *table) next(i int) int {
	if i++; i == t.places() {
		return 0
	}
	return i
}

// sizeFor returns a number of places for n keys, about 9/16 full, that
// fills its allocation.
func sizeFor(n int) int {
	const group = int(unsafe.Sizeof(tgroup{}))
	groups := (n*16/9 + groupSize - 1) / groupSize
	return max(1, int(sizeClass(groups*group))/group) * groupSize
}

// bstr views b as a string without copying; the string must not outlive
// b's next change.
func bstr(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// places returns the number of t's places.
func (t *table) places() int { return len(t.g) * groupSize }

// at returns place i's tag and entry.
func (t *table) at(i int) (uint8, *entry) {
	g := &t.g[i/groupSize]
	return g.tag[i%groupSize], g.e[i%groupSize]
}

// set fills place i.
func (t *table) set(i int, tag uint8, e *entry) {
	g := &t.g[i/groupSize]
	g.tag[i%groupSize], g.e[i%groupSize] = tag, e
}

// get returns key's entry, or nil.
func (t *table) get(key string) *entry {
	if t.n == 0 {
		return nil
	}
	h := hashOf(key)
	tag := tagOf(h)
	for i := t.home(h); ; i = t.next(i) {
		g := &t.g[i/groupSize]
		tg := g.tag[i%groupSize]
		if tg == tag {
			if e := g.e[i%groupSize]; e.key() == key {
				return e
			}
		}
		if tg == 0 {
			return nil
		}
	}
}

// put adds e, whose key must not be in t.
func (t *table) put(e *entry) {
	if (t.n+1)*4 > t.places()*3 {
		t.resize(sizeFor(t.n + 1))
	}
	t.place(hashOf(e.key()), e)
	t.n++
}

// place puts e in the first free place from its hash's.
func (t *table) place(h uint64, e *entry) {
	i := t.home(h)
	for t.g[i/groupSize].tag[i%groupSize] != 0 {
		i = t.next(i)
	}
	t.set(i, tagOf(h), e)
}

// find returns e's place, or -1.
func (t *table) find(e *entry) int {
	if t.n == 0 {
		return -1
	}
	for i := t.home(hashOf(e.key())); ; i = t.next(i) {
		tg, pe := t.at(i)
		if pe == e {
			return i
		}
		if tg == 0 {
			return -1
		}
	}
}

// remove takes e out of t; it reports whether e was there.
func (t *table) remove(e *entry) bool {
	i := t.find(e)
	if i < 0 {
		return false
	}
	size := t.places()
	dist := func(from, to int) int { // places from from on to to, wrapping
		if d := to - from; d >= 0 {
			return d
		}
		return to - from + size
	}
	// Shift back the run's later entries that may not sit after the hole.
	for j := t.next(i); ; j = t.next(j) {
		tg, je := t.at(j)
		if tg == 0 {
			break
		}
		if dist(t.home(hashOf(je.key())), j) >= dist(i, j) {
			t.set(i, tg, je)
			i = j
		}
	}
	t.set(i, 0, nil)
	t.n--
	switch {
	case t.n == 0:
		t.g = nil
	case t.places() > groupSize && t.n*8 < t.places():
		t.resize(sizeFor(t.n))
	}
	return true
}

// swap puts ne, whose key is e's, in e's place.
func (t *table) swap(e, ne *entry) {
	i := t.find(e)
	tg, _ := t.at(i)
	t.set(i, tg, ne)
}

// resize moves the entries to an array of size places.
func (t *table) resize(size int) {
	old := t.g
	t.g = make([]tgroup, size/groupSize)
	for gi := range old {
		for _, e := range old[gi].e {
			if e != nil {
				t.place(hashOf(e.key()), e)
			}
		}
	}
}

// each calls fn with every entry until fn returns false. fn must not
// change t.
func (t *table) each(fn func(e *entry) bool) {
	for gi := range t.g {
		for _, e := range t.g[gi].e {
			if e != nil && !fn(e) {
				return
			}
		}
	}
}

// all iterates over t's keys and entries. The loop body must not change
// t.
func (t *table) all() iter.Seq2[string, *entry] {
	return func(yield func(string, *entry) bool) {
		t.each(func(e *entry) bool { return yield(e.key(), e) })
	}
}

// entries returns t's entries (for loops that change t).
func (t *table) entries() []*entry {
	out := make([]*entry, 0, t.n)
	t.each(func(e *entry) bool { out = append(out, e); return true })
	return out
}

// PrefetchStages is the number of stages of Prefetch.
const PrefetchStages = 4

// Prefetch starts loading what a lookup of key (in slot) will read, so
// that the lookups of a pipeline overlap their cache misses instead of
// taking them one after another. A lookup reads four lines one after
// another, each found from the one before, so a key is prefetched in
// stages, each run once the one before has had time to arrive: stage 0
// loads the slot's table header (16384 of them do not stay in cache),
// stage 1 the key's place in the table, stage 2 the entry found there
// with its key, stage 3 the rest of a string's value.
// It changes nothing and may be skipped.
func (ks *Keyspace) Prefetch(slot int, key []byte, stage int) {
	sh := &ks.stripes[slot&(numStripes-1)]
	if stage == 0 { // only an address: no lock needed
		prefetch.Lines(unsafe.Pointer(&sh.slots[slot>>stripeBits]), 1)
		return
	}
	sh.mu.Lock()
	t := &sh.slots[slot>>stripeBits]
	if t.n > 0 {
		h := hashOf(bstr(key))
		i := t.home(h)
		switch stage {
		case 1: // a group is 72 bytes: its tags and its pointer may sit on two lines
			prefetch.Lines(unsafe.Pointer(&t.g[i/groupSize]), 2)
		default:
			tag := tagOf(h)
			for ; ; i = t.next(i) {
				tg, e := t.at(i)
				if tg == 0 {
					break
				}
				if tg == tag {
					if stage == 2 {
						prefetch.Lines(unsafe.Pointer(e), 1)
					} else if !e.isObj() && entryHdr+int(e.n&nMask) > 64 { // a string's value past its header's line
						prefetch.Lines(unsafe.Add(unsafe.Pointer(e), 64), 1)
					}
					break
				}
			}
		}
	}
	sh.mu.Unlock()
}

package cache

import (
	"hash/maphash"
	"iter"
	"sync/atomic"
	"unsafe"

	"github.com/vcache/vcache/internal/prefetch"
)

// table holds the keys of one hash slot: open addressing with linear
// probing over a power-of-two array of (tag, entry) pairs, at most 3/4
// full, deleting by backward shift (no tombstones). A lookup reads the
// array, then the entry, then the entry's key and value, which share one
// allocation. A Go map per slot read five places (the map, its group, the
// key, the entry, the value); its lookups were a third of the node's CPU
// under redis-benchmark.
type table struct {
	s []tslot
	n int
	// mem is the slot's accounted bytes; ver changes with every change in
	// the slot (WATCH compares it). They sit with the table so that a
	// write does not take another cache miss to count itself.
	mem int64
	ver atomic.Uint64
}

// tslot is one place of a table.
type tslot struct {
	tag uint32 // the key hash's high half, with the low bit set; 0: empty
	e   *entry
}

var hashSeed = maphash.MakeSeed()

func hashOf(key string) uint64 { return maphash.String(hashSeed, key) }

func tagOf(h uint64) uint32 { return uint32(h>>32) | 1 }

// bstr views b as a string without copying; the string must not outlive
// b's next change.
func bstr(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// get returns key's entry, or nil.
func (t *table) get(key string) *entry {
	if t.n == 0 {
		return nil
	}
	h := hashOf(key)
	tag, mask := tagOf(h), len(t.s)-1
	for i := int(h) & mask; ; i = (i + 1) & mask {
		s := &t.s[i]
		if s.tag == tag && s.e.key() == key {
			return s.e
		}
		if s.tag == 0 {
			return nil
		}
	}
}

// put adds e, whose key must not be in t.
func (t *table) put(e *entry) {
	if (t.n+1)*4 > len(t.s)*3 {
		t.resize(max(8, 2*len(t.s)))
	}
	t.place(hashOf(e.key()), e)
	t.n++
}

// place puts e in the first free place from its hash's.
func (t *table) place(h uint64, e *entry) {
	mask := len(t.s) - 1
	i := int(h) & mask
	for t.s[i].tag != 0 {
		i = (i + 1) & mask
	}
	t.s[i] = tslot{tag: tagOf(h), e: e}
}

// remove takes e out of t; it reports whether e was there.
func (t *table) remove(e *entry) bool {
	if t.n == 0 {
		return false
	}
	h := hashOf(e.key())
	mask := len(t.s) - 1
	i := int(h) & mask
	for t.s[i].e != e {
		if t.s[i].tag == 0 {
			return false
		}
		i = (i + 1) & mask
	}
	// Shift back the run's later entries that may not sit after the hole.
	for j := (i + 1) & mask; t.s[j].tag != 0; j = (j + 1) & mask {
		home := int(hashOf(t.s[j].e.key())) & mask
		if (j-home)&mask >= (j-i)&mask {
			t.s[i] = t.s[j]
			i = j
		}
	}
	t.s[i] = tslot{}
	t.n--
	switch {
	case t.n == 0:
		t.s = nil
	case len(t.s) > 8 && t.n*8 < len(t.s):
		t.resize(len(t.s) / 2)
	}
	return true
}

// swap puts ne, whose key is e's, in e's place.
func (t *table) swap(e, ne *entry) {
	mask := len(t.s) - 1
	i := int(hashOf(e.key())) & mask
	for t.s[i].e != e {
		i = (i + 1) & mask
	}
	t.s[i].e = ne
}

// resize moves the entries to an array of size places.
func (t *table) resize(size int) {
	old := t.s
	t.s = make([]tslot, size)
	for _, s := range old {
		if s.tag != 0 {
			t.place(hashOf(s.e.key()), s.e)
		}
	}
}

// each calls fn with every entry until fn returns false. fn must not
// change t.
func (t *table) each(fn func(e *entry) bool) {
	for i := range t.s {
		if e := t.s[i].e; e != nil && !fn(e) {
			return
		}
	}
}

// all iterates over t's keys and entries. The loop body must not change
// t.
func (t *table) all() iter.Seq2[string, *entry] {
	return func(yield func(string, *entry) bool) {
		for i := range t.s {
			if e := t.s[i].e; e != nil && !yield(e.key(), e) {
				return
			}
		}
	}
}

// entries returns t's entries (for loops that change t).
func (t *table) entries() []*entry {
	out := make([]*entry, 0, t.n)
	t.each(func(e *entry) bool { out = append(out, e); return true })
	return out
}

// Prefetch starts loading what a lookup of key (in slot) will read, so
// that the lookups of a pipeline overlap their cache misses instead of
// taking them one after another. Stage 0 loads the key's place in its
// slot's table; stage 1, run once stage 0 has been run for the other keys
// of the batch, loads the entry found there with its key; stage 2 the
// rest of a string's value.
// It changes nothing and may be skipped.
func (ks *Keyspace) Prefetch(slot int, key []byte, stage int) {
	sh := &ks.stripes[slot&(numStripes-1)]
	sh.mu.Lock()
	t := &sh.slots[slot>>stripeBits]
	if t.n > 0 {
		h := hashOf(bstr(key))
		i := int(h) & (len(t.s) - 1)
		switch stage {
		case 0:
			prefetch.Lines(unsafe.Pointer(&t.s[i]), 1)
		default:
			tag, mask := tagOf(h), len(t.s)-1
			for ; t.s[i].tag != 0; i = (i + 1) & mask {
				if t.s[i].tag == tag {
					if e := t.s[i].e; stage == 1 {
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

package ft

import (
	"cmp"
	"slices"
	"unsafe"
)

// blockList is an ordered set of keys, each with a value when the list
// keeps values, cut into blocks of at most blockMax keys so that adding or
// removing a key moves at most one block's keys. The full-text index keeps
// its postings (the ids of the documents holding a term) and its term
// dictionary in them (postings.go). Every operation that changes the list
// returns the change in the bytes it takes (Go's allocations: the blocks
// array and the blocks' keys and values), so the index keeps a running
// count of its memory without walking the list.
type blockList[K cmp.Ordered, V any] struct {
	n      int // keys
	blocks []keyBlock[K, V]
}

// keyBlock is one block: keys ascending, and their values beside them (nil
// when the list keeps none). A block is never empty.
type keyBlock[K cmp.Ordered, V any] struct {
	keys []K
	vals []V
}

// blockMax is the most keys a block holds.
const blockMax = 128

// blockHeader is the bytes a block takes in the blocks array (two slice
// headers).
const blockHeader = 48

func (b *keyBlock[K, V]) bytes() int64 {
	var k K
	var v V
	return sizeClass(int(unsafe.Sizeof(k))*cap(b.keys)) + sizeClass(int(unsafe.Sizeof(v))*cap(b.vals))
}

func (l *blockList[K, V]) arrayBytes() int64 { return sizeClass(blockHeader * cap(l.blocks)) }

// Len returns the number of keys.
func (l *blockList[K, V]) Len() int { return l.n }

// find returns the block that holds key or would take it, key's place in
// it, and whether it is there.
func (l *blockList[K, V]) find(key K) (bi, i int, found bool) {
	lo, hi := 0, len(l.blocks) // the first block whose first key is past key
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if l.blocks[m].keys[0] <= key {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if bi = lo - 1; bi < 0 {
		if len(l.blocks) == 0 {
			return 0, 0, false
		}
		bi = 0
	}
	i, found = slices.BinarySearch(l.blocks[bi].keys, key)
	return bi, i, found
}

// get returns key's value (the zero value without one), and whether key
// is in the list.
func (l *blockList[K, V]) get(key K) (V, bool) {
	var zero V
	bi, i, found := l.find(key)
	if !found {
		return zero, false
	}
	if b := &l.blocks[bi]; b.vals != nil {
		return b.vals[i], true
	}
	return zero, true
}

// put adds key with value val (kept when keep is set), or sets the value
// of key if it is there. It returns the change in bytes.
func (l *blockList[K, V]) put(key K, val V, keep bool) int64 {
	bi, i, found := l.find(key)
	if found {
		if keep {
			l.blocks[bi].vals[i] = val
		}
		return 0
	}
	delta := int64(0)
	switch {
	case len(l.blocks) == 0 || bi == len(l.blocks)-1 && i == blockMax:
		// An append past a full last block starts a new one.
		delta -= l.arrayBytes()
		l.blocks = append(l.blocks, keyBlock[K, V]{})
		delta += l.arrayBytes()
		bi, i = len(l.blocks)-1, 0
	case len(l.blocks[bi].keys) == blockMax:
		// An insert into a full block splits it first.
		h := blockMax / 2
		delta += l.split(bi, h)
		if i > h {
			bi, i = bi+1, i-h
		}
	}
	b := &l.blocks[bi]
	delta -= b.bytes()
	b.keys = slices.Insert(b.keys, i, key)
	if keep {
		b.vals = slices.Insert(b.vals, i, val)
	}
	delta += b.bytes()
	l.n++
	return delta
}

// split moves the keys of block bi from h on into a new block after it,
// with room for a full block, and returns the change in bytes.
func (l *blockList[K, V]) split(bi, h int) int64 {
	delta := -l.arrayBytes()
	b := &l.blocks[bi]
	hi := keyBlock[K, V]{keys: append(make([]K, 0, blockMax), b.keys[h:]...)}
	clear(b.keys[h:])
	b.keys = b.keys[:h]
	if b.vals != nil {
		hi.vals = append(make([]V, 0, blockMax), b.vals[h:]...)
		clear(b.vals[h:])
		b.vals = b.vals[:h]
	}
	l.blocks = slices.Insert(l.blocks, bi+1, hi)
	return delta + l.arrayBytes() + hi.bytes()
}

// del removes key and returns the change in bytes (0 when key is not
// there). A block left with few keys is merged with the next one, and a
// block or a blocks array left mostly empty is copied smaller, so the
// list's bytes follow its keys down.
func (l *blockList[K, V]) del(key K) int64 {
	bi, i, found := l.find(key)
	if !found {
		return 0
	}
	l.n--
	delta := -l.arrayBytes()
	b := &l.blocks[bi]
	delta -= b.bytes()
	b.keys = slices.Delete(b.keys, i, i+1)
	if b.vals != nil {
		b.vals = slices.Delete(b.vals, i, i+1)
	}
	switch {
	case len(b.keys) == 0:
		l.blocks = slices.Delete(l.blocks, bi, bi+1)
	case len(b.keys) < blockMax/4 && bi+1 < len(l.blocks) && len(b.keys)+len(l.blocks[bi+1].keys) <= blockMax:
		next := &l.blocks[bi+1]
		delta -= next.bytes()
		merged := keyBlock[K, V]{keys: slices.Concat(b.keys, next.keys)}
		if b.vals != nil {
			merged.vals = slices.Concat(b.vals, next.vals)
		}
		l.blocks[bi] = merged
		l.blocks = slices.Delete(l.blocks, bi+1, bi+2)
		delta += merged.bytes()
	default:
		if cap(b.keys) > 8 && 4*len(b.keys) <= cap(b.keys) {
			b.keys = slices.Clone(b.keys)
			if b.vals != nil {
				b.vals = slices.Clone(b.vals)
			}
		}
		delta += b.bytes()
	}
	switch {
	case len(l.blocks) == 0:
		l.blocks = nil
	case cap(l.blocks) > 4 && 4*len(l.blocks) <= cap(l.blocks):
		l.blocks = slices.Clone(l.blocks)
	}
	return delta + l.arrayBytes()
}

// bytes returns the list's bytes, counted afresh (the sum of the changes
// its operations returned).
func (l *blockList[K, V]) bytes() int64 {
	n := l.arrayBytes()
	for i := range l.blocks {
		n += l.blocks[i].bytes()
	}
	return n
}

// ascend calls fn with the keys from the first not below from, in order,
// until fn returns false.
func (l *blockList[K, V]) ascend(from K, fn func(key K, val V) bool) {
	bi, i, _ := l.find(from)
	var zero V
	for ; bi < len(l.blocks); bi, i = bi+1, 0 {
		b := &l.blocks[bi]
		for ; i < len(b.keys); i++ {
			v := zero
			if b.vals != nil {
				v = b.vals[i]
			}
			if !fn(b.keys[i], v) {
				return
			}
		}
	}
}

// all calls fn with every key in order, until fn returns false.
func (l *blockList[K, V]) all(fn func(key K, val V) bool) {
	var zero V
	for bi := range l.blocks {
		b := &l.blocks[bi]
		for i, k := range b.keys {
			v := zero
			if b.vals != nil {
				v = b.vals[i]
			}
			if !fn(k, v) {
				return
			}
		}
	}
}

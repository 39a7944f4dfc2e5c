package cache

import (
	"bytes"
	"errors"
	"math"

	"github.com/vcache/vcache/internal/keyslot"
)

// ErrIndexOutOfRange is LSET's error for an index past the list's end.
var ErrIndexOutOfRange = errors.New("index out of range")

// listVal returns a kindList entry's list (nil for other kinds): a small
// one's is a view of the bytes the entry keeps (listsmall.go), to release
// when done; a command that changes it puts it back with listStore.
func (e *entry) listVal() *list {
	switch l := e.object().(type) {
	case *list:
		return l
	case lsmall:
		return l.view()
	}
	return nil
}

// listRead runs fn on the list at key (nil if missing).
func (ks *Keyspace) listRead(key []byte, fn func(l *list)) error {
	return readAs(ks, key, kindList, (*entry).listVal, func(l *list) {
		fn(l)
		l.release()
	})
}

// listWrite runs fn on the list at key under its stripe lock (nil if
// missing; an empty new list when create is set), stores a new non-empty
// list, removes the key when fn leaves it empty. fn returns whether it
// changed anything.
func (ks *Keyspace) listWrite(key []byte, create bool, fn func(l *list) (bool, error)) error {
	return ks.listWriteAt(keyslot.Of(key), key, create, fn)
}

// listWriteAt is listWrite for a caller that knows key's hash slot.
func (ks *Keyspace) listWriteAt(slot int, key []byte, create bool, fn func(l *list) (bool, error)) error {
	sh := &ks.stripes[slot&(numStripes-1)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	return ks.listWriteLocked(sh, slot, key, create, fn)
}

func (ks *Keyspace) listWriteLocked(sh *stripe, slot int, key []byte, create bool, fn func(l *list) (bool, error)) error {
	e := ks.find(sh, slot, key)
	if e != nil && e.kind() != kindList {
		return ErrWrongType
	}
	if e == nil {
		if !create {
			_, err := fn(nil)
			return err
		}
		l := emptyView()
		defer l.release()
		l.fill = ks.listFill()
		l.depth = int16(ks.listDepth.Load())
		changed, err := fn(l)
		if err != nil || !changed || l.n == 0 {
			return err
		}
		ks.insert(sh, slot, newEntry(bstr(key), kindList, nil, l))
		return nil
	}
	l := e.listVal()
	defer l.release()
	l.fill = ks.listFill()
	depth := l.depth
	l.depth = int16(ks.listDepth.Load()) // what pushes and pops keep
	changed, err := fn(l)
	if err != nil || !changed {
		l.depth = depth // unchanged: as it was compressed
		return err
	}
	if l.depth != depth {
		l.settleAll()
	}
	ks.touch(e)
	if l.n == 0 {
		ks.del(sh, slot, string(key), e, ReasonDeleted)
		return nil
	}
	listStore(e, l)
	ks.resize(sh, slot, e)
	return nil
}

// Push adds vals one by one at the front (left) or back of the list at
// key and returns its new length. With existing set it pushes only to an
// existing list (0 otherwise).
func (ks *Keyspace) Push(key []byte, vals [][]byte, left, existing bool) (int, error) {
	return ks.PushAt(keyslot.Of(key), key, vals, left, existing)
}

// PushAt is Push for a caller that knows key's hash slot.
func (ks *Keyspace) PushAt(slot int, key []byte, vals [][]byte, left, existing bool) (int, error) {
	n := 0
	err := ks.listWriteAt(slot, key, !existing, func(l *list) (bool, error) {
		if l == nil {
			return false, nil
		}
		for _, v := range vals {
			l.push(v, left)
		}
		n = l.n
		return true, nil
	})
	return n, err
}

// Pop removes up to count elements from the front (left) or back of the
// list at key and returns them; nil when the key is missing.
func (ks *Keyspace) Pop(key []byte, left bool, count int) ([][]byte, error) {
	var out [][]byte
	_, err := ks.PopEach(keyslot.Of(key), key, left, count, func(n int) {
		out = make([][]byte, 0, n)
	}, func(v []byte) {
		out = append(out, copyElem(v))
	})
	return out, err
}

// copyElem returns a copy of an element, never nil: an empty element is
// not a missing one.
func copyElem(v []byte) []byte { return append(make([]byte, 0, len(v)), v...) }

// PopEach is Pop without copies, for a caller that knows key's hash
// slot: under the key's stripe lock it calls begin with the number of
// elements it pops (up to count; not at all when the key is missing),
// then fn with each of them as it leaves the list. They must be quick,
// must not call back into the Keyspace and must not keep v (the node
// appends them to a reply buffer). It reports whether key held a list.
// A count of 0 pops nothing and changes nothing.
func (ks *Keyspace) PopEach(slot int, key []byte, left bool, count int, begin func(n int), fn func(v []byte)) (bool, error) {
	found := false
	sc := &ks.stripes[slot&(numStripes-1)].num // under the lock listWriteAt takes
	err := ks.listWriteAt(slot, key, false, func(l *list) (bool, error) {
		if l == nil {
			return false, nil
		}
		found = true
		count = min(count, l.n)
		begin(count)
		for range count {
			l.popTo(left, sc, fn)
		}
		return count > 0, nil
	})
	return found, err
}

// LLen returns the list's length.
func (ks *Keyspace) LLen(key []byte) (int, error) {
	n := 0
	err := ks.listRead(key, func(l *list) {
		if l != nil {
			n = l.n
		}
	})
	return n, err
}

// listRange turns Redis's start/stop (negative from the end) into an
// inclusive range within [0, n); ok is false when it is empty.
func listRange(start, stop int64, n int) (int, int, bool) {
	if start < 0 {
		start += int64(n)
	}
	if stop < 0 {
		stop += int64(n)
	}
	start = max(start, 0)
	if start > stop || start >= int64(n) {
		return 0, 0, false
	}
	stop = min(stop, int64(n)-1)
	return int(start), int(stop), true
}

// LRange returns the elements from start to stop (inclusive; negative
// indexes count from the end).
func (ks *Keyspace) LRange(key []byte, start, stop int64) ([][]byte, error) {
	var out [][]byte
	err := ks.listRead(key, func(l *list) {
		if l == nil {
			return
		}
		if a, b, ok := listRange(start, stop, l.n); ok {
			out = l.elems(a, b)
		}
	})
	if out == nil && err == nil {
		out = [][]byte{}
	}
	return out, err
}

// LRangeEach is LRange without copies: it calls begin with the number of
// elements from start to stop, then fn with each of them, under the key's
// stripe lock (a missing key: begin(0)). They must be quick, must not call
// back into the Keyspace and must not keep v (the node appends them to a
// reply buffer).
func (ks *Keyspace) LRangeEach(key []byte, start, stop int64, begin func(n int), fn func(v []byte)) error {
	return ks.listRead(key, func(l *list) {
		if l == nil {
			begin(0)
			return
		}
		a, b, ok := listRange(start, stop, l.n)
		if !ok {
			begin(0)
			return
		}
		begin(b - a + 1)
		l.each(a, func(i int, v []byte) bool {
			if i > b {
				return false
			}
			fn(v)
			return true
		})
	})
}

// listIndex turns an index (negative from the end) into a position,
// false when it is out of range.
func listIndex(i int64, n int) (int, bool) {
	if i < 0 {
		i += int64(n)
	}
	if i < 0 || i >= int64(n) {
		return 0, false
	}
	return int(i), true
}

// LIndex returns the element at index, or nil.
func (ks *Keyspace) LIndex(key []byte, index int64) ([]byte, error) {
	var out []byte
	err := ks.listRead(key, func(l *list) {
		if l == nil {
			return
		}
		if i, ok := listIndex(index, l.n); ok {
			out = l.elems(i, i)[0]
		}
	})
	return out, err
}

// LSet replaces the element at index: ErrNoSuchKey when the key is
// missing, ErrIndexOutOfRange past the end.
func (ks *Keyspace) LSet(key []byte, index int64, val []byte) error {
	return ks.listWrite(key, false, func(l *list) (bool, error) {
		if l == nil {
			return false, ErrNoSuchKey
		}
		i, ok := listIndex(index, l.n)
		if !ok {
			return false, ErrIndexOutOfRange
		}
		l.rewriteAt(i, func(elems [][]byte, j int) [][]byte {
			elems[j] = val
			return elems
		})
		return true, nil
	})
}

// LInsert inserts val before or after the first element equal to pivot
// and returns the new length; -1 when pivot is not there, 0 when the key
// is missing.
func (ks *Keyspace) LInsert(key []byte, before bool, pivot, val []byte) (int, error) {
	n := 0
	err := ks.listWrite(key, false, func(l *list) (bool, error) {
		if l == nil {
			return false, nil
		}
		at := -1
		l.each(0, func(i int, v []byte) bool {
			if bytes.Equal(v, pivot) {
				at = i
				return false
			}
			return true
		})
		if at < 0 {
			n = -1
			return false, nil
		}
		l.rewriteAt(at, func(elems [][]byte, j int) [][]byte {
			if !before {
				j++
			}
			elems = append(elems, nil)
			copy(elems[j+1:], elems[j:])
			elems[j] = val
			return elems
		})
		n = l.n
		return true, nil
	})
	return n, err
}

// LRem removes elements equal to val: count > 0 the first count from the
// front, count < 0 from the back, 0 all. It returns how many it removed.
func (ks *Keyspace) LRem(key []byte, count int64, val []byte) (int, error) {
	removed := 0
	err := ks.listWrite(key, false, func(l *list) (bool, error) {
		if l == nil {
			return false, nil
		}
		drop := map[int]bool{}
		match := func(i int, v []byte) bool {
			if bytes.Equal(v, val) {
				drop[i] = true
				if count != 0 && int64(len(drop)) == max(count, -count) {
					return false
				}
			}
			return true
		}
		if count < 0 {
			l.eachBack(l.n-1, match)
		} else {
			l.each(0, match)
		}
		if len(drop) == 0 {
			return false, nil
		}
		removed = len(drop)
		l.rewrite(func(all [][]byte) [][]byte {
			keep := all[:0]
			for i, v := range all {
				if !drop[i] {
					keep = append(keep, v)
				}
			}
			return keep
		})
		return true, nil
	})
	return removed, err
}

// LTrim keeps the elements from start to stop (inclusive).
func (ks *Keyspace) LTrim(key []byte, start, stop int64) error {
	return ks.listWrite(key, false, func(l *list) (bool, error) {
		if l == nil {
			return false, nil
		}
		a, b, ok := listRange(start, stop, l.n)
		if !ok {
			l.drop(l.n, true)
			return true, nil
		}
		back := l.n - 1 - b
		l.drop(a, true)
		l.drop(back, false)
		return a > 0 || back > 0, nil
	})
}

// LPosQuery is LPOS's options: Rank (negative: from the back; not 0),
// Count (0: all; -1: the first only, LPOS without COUNT) and MaxLen (0:
// no limit).
type LPosQuery struct {
	Rank   int64
	Count  int64
	MaxLen int64
}

// LPos returns the indexes of the elements equal to val, as q asks.
func (ks *Keyspace) LPos(key, val []byte, q LPosQuery) ([]int64, error) {
	var out []int64
	err := ks.listRead(key, func(l *list) {
		if l == nil {
			return
		}
		skip := max(q.Rank, -q.Rank) - 1
		if q.Rank == math.MinInt64 {
			skip = 0 // as Redis, where negating it overflows
		}
		want := q.Count
		if want < 0 {
			want = 1
		}
		scanned := int64(0)
		match := func(i int, v []byte) bool {
			if q.MaxLen > 0 && scanned >= q.MaxLen {
				return false
			}
			scanned++
			if !bytes.Equal(v, val) {
				return true
			}
			if skip > 0 {
				skip--
				return true
			}
			out = append(out, int64(i))
			return want == 0 || int64(len(out)) < want
		}
		if q.Rank < 0 {
			l.eachBack(l.n-1, match)
		} else {
			l.each(0, match)
		}
	})
	return out, err
}

// LMove pops an element from the front (srcLeft) or back of src and
// pushes it at the front (dstLeft) or back of dst, atomically; nil when
// src is missing. A dst of another type is ErrWrongType and nothing moves.
func (ks *Keyspace) LMove(src, dst []byte, srcLeft, dstLeft bool) ([]byte, error) {
	unlock := ks.lockKeys([][]byte{src, dst}, 1)
	defer unlock()
	ssh, sslot := ks.locate(src)
	se := ks.find(ssh, sslot, src)
	if se == nil {
		return nil, nil
	}
	if se.kind() != kindList {
		return nil, ErrWrongType
	}
	dsh, dslot := ks.locate(dst)
	if de := ks.find(dsh, dslot, dst); de != nil && de.kind() != kindList {
		return nil, ErrWrongType
	}
	var v []byte
	if err := ks.listWriteLocked(ssh, sslot, src, false, func(l *list) (bool, error) {
		l.popTo(srcLeft, &ssh.num, func(x []byte) { v = copyElem(x) })
		return true, nil
	}); err != nil {
		return nil, err
	}
	err := ks.listWriteLocked(dsh, dslot, dst, true, func(l *list) (bool, error) {
		l.push(v, dstLeft)
		return true, nil
	})
	return v, err
}

// MPop pops up to count elements from the first of keys that holds a
// non-empty list and returns that key's index and the elements; index -1
// when every key is missing. A key of another type met on the way is
// ErrWrongType.
func (ks *Keyspace) MPop(keys [][]byte, left bool, count int) (int, [][]byte, error) {
	for i, k := range keys {
		vals, err := ks.Pop(k, left, count)
		if err != nil {
			return -1, nil, err
		}
		if vals != nil {
			return i, vals, nil
		}
	}
	return -1, nil, nil
}

// IsList reports whether key holds a list.
func (ks *Keyspace) IsList(key []byte) bool {
	sh, slot := ks.locate(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	e := ks.find(sh, slot, key)
	return e != nil && e.kind() == kindList
}

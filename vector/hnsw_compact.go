package vector

import (
	"slices"
	"sync/atomic"
)

// A graph that loses vectors for good (an index whose documents are
// evicted faster than new ones come) keeps its slots free for inserts
// that may never come: its arrays keep the capacity of its largest size.
// MemoryBytes leaves free slots out (an insert reuses them, as an
// allocator reuses freed memory), so the heap then held more than
// maxmemory counted: 3 MB at 50mb of maxmemory under allkeys-lfu, where
// an index kept 1,400 of the 5,500 documents it once had. So after a
// purge that leaves a quarter of the slots or more free, compact moves
// the nodes of the highest slots into the free slots below them, renames
// them in every link list, and cuts the arrays to the nodes left (the
// next insert grows them again, by a growth maxmemory judges). It runs
// under purge's locks, after purge's own pass over every link list, and
// costs another such pass.

// compactDue reports whether the free slots are worth a compaction. idMu
// must be held.
func (h *hnsw) compactDue() bool {
	return h.capN > 256 && 4*len(h.free) >= h.capN
}

// compact moves the nodes above the slots in use into the free slots
// below and shrinks the arrays. mu and idMu must be held for writing.
func (h *hnsw) compact() {
	used := uint32(int(h.next) - len(h.free))
	holes := make([]uint32, 0, len(h.free))
	for _, f := range h.free {
		if f < used {
			holes = append(holes, f)
		}
	}
	slices.Sort(holes)
	// moved[t-used] is the slot node t moves to.
	moved := make([]uint32, h.next-used)
	k := 0
	for t := used; t < h.next; t++ {
		if atomic.LoadUint32(&h.dead[t]) == slotFree {
			continue
		}
		f := holes[k]
		k++
		h.move(t, f)
		moved[t-used] = f
	}
	rename := func(list []uint32) {
		for j := 1; j <= int(list[0]); j++ {
			if x := list[j]; x >= used {
				list[j] = moved[x-used]
			}
		}
	}
	for i := uint32(0); i < used; i++ {
		rename(h.list0(i))
		for lc := 1; lc <= int(h.levels[i]); lc++ {
			rename(h.linkList(i, lc))
		}
	}
	h.epMu.Lock()
	if h.entry >= int64(used) {
		h.entry = int64(moved[h.entry-int64(used)])
	}
	h.epMu.Unlock()
	h.next, h.free = used, nil
	h.shrink(max(int(used), 64))
}

// move copies node t into free slot f. mu and idMu must be held for
// writing.
func (h *hnsw) move(t, f uint32) {
	ext := h.exts[t]
	if id, ok := h.byExt[ext]; ok && id == t {
		h.byExt[ext] = f
	}
	h.exts[f] = ext
	h.st.copySlot(f, t)
	if h.sq != nil {
		copy(h.sq.code(f), h.sq.code(t))
		h.sq.mul[f] = h.sq.mul[t]
	}
	h.levels[f] = h.levels[t]
	copy(h.list0(f), h.list0(t))
	h.upper[f], h.upper[t] = h.upper[t], nil
	atomic.StoreUint32(&h.dead[f], atomic.LoadUint32(&h.dead[t]))
	atomic.StoreUint32(&h.dead[t], slotFree)
}

// shrink cuts the arrays to n nodes (at least h.next), giving back the
// rest. mu must be held for writing.
func (h *hnsw) shrink(n int) {
	if n >= h.capN {
		return
	}
	h.st.shrink(n)
	if h.sq != nil {
		h.sq.codes = shrinkChunks(h.sq.codes, h.sq.stride, n)
		h.sq.mul = shrinkTo(h.sq.mul, n)
	}
	h.levels = shrinkTo(h.levels, n)
	h.links0 = shrinkChunks(h.links0, h.m0+1, n)
	h.upper = shrinkTo(h.upper, n)
	h.exts = shrinkTo(h.exts, n)
	h.dead = shrinkTo(h.dead, n)
	h.capN, h.chunkN = n, n
	h.arrayMem = h.arraysBytes(n, n)
}

// copySlot copies node from's vector into slot to.
func (s *vstore) copySlot(to, from uint32) {
	switch s.q {
	case QuantInt8:
		copy(s.code(to), s.code(from))
		s.inv[to], s.ranges[to] = s.inv[from], s.ranges[from]
	case QuantBinary:
		copy(s.sign(to), s.sign(from))
	default:
		copy(s.vec(to), s.vec(from))
		s.norms[to] = s.norms[from]
	}
}

// shrink cuts the store's arrays to n nodes.
func (s *vstore) shrink(n int) {
	switch s.q {
	case QuantInt8:
		s.codes = shrinkTo(s.codes, n*s.stride)
		s.inv = shrinkTo(s.inv, n)
		s.ranges = shrinkTo(s.ranges, n)
	case QuantBinary:
		s.bits = shrinkTo(s.bits, n*s.stride)
	default:
		s.vecs = shrinkChunks(s.vecs, s.stride, n)
		s.norms = shrinkTo(s.norms, n)
	}
}

// shrinkTo returns v's first n elements in an array of exactly n.
func shrinkTo[T any](v []T, n int) []T {
	out := make([]T, n)
	copy(out, v)
	return out
}

// shrinkChunks returns chunks (of stride values a node) cut to exactly n
// nodes: the chunks past n dropped, the last one cut to size.
func shrinkChunks[T any](chunks [][]T, stride, n int) [][]T {
	k := (n + vecMask) >> vecShift
	out := slices.Clone(chunks[:k])
	if last := n - (k-1)*vecChunk; k > 0 && last < vecChunk {
		out[k-1] = shrinkTo(out[k-1], last*stride)
	}
	return out
}

package vector

import (
	"slices"
	"sync/atomic"
)

// Removed vectors are tombstones first (still traversed, never returned),
// so that a removal costs no graph work. When they are many, purge
// unlinks them all at once and frees their slots, which inserts then
// reuse: the index's arrays stop growing once a churning index (a cache
// evicting documents) has reached its working size, and a removal frees
// its vector's memory for the next insert.
//
// Rebuilding the whole graph instead (as compaction did) held every
// search and insert for seconds on a large index, and for as long held
// two graphs in memory.

// Slot states in dead (atomic).
const (
	slotLive    = 0
	slotDead    = 1 // a tombstone: linked, traversed, never returned
	slotPending = 2 // being inserted
	slotFree    = 3 // purged: linked from nowhere, reusable
)

// purgeDue reports whether the tombstones are enough for a purge: a
// 64th of the live vectors, at least 256 and at most 2048, so that one
// purge is short (its repairs cost in proportion to the tombstones) and
// its scan of every node's links is shared by many removals. idMu must be
// held.
func (h *hnsw) purgeDue() bool {
	return h.ndead >= min(max(int(h.nlive.Load())/64, 256), 2048)
}

// purge unlinks every tombstone and frees its slot. Searches and inserts
// wait while it runs: one pass over every node's links, plus, for each
// link list that loses neighbours, the distances to the removed
// neighbours' own neighbours, the nearest of which fill the gaps (the
// repair hnswlib and FreshDiskANN make, without which removals leave
// nodes poorly connected).
//
// With force, it purges any tombstones, due or not: an insert that finds
// no free slot purges rather than grows the arrays.
func (h *hnsw) purge(force bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.idMu.Lock()
	defer h.idMu.Unlock()
	if h.ndead == 0 || (!force && !h.purgeDue()) {
		return // another purge got here first
	}
	n := h.next
	var scratch purgeScratch
	for i := uint32(0); i < n; i++ {
		if atomic.LoadUint32(&h.dead[i]) != slotLive {
			continue
		}
		for lc := 0; lc <= int(h.levels[i]); lc++ {
			h.repairLinks(i, lc, &scratch)
		}
	}
	topLive, topLevel := int64(-1), -1
	for i := uint32(0); i < n; i++ {
		switch atomic.LoadUint32(&h.dead[i]) {
		case slotDead:
			h.list0(i)[0] = 0
			if l := int(h.levels[i]); l > 0 {
				h.uppers.Add(-h.upperBytes(l))
			}
			h.upper[i] = nil
			h.levels[i] = 0
			atomic.StoreUint32(&h.dead[i], slotFree)
			h.free = append(h.free, i)
		case slotLive:
			if int(h.levels[i]) > topLevel {
				topLive, topLevel = int64(i), int(h.levels[i])
			}
		}
	}
	h.purgeDists.Add(scratch.dists)
	h.ndead = 0
	h.epMu.Lock()
	if h.entry >= 0 && atomic.LoadUint32(&h.dead[h.entry]) != slotLive {
		h.entry, h.maxLevel = topLive, max(topLevel, 0)
	}
	h.epMu.Unlock()
	if h.compactDue() {
		h.compact()
	}
}

// purgeScratch is purge's reused buffers.
type purgeScratch struct {
	gone   []uint32
	cands  []node
	passed []uint32
	dists  int64 // distances computed
}

// repairLinks drops the tombstones from i's links at lc and fills the
// places they leave from the live neighbours of those tombstones (through
// which i reached them), nearest first, with the insert's heuristic
// against the links i keeps (a candidate nearer to one of them than to i
// is passed over while others are left), then the nearest of those passed
// over: the nodes only the tombstones linked to stay reachable, and the
// links i keeps need no distance computed again. mu must be held for
// writing.
func (h *hnsw) repairLinks(i uint32, lc int, s *purgeScratch) {
	list := h.linkList(i, lc)
	c := int(list[0])
	s.gone = s.gone[:0]
	w := 1
	for j := 1; j <= c; j++ {
		if x := list[j]; atomic.LoadUint32(&h.dead[x]) == slotDead {
			s.gone = append(s.gone, x)
		} else {
			list[w] = x
			w++
		}
	}
	if len(s.gone) == 0 {
		return
	}
	s.cands = s.cands[:0]
	// The candidates are the first m links of each removed neighbour (its
	// nearest when it was linked; later back-links come after them): the
	// rest doubled the distances computed and did not raise recall. When
	// those give fewer than two per place (most neighbours removed at
	// once), the rest are taken too.
	h.repairCands(i, lc, list[1:w], s, 0, h.m)
	if len(s.cands) < 2*len(s.gone) {
		h.repairCands(i, lc, list[1:w], s, h.m, h.m0)
	}
	slices.SortFunc(s.cands, func(a, b node) int { return cmpDist(a.dist, b.dist) })
	room := len(s.gone)
	s.passed = s.passed[:0]
	for _, cand := range s.cands {
		if room == 0 {
			break
		}
		good := true
		for _, k := range list[1:w] {
			s.dists++
			if h.st.between(h.p.Metric, cand.id, k) < cand.dist {
				good = false
				break
			}
		}
		if good {
			list[w] = cand.id
			w++
			room--
		} else {
			s.passed = append(s.passed, cand.id)
		}
	}
	for _, y := range s.passed {
		if room == 0 {
			break
		}
		list[w] = y
		w++
		room--
	}
	list[0] = uint32(w - 1)
}

// repairCands adds to s.cands, with their distances to i, the live links
// from/to to of each removed neighbour in s.gone at lc that i does not keep
// (kept) and that are not candidates already.
func (h *hnsw) repairCands(i uint32, lc int, kept []uint32, s *purgeScratch, from, to int) {
	for _, x := range s.gone {
		xl := h.linkList(x, lc)
		n := int(xl[0])
		for _, y := range xl[1+min(from, n) : 1+min(to, n)] {
			if y == i || atomic.LoadUint32(&h.dead[y]) != slotLive || slices.Contains(kept, y) ||
				slices.ContainsFunc(s.cands, func(o node) bool { return o.id == y }) {
				continue
			}
			s.cands = append(s.cands, node{y, h.st.between(h.p.Metric, i, y)})
			s.dists++
		}
	}
}

package vector

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
)

// hnsw is a Hierarchical Navigable Small World graph (Malkov & Yashunin)
// over flat arrays: vectors in a vstore (float32 with a padded stride, or
// int8 or binary codes: Params.Quant), level-0 links in one []uint32 (a
// count then 2M ids per node), upper levels per node. Removed vectors
// become tombstones: still traversed, never returned, and purged when they
// are many, their slots then reused (hnsw_purge.go).
//
// Locking: mu guards the arrays' growth and compaction (held for reading
// by every search and insert, for writing to grow or compact); a node's
// links are guarded by the stripe lock of its internal id; idMu guards the
// id maps and the tombstones; epMu the entry point.
type hnsw struct {
	p      Params
	plines int // cache lines of a vector to prefetch (at most 8)
	m, m0  int
	mult   float64

	mu     sync.RWMutex
	st     vstore
	sq     *sq8 // search codes beside the float32 vectors (Params.Codes), or nil
	levels []uint8
	links0 [][]uint32   // chunks of vecChunk nodes' level-0 lists (hnsw_chunks.go)
	upper  []*uint32    // per node: its upper levels' lists (upperLists), or nil
	uppers atomic.Int64 // the bytes of the upper levels' lists (MemoryBytes)
	exts   []uint32     // per node: the caller's id (written once, before the node is linked)
	dead   []uint32     // per node: 1 = tombstone (atomic)
	capN   int
	// chunkN is the nodes the chunked arrays (vectors, level-0 lists,
	// codes) hold, at most capN: they get a chunk at a time as ids reach
	// it (hnsw_chunks.go). Ids below chunkN may be handed out.
	chunkN int
	// arrayMem is what the per-node arrays take on the heap at capN and
	// chunkN (arraysBytes), set when they are made.
	arrayMem int64

	// idMu guards byExt, next, ndead and free. Lock order: mu, then
	// idMu, then a stripe lock or epMu.
	idMu  sync.Mutex
	byExt map[uint32]uint32
	next  uint32 // next internal id
	ndead int
	free  []uint32 // purged slots, reused before next
	// purgeDists counts the distances purges computed to repair links
	// (what a removal costs, tested against an insert's).
	purgeDists atomic.Int64
	nlive      atomic.Int64
	stripe     [1024]sync.Mutex

	epMu     sync.Mutex
	entry    int64 // internal id, -1 when empty
	maxLevel int

	pool sync.Pool // *searchCtx
}

type searchCtx struct {
	vis  visited
	cand minHeap
	res  maxHeap
	pool maxHeap // the walk on codes: the best candidates to re-rank
	buf  []uint32
}

func newHNSW(p Params) *hnsw {
	h := &hnsw{p: p, st: newVStore(p.Quant, p.Dim), m: p.M, m0: 2 * p.M, mult: 1 / math.Log(float64(p.M)), entry: -1,
		byExt: make(map[uint32]uint32)}
	h.plines = h.st.lines()
	if p.Codes == QuantInt8 {
		h.sq = newSQ8(p.Dim)
	}
	h.pool.New = func() any { return &searchCtx{} }
	h.grow(max(p.InitialCap, 64))
	return h
}

// grow makes room for at least n nodes: the flat arrays to capacity (by
// nextCap), the chunked ones to the chunk of node n-1 (growSizes). mu
// must be held for writing (or the index not yet shared).
func (h *hnsw) grow(n int) {
	c, cc := growSizes(h.capN, h.chunkN, n)
	if c > h.capN {
		h.st.grow(h.capN, c)
		if h.sq != nil {
			h.sq.grow(h.capN, c)
		}
		h.levels = growTo(h.levels, h.capN, c)
		h.upper = growTo(h.upper, h.capN, c)
		h.exts = growTo(h.exts, h.capN, c)
		h.dead = growTo(h.dead, h.capN, c)
	}
	if cc > h.chunkN {
		h.st.growChunks(h.chunkN, cc)
		if h.sq != nil {
			h.sq.growChunks(h.chunkN, cc)
		}
		h.links0 = growChunks(h.links0, h.m0+1, h.chunkN, cc)
	}
	h.capN, h.chunkN = c, cc
	h.arrayMem = h.arraysBytes(c, cc)
}

// nextCap is the capacity a graph of capacity c grows to: double while
// small, then by an eighth, so that the one insert that grows a large
// graph adds at most an eighth of its memory at once (maxmemory counts
// the capacity, and a doubling would jump far past the limit) at the cost
// of copying each node about eight times over its life.
func nextCap(c int) int {
	if c < 8192 {
		return 2 * c
	}
	return c + c/8
}

func (h *hnsw) Params() Params { return h.p }

func (h *hnsw) Len() int { return int(h.nlive.Load()) }

// prefetchVec starts loading node i's vector into the cache.
func (h *hnsw) prefetchVec(i uint32) {
	h.st.prefetch(i, h.plines)
}

func (h *hnsw) dist(q *query, i uint32) float32 {
	return h.st.dist(h.p.Metric, q, i)
}

// neighbours copies node i's links at level lc into buf. Readers take no
// lock: links are read and written with atomic operations, so a reader
// racing a writer sees a mix of old and new neighbours, every one a valid
// node (as in hnswlib, the graph tolerates that); writers serialise on the
// node's stripe lock.
func (h *hnsw) neighbours(i uint32, lc int, buf []uint32) []uint32 {
	list := h.linkList(i, lc)
	n := min(int(atomic.LoadUint32(&list[0])), len(list)-1)
	buf = buf[:0]
	for j := 1; j <= n; j++ {
		buf = append(buf, atomic.LoadUint32(&list[j]))
	}
	return buf
}

// list0 is i's level-0 list: its count, then m0 places.
func (h *hnsw) list0(i uint32) []uint32 {
	o := int(i&vecMask) * (h.m0 + 1)
	return h.links0[i>>vecShift][o : o+h.m0+1 : o+h.m0+1]
}

func (h *hnsw) linkList(i uint32, lc int) []uint32 {
	if lc == 0 {
		return h.list0(i)
	}
	return unsafe.Slice(h.upper[i], lc*(h.m+1))[(lc-1)*(h.m+1):]
}

// newUpper gives node i of level l its upper levels' lists (levels 1..l,
// each a count then M ids), all empty. A node keeps only a pointer to
// them, their length following from its level: 8 bytes a node where a
// slice took 24, for lists that 1 node in M has (GloVe-100 at 100,000
// vectors: 16 of the 592 bytes a vector).
func (h *hnsw) newUpper(i uint32, l int) {
	if l == 0 {
		h.upper[i] = nil
		return
	}
	lists := make([]uint32, l*(h.m+1))
	h.upper[i] = &lists[0]
	h.uppers.Add(h.upperBytes(l))
}

// upperBytes is what the upper levels' lists of a node of level l take
// on the heap.
func (h *hnsw) upperBytes(l int) int64 {
	return SizeClass(l * (h.m + 1) * 4)
}

// setLinks replaces i's links at lc. The caller holds i's stripe lock.
func (h *hnsw) setLinks(i uint32, lc int, ids []uint32) {
	list := h.linkList(i, lc)
	for j, id := range ids {
		atomic.StoreUint32(&list[1+j], id)
	}
	atomic.StoreUint32(&list[0], uint32(len(ids)))
}

func (h *hnsw) randomLevel() int {
	l := int(-math.Log(1-rand.Float64()) * h.mult)
	return min(l, 16)
}

// Add inserts or replaces ext's vector.
func (h *hnsw) Add(ext uint32, v []float32) error {
	q, err := h.st.encode(h.p, v)
	if err != nil {
		return err
	}
	h.insert(ext, &q)
	h.maybePurge() // a replaced vector leaves a tombstone
	return nil
}

// maybePurge purges the tombstones when they are due.
func (h *hnsw) maybePurge() {
	h.idMu.Lock()
	due := h.purgeDue()
	h.idMu.Unlock()
	if due {
		h.purge(false)
	}
}

// insert adds ext's vector, already encoded.
func (h *hnsw) insert(ext uint32, q *query) {
	level := h.randomLevel()
	var id uint32
	for {
		h.mu.RLock()
		h.idMu.Lock()
		if f := len(h.free); f > 0 || int(h.next) < h.chunkN {
			if f > 0 {
				// A purged slot: nothing links to it or reads it.
				id, h.free = h.free[f-1], h.free[:f-1]
			} else {
				id = h.next
				h.next++
			}
			atomic.StoreUint32(&h.dead[id], slotPending) // until written
			if old, ok := h.byExt[ext]; ok {
				atomic.StoreUint32(&h.dead[old], 1)
				h.ndead++
				h.nlive.Add(-1)
			}
			h.byExt[ext] = id
			h.nlive.Add(1)
			h.idMu.Unlock()
			break
		}
		need, reclaim := int(h.next)+1, h.ndead > 0
		h.idMu.Unlock()
		h.mu.RUnlock()
		if reclaim {
			// Reuse the tombstones' slots before growing.
			h.purge(true)
			continue
		}
		h.mu.Lock()
		h.grow(need)
		h.mu.Unlock()
	}
	defer h.mu.RUnlock()
	h.exts[id] = ext
	h.st.put(id, q)
	if h.sq != nil {
		h.sq.put(h.p.Metric, id, q.f)
	}
	h.levels[id] = uint8(level)
	sl := &h.stripe[id%uint32(len(h.stripe))]
	sl.Lock()
	atomic.StoreUint32(&h.list0(id)[0], 0)
	h.newUpper(id, level)
	sl.Unlock()
	atomic.CompareAndSwapUint32(&h.dead[id], 2, 0) // now visible (unless removed meanwhile)

	h.epMu.Lock()
	ep, maxL := h.entry, h.maxLevel
	if ep < 0 {
		h.entry, h.maxLevel = int64(id), level
		h.epMu.Unlock()
		return
	}
	h.epMu.Unlock()

	sc := h.pool.Get().(*searchCtx)
	defer h.pool.Put(sc)
	cur := node{uint32(ep), h.dist(q, uint32(ep))}
	for lc := maxL; lc > level; lc-- {
		cur = h.greedy(sc, q, cur, lc)
	}
	eps := []node{cur}
	for lc := min(level, maxL); lc >= 0; lc-- {
		found := h.searchLayer(sc, q, eps, h.p.EfConstruction, lc, nil)
		mmax := h.m
		if lc == 0 {
			mmax = h.m0
		}
		chosen := h.selectNeighbours(found, h.m)
		ids := make([]uint32, len(chosen))
		for i, c := range chosen {
			ids[i] = c.id
		}
		sl.Lock()
		if n := int(h.linkList(id, lc)[0]); n > 0 {
			// Another insert found this node (through an upper level,
			// before these links were set) and linked itself here: keep
			// those links, or that node may be left with no way in.
			ids = h.mergeLinks(id, lc, chosen, mmax)
		}
		h.setLinks(id, lc, ids)
		sl.Unlock()
		for _, c := range chosen {
			h.link(c.id, id, c.dist, lc, mmax, sc)
		}
		eps = found
	}
	if level > maxL {
		h.epMu.Lock()
		if level > h.maxLevel {
			h.entry, h.maxLevel = int64(id), level
		}
		h.epMu.Unlock()
	}
}

// mergeLinks returns the links of a new node i at lc: the neighbours
// chosen for it and those other inserts added meanwhile, pruned with the
// heuristic to mmax. The caller holds i's stripe lock.
func (h *hnsw) mergeLinks(i uint32, lc int, chosen []node, mmax int) []uint32 {
	list := h.linkList(i, lc)
	cands := slices.Clone(chosen)
	for _, o := range list[1 : 1+int(list[0])] {
		if !slices.ContainsFunc(cands, func(c node) bool { return c.id == o }) {
			cands = append(cands, node{o, h.st.between(h.p.Metric, i, o)})
		}
	}
	slices.SortFunc(cands, func(a, b node) int { return cmpDist(a.dist, b.dist) })
	kept := h.selectSorted(cands, mmax)
	ids := make([]uint32, len(kept))
	for j, k := range kept {
		ids[j] = k.id
	}
	return ids
}

// link adds id to e's links at lc, pruning with the heuristic when full.
func (h *hnsw) link(e, id uint32, d float32, lc, mmax int, sc *searchCtx) {
	l := &h.stripe[e%uint32(len(h.stripe))]
	l.Lock()
	defer l.Unlock()
	list := h.linkList(e, lc)
	n := int(list[0])
	if n < mmax {
		atomic.StoreUint32(&list[1+n], id)
		atomic.StoreUint32(&list[0], uint32(n+1))
		return
	}
	cands := make([]node, 0, n+1)
	cands = append(cands, node{id, d})
	for _, o := range list[1 : 1+n] {
		cands = append(cands, node{o, h.st.between(h.p.Metric, e, o)})
	}
	slices.SortFunc(cands, func(a, b node) int { return cmpDist(a.dist, b.dist) })
	kept := h.selectSorted(cands, mmax)
	ids := make([]uint32, len(kept))
	for i, k := range kept {
		ids[i] = k.id
	}
	h.setLinks(e, lc, ids)
}

func cmpDist(a, b float32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// selectNeighbours picks up to m of the candidates with the heuristic.
func (h *hnsw) selectNeighbours(cands []node, m int) []node {
	sorted := slices.Clone(cands)
	slices.SortFunc(sorted, func(a, b node) int { return cmpDist(a.dist, b.dist) })
	return h.selectSorted(sorted, m)
}

// selectSorted is hnswlib's heuristic: walking candidates nearest first,
// keep one only if it is nearer to the base than to every kept one, so
// links point in diverse directions.
func (h *hnsw) selectSorted(sorted []node, m int) []node {
	if len(sorted) <= m {
		return sorted
	}
	kept := make([]node, 0, m)
	for _, c := range sorted {
		if len(kept) == m {
			break
		}
		good := true
		for _, k := range kept {
			if h.st.between(h.p.Metric, c.id, k.id) < c.dist {
				good = false
				break
			}
		}
		if good {
			kept = append(kept, c)
		}
	}
	return kept
}

// greedy walks level lc towards q from cur and returns the nearest node.
func (h *hnsw) greedy(sc *searchCtx, q *query, cur node, lc int) node {
	for changed := true; changed; {
		changed = false
		sc.buf = h.neighbours(cur.id, lc, sc.buf)
		for _, n := range sc.buf {
			if d := h.dist(q, n); d < cur.dist {
				cur, changed = node{n, d}, true
			}
		}
	}
	return cur
}

// searchLayer is the ef-bounded best-first search of one level. accept,
// when set, decides which nodes may be results (all are traversed). It
// returns the results, nearest first.
func (h *hnsw) searchLayer(sc *searchCtx, q *query, eps []node, ef, lc int, accept func(uint32) bool) []node {
	sc.vis.reset(h.capN)
	sc.cand = sc.cand[:0]
	sc.res = sc.res[:0]
	for _, e := range eps {
		if sc.vis.visit(e.id) {
			continue
		}
		sc.cand.push(e)
		if accept == nil || accept(e.id) {
			sc.res.push(e)
		}
	}
	for len(sc.cand) > 0 {
		c := sc.cand.pop()
		if len(sc.res) >= ef && c.dist > sc.res.top().dist {
			break
		}
		sc.buf = h.neighbours(c.id, lc, sc.buf)
		// Keep the unvisited neighbours, then measure each while the next
		// one's vector is on its way into the cache.
		todo := sc.buf[:0]
		for _, n := range sc.buf {
			if !sc.vis.visit(n) {
				todo = append(todo, n)
			}
		}
		if len(todo) > 0 {
			h.prefetchVec(todo[0])
		}
		for j, n := range todo {
			if j+1 < len(todo) {
				h.prefetchVec(todo[j+1])
			}
			d := h.dist(q, n)
			if len(sc.res) < ef || d < sc.res.top().dist {
				sc.cand.push(node{n, d})
				if accept == nil || accept(n) {
					if len(sc.res) < ef {
						sc.res.push(node{n, d})
					} else {
						sc.res.replaceTop(node{n, d})
					}
				}
			}
		}
	}
	out := make([]node, len(sc.res))
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = sc.res.pop()
	}
	return out
}

// Remove tombstones ext's vector.
func (h *hnsw) Remove(ext uint32) bool {
	h.mu.RLock()
	h.idMu.Lock()
	id, ok := h.byExt[ext]
	if ok {
		delete(h.byExt, ext)
		atomic.StoreUint32(&h.dead[id], 1)
		h.ndead++
		h.nlive.Add(-1)
	}
	due := h.purgeDue()
	h.idMu.Unlock()
	h.mu.RUnlock()
	if due {
		h.purge(false)
	}
	return ok
}

// isLive reports whether internal id i is a live vector and, if so, its
// external id. mu must be held.
func (h *hnsw) isLive(i uint32) (uint32, bool) {
	if atomic.LoadUint32(&h.dead[i]) != 0 {
		return 0, false
	}
	return h.exts[i], true
}

// Search finds the nearest live vectors to q.
func (h *hnsw) Search(qv []float32, opt SearchOptions) ([]Result, error) {
	q, err := h.st.encode(h.p, qv)
	if err != nil {
		return nil, err
	}
	if opt.K <= 0 {
		return nil, nil
	}
	if opt.Candidates != nil {
		return h.exact(&q, opt.K, opt.Candidates, nil), nil
	}
	ef := opt.Ef
	if ef <= 0 {
		ef = h.p.EfRuntime
	}
	ef = max(ef, opt.K)
	if opt.Filter != nil && opt.FilterCount >= 0 && opt.FilterCount <= max(10*ef, h.Len()/50) {
		return h.exact(&q, opt.K, nil, opt.Filter), nil
	}
	h.mu.RLock()
	h.epMu.Lock()
	ep, maxL := h.entry, h.maxLevel
	h.epMu.Unlock()
	if ep < 0 {
		h.mu.RUnlock()
		return nil, nil
	}
	// Snapshot the tombstones' owner state once per query: accept reads
	// them under idMu, which is cheap next to a distance.
	accept := func(i uint32) bool {
		e, ok := h.isLive(i)
		return ok && (opt.Filter == nil || opt.Filter(e))
	}
	if h.sq != nil && !opt.Float32 {
		out := h.searchCodes(&q, uint32(ep), maxL, ef, opt, accept)
		h.mu.RUnlock()
		if len(out) < opt.K && opt.Filter != nil {
			return h.exact(&q, opt.K, nil, opt.Filter), nil
		}
		return out, nil
	}
	sc := h.pool.Get().(*searchCtx)
	cur := node{uint32(ep), h.dist(&q, uint32(ep))}
	for lc := maxL; lc > 0; lc-- {
		cur = h.greedy(sc, &q, cur, lc)
	}
	found := h.searchLayer(sc, &q, []node{cur}, ef, 0, accept)
	h.pool.Put(sc)
	out := make([]Result, 0, min(opt.K, len(found)))
	for _, f := range found[:min(opt.K, len(found))] {
		out = append(out, Result{ID: h.exts[f.id], Dist: f.dist})
	}
	h.mu.RUnlock()
	if len(out) < opt.K && opt.Filter != nil {
		// The graph walk found too few admitted vectors: the filter is
		// selective. Search exactly among those it admits.
		return h.exact(&q, opt.K, nil, opt.Filter), nil
	}
	return out, nil
}

// exact scans the given external ids (or every live vector admitted by
// filter) and returns the k nearest.
func (h *hnsw) exact(q *query, k int, ids []uint32, filter func(uint32) bool) []Result {
	h.mu.RLock()
	defer h.mu.RUnlock()
	var res maxHeap
	consider := func(i, e uint32) {
		d := h.dist(q, i)
		if len(res) < k {
			res.push(node{e, d})
		} else if d < res.top().dist {
			res.pop()
			res.push(node{e, d})
		}
	}
	if ids != nil {
		for _, e := range ids {
			h.idMu.Lock()
			i, ok := h.byExt[e]
			h.idMu.Unlock()
			// (A slot an insert is still writing is in byExt already:
			// read only once the insert has made it live.)
			if ok {
				_, ok = h.isLive(i)
			}
			if ok {
				consider(i, e)
			}
		}
	} else {
		h.idMu.Lock()
		n := h.next
		h.idMu.Unlock()
		for i := uint32(0); i < n && int(i) < h.capN; i++ {
			if e, ok := h.isLive(i); ok && filter(e) {
				consider(i, e)
			}
		}
	}
	out := make([]Result, len(res))
	for i := len(out) - 1; i >= 0; i-- {
		n := res.pop()
		out[i] = Result{ID: n.id, Dist: n.dist}
	}
	return out
}

// Vector returns ext's stored vector (de-quantised when quantised).
func (h *hnsw) Vector(ext uint32) ([]float32, bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	i, ok := h.internal(ext)
	if ok {
		_, ok = h.isLive(i) // (not while an insert writes it)
	}
	if !ok {
		return nil, false
	}
	return h.st.float(i), true
}

// RawVector returns ext's vector in its stored form (VEMB RAW): the
// float32s (little-endian), the int8 code with its range, or the sign bits
// (little-endian uint64 words).
func (h *hnsw) RawVector(ext uint32) (raw []byte, rng float32, ok bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	i, ok := h.internal(ext)
	if ok {
		_, ok = h.isLive(i) // (not while an insert writes it)
	}
	if !ok {
		return nil, 0, false
	}
	raw, rng = h.st.raw(i)
	return raw, rng, true
}

// internal returns ext's internal id. mu must be held.
func (h *hnsw) internal(ext uint32) (uint32, bool) {
	h.idMu.Lock()
	defer h.idMu.Unlock()
	i, ok := h.byExt[ext]
	return i, ok
}

// Quantize converts a COSINE index's float32 vectors to q in place,
// keeping the graph (it was built on the exact distances, which serve the
// codes as well). Snapshots of vector sets written before vcache quantised
// load this way. Searches and inserts wait while it runs.
func (h *hnsw) Quantize(q Quant) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.p.Quant == q {
		return nil
	}
	p := h.p
	p.Quant, p.Codes, p.Rerank = q, QuantNone, 0 // the codes are the vectors now
	if h.p.Quant != QuantNone {
		return fmt.Errorf("%w: cannot convert %s vectors to %s", ErrBadParams, h.p.Quant, q)
	}
	if err := p.Validate(); err != nil {
		return err
	}
	st := newVStore(q, p.Dim)
	st.grow(0, h.capN)
	st.growChunks(0, h.chunkN)
	h.idMu.Lock()
	n := h.next
	h.idMu.Unlock()
	for i := uint32(0); i < n; i++ {
		q := st.encodePrepared(h.st.vec(i))
		st.put(i, &q)
	}
	h.p, h.st, h.plines, h.sq = p, st, st.lines(), nil
	h.arrayMem = h.arraysBytes(h.capN, h.chunkN)
	return nil
}

// MemoryBytes estimates the graph's heap bytes: the graph itself (its
// lock stripes alone take 8 KiB, which a vector set of a few elements
// must count), the arrays as allocated, less the slots of removed
// vectors: those are reused by the next inserts (hnsw_purge.go), as an
// allocator reuses freed memory, so removing a vector gives its bytes
// back at once, which is what eviction under maxmemory needs to see.
// Spare capacity counts (the arrays hold it); so does a tombstone's upper
// levels until it is purged.
func (h *hnsw) MemoryBytes() int64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	h.idMu.Lock()
	gone := int64(len(h.free)) + int64(h.ndead)
	b := hnswBytes + h.arrayMem - gone*h.nodeBytes() + MapBytes(len(h.byExt), 8)
	h.idMu.Unlock()
	b += h.uppers.Load()
	return b
}

// hnswBytes is the graph's own allocation.
var hnswBytes = SizeClass(int(unsafe.Sizeof(hnsw{})))

// nodeBytes is what MemoryBytes counts for each node of capacity: its
// vector, level, level-0 links, upper-level pointer, search code, id and
// state.
func (h *hnsw) nodeBytes() int64 {
	b := h.st.vectorBytes() + 1 + int64(h.m0+1)*4 + 8 + 8
	if h.sq != nil {
		b += h.sq.bytesPer() // the search codes (hnsw_codes.go)
	}
	return b
}

// GrowthBytes returns how much MemoryBytes rises at once when the next
// Add must grow the graph (no purged slot, no tombstone to reclaim, no
// room left in the chunks), else 0: a node judges the write that causes
// it with it, so used memory does not jump past maxmemory.
func (h *hnsw) GrowthBytes() int64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	h.idMu.Lock()
	defer h.idMu.Unlock()
	if len(h.free) > 0 || h.ndead > 0 || int(h.next) < h.chunkN {
		return 0
	}
	return h.arraysBytes(growSizes(h.capN, h.chunkN, int(h.next)+1)) - h.arrayMem
}

// AddBatch adds vectors with several goroutines (the build uses every core
// it is given).
func AddBatch(ix Index, ids []uint32, vecs [][]float32, workers int) error {
	if len(ids) != len(vecs) {
		return ErrDimMismatch
	}
	return parallel(len(ids), workers, func(i int) error { return ix.Add(ids[i], vecs[i]) })
}

// parallel runs fn(0..n-1) on workers goroutines and returns the first
// error (the workers stop at it).
func parallel(n, workers int, fn func(i int) error) error {
	workers = max(workers, 1)
	var next atomic.Int64
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, ok := firstErr.Load().(error); ok {
		return err
	}
	return nil
}

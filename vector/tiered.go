package vector

import (
	"io"
	"sync"
)

// DefaultTierLimit is the buffer a Tiered index holds by default, as
// RediSearch's TIERED_HNSW_BUFFER_LIMIT.
const DefaultTierLimit = 1024

// Tiered is an index whose Adds land in a small flat buffer, searched
// exactly, and are moved into the wrapped index (an HNSW graph) by up to
// workers background goroutines, so that one writer's inserts use every
// core and the writer waits for none of them, as RediSearch 2.8's tiered
// HNSW does. A search merges the graph's results with the buffer's, the
// buffer's version of an id hiding the graph's, so a vector is found as
// soon as Add returns.
//
// The buffer is bounded: WaitRoom blocks while it holds limit vectors or
// more (a caller that may wait, before taking its own locks); Add itself
// never waits. Remove is synchronous unless the id's move is under way,
// in which case the id is hidden until a worker removes it.
//
// Goroutines: Add starts the workers when there is work and none is
// running; they exit when the buffer is empty. Close stops them and waits.
type Tiered struct {
	g       Index
	limit   int
	workers int
	small   int // smallGraph (tests change it)

	// mu guards everything below. Lock order: mu, then the graph's locks;
	// no graph call that may take long (Add, a purge) is made under mu.
	mu      sync.Mutex
	room    sync.Cond         // signalled when the buffer shrinks or the workers stop
	buf     store             // pending vectors, prepared as the graph prepares them
	seq     map[uint32]uint64 // per buffered id: bumped at each Add (a move checks it)
	nseq    uint64            //
	shadow  map[uint32]bool   // buffered ids the graph may hold an older vector of
	gone    map[uint32]bool   // removed ids the graph still holds (their move was under way)
	busy    map[uint32]bool   // ids a worker (or Remove) is changing in the graph now
	queued  map[uint32]bool   // ids in queue
	queue   []uint32          // ids to move, oldest first
	running int               // workers running
	closed  bool
	wg      sync.WaitGroup

	// Direct, when set (before the first Add) and true, has Add insert
	// into the graph in the caller, as an index without the buffer does:
	// a node under maxmemory judges each write with the growth it causes
	// at once.
	Direct func() bool

	// OnFull, when set (before the first Add), is called under mu (it
	// must not block) when the buffer fills (true) and when it has room
	// again or the index closes (false): an owner tells its writers to
	// wait for room before they take their own locks.
	OnFull func(full bool)
	full   bool // what OnFull was last told (mu)

	// OnIdle, when set (before the first Add), is called without mu by a
	// worker whose insert grew the graph, and by the last worker as it
	// stops (the graph has taken the whole backlog): an owner refreshes
	// its memory figures.
	OnIdle func()
}

// NewTiered wraps g (empty or not); limit bounds the buffer (0:
// DefaultTierLimit) and workers the goroutines that move it into g.
func NewTiered(g Index, limit, workers int) *Tiered {
	if limit <= 0 {
		limit = DefaultTierLimit
	}
	p := g.Params()
	p.InitialCap = 0
	t := &Tiered{g: g, limit: limit, workers: max(workers, 1), small: smallGraph, buf: newStore(p), seq: map[uint32]uint64{},
		shadow: map[uint32]bool{}, gone: map[uint32]bool{}, busy: map[uint32]bool{}, queued: map[uint32]bool{}}
	t.room.L = &t.mu
	return t
}

// Graph returns the wrapped index.
func (t *Tiered) Graph() Index { return t.g }

// Params returns the wrapped index's parameters.
func (t *Tiered) Params() Params { return t.g.Params() }

// Backlog returns how many changes wait for the workers.
func (t *Tiered) Backlog() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.buf.ids) + len(t.gone)
}

// WaitRoom blocks while the buffer is full (and the workers run).
func (t *Tiered) WaitRoom() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for len(t.buf.ids) >= t.limit && t.running > 0 && !t.closed {
		t.room.Wait()
	}
}

// Flush blocks until every buffered change is in the graph and the
// workers, OnIdle called, have stopped. The caller must not hold a lock
// OnIdle takes.
func (t *Tiered) Flush() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for (len(t.queue) > 0 || len(t.busy) > 0 || t.running > 0) && !t.closed {
		t.start()
		t.room.Wait()
	}
}

// drain blocks until every buffered change is in the graph (OnIdle may
// still be due).
func (t *Tiered) drain() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for (len(t.queue) > 0 || len(t.busy) > 0) && !t.closed {
		t.start()
		t.room.Wait()
	}
}

// Close stops the workers and waits for them (for an index being
// dropped: what the buffer holds stays there, still searched, and later
// Adds go to the graph at once). The caller must not hold a lock OnIdle
// takes.
func (t *Tiered) Close() {
	t.mu.Lock()
	t.closed = true
	t.noteFull()
	t.room.Broadcast()
	t.mu.Unlock()
	t.wg.Wait()
}

// Add buffers v under id; a worker moves it into the graph.
func (t *Tiered) Add(id uint32, v []float32) error {
	q, err := prepare(t.buf.p, v, t.buf.stride)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		if t.busy[id] || t.gone[id] {
			return nil // cannot happen once closed: Close drained the queue
		}
		return t.g.Add(id, q[:t.buf.p.Dim])
	}
	if _, ok := t.buf.pos[id]; !ok && !t.busy[id] && !t.gone[id] && t.Direct != nil && t.Direct() {
		t.busy[id] = true
		t.mu.Unlock()
		err := t.g.Add(id, q[:t.buf.p.Dim])
		t.mu.Lock()
		t.settle(id)
		return err
	}
	if _, ok := t.buf.pos[id]; !ok {
		// The graph's vector of id, if any, is older: hidden from now on.
		if t.gone[id] || t.busy[id] || hasID(t.g, id) {
			t.shadow[id] = true
		}
		delete(t.gone, id)
	}
	t.buf.put(id, q)
	t.noteFull()
	t.nseq++
	t.seq[id] = t.nseq
	t.enqueue(id)
	t.start()
	return nil
}

// hasID reports whether g holds id.
func hasID(g Index, id uint32) bool {
	if h, ok := g.(*hnsw); ok {
		h.mu.RLock()
		defer h.mu.RUnlock()
		_, ok := h.internal(id)
		return ok
	}
	_, ok := g.Vector(id)
	return ok
}

// noteFull tells OnFull when the buffer has filled or has room again
// (a closed index never waits). mu must be held.
func (t *Tiered) noteFull() {
	full := len(t.buf.ids) >= t.limit && !t.closed
	if full != t.full {
		t.full = full
		if t.OnFull != nil {
			t.OnFull(full)
		}
	}
}

// enqueue lists id for a worker unless it is listed or being changed.
// mu must be held.
func (t *Tiered) enqueue(id uint32) {
	if !t.queued[id] && !t.busy[id] {
		t.queued[id] = true
		t.queue = append(t.queue, id)
	}
}

// smallGraph is the size under which one worker moves the buffer: two
// inserts at once into a graph of a few hundred nodes link past each
// other often enough to cost recall, and such a graph is quick to build.
const smallGraph = 2048

// start runs workers while there is work. mu must be held.
func (t *Tiered) start() {
	workers := t.workers
	if t.g.Len() < t.small {
		workers = 1
	}
	for !t.closed && t.running < workers && t.running < len(t.queue) {
		t.running++
		t.wg.Add(1)
		go t.work()
	}
}

// Remove deletes id, from the buffer and the graph.
func (t *Tiered) Remove(id uint32) bool {
	t.mu.Lock()
	_, buffered := t.buf.pos[id]
	if buffered {
		t.buf.del(id)
		delete(t.seq, id)
		delete(t.shadow, id)
		t.noteFull()
		t.room.Broadcast()
	}
	if t.busy[id] {
		// A worker is putting a vector of id into the graph: it removes
		// it once done; hidden meanwhile.
		t.gone[id] = true
		t.mu.Unlock()
		return true
	}
	if t.gone[id] {
		t.mu.Unlock()
		return true // removed already, waiting for a worker
	}
	t.busy[id] = true
	t.mu.Unlock()
	inGraph := t.g.Remove(id)
	t.mu.Lock()
	t.settle(id)
	t.mu.Unlock()
	return buffered || inGraph
}

// settle ends a change of id in the graph: a newer change waiting is
// queued. mu must be held.
func (t *Tiered) settle(id uint32) {
	delete(t.busy, id)
	if _, ok := t.buf.pos[id]; ok || t.gone[id] {
		t.enqueue(id)
		t.start()
	}
	t.room.Broadcast()
}

// work moves queued changes into the graph until there are none.
func (t *Tiered) work() {
	defer t.wg.Done()
	t.mu.Lock()
	defer t.mu.Unlock()
	for !t.closed {
		for len(t.queue) > 0 && !t.closed {
			t.moveOne()
		}
		if t.running > 1 || t.OnIdle == nil || t.closed {
			break
		}
		// The last worker: tell the owner before stopping (a Flush
		// waits for it), and go on if more came meanwhile.
		t.release()
		t.mu.Unlock()
		t.OnIdle()
		t.mu.Lock()
		if len(t.queue) == 0 {
			break
		}
	}
	t.running--
	if t.running == 0 {
		t.release()
	}
	t.room.Broadcast()
}

// release gives back the buffer's arrays and the bookkeeping maps once
// the workers have emptied them (a map keeps its buckets, a slice its
// array, after a burst of a full buffer). mu must be held.
func (t *Tiered) release() {
	if len(t.buf.ids) > 0 || len(t.busy) > 0 || len(t.gone) > 0 || len(t.queue) > 0 || cap(t.buf.ids) == 0 {
		return
	}
	// Only the arrays: Add and Search read buf's p and stride without mu.
	t.buf.vecs, t.buf.norms, t.buf.ids, t.buf.pos = nil, nil, nil, map[uint32]int{}
	t.seq, t.shadow, t.queued = map[uint32]uint64{}, map[uint32]bool{}, map[uint32]bool{}
}

// moveOne applies the oldest queued change to the graph, without mu
// while the graph works. mu must be held.
func (t *Tiered) moveOne() {
	id := t.queue[0]
	t.queue = t.queue[1:]
	delete(t.queued, id)
	if len(t.queue) == 0 {
		t.queue = nil // let the array go
	}
	if t.gone[id] {
		delete(t.gone, id)
		t.busy[id] = true
		t.mu.Unlock()
		t.g.Remove(id)
		t.mu.Lock()
		t.settle(id)
		return
	}
	slot, ok := t.buf.pos[id]
	if !ok {
		return // removed since it was queued
	}
	v := append([]float32(nil), t.buf.vec(slot)[:t.buf.p.Dim]...)
	s := t.seq[id]
	t.busy[id] = true
	t.mu.Unlock()
	grows := t.growthFor(1) > 0
	_ = t.g.Add(id, v) // v passed Add's checks
	if grows && t.OnIdle != nil {
		t.OnIdle()
	}
	t.mu.Lock()
	if _, ok := t.buf.pos[id]; ok {
		if t.seq[id] == s {
			t.buf.del(id)
			delete(t.seq, id)
			delete(t.shadow, id)
			t.noteFull()
		} else {
			// A newer vector came during the move: the graph's is older,
			// hidden until that one is moved too.
			t.shadow[id] = true
		}
	}
	t.settle(id)
}

// Search merges the graph's nearest with the buffer's, exactly measured;
// the graph's vectors of ids the buffer holds (or that are removed) are
// left out.
func (t *Tiered) Search(qv []float32, opt SearchOptions) ([]Result, error) {
	q, err := prepare(t.buf.p, qv, t.buf.stride)
	if err != nil || opt.K <= 0 {
		return nil, err
	}
	t.mu.Lock()
	var mine []Result
	if len(t.buf.ids) > 0 {
		mine = t.buf.scan(q, opt.K, opt.Candidates, opt.Filter)
	}
	var hide map[uint32]bool
	if n := len(t.shadow) + len(t.gone) + len(t.busy); n > 0 {
		hide = make(map[uint32]bool, n)
		for _, m := range []map[uint32]bool{t.shadow, t.gone, t.busy} {
			for id := range m {
				hide[id] = true
			}
		}
	}
	t.mu.Unlock()
	if hide != nil {
		if opt.Candidates != nil {
			kept := make([]uint32, 0, len(opt.Candidates))
			for _, id := range opt.Candidates {
				if !hide[id] {
					kept = append(kept, id)
				}
			}
			opt.Candidates = kept
		} else {
			f := opt.Filter
			if f == nil {
				opt.FilterCount = -1
			}
			opt.Filter = func(id uint32) bool { return !hide[id] && (f == nil || f(id)) }
		}
	}
	var theirs []Result
	if opt.Candidates == nil || len(opt.Candidates) > 0 {
		if theirs, err = t.g.Search(qv, opt); err != nil {
			return nil, err
		}
	}
	if len(mine) == 0 {
		return theirs, nil
	}
	return mergeResults(mine, theirs, opt.K), nil
}

// mergeResults merges two lists sorted nearest first, an id once (the
// first list's), up to k.
func mergeResults(a, b []Result, k int) []Result {
	seen := make(map[uint32]bool, len(a))
	for _, r := range a {
		seen[r.ID] = true
	}
	out := make([]Result, 0, min(k, len(a)+len(b)))
	i, j := 0, 0
	for len(out) < k && (i < len(a) || j < len(b)) {
		if j >= len(b) || i < len(a) && a[i].Dist <= b[j].Dist {
			out = append(out, a[i])
			i++
			continue
		}
		if !seen[b[j].ID] {
			out = append(out, b[j])
		}
		j++
	}
	return out
}

// Vector returns id's vector: the buffer's if it holds one.
func (t *Tiered) Vector(id uint32) ([]float32, bool) {
	t.mu.Lock()
	if slot, ok := t.buf.pos[id]; ok {
		v := append([]float32(nil), t.buf.vec(slot)[:t.buf.p.Dim]...)
		t.mu.Unlock()
		return v, true
	}
	hidden := t.gone[id]
	t.mu.Unlock()
	if hidden {
		return nil, false
	}
	return t.g.Vector(id)
}

// Len returns the number of vectors (the buffer's that the graph also
// holds in an older version counted once).
func (t *Tiered) Len() int {
	t.mu.Lock()
	n := len(t.buf.ids) - len(t.shadow) - len(t.gone)
	t.mu.Unlock()
	return max(t.g.Len()+n, 0)
}

// MemoryBytes is the graph's bytes and the buffer's, and the growths of
// the graph the buffered vectors will cause once moved: counted when they
// are buffered, so that a node judges the write that causes them (the
// workers' growths then change nothing).
func (t *Tiered) MemoryBytes() int64 {
	t.mu.Lock()
	n := t.buf.memory() + int64(len(t.seq)+len(t.shadow)+len(t.gone)+len(t.busy)+len(t.queued))*24 + int64(cap(t.queue))*4
	pending := len(t.buf.ids)
	t.mu.Unlock()
	return n + t.g.MemoryBytes() + t.growthFor(pending)
}

// growthFor is the graph's growth for n more vectors (0 for an engine
// that does not grow by chunks).
func (t *Tiered) growthFor(n int) int64 {
	if h, ok := t.g.(*hnsw); ok {
		return h.growthFor(n)
	}
	return 0
}

// GrowthBytes is how much MemoryBytes rises at once at the next Add: the
// growth of the graph its vector will cause beyond the buffered ones'.
func (t *Tiered) GrowthBytes() int64 {
	t.mu.Lock()
	pending := len(t.buf.ids)
	t.mu.Unlock()
	if _, ok := t.g.(*hnsw); !ok {
		if g, ok := t.g.(interface{ GrowthBytes() int64 }); ok {
			return g.GrowthBytes()
		}
		return 0
	}
	return t.growthFor(pending+1) - t.growthFor(pending)
}

// hidingWriter is a graph that can write some of its vectors as removed.
type hidingWriter interface {
	writeHiding(w io.Writer, hide map[uint32]bool) (int64, error)
}

// WriteTo writes the graph without waiting for the workers: the ids
// whose vector is still buffered (or removed while their move was under
// way) are written as removed from it, so that an owner that restores
// its documents from elsewhere (an FT index from its hashes) inserts
// their vectors again, the graph's older versions never coming back.
func (t *Tiered) WriteTo(w io.Writer) (int64, error) {
	h, ok := t.g.(hidingWriter)
	if !ok {
		t.drain()
		return t.g.WriteTo(w)
	}
	t.mu.Lock()
	var hide map[uint32]bool
	if n := len(t.buf.ids) + len(t.gone) + len(t.busy); n > 0 {
		hide = make(map[uint32]bool, n)
		for _, id := range t.buf.ids {
			hide[id] = true
		}
		for _, m := range []map[uint32]bool{t.gone, t.busy} {
			for id := range m {
				hide[id] = true
			}
		}
	}
	t.mu.Unlock()
	return h.writeHiding(w, hide)
}

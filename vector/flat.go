package vector

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sync"
)

// store is a set of vectors addressed by slot, with the caller's id per
// slot; a removal moves the last slot into the freed one, so the slots
// stay dense. Not safe for concurrent use on its own.
//
// The vectors lie in chunks of vecChunk slots (hnsw_chunks.go), as an
// HNSW graph's do: a growth regrows only the last chunk (doubling until it
// is whole), where one flat array grown by append copied every vector and
// held the old array beside the new one (a quarter more than the index,
// counted at once, and the old array's garbage besides). And a chunk the
// slots no longer reach is let go, so evicting or
// deleting an index's documents gives its memory back, where an array
// kept its largest size for good; the ids, norms and positions shrink too.
type store struct {
	p      Params
	stride int
	vecs   [][]float32 // chunks of vecChunk slots' vectors; the last one may be shorter
	norms  []float32
	ids    []uint32
	pos    map[uint32]int
	most   int // the most entries pos held (a map never shrinks)
}

func newStore(p Params) store {
	return store{p: p, stride: padded(p.Dim), pos: make(map[uint32]int, p.InitialCap), most: p.InitialCap}
}

func (s *store) vec(slot int) []float32 {
	o := (slot & vecMask) * s.stride
	return s.vecs[slot>>vecShift][o : o+s.stride]
}

// chunkGrowth returns how long the chunk of the next slot must become to
// hold it, and how long it is (equal when it has room).
func (s *store) chunkGrowth() (to, from int) {
	slot := len(s.ids)
	if k := slot >> vecShift; k < len(s.vecs) {
		from = len(s.vecs[k])
	}
	need := ((slot & vecMask) + 1) * s.stride
	if from >= need {
		return from, from
	}
	return min(max(2*from, need, 16*s.stride), vecChunk*s.stride), from
}

// put stores prepared q under id and returns its slot.
func (s *store) put(id uint32, q []float32) int {
	if slot, ok := s.pos[id]; ok {
		copy(s.vec(slot), q)
		s.norms[slot] = dot(q, q)
		return slot
	}
	slot := len(s.ids)
	if to, from := s.chunkGrowth(); to > from {
		if k := slot >> vecShift; k == len(s.vecs) {
			s.vecs = append(s.vecs, make([]float32, to))
		} else {
			s.vecs[k] = growTo(s.vecs[k], from, to)
		}
	}
	copy(s.vec(slot), q)
	s.ids = append(s.ids, id)
	s.norms = append(s.norms, dot(q, q))
	s.pos[id] = slot
	s.most = max(s.most, len(s.pos))
	return slot
}

// del removes id by moving the last slot into its place; it returns the
// freed slot and the slot that moved into it (-1 if none).
func (s *store) del(id uint32) (slot, moved int, ok bool) {
	slot, ok = s.pos[id]
	if !ok {
		return 0, -1, false
	}
	delete(s.pos, id)
	last := len(s.ids) - 1
	moved = -1
	if slot != last {
		copy(s.vec(slot), s.vec(last))
		s.norms[slot] = s.norms[last]
		s.ids[slot] = s.ids[last]
		s.pos[s.ids[slot]] = slot
		moved = last
	}
	s.ids = s.ids[:last]
	s.norms = s.norms[:last]
	s.release()
	return slot, moved, true
}

// release lets go of what the slots no longer use after a removal: the
// chunks past the last slot's (a new one costs no copy), and, once four
// times what they hold, the ids and norms (to twice their length) and the
// positions.
func (s *store) release() {
	for len(s.vecs) > (len(s.ids)+vecMask)>>vecShift {
		s.vecs[len(s.vecs)-1] = nil
		s.vecs = s.vecs[:len(s.vecs)-1]
	}
	if cap(s.ids) <= vecChunk || cap(s.ids) < 4*len(s.ids) {
		return
	}
	s.ids = append(make([]uint32, 0, 2*len(s.ids)), s.ids...)
	s.norms = append(make([]float32, 0, 2*len(s.ids)), s.norms...)
	s.pos = maps.Clone(s.pos)
	s.most = len(s.pos)
}

// growthBytes returns how much memory rises at once at the next put of a
// new id: the last chunk's regrowth or a new chunk, when due.
func (s *store) growthBytes() int64 {
	to, from := s.chunkGrowth()
	if to == from {
		return 0
	}
	return SizeClass(4*to) - SizeClass(4*from)
}

// topK keeps the k nearest seen so far.
type topK struct {
	k int
	h maxHeap
}

func (t *topK) add(id uint32, d float32) {
	if len(t.h) < t.k {
		t.h.push(node{id, d})
	} else if d < t.h.top().dist {
		t.h.replaceTop(node{id, d})
	}
}

func (t *topK) results() []Result {
	out := make([]Result, len(t.h))
	for i := len(out) - 1; i >= 0; i-- {
		n := t.h.pop()
		out[i] = Result{ID: n.id, Dist: n.dist}
	}
	return out
}

// scan considers every slot (or the candidates) admitted by filter.
func (s *store) scan(q []float32, k int, cands []uint32, filter func(uint32) bool) []Result {
	t := topK{k: k}
	qn := dot(q, q)
	if cands != nil {
		for _, id := range cands {
			if slot, ok := s.pos[id]; ok {
				t.add(id, distance(s.p.Metric, q, s.vec(slot), qn, s.norms[slot]))
			}
		}
		return t.results()
	}
	for slot, id := range s.ids {
		if filter != nil && !filter(id) {
			continue
		}
		t.add(id, distance(s.p.Metric, q, s.vec(slot), qn, s.norms[slot]))
	}
	return t.results()
}

func (s *store) memory() int64 {
	return chunksBytes(s.vecs) + arrayBytes(s.norms) + arrayBytes(s.ids) + MapBytes(s.most, 16)
}

func (s *store) write(e *enc) {
	e.u64(uint64(len(s.ids)))
	for slot, id := range s.ids {
		e.u32(id)
		e.f32s(s.vec(slot)[:s.p.Dim])
	}
}

func (s *store) read(d *dec) {
	n := d.count(maxNodes)
	v := make([]float32, s.stride)
	for i := 0; i < n && d.err == nil; i++ {
		id := d.u32()
		d.f32s(v[:s.p.Dim])
		if _, dup := s.pos[id]; dup && d.err == nil {
			d.err = fmt.Errorf("duplicate id %d", id)
		}
		s.put(id, v)
	}
}

// flat is exact search: the ground truth.
type flat struct {
	mu sync.RWMutex // guards s
	s  store
}

func newFlat(p Params) *flat { return &flat{s: newStore(p)} }

func (f *flat) Params() Params { return f.s.p }

func (f *flat) Add(id uint32, v []float32) error {
	q, err := prepare(f.s.p, v, f.s.stride)
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.s.put(id, q)
	f.mu.Unlock()
	return nil
}

func (f *flat) Remove(id uint32) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, _, ok := f.s.del(id)
	return ok
}

func (f *flat) Search(qv []float32, opt SearchOptions) ([]Result, error) {
	q, err := prepare(f.s.p, qv, f.s.stride)
	if err != nil || opt.K <= 0 {
		return nil, err
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.s.scan(q, opt.K, opt.Candidates, opt.Filter), nil
}

func (f *flat) Vector(id uint32) ([]float32, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	slot, ok := f.s.pos[id]
	if !ok {
		return nil, false
	}
	return slices.Clone(f.s.vec(slot)[:f.s.p.Dim]), true
}

func (f *flat) Len() int {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return len(f.s.ids)
}

func (f *flat) MemoryBytes() int64 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.s.memory()
}

// GrowthBytes returns how much MemoryBytes rises at once at the next Add
// of a new id beyond the vector's own bytes (a chunk's growth), else 0.
func (f *flat) GrowthBytes() int64 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.s.growthBytes()
}

func (f *flat) WriteTo(w io.Writer) (int64, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return writeIndex(w, f.s.p, f.s.write)
}

func readFlat(d *dec, p Params) (Index, error) {
	f := newFlat(p)
	f.s.read(d)
	return f, d.err
}

package vector

import (
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"unsafe"

	"github.com/vcache/vcache/internal/prefetch"
)

// ivf is IVFFlat: vectors are assigned to the nearest of LISTS k-means
// centroids, and a query scans only the PROBES lists whose centroids are
// nearest. Until it holds 30·LISTS vectors it has no centroids and searches
// exactly; it trains then, and retrains when the lists grow skewed.
// Training holds the write lock (searches wait for it).
type ivf struct {
	mu        sync.RWMutex // guards everything below
	s         store
	centroids []float32 // Lists × stride; nil until trained
	cnorms    []float32
	lists     [][]int32 // slots per list
	where     []int32   // per slot: its list, or -1
	trainedAt int       // vectors at the last training
	codes     *ivfCodes // the lists' search codes (ivf_codes.go); nil without
}

func newIVF(p Params) *ivf { return &ivf{s: newStore(p), codes: newIVFCodes(p)} }

// resetLists empties the lists (and their codes) for k centroids.
func (v *ivf) resetLists(k int) {
	v.lists = make([][]int32, k)
	if v.codes != nil {
		v.codes.reset(k)
	}
}

// listAdd appends slot to list c.
func (v *ivf) listAdd(c, slot int) {
	v.lists[c] = append(v.lists[c], int32(slot))
	v.where[slot] = int32(c)
	if v.codes != nil {
		v.codes.push(c, v.s.vec(slot), v.s.norms[slot])
	}
}

func (v *ivf) Params() Params { return v.s.p }

func (v *ivf) Len() int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return len(v.s.ids)
}

func (v *ivf) trainAt() int { return 30 * v.s.p.Lists }

func (v *ivf) Add(id uint32, x []float32) error {
	q, err := prepare(v.s.p, x, v.s.stride)
	if err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if _, ok := v.s.pos[id]; ok {
		v.removeLocked(id)
	}
	slot := v.s.put(id, q)
	v.where = append(v.where, -1)
	if v.centroids != nil {
		v.assign(slot)
	}
	n := len(v.s.ids)
	// Train once there is enough data; retrain each time the index has
	// doubled since (the first centroids saw only the first vectors), or
	// when the lists have grown skewed.
	if (v.centroids == nil && n >= v.trainAt()) || (v.centroids != nil && n >= 2*v.trainedAt) ||
		(v.centroids != nil && n >= v.trainedAt+v.trainAt() && v.skewed()) {
		v.train()
	}
	return nil
}

// skewed reports whether the largest list holds over 8× the mean.
func (v *ivf) skewed() bool {
	mean := float64(len(v.s.ids)) / float64(len(v.lists))
	for _, l := range v.lists {
		if float64(len(l)) > 8*mean {
			return true
		}
	}
	return false
}

func (v *ivf) nearestCentroid(x []float32) int {
	best, bd := 0, float32(math.MaxFloat32)
	xn := dot(x, x)
	for c := 0; c < len(v.cnorms); c++ {
		if d := distance(v.s.p.Metric, x, v.centroids[c*v.s.stride:(c+1)*v.s.stride], xn, v.cnorms[c]); d < bd {
			best, bd = c, d
		}
	}
	return best
}

func (v *ivf) assign(slot int) {
	v.listAdd(v.nearestCentroid(v.s.vec(slot)), slot)
}

func (v *ivf) Remove(id uint32) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.removeLocked(id)
}

func (v *ivf) removeLocked(id uint32) bool {
	slot, ok := v.s.pos[id]
	if !ok {
		return false
	}
	v.unlist(slot)
	last := len(v.s.ids) - 1
	if slot != last {
		// The last slot moves into the freed one: re-point its list entry.
		if l := v.where[last]; l >= 0 {
			for i, s := range v.lists[l] {
				if int(s) == last {
					v.lists[l][i] = int32(slot)
					break
				}
			}
		}
		v.where[slot] = v.where[last]
	}
	v.where = v.where[:last]
	v.s.del(id)
	return true
}

func (v *ivf) unlist(slot int) {
	l := v.where[slot]
	if l < 0 {
		return
	}
	list := v.lists[l]
	for i, s := range list {
		if int(s) == slot {
			list[i] = list[len(list)-1]
			v.lists[l] = list[:len(list)-1]
			if v.codes != nil {
				v.codes.drop(int(l), i)
			}
			break
		}
	}
	v.where[slot] = -1
}

// train runs k-means (k-means++ seeding, then Lloyd iterations) on a
// sample of the vectors and assigns every vector to its nearest centroid.
func (v *ivf) train() {
	k := v.s.p.Lists
	n := len(v.s.ids)
	if n < k {
		return
	}
	stride := v.s.stride
	r := rand.New(rand.NewPCG(uint64(n), 42))
	sample := r.Perm(n)[:min(n, 64*k)]
	cent := make([]float32, k*stride)
	// k-means++: each next seed with probability proportional to its
	// squared distance from the nearest seed so far.
	copy(cent, v.s.vec(sample[0]))
	dmin := make([]float32, len(sample))
	for i := range dmin {
		dmin[i] = math.MaxFloat32
	}
	for c := 1; c < k; c++ {
		prev := cent[(c-1)*stride : c*stride]
		var sum float64
		for i, s := range sample {
			if d := l2(v.s.vec(s), prev); d < dmin[i] {
				dmin[i] = d
			}
			sum += float64(dmin[i])
		}
		pick := r.Float64() * sum
		chosen := sample[len(sample)-1]
		for i, s := range sample {
			pick -= float64(dmin[i])
			if pick <= 0 {
				chosen = s
				break
			}
		}
		copy(cent[c*stride:(c+1)*stride], v.s.vec(chosen))
	}
	assignOf := make([]int, len(sample))
	for iter := 0; iter < 8; iter++ {
		v.setCentroids(cent)
		sums := make([]float64, k*stride)
		counts := make([]int, k)
		v.parallelNearest(sample, assignOf)
		for i, s := range sample {
			c := assignOf[i]
			counts[c]++
			x := v.s.vec(s)
			for j := 0; j < v.s.p.Dim; j++ {
				sums[c*stride+j] += float64(x[j])
			}
		}
		for c := 0; c < k; c++ {
			if counts[c] == 0 {
				copy(cent[c*stride:(c+1)*stride], v.s.vec(sample[r.IntN(len(sample))]))
				continue
			}
			for j := 0; j < v.s.p.Dim; j++ {
				cent[c*stride+j] = float32(sums[c*stride+j] / float64(counts[c]))
			}
			if v.s.p.Metric == Cosine {
				normalize(cent[c*stride : (c+1)*stride])
			}
		}
	}
	v.setCentroids(cent)
	v.resetLists(k)
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	near := make([]int, n)
	v.parallelNearest(all, near)
	for slot, c := range near {
		v.listAdd(c, slot)
	}
	v.trainedAt = n
}

// parallelNearest sets out[i] to the nearest centroid of slot slots[i],
// on every core.
func (v *ivf) parallelNearest(slots, out []int) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	chunk := (len(slots) + workers - 1) / workers
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(slots))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				out[i] = v.nearestCentroid(v.s.vec(slots[i]))
			}
		}()
	}
	wg.Wait()
}

func (v *ivf) setCentroids(cent []float32) {
	k := v.s.p.Lists
	v.centroids = cent
	v.cnorms = make([]float32, k)
	for c := 0; c < k; c++ {
		x := cent[c*v.s.stride : (c+1)*v.s.stride]
		v.cnorms[c] = dot(x, x)
	}
}

func (v *ivf) Search(x []float32, opt SearchOptions) ([]Result, error) {
	q, err := prepare(v.s.p, x, v.s.stride)
	if err != nil || opt.K <= 0 {
		return nil, err
	}
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.centroids == nil || opt.Candidates != nil || (opt.Filter != nil && opt.FilterCount >= 0 && opt.FilterCount <= max(len(v.s.ids)/50, 10*opt.K)) {
		return v.s.scan(q, opt.K, opt.Candidates, opt.Filter), nil
	}
	probes := opt.Probes
	if probes <= 0 {
		probes = v.s.p.Probes
	}
	probes = min(probes, len(v.lists))
	qn := dot(q, q)
	ct := topK{k: probes}
	for c := range v.lists {
		ct.add(uint32(c), distance(v.s.p.Metric, q, v.centroids[c*v.s.stride:(c+1)*v.s.stride], qn, v.cnorms[c]))
	}
	if v.codes != nil && !opt.Float32 {
		rerank := opt.Rerank
		if rerank <= 0 {
			rerank = v.s.p.Rerank
		}
		if rerank <= 0 {
			rerank = DefaultRerank
		}
		res := v.searchCodes(q, qn, ct.results(), opt.K, rerank, opt.Filter)
		if len(res) < opt.K && opt.Filter != nil {
			return v.s.scan(q, opt.K, nil, opt.Filter), nil
		}
		return res, nil
	}
	t := topK{k: opt.K}
	lines := min((v.s.stride*4+63)/64, 8)
	for _, c := range ct.results() {
		list := v.lists[c.ID]
		for j, slot := range list {
			// The list's vectors lie anywhere in the store: start loading
			// the next one while this one is measured.
			if j+1 < len(list) {
				prefetch.Lines(unsafe.Pointer(&v.s.vec(int(list[j+1]))[0]), lines)
			}
			id := v.s.ids[slot]
			if opt.Filter != nil && !opt.Filter(id) {
				continue
			}
			t.add(id, distance(v.s.p.Metric, q, v.s.vec(int(slot)), qn, v.s.norms[slot]))
		}
	}
	res := t.results()
	if len(res) < opt.K && opt.Filter != nil {
		return v.s.scan(q, opt.K, nil, opt.Filter), nil
	}
	return res, nil
}

func (v *ivf) Vector(id uint32) ([]float32, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	slot, ok := v.s.pos[id]
	if !ok {
		return nil, false
	}
	return slices.Clone(v.s.vec(slot)[:v.s.p.Dim]), true
}

func (v *ivf) MemoryBytes() int64 {
	v.mu.RLock()
	defer v.mu.RUnlock()
	n := v.s.memory() + int64(len(v.centroids))*4 + int64(len(v.where))*8
	if v.codes != nil {
		n += v.codes.memory()
	}
	return n
}

// WriteTo writes the vectors and the centroids; lists are rebuilt on read
// by assigning each vector to its nearest centroid.
func (v *ivf) WriteTo(w io.Writer) (int64, error) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return writeIndex(w, v.s.p, func(e *enc) {
		v.s.write(e)
		if v.centroids == nil {
			e.u32(0)
			return
		}
		e.u32(1)
		e.u64(uint64(v.trainedAt))
		for c := 0; c < v.s.p.Lists; c++ {
			e.f32s(v.centroids[c*v.s.stride : c*v.s.stride+v.s.p.Dim])
		}
	})
}

func readIVF(d *dec, p Params) (Index, error) {
	v := newIVF(p)
	v.s.read(d)
	v.where = make([]int32, len(v.s.ids))
	for i := range v.where {
		v.where[i] = -1
	}
	if d.u32() == 1 {
		v.trainedAt = d.count(maxNodes)
		// Grow as centroids arrive, so a corrupt header cannot make it
		// allocate what the data does not hold.
		var cent []float32
		row := make([]float32, v.s.stride)
		for c := 0; c < p.Lists && d.err == nil; c++ {
			d.f32s(row[:p.Dim])
			cent = append(cent, row...)
		}
		if d.err != nil {
			return nil, d.err
		}
		v.setCentroids(cent)
		v.resetLists(p.Lists)
		for slot := range v.s.ids {
			v.assign(slot)
		}
	}
	return v, d.err
}

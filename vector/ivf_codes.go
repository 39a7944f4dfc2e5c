package vector

import (
	"unsafe"

	"github.com/vcache/vcache/internal/prefetch"
)

// Search codes for IVFFLAT (Params.Codes = QuantInt8, FT.CREATE's
// COMPRESSION SQ8): beside each list's slots the index keeps the int8 codes
// of their vectors side by side (sq8.go's per-vector code and factor), and
// for L2 their squared norms. A search scans the probed lists' codes in
// order — a quarter of the bytes of the float32 vectors, read sequentially
// instead of from wherever each vector lies in the store — keeps the best
// Rerank candidates and measures those again on float32: the distances
// returned are exact, only the choice of candidates is approximate.

// ivfCodes holds the codes of an ivf's lists, parallel to ivf.lists:
// codes[c][j*stride:] is the code of slot lists[c][j].
type ivfCodes struct {
	m      Metric
	dim    int
	stride int
	codes  [][]int8
	mul    [][]float32
	norm   [][]float32 // L2 only: the vectors' squared norms
}

func newIVFCodes(p Params) *ivfCodes {
	if p.Codes == QuantNone {
		return nil
	}
	return &ivfCodes{m: p.Metric, dim: p.Dim, stride: int8Stride(p.Dim)}
}

func (c *ivfCodes) reset(lists int) {
	c.codes = make([][]int8, lists)
	c.mul = make([][]float32, lists)
	c.norm = make([][]float32, lists)
}

// push appends the code of prepared vector f (squared norm n) to list l.
func (c *ivfCodes) push(l int, f []float32, n float32) {
	j := len(c.mul[l])
	c.codes[l] = append(c.codes[l], make([]int8, c.stride)...)
	c.mul[l] = append(c.mul[l], sq8Encode(c.m, f[:c.dim], c.codes[l][j*c.stride:(j+1)*c.stride]))
	if c.m == L2 {
		c.norm[l] = append(c.norm[l], n)
	}
}

// drop removes list l's entry j, moving its last entry into it (as unlist
// does with the slots).
func (c *ivfCodes) drop(l, j int) {
	last := len(c.mul[l]) - 1
	if j != last {
		copy(c.codes[l][j*c.stride:(j+1)*c.stride], c.codes[l][last*c.stride:])
		c.mul[l][j] = c.mul[l][last]
		if c.m == L2 {
			c.norm[l][j] = c.norm[l][last]
		}
	}
	c.codes[l] = c.codes[l][:last*c.stride]
	c.mul[l] = c.mul[l][:last]
	if c.m == L2 {
		c.norm[l] = c.norm[l][:last]
	}
}

func (c *ivfCodes) memory() int64 {
	var n int64
	for l := range c.codes {
		n += int64(cap(c.codes[l])) + 4*int64(cap(c.mul[l])+cap(c.norm[l]))
	}
	return n
}

// setCodes is SetCodes for an IVFFLAT index.
func (v *ivf) setCodes(codes Quant, rerank int) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	p := v.s.p
	p.Codes, p.Rerank = codes, rerank
	if err := p.Validate(); err != nil {
		return err
	}
	same := p.Codes == v.s.p.Codes
	v.s.p = p
	if same {
		return nil
	}
	v.codes = newIVFCodes(p)
	if v.codes != nil && v.lists != nil {
		v.codes.reset(len(v.lists))
		for l, list := range v.lists {
			for _, slot := range list {
				v.codes.push(l, v.s.vec(int(slot)), v.s.norms[slot])
			}
		}
	}
	return nil
}

// searchCodes is Search's scan of the probed lists on the codes, then the
// float32 re-rank of the best rerank candidates. q is prepared, qn its
// squared norm.
func (v *ivf) searchCodes(q []float32, qn float32, probed []Result, k, rerank int, filter func(uint32) bool) []Result {
	c := v.codes
	qc := make([]int8, c.stride)
	qm := sq8Encode(c.m, q[:c.dim], qc)
	cand := topK{k: max(rerank, k)}
	lines := min((c.stride+63)/64, 8)
	for _, p := range probed {
		l := int(p.ID)
		list, codes, mul, norm := v.lists[l], c.codes[l], c.mul[l], c.norm[l]
		for j, slot := range list {
			if j+4 < len(list) {
				prefetch.Lines(unsafe.Pointer(&codes[(j+4)*c.stride]), lines)
			}
			if filter != nil && !filter(v.s.ids[slot]) {
				continue
			}
			d := float32(dotInt8(qc, codes[j*c.stride:(j+1)*c.stride])) * qm * mul[j]
			if c.m == L2 {
				d = qn + norm[j] - 2*d
			} else {
				d = 1 - d
			}
			cand.add(uint32(slot), d)
		}
	}
	t := topK{k: k}
	for _, r := range cand.h {
		slot := int(r.id)
		t.add(v.s.ids[slot], distance(v.s.p.Metric, q, v.s.vec(slot), qn, v.s.norms[slot]))
	}
	return t.results()
}

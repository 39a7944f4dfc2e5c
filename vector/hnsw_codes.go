package vector

import (
	"fmt"
	"slices"
)

// The search of an index with codes (sq8.go): the walk of hnsw.Search and
// searchLayer on the codes, then the float32 re-rank. Kept apart from the
// float32 walk so that neither pays for the other's branches.

// codeDist is the approximate distance of q (with its code) to node i.
func (h *hnsw) codeDist(q *query, i uint32) float32 {
	return h.sq.dist(h.p.Metric, q, i, h.st.norms)
}

// rerankCount is how many candidates a search re-ranks on float32:
// Rerank, at least K.
func (h *hnsw) rerankCount(opt SearchOptions, ef int) int {
	r := opt.Rerank
	if r <= 0 {
		r = h.p.Rerank
	}
	if r <= 0 {
		r = DefaultRerank
	}
	return max(r, opt.K)
}

// searchCodes walks the graph from ep on the codes with breadth ef (as
// the float32 walk does: EF_RUNTIME means the same with or without codes)
// and returns the k nearest of the rerankCount best candidates, measured
// on float32. mu is held for reading.
func (h *hnsw) searchCodes(q *query, ep uint32, maxL, ef int, opt SearchOptions, accept func(uint32) bool) []Result {
	h.sq.encodeQuery(h.p.Metric, q)
	r := h.rerankCount(opt, ef)
	sc := h.pool.Get().(*searchCtx)
	cur := node{ep, h.codeDist(q, ep)}
	for lc := maxL; lc > 0; lc-- {
		cur = h.greedyCodes(sc, q, cur, lc)
	}
	found := h.searchLayerCodes(sc, q, cur, ef, r, accept)
	h.pool.Put(sc)
	found = found[:min(r, len(found))]
	for i := range found {
		found[i].dist = h.dist(q, found[i].id)
	}
	slices.SortFunc(found, func(a, b node) int { return cmpDist(a.dist, b.dist) })
	out := make([]Result, 0, min(opt.K, len(found)))
	for _, f := range found[:min(opt.K, len(found))] {
		out = append(out, Result{ID: h.exts[f.id], Dist: f.dist})
	}
	return out
}

// greedyCodes is greedy on the codes.
func (h *hnsw) greedyCodes(sc *searchCtx, q *query, cur node, lc int) node {
	for changed := true; changed; {
		changed = false
		sc.buf = h.neighbours(cur.id, lc, sc.buf)
		for _, n := range sc.buf {
			if d := h.codeDist(q, n); d < cur.dist {
				cur, changed = node{n, d}, true
			}
		}
	}
	return cur
}

// searchLayerCodes is searchLayer on level 0 and the codes. Besides the
// ef results that steer the walk, it keeps the r nearest admitted nodes it
// measured (when r > ef): a small ef then still re-ranks r candidates, at
// the walk's cost (on 784-d pixels, re-ranking only the ef = 10 results
// lost 0.03 recall@10 to the float32 walk).
func (h *hnsw) searchLayerCodes(sc *searchCtx, q *query, ep node, ef, r int, accept func(uint32) bool) []node {
	sc.vis.reset(h.capN)
	sc.cand = sc.cand[:0]
	sc.res = sc.res[:0]
	sc.pool = sc.pool[:0]
	keep := r > ef
	sc.vis.visit(ep.id)
	sc.cand.push(ep)
	if accept(ep.id) {
		sc.res.push(ep)
		if keep {
			sc.pool.push(ep)
		}
	}
	for len(sc.cand) > 0 {
		c := sc.cand.pop()
		if len(sc.res) >= ef && c.dist > sc.res.top().dist {
			break
		}
		sc.buf = h.neighbours(c.id, 0, sc.buf)
		todo := sc.buf[:0]
		for _, n := range sc.buf {
			if !sc.vis.visit(n) {
				todo = append(todo, n)
			}
		}
		if len(todo) > 0 {
			h.sq.prefetch(todo[0])
		}
		for j, n := range todo {
			if j+1 < len(todo) {
				h.sq.prefetch(todo[j+1])
			}
			d := h.codeDist(q, n)
			if keep && (len(sc.pool) < r || d < sc.pool.top().dist) && accept(n) {
				if len(sc.pool) < r {
					sc.pool.push(node{n, d})
				} else {
					sc.pool.replaceTop(node{n, d})
				}
			}
			if len(sc.res) < ef || d < sc.res.top().dist {
				sc.cand.push(node{n, d})
				if accept(n) {
					if len(sc.res) < ef {
						sc.res.push(node{n, d})
					} else {
						sc.res.replaceTop(node{n, d})
					}
				}
			}
		}
	}
	best := &sc.res
	if keep {
		best = &sc.pool
	}
	out := make([]node, len(*best))
	for i := len(out) - 1; i >= 0; i-- {
		out[i] = best.pop()
	}
	return out
}

// SetCodes gives an HNSW or IVFFLAT index of float32 vectors search codes
// of form codes (QuantNone drops them) and the re-rank count rerank, coding
// the vectors it holds; an index saved before it had codes loads this way.
// Searches and inserts wait while it runs. Other indexes are left as they
// are unless they are asked for codes (an error).
func SetCodes(ix Index, codes Quant, rerank int) error {
	if v, ok := ix.(*ivf); ok {
		return v.setCodes(codes, rerank)
	}
	h, ok := ix.(*hnsw)
	if !ok {
		if codes == QuantNone {
			return nil
		}
		return fmt.Errorf("%w: search codes need HNSW with float32 vectors", ErrBadParams)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	p := h.p
	p.Codes, p.Rerank = codes, rerank
	if err := p.Validate(); err != nil {
		return err
	}
	if p.Codes == h.p.Codes {
		h.p = p
		return nil
	}
	var sq *sq8
	if codes != QuantNone {
		sq = newSQ8(p.Dim)
		sq.grow(0, h.capN)
		sq.growChunks(0, h.chunkN)
		h.idMu.Lock()
		n := h.next
		h.idMu.Unlock()
		for i := uint32(0); i < n; i++ {
			sq.put(p.Metric, i, h.st.vec(i))
		}
	}
	h.p, h.sq = p, sq
	h.arrayMem = h.arraysBytes(h.capN, h.chunkN)
	return nil
}

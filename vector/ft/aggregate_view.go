package ft

import (
	"slices"
	"sort"

	"github.com/vcache/vcache/internal/ftargs"
)

// aggView is what an FT.AGGREGATE read of its documents: its matches in
// result order, each with the values its row is made of (view.go says
// how they come to be as of one moment).
type aggView struct {
	p    *aggPlan
	hits []hit
	// byID says the match gave hits in id order (a filter's; a KNN's are
	// by distance); sorted is how many of hits it gave, the others were
	// added as documents came to match (at has their indexes, and a
	// KNN's hits').
	byID   bool
	sorted int
	at     map[uint32]int
	// A fixed plan's values: len(p.paths) per hit, each 0 when the hash
	// lacks that field, else 1 + its index in the path's table (no
	// pointer for the collector to follow: a million rows' values are
	// not marked); another plan's rows, one per hit.
	vals []uint32
	rows []ftargs.Row
	// missing marks the hits whose document was gone when read, dead
	// those that no longer match.
	missing, dead []bool
	// table holds, per path, the values read, each once as long as
	// seen (by value, up to maxInterned of them) finds it again.
	table [][]string
	seen  []map[string]uint32
	// at0 is where in vals the hit being read goes; picked is v.pick.
	at0    int
	picked func(int, []byte)
}

// maxInterned is how many distinct values of one field a view shares
// between its rows; past it each row has its own entry in the table.
const maxInterned = 1 << 12

func newAggView(p *aggPlan, hits []hit, byID bool) *aggView {
	v := &aggView{p: p, hits: hits, byID: byID, sorted: len(hits), missing: make([]bool, len(hits)), dead: make([]bool, len(hits))}
	if !p.read {
		return v
	}
	if p.fixed {
		v.vals = make([]uint32, len(hits)*len(p.paths))
		v.table = make([][]string, len(p.paths))
		v.seen = make([]map[string]uint32, len(p.paths))
		for i := range v.seen {
			v.seen[i] = map[string]uint32{}
		}
	} else {
		v.rows = make([]ftargs.Row, len(hits))
	}
	return v
}

// read reads hit i's document from docs.
func (v *aggView) read(docs Docs, i int) {
	p, h := v.p, v.hits[i]
	if p.fixed {
		n := len(p.paths)
		v.at0 = i * n
		clear(v.vals[v.at0 : v.at0+n])
		if v.picked == nil {
			v.picked = v.pick // (one closure for every read)
		}
		v.missing[i] = !docs.Pick(h.key, p.paths, v.picked)
		return
	}
	f, ok := docs.Load(h.key)
	v.missing[i] = !ok
	if ok {
		v.rows[i] = p.row(h, f)
	}
}

// pick takes value b of path j of the hit being read (at0 in vals).
func (v *aggView) pick(j int, b []byte) {
	v.vals[v.at0+j] = v.intern(j, b)
}

// intern returns b's place in path j's table, plus one.
func (v *aggView) intern(j int, b []byte) uint32 {
	m := v.seen[j]
	if x, ok := m[string(b)]; ok {
		return x
	}
	v.table[j] = append(v.table[j], string(b))
	x := uint32(len(v.table[j]))
	if len(m) < maxInterned {
		m[v.table[j][x-1]] = x
	}
	return x
}

// find returns the index in hits of document id.
func (v *aggView) find(id uint32) (int, bool) {
	if i, ok := v.at[id]; ok {
		return i, true
	}
	if !v.byID && v.at == nil {
		// A KNN's hits, by distance: indexed once.
		v.at = make(map[uint32]int, len(v.hits))
		for i, h := range v.hits {
			v.at[h.id] = i
		}
		i, ok := v.at[id]
		return i, ok
	}
	if !v.byID {
		return 0, false
	}
	return slices.BinarySearchFunc(v.hits[:v.sorted], id, func(h hit, id uint32) int { return int(int64(h.id) - int64(id)) })
}

// add appends document id of key as a match, and returns its index.
func (v *aggView) add(id uint32, key string) int {
	i := len(v.hits)
	v.hits = append(v.hits, hit{id: id, key: key, score: 1})
	v.missing = append(v.missing, false)
	v.dead = append(v.dead, false)
	if v.p.fixed {
		n := len(v.p.paths)
		v.vals = append(v.vals, make([]uint32, n)...)
	} else if v.p.read {
		v.rows = append(v.rows, ftargs.Row{})
	}
	if v.at == nil {
		v.at = map[uint32]int{}
	}
	v.at[id] = i
	return i
}

// readAggregate is one try at reading req's documents as of one moment:
// the view, and whether it is (see view.go).
func (ix *Index) readAggregate(req *AggregateRequest, docs Docs, still bool) (*aggView, bool, error) {
	p, err := ix.aggregatePlan(req)
	if err != nil {
		return nil, false, err
	}
	sreq := &SearchRequest{Filter: req.Filter, KNN: req.KNN, Params: req.Params, Admit: req.Admit, unscored: true,
		NoStopWords: req.Args.NoStopWords, Dialect: req.Dialect, Expansion: req.Expansion}
	ix.mu.RLock()
	if ix.gone {
		ix.mu.RUnlock()
		return nil, false, ErrUnknownIndex
	}
	hits, _, _, err := ix.matchLocked(sreq)
	if err != nil {
		ix.mu.RUnlock()
		return nil, false, err
	}
	v := newAggView(p, hits, req.KNN == nil)
	if !p.read {
		ix.mu.RUnlock()
		return v, true, nil // the rows read no document
	}
	w := ix.watchLocked()
	ix.mu.RUnlock()
	defer ix.unwatch(w)
	for i := range v.hits {
		v.read(docs, i)
	}
	// The moment is the match's, and every hit was read after it; later
	// the moment of the last round, and fresh the hits read after it.
	movable := req.KNN == nil && sreq.Filter != nil && reconcilable(sreq.Filter)
	var fresh map[uint32]int
	type change struct {
		id    uint32
		key   string
		match bool
	}
	for round := 0; ; round++ {
		ix.mu.RLock()
		ids, all := w.take()
		if all {
			ix.mu.RUnlock()
			return v, false, nil
		}
		torn := false
		for id := range ids {
			if fresh == nil {
				_, torn = v.find(id)
			} else {
				_, torn = fresh[id]
			}
			if torn {
				break
			}
		}
		if !torn {
			ix.mu.RUnlock()
			return v, true, nil
		}
		if !movable || !still && round >= viewRounds {
			ix.mu.RUnlock()
			return v, false, nil
		}
		// Move the moment to now: decide every document changed since
		// the last one again, and read those that match after it.
		changes := make([]change, 0, len(ids))
		for id := range ids {
			c := change{id: id}
			if d := ix.docs[id]; d != nil {
				c.key = d.key
				c.match = ix.eval(sreq.Filter, d) && (req.Admit == nil || req.Admit(d.key))
			}
			changes = append(changes, c)
		}
		ix.mu.RUnlock()
		fresh = map[uint32]int{}
		for _, c := range changes {
			i, ok := v.find(c.id)
			switch {
			case ok:
				v.dead[i] = !c.match
			case c.match:
				i, ok = v.add(c.id, c.key), true
			}
			if ok && c.match {
				fresh[c.id] = i
			}
		}
		for _, i := range fresh {
			v.read(docs, i)
		}
	}
}

// order returns the indexes of the hits that make rows, in result order.
func (v *aggView) order() []int {
	out := make([]int, 0, len(v.hits))
	for i := range v.hits {
		if !v.dead[i] && !v.missing[i] {
			out = append(out, i)
		}
	}
	if v.byID && v.sorted < len(v.hits) {
		// Documents that came to match go where the match puts them: by id.
		sort.SliceStable(out, func(a, b int) bool { return v.hits[out[a]].id < v.hits[out[b]].id })
	}
	return out
}

// fill makes dst (its slices reused) hit i's row.
func (v *aggView) fill(dst *ftargs.Row, i int) {
	p := v.p
	switch {
	case p.fixed:
		n := len(p.paths)
		p.fill(dst, v.hits[i], v.vals[i*n:(i+1)*n], v.table)
	case p.read:
		r := &v.rows[i]
		dst.Names = append(dst.Names[:0], r.Names...)
		dst.Vals = append(dst.Vals[:0], r.Vals...)
	default:
		dst.Names, dst.Vals = dst.Names[:0], dst.Vals[:0]
		p.head(dst, v.hits[i])
	}
}

// run carries out the pipeline over the view's rows. Up to its first
// GROUPBY the rows go one by one into their groups (ftargs.Stream), kept
// by no one: the rows of a million documents never exist at once.
func (v *aggView) run(steps []ftargs.Step) ([]ftargs.Row, int64, error) {
	order := v.order()
	if k := ftargs.StreamSteps(steps); k > 0 {
		st := ftargs.NewStream(steps)
		var row ftargs.Row
		ok := true
		for _, i := range order {
			v.fill(&row, i)
			if st.Add(&row) != nil {
				// Run reports the error it meets first, which may be
				// another row's (it takes each step over every row).
				ok = false
				break
			}
		}
		if ok {
			rows := st.Rows()
			return ftargs.Run(steps[k:], rows, int64(len(rows)))
		}
	}
	rows := make([]ftargs.Row, len(order))
	for j, i := range order {
		v.fill(&rows[j], i)
	}
	return ftargs.Run(steps, rows, int64(len(rows)))
}

package ftargs

import (
	"math"
	"sort"
)

// ShardPlan is an aggregate split for a cluster: every shard runs Shard
// over its documents; the proxy merges their rows (by Group's reducers
// when Group is set, else by concatenating them) and runs Rest.
//
// The steps before the first GROUPBY or SORTBY/LIMIT work row by row and
// run on the shards as given. A first GROUPBY runs on the shards with
// reducers that give mergeable partial results (COUNT and SUM add up,
// MIN and MAX fold, AVG and STDDEV carry sums and counts, COUNT_DISTINCT
// and TOLIST carry the distinct values, QUANTILE every value, FIRST_VALUE
// its sort key); the proxy folds the partials of each group into the
// final values. A first SORTBY/LIMIT runs on the shards keeping the first
// offset+num rows (the most any shard can contribute), and again on the
// proxy over all of them.
type ShardPlan struct {
	Shard []Step
	Group *Group
	Rest  []Step
	// KNN, when above 0, is the k of the query's KNN clause and
	// ScoreField its distance field (see PlanShardsKNN).
	KNN        int64
	ScoreField string
}

// PlanShards splits a's pipeline (see ShardPlan).
func PlanShards(a *Aggregate) *ShardPlan {
	p := &ShardPlan{}
	for i := range a.Steps {
		s := a.Steps[i]
		switch s.Kind {
		case StepGroup:
			p.Group = s.Group
			p.Shard = append(p.Shard, Step{Kind: StepGroup, Group: partialGroup(s.Group)})
			p.Rest = a.Steps[i+1:]
			return p
		case StepArrange:
			sh := Step{Kind: StepArrange, Sort: s.Sort}
			switch {
			case s.Sort != nil:
				sh.Max = s.Limit()
			case s.HasLimit:
				sh.HasLimit, sh.Num = true, s.Offset+s.Num
				if s.Num == 0 {
					sh.Num = 0
				}
			}
			if load := restLoad(a.Steps, a.Steps[:i+1]); load != nil {
				p.Shard = append(p.Shard, *load)
			}
			p.Shard = append(p.Shard, sh)
			p.Rest = a.Steps[i:]
			return p
		}
		p.Shard = append(p.Shard, s)
	}
	return p
}

// restLoad is a LOAD of the document fields the whole pipeline reads
// without loading them (a node loads those implicitly) when the steps
// after a shard's cut read some its own steps do not: the shard must
// hand the proxy those fields, in the order a node holding every
// document would load them. Nil when there are none. (The shard still
// checks the fields its own steps read.)
func restLoad(steps, shard []Step) *Step {
	all := func(string) bool { return true }
	names, err := CheckSteps(steps, nil, all)
	if err != nil {
		return nil
	}
	own, err := CheckSteps(shard, nil, all)
	if err != nil || len(own) == len(names) {
		return nil
	}
	load := &Step{Kind: StepLoad}
	for _, n := range names {
		load.Load = append(load.Load, LoadField{Path: n, Name: n})
	}
	return load
}

// partialGroup is g with each reducer replaced by its partial form.
func partialGroup(g *Group) *Group {
	out := &Group{Fields: g.Fields}
	for _, r := range g.Reducers {
		pr := Reducer{Name: r.Name, Args: r.Args, As: r.As}
		switch r.Name {
		case "AVG":
			pr.Name = ReduceAvgPart
		case "STDDEV":
			pr.Name = ReduceStdPart
		case "COUNT_DISTINCT", "COUNT_DISTINCTISH":
			pr.Name = "TOLIST"
		case "QUANTILE":
			pr.Name, pr.Args = ReduceValues, r.Args[:1]
		case "FIRST_VALUE":
			pr.Name = ReduceFirstPart
		}
		out.Reducers = append(out.Reducers, pr)
	}
	return out
}

// MergeGroups folds the shards' partial group rows into the final rows
// of p.Group, in the order groups first appear.
func (p *ShardPlan) MergeGroups(rows []Row) []Row {
	return groupRows(p.Group, rows, func(r *Reducer) reducer { return mergeAs{newMerger(r), r.As} })
}

// mergeAs is a merger fed the partial result a row holds under as.
type mergeAs struct {
	merger
	as string
}

func (m mergeAs) add(r *Row) {
	v, _ := r.Get(m.as)
	m.merge(v)
}

// merger folds partial results of one reducer.
type merger interface {
	merge(v Value)
	result() Value
}

func newMerger(r *Reducer) merger {
	switch r.Name {
	case "COUNT", "SUM":
		return &sumMerge{}
	case "MIN", "MAX":
		return &minMaxR{max: r.Name == "MAX", v: math.Inf(map[bool]int{true: -1, false: 1}[r.Name == "MAX"])}
	case "AVG":
		return &avgMerge{}
	case "STDDEV":
		return &stddevMerge{}
	case "TOLIST", "COUNT_DISTINCT", "COUNT_DISTINCTISH":
		return &distinctMerge{d: distinctR{count: r.Name != "TOLIST", seen: map[string]bool{}}}
	case "QUANTILE":
		return &quantileMerge{q: r.Quantile()}
	case "FIRST_VALUE":
		by, desc := r.By()
		return &firstMerge{f: firstR{by: by, desc: desc}}
	}
	return &sumMerge{}
}

// elem returns element i of an array value as a number (0 if none).
func elem(v Value, i int) float64 {
	if v.Kind != Array || i >= len(v.Arr) {
		return 0
	}
	f, _ := v.Arr[i].ToNumber()
	return f
}

type sumMerge struct{ sum float64 }

func (s *sumMerge) merge(v Value) {
	if f, ok := v.ToNumber(); ok {
		s.sum += f
	}
}
func (s *sumMerge) result() Value { return Num(s.sum) }

func (m *minMaxR) merge(v Value) {
	if f, ok := v.ToNumber(); ok && (m.max && f > m.v || !m.max && f < m.v) {
		m.v = f
	}
}

type avgMerge struct{ sum, n float64 }

func (a *avgMerge) merge(v Value) { a.sum += elem(v, 0); a.n += elem(v, 1) }
func (a *avgMerge) result() Value {
	if a.n == 0 {
		return Num(math.NaN())
	}
	return Num(a.sum / a.n)
}

type stddevMerge struct{ sum, sumsq, n float64 }

func (s *stddevMerge) merge(v Value) {
	s.sum += elem(v, 0)
	s.sumsq += elem(v, 1)
	s.n += elem(v, 2)
}
func (s *stddevMerge) result() Value { return Num(stddev(s.sum, s.sumsq, s.n)) }

type distinctMerge struct{ d distinctR }

func (m *distinctMerge) merge(v Value) {
	if v.Kind != Array {
		return
	}
	for _, e := range v.Arr {
		m.d.addValue(e)
	}
}
func (m *distinctMerge) result() Value { return m.d.result() }

type quantileMerge struct {
	q    float64
	vals []float64
}

func (m *quantileMerge) merge(v Value) {
	for i := range v.Arr {
		if f, ok := v.Arr[i].ToNumber(); ok {
			m.vals = append(m.vals, f)
		}
	}
}
func (m *quantileMerge) result() Value { return quantile(m.vals, m.q) }

type firstMerge struct{ f firstR }

func (m *firstMerge) merge(v Value) {
	if v.Kind != Array || len(v.Arr) < 2 {
		return
	}
	m.f.offer(v.Arr[0], v.Arr[1])
}
func (m *firstMerge) result() Value { return m.f.val }

// KNNKeyField names the document's key in the rows a shard sends for a
// KNN aggregate (PlanShardsKNN): the proxy keeps each document once by
// it, then removes it.
const KNNKeyField = "__shard_row_key"

// PlanShardsKNN splits a pipeline whose query has a KNN clause of k: the
// k nearest are over every shard, so each shard only finds its k nearest
// and loads every property the pipeline reads from the documents, and
// the document's key as KNNKeyField; the proxy keeps the k nearest by
// scoreField, each document once, and runs the whole pipeline.
func PlanShardsKNN(a *Aggregate, k int64, scoreField string) *ShardPlan {
	p := &ShardPlan{KNN: k, ScoreField: scoreField, Rest: a.Steps}
	made := map[string]bool{scoreField: true}
	load := Step{Kind: StepLoad, Load: []LoadField{}}
	want := func(name string) {
		if !made[name] {
			made[name] = true
			load.Load = append(load.Load, LoadField{Path: name, Name: name})
		}
	}
	for _, s := range a.Steps {
		switch s.Kind {
		case StepLoad:
			p.Shard = append(p.Shard, s)
			for _, f := range s.Load {
				made[f.Name] = true
			}
		case StepApply, StepFilter:
			for _, n := range s.Parsed.Props() {
				want(n)
			}
			if s.Kind == StepApply {
				made[s.As] = true
			}
		case StepArrange:
			for _, key := range s.Sort {
				want(key.Field)
			}
		case StepGroup:
			for _, f := range s.Group.Fields {
				want(f)
			}
			for _, r := range s.Group.Reducers {
				for _, n := range reducerReads(&r) {
					want(n)
				}
			}
		}
		if s.Kind == StepGroup {
			break
		}
	}
	load.Load = append(load.Load, LoadField{Path: "__key", Name: KNNKeyField})
	p.Shard = append(p.Shard, load)
	return p
}

// NearestRows keeps the k rows with the smallest scoreField values, one
// per document: while a shard splits or merges, two nodes may both send
// a document they hold, and the nearer copy is kept (the first of equal
// ones). It removes KNNKeyField from the rows and returns how many
// copies it dropped.
func (p *ShardPlan) NearestRows(rows []Row) ([]Row, int64) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, _ := rows[i].Get(p.ScoreField)
		b, _ := rows[j].Get(p.ScoreField)
		return Compare(a, b) < 0
	})
	seen := make(map[string]struct{}, len(rows))
	kept := rows[:0]
	for _, r := range rows {
		if key, ok := r.take(KNNKeyField); ok {
			k := key.String()
			if _, dup := seen[k]; dup {
				continue
			}
			seen[k] = struct{}{}
		}
		kept = append(kept, r)
	}
	dups := int64(len(rows) - len(kept))
	return kept[:min(int64(len(kept)), p.KNN)], dups
}

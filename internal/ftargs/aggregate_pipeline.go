package ftargs

import (
	"errors"
	"fmt"
	"slices"
	"sort"
)

// The pipeline's steps over rows, shared by the data node (over its
// documents) and the proxy (over the shards' merged rows).

// CheckSteps checks that every step reads only properties that exist at
// that point. known are the names every row starts with (the KNN score
// field); loadable says whether a name the first steps read can be loaded
// from the documents (nil: none can): APPLY and FILTER before any APPLY
// or GROUPBY, and GROUPBY, its reducers and SORTBY before any GROUPBY (as
// in RediSearch 2.8, where only GROUPBY starts a new lookup). It returns
// the names to load implicitly, in order.
func CheckSteps(steps []Step, known []string, loadable func(string) bool) ([]string, error) {
	have := map[string]bool{}
	for _, k := range known {
		have[k] = true
	}
	first, grouped, loadAll := true, false, false
	var implicit []string
	// need checks name for a step; early says whether the step is one
	// that may still load it (see above).
	need := func(name, msg string, early bool) error {
		if have[name] {
			return nil
		}
		if early && (loadAll || loadable != nil && loadable(name)) {
			have[name] = true
			implicit = append(implicit, name)
			return nil
		}
		return fmt.Errorf(msg, name)
	}
	for i := range steps {
		s := &steps[i]
		switch s.Kind {
		case StepLoad:
			if !first {
				return nil, errors.New("LOAD cannot be applied after projectors or reducers")
			}
			loadAll = loadAll || s.LoadAll
			for _, f := range s.Load {
				have[f.Name] = true
			}
		case StepApply, StepFilter:
			for _, p := range s.Parsed.Props() {
				if err := need(p, "Property `%s` not loaded nor in schema", first); err != nil {
					return nil, err
				}
			}
			if s.Kind == StepApply {
				have[s.As] = true
				first = false
			}
		case StepArrange:
			for _, k := range s.Sort {
				if err := need(k.Field, "Property `%s` not loaded nor in schema", !grouped); err != nil {
					return nil, err
				}
			}
		case StepGroup:
			out := map[string]bool{}
			for _, f := range s.Group.Fields {
				if err := need(f, "No such property `%s`", !grouped); err != nil {
					return nil, err
				}
				if out[f] {
					return nil, fmt.Errorf("Property `%s` specified more than once", f)
				}
				out[f] = true
			}
			for _, r := range s.Group.Reducers {
				for _, f := range reducerReads(&r) {
					if err := need(f, "Property `%s` not present in document or pipeline", !grouped); err != nil {
						return nil, err
					}
				}
				if out[r.As] {
					return nil, fmt.Errorf("Property `%s` specified more than once", r.As)
				}
				out[r.As] = true
			}
			have, first, grouped = out, false, true
		}
	}
	return implicit, nil
}

func reducerReads(r *Reducer) []string {
	var out []string
	if f := r.Field(); f != "" {
		out = append(out, f)
	}
	if by, _ := r.By(); by != "" && (r.Name == "FIRST_VALUE" || r.Name == ReduceFirstPart) {
		out = append(out, by)
	}
	return out
}

// Run carries out the steps over rows (LOAD steps are the caller's: rows
// come loaded). matched is the number of documents the query matched; the
// count returned is what the reply's first element says: the number of
// groups of the last GROUPBY, else matched.
func Run(steps []Step, rows []Row, matched int64) ([]Row, int64, error) {
	total := matched
	for i := range steps {
		s := &steps[i]
		switch s.Kind {
		case StepApply:
			for j := range rows {
				v, err := s.Parsed.Eval(&rows[j])
				if err != nil {
					return nil, 0, err
				}
				rows[j].Set(s.As, v)
			}
		case StepFilter:
			kept := rows[:0]
			for j := range rows {
				v, err := s.Parsed.Eval(&rows[j])
				if err != nil {
					return nil, 0, err
				}
				if v.Truthy() {
					kept = append(kept, rows[j])
				}
			}
			rows = kept
		case StepGroup:
			rows = GroupRows(s.Group, rows)
			total = int64(len(rows))
		case StepArrange:
			rows = Arrange(s, rows)
		}
	}
	return rows, total, nil
}

// GroupRows groups rows by the group's properties and reduces each group;
// groups come in the order their first row came.
func GroupRows(g *Group, rows []Row) []Row {
	return groupRows(g, rows, newReducer)
}

// groupRows groups rows by g's properties, in the order each group's
// first row came, and folds each group's rows into the reducers that
// newR makes for g.Reducers: a row of the group's properties and the
// reducers' results per group.
func groupRows(g *Group, rows []Row, newR func(*Reducer) reducer) []Row {
	gr := newGrouper(g, newR)
	for j := range rows {
		gr.Add(&rows[j])
	}
	return gr.Rows()
}

// Arrange sorts rows by the step's keys (rows without a key's value
// last), keeps the first Limit, then applies LIMIT's offset.
func Arrange(s *Step, rows []Row) []Row {
	if len(s.Sort) > 0 {
		sort.SliceStable(rows, func(i, j int) bool { return rowLess(s.Sort, &rows[i], &rows[j]) })
		rows = rows[:min(int64(len(rows)), s.Limit())]
	}
	if s.HasLimit {
		if s.Num == 0 {
			return rows[:0]
		}
		lo := min(s.Offset, int64(len(rows)))
		hi := min(s.Offset+s.Num, int64(len(rows)))
		rows = rows[lo:hi]
	}
	return rows
}

func rowLess(keys []SortKey, a, b *Row) bool {
	for _, k := range keys {
		va, oka := a.Get(k.Field)
		vb, okb := b.Get(k.Field)
		oka, okb = oka && va.Kind != Null, okb && vb.Kind != Null
		if oka != okb {
			return oka
		}
		if !oka {
			continue
		}
		if c := Compare(va, vb); c != 0 {
			return (c < 0) != k.Desc
		}
	}
	return false
}

// SortFields returns the names of the arrange steps' sort keys.
func SortFields(s *Step) []string {
	out := make([]string, len(s.Sort))
	for i, k := range s.Sort {
		out[i] = k.Field
	}
	return slices.Clip(out)
}

// Processor names the step as RediSearch's result processor for it
// (FT.PROFILE's "Type").
func (s *Step) Processor() string {
	switch s.Kind {
	case StepLoad:
		return "Loader"
	case StepGroup:
		return "Grouper"
	case StepApply:
		return "Projector"
	case StepFilter:
		return "Filter"
	}
	if len(s.Sort) > 0 {
		return "Sorter"
	}
	return "Pager/Limiter"
}

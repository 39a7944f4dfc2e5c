package ftargs

import (
	"slices"
	"strconv"
)

// A Grouper groups rows one at a time, as GroupRows does with them all:
// the node feeds it the documents' rows as it reads them, without
// keeping them.
type Grouper struct {
	g     *Group
	newR  func(*Reducer) reducer
	byKey map[string]*group
	order []*group
	// key, one and vals are the current row's group key, one value's
	// key and its values (reused).
	key, one []byte
	vals     []Value
}

// group is one group: its properties' values and its reducers.
type group struct {
	vals []Value
	reds []reducer
}

// NewGrouper returns a Grouper for g.
func NewGrouper(g *Group) *Grouper { return newGrouper(g, newReducer) }

func newGrouper(g *Group, newR func(*Reducer) reducer) *Grouper {
	return &Grouper{g: g, newR: newR, byKey: map[string]*group{}, vals: make([]Value, len(g.Fields))}
}

// Add folds row into its group (a new one, after the others, if none has
// its values yet). The grouper keeps none of row's slices.
func (gr *Grouper) Add(row *Row) {
	k := gr.key[:0]
	for i, f := range gr.g.Fields {
		gr.vals[i], _ = row.Get(f)
		// Each value's key after its length and a colon.
		gr.one = gr.vals[i].appendKey(gr.one[:0])
		k = append(strconv.AppendInt(k, int64(len(gr.one)), 10), ':')
		k = append(k, gr.one...)
	}
	gr.key = k
	grp := gr.byKey[string(k)]
	if grp == nil {
		grp = &group{vals: slices.Clone(gr.vals)}
		for i := range gr.g.Reducers {
			grp.reds = append(grp.reds, gr.newR(&gr.g.Reducers[i]))
		}
		gr.byKey[string(k)] = grp
		gr.order = append(gr.order, grp)
	}
	for _, red := range grp.reds {
		red.add(row)
	}
}

// Rows returns a row per group, in the order the groups came: the
// group's properties, then the reducers' results.
func (gr *Grouper) Rows() []Row {
	out := make([]Row, len(gr.order))
	for i, grp := range gr.order {
		row := Row{}
		for j, f := range gr.g.Fields {
			row.Set(f, grp.vals[j])
		}
		for j, red := range grp.reds {
			row.Set(gr.g.Reducers[j].As, red.result())
		}
		out[i] = row
	}
	return out
}

// StreamSteps returns how many of the first steps a Stream carries out:
// the APPLYs, FILTERs (and LOADs, which are the caller's) up to the
// first GROUPBY, and that GROUPBY; 0 when a SORTBY or LIMIT comes before
// any GROUPBY, or none does: the rows are then kept for Run.
func StreamSteps(steps []Step) int {
	for i := range steps {
		switch steps[i].Kind {
		case StepGroup:
			return i + 1
		case StepArrange:
			return 0
		}
	}
	return 0
}

// A Stream carries rows one at a time through the first StreamSteps
// steps, as Run would carry them all: APPLY and FILTER row by row, then
// the GROUPBY.
type Stream struct {
	steps []Step
	group *Grouper
}

// NewStream returns a Stream over steps[:StreamSteps(steps)], which must
// not be empty.
func NewStream(steps []Step) *Stream {
	n := StreamSteps(steps)
	return &Stream{steps: steps[:n-1], group: NewGrouper(steps[n-1].Group)}
}

// Add carries row through the steps (APPLY sets its values in row) into
// its group. An error is one Run would also meet, but maybe not first:
// Run takes each step over every row before the next step, so a caller
// that reports errors runs the rows through Run to find Run's.
func (s *Stream) Add(row *Row) error {
	for i := range s.steps {
		st := &s.steps[i]
		switch st.Kind {
		case StepApply:
			v, err := st.Parsed.Eval(row)
			if err != nil {
				return err
			}
			row.Set(st.As, v)
		case StepFilter:
			v, err := st.Parsed.Eval(row)
			if err != nil {
				return err
			}
			if !v.Truthy() {
				return nil
			}
		}
	}
	s.group.Add(row)
	return nil
}

// Rows returns the groups' rows, as Run's GROUPBY makes them.
func (s *Stream) Rows() []Row { return s.group.Rows() }

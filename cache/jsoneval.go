package cache

import (
	"errors"
	"slices"
	"strings"
)

// jsonMatch is one value a path selects and where it is: the positions
// (array index, or object member position) from the root down to it.
type jsonMatch struct {
	v   *jsonVal
	pos []int
}

// maxPathVisits bounds the values one path evaluation may visit: paths
// such as "$..*..*..*" grow with the document's size to a power, and a
// client must not hold a stripe lock for minutes.
const maxPathVisits = 1 << 24

// ErrJSONPathTooBig is the error of a path that visits too many values.
var ErrJSONPathTooBig = errors.New("path visits too many values")

// pathEval is one evaluation of a path.
type pathEval struct {
	root   *jsonVal
	out    []jsonMatch
	track  bool // record positions (updates need them)
	visits int
}

// selectJSON returns the values p selects in root and where they are, in
// RedisJSON's order.
func (p *JSONPath) selectJSON(root *jsonVal) ([]jsonMatch, error) {
	ev := &pathEval{root: root, track: true}
	ev.steps(p.steps, root, nil)
	if ev.visits > maxPathVisits {
		return nil, ErrJSONPathTooBig
	}
	return ev.out, nil
}

// values returns just the selected values.
func (p *JSONPath) values(root *jsonVal) ([]*jsonVal, error) {
	ev := &pathEval{root: root}
	ev.steps(p.steps, root, nil)
	if ev.visits > maxPathVisits {
		return nil, ErrJSONPathTooBig
	}
	return matchVals(ev.out), nil
}

// steps applies steps to v (at pos) and appends what they select.
func (ev *pathEval) steps(steps []pathStep, v *jsonVal, pos []int) {
	ev.visits++
	if ev.visits > maxPathVisits {
		return
	}
	if len(steps) == 0 {
		ev.out = append(ev.out, jsonMatch{v: v, pos: pos})
		return
	}
	st, rest := &steps[0], steps[1:]
	child := func(i int) []int {
		if !ev.track {
			return nil
		}
		p := make([]int, len(pos)+1)
		copy(p, pos)
		p[len(pos)] = i
		return p
	}
	switch st.kind {
	case stepScan:
		ev.steps(rest, v, pos)
		ev.scan(rest, v, pos)
	case stepKeys:
		if v.k != jObject {
			return
		}
		for _, name := range st.names {
			if i := v.member(name); i >= 0 {
				ev.steps(rest, v.arr[i], child(i))
			}
		}
	case stepAll:
		if v.k != jObject && v.k != jArray {
			return
		}
		for i, e := range v.arr {
			ev.steps(rest, e, child(i))
		}
	case stepIndexes:
		if v.k != jArray {
			return
		}
		n := int64(len(v.arr))
		for _, ix := range st.indexes {
			i := absIndex(ix, n)
			if i < n {
				ev.steps(rest, v.arr[i], child(int(i)))
			}
		}
	case stepRange:
		if v.k != jArray {
			return
		}
		n := int64(len(v.arr))
		start, end := int64(0), n
		if st.hasStart {
			start = absIndex(st.start, n)
		}
		if st.hasEnd {
			end = absIndex(st.end, n)
		}
		for i := start; i < end; {
			ev.steps(rest, v.arr[i], child(int(i)))
			if st.step >= end-i {
				break
			}
			i += st.step
		}
	case stepFilter:
		if v.k != jObject && v.k != jArray {
			return
		}
		for i, e := range v.arr {
			if st.filter.eval(ev, e) {
				ev.steps(rest, e, child(i))
			}
		}
	}
}

// scan is ".." below v: the remaining steps on every descendant, in
// pre-order.
func (ev *pathEval) scan(steps []pathStep, v *jsonVal, pos []int) {
	if v.k != jObject && v.k != jArray {
		return
	}
	for i, e := range v.arr {
		if ev.visits > maxPathVisits {
			return
		}
		var p []int
		if ev.track {
			p = append(slices.Clip(pos), i)
		}
		ev.steps(steps, e, p)
		ev.scan(steps, e, p)
	}
}

// absIndex is RedisJSON's index rule: negative counts from the end (and
// stops at 0), positive stops at n.
func absIndex(i, n int64) int64 {
	if i >= 0 {
		return min(i, n)
	}
	return max(i+n, 0)
}

// eval reports whether the filter holds for v.
func (f *filterExpr) eval(ev *pathEval, v *jsonVal) bool {
	for _, and := range f.ors {
		ok := true
		for i := range and {
			if !and[i].eval(ev, v) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (c *filterCond) eval(ev *pathEval, v *jsonVal) bool {
	if c.sub != nil {
		return c.sub.eval(ev, v)
	}
	left := c.left.values(ev, v)
	if c.op == "" {
		return len(left) > 0
	}
	right := c.right.values(ev, v)
	if c.op == "!=" {
		return !anyPair(left, right, func(a, b *jsonVal) bool { return filterEq(a, b) })
	}
	return anyPair(left, right, func(a, b *jsonVal) bool {
		switch c.op {
		case "==":
			return filterEq(a, b)
		case "=~":
			if a.k != jString {
				return false
			}
			if c.re != nil {
				return c.re.MatchString(a.s)
			}
			if b.k != jString {
				return false
			}
			return matchRegexp(b.s, a.s)
		}
		cmp, ok := filterCmp(a, b)
		if !ok {
			return false
		}
		switch c.op {
		case "<":
			return cmp < 0
		case "<=":
			return cmp <= 0
		case ">":
			return cmp > 0
		}
		return cmp >= 0
	})
}

func anyPair(a, b []*jsonVal, fn func(x, y *jsonVal) bool) bool {
	for _, x := range a {
		for _, y := range b {
			if fn(x, y) {
				return true
			}
		}
	}
	return false
}

// values returns what a filter term stands for at v (its visits count
// against ev's budget).
func (t *filterTerm) values(ev *pathEval, v *jsonVal) []*jsonVal {
	if t.kind == termValue {
		return []*jsonVal{t.val}
	}
	from := v
	if t.kind == termRoot {
		from = ev.root
	}
	sub := &pathEval{root: ev.root, visits: ev.visits}
	sub.steps(t.steps, from, nil)
	ev.visits = sub.visits
	return matchVals(sub.out)
}

func matchVals(ms []jsonMatch) []*jsonVal {
	vs := make([]*jsonVal, len(ms))
	for i, m := range ms {
		vs[i] = m.v
	}
	return vs
}

// filterCmp orders two scalars of comparable types.
func filterCmp(a, b *jsonVal) (int, bool) {
	switch {
	case a.isNum() && b.isNum():
		if a.k == jInt && b.k == jInt {
			return cmpOrd(a.i, b.i), true
		}
		x, y := a.num(), b.num()
		switch {
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		}
		return 0, true
	case a.k == jString && b.k == jString:
		return strings.Compare(a.s, b.s), true
	case isBool(a) && isBool(b):
		return cmpOrd(boolInt(a), boolInt(b)), true
	case a.k == jNull && b.k == jNull:
		return 0, true
	}
	return 0, false
}

func filterEq(a, b *jsonVal) bool {
	if c, ok := filterCmp(a, b); ok {
		return c == 0
	}
	if (a.k == jArray || a.k == jObject) && a.k == b.k {
		return a.equal(b)
	}
	return false
}

func cmpOrd[T int64 | int](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func isBool(v *jsonVal) bool { return v.k == jTrue || v.k == jFalse }

func boolInt(v *jsonVal) int64 {
	if v.k == jTrue {
		return 1
	}
	return 0
}

// at returns the value at pos below root (nil if the tree changed so that
// it is gone).
func jsonAt(root *jsonVal, pos []int) *jsonVal {
	v := root
	for _, i := range pos {
		if (v.k != jArray && v.k != jObject) || i >= len(v.arr) {
			return nil
		}
		v = v.arr[i]
	}
	return v
}

// forUpdate orders matches for changing the tree: an ancestor's match
// drops its descendants' (they go with it), and later positions come first
// so removing one does not move the others.
func forUpdate(ms []jsonMatch) []jsonMatch {
	slices.SortFunc(ms, func(a, b jsonMatch) int { return slices.Compare(a.pos, b.pos) })
	out := ms[:0]
	for _, m := range ms {
		if len(out) > 0 {
			last := out[len(out)-1].pos
			if len(last) <= len(m.pos) && slices.Equal(last, m.pos[:len(last)]) {
				continue // same value, or inside the previous one
			}
		}
		out = append(out, m)
	}
	slices.Reverse(out)
	return out
}

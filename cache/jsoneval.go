package cache

import (
	"slices"
	"strings"
)

// jsonMatch is one value a path selects and where it is: the positions
// (array index, or object member position) from the root down to it.
type jsonMatch struct {
	v   *jsonVal
	pos []int
}

// selectJSON returns the values p selects in root, in RedisJSON's order.
func (p *JSONPath) selectJSON(root *jsonVal) []jsonMatch {
	var out []jsonMatch
	evalSteps(p.steps, root, root, nil, &out, true)
	return out
}

// values returns just the selected values.
func (p *JSONPath) values(root *jsonVal) []*jsonVal {
	var out []jsonMatch
	evalSteps(p.steps, root, root, nil, &out, false)
	vs := make([]*jsonVal, len(out))
	for i, m := range out {
		vs[i] = m.v
	}
	return vs
}

// evalSteps applies steps to v (at pos) and appends what they select.
// track records positions (needed by updates only).
func evalSteps(steps []pathStep, root, v *jsonVal, pos []int, out *[]jsonMatch, track bool) {
	if len(steps) == 0 {
		*out = append(*out, jsonMatch{v: v, pos: pos})
		return
	}
	st, rest := &steps[0], steps[1:]
	child := func(i int) []int {
		if !track {
			return nil
		}
		p := make([]int, len(pos)+1)
		copy(p, pos)
		p[len(pos)] = i
		return p
	}
	switch st.kind {
	case stepScan:
		evalSteps(rest, root, v, pos, out, track)
		scanJSON(rest, root, v, pos, out, track)
	case stepKeys:
		if v.k != jObject {
			return
		}
		for _, name := range st.names {
			if i := v.member(name); i >= 0 {
				evalSteps(rest, root, v.arr[i], child(i), out, track)
			}
		}
	case stepAll:
		if v.k != jObject && v.k != jArray {
			return
		}
		for i, e := range v.arr {
			evalSteps(rest, root, e, child(i), out, track)
		}
	case stepIndexes:
		if v.k != jArray {
			return
		}
		n := int64(len(v.arr))
		for _, ix := range st.indexes {
			i := absIndex(ix, n)
			if i < n {
				evalSteps(rest, root, v.arr[i], child(int(i)), out, track)
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
		for i := start; i < end; i += st.step {
			evalSteps(rest, root, v.arr[i], child(int(i)), out, track)
		}
	case stepFilter:
		if v.k != jObject && v.k != jArray {
			return
		}
		for i, e := range v.arr {
			if st.filter.eval(root, e) {
				evalSteps(rest, root, e, child(i), out, track)
			}
		}
	}
}

// scanJSON is ".." below v: the remaining steps on every descendant, in
// pre-order.
func scanJSON(steps []pathStep, root, v *jsonVal, pos []int, out *[]jsonMatch, track bool) {
	if v.k != jObject && v.k != jArray {
		return
	}
	for i, e := range v.arr {
		var p []int
		if track {
			p = append(slices.Clip(pos), i)
		}
		evalSteps(steps, root, e, p, out, track)
		scanJSON(steps, root, e, p, out, track)
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
func (f *filterExpr) eval(root, v *jsonVal) bool {
	for _, and := range f.ors {
		ok := true
		for i := range and {
			if !and[i].eval(root, v) {
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

func (c *filterCond) eval(root, v *jsonVal) bool {
	if c.sub != nil {
		return c.sub.eval(root, v)
	}
	left := c.left.values(root, v)
	if c.op == "" {
		return len(left) > 0
	}
	right := c.right.values(root, v)
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

// values returns what a filter term stands for at v.
func (t *filterTerm) values(root, v *jsonVal) []*jsonVal {
	switch t.kind {
	case termValue:
		return []*jsonVal{t.val}
	case termCur:
		var out []jsonMatch
		evalSteps(t.steps, root, v, nil, &out, false)
		return matchVals(out)
	}
	var out []jsonMatch
	evalSteps(t.steps, root, root, nil, &out, false)
	return matchVals(out)
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

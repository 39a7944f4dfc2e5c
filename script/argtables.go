package script

import (
	lua "github.com/yuin/gopher-lua"
)

// argTable is a script's KEYS or ARGV, kept from run to run: making two
// tables and storing them among the globals was a tenth of an EVALSHA's
// CPU. A run sees a table as fresh as a new one: the last run's table is
// refilled only when that run left it as it was filled (the same array
// elements, no other key, no metatable); a script that changed it gets a
// new table. Nothing else can hold the table from one run to the next:
// the globals are read-only and KEYS and ARGV are the only writable
// tables a run of EVAL leaves behind.
type argTable struct {
	name string
	t    *lua.LTable
	n    int // the number of elements the last fill set
	// idx and buf list the values a fill changes (see changed).
	idx []int
	buf [][]byte
}

// changed returns the values of vals that t does not hold already, and
// notes their indexes in a.idx.
func (a *argTable) changed(t *lua.LTable, vals [][]byte) [][]byte {
	a.idx, a.buf = a.idx[:0], a.buf[:0]
	for i, v := range vals {
		if i < a.n {
			if s, ok := t.RawGetInt(i + 1).(lua.LString); ok && string(s) == string(v) {
				continue
			}
		}
		a.idx = append(a.idx, i)
		a.buf = append(a.buf, v)
	}
	return a.buf
}

// fill makes the table hold vals (their bytes copied into one string)
// and returns it: the last one, or a new one when the last run changed
// it.
func (a *argTable) fill(L *lua.LState, vals [][]byte) *lua.LTable {
	if a.t == nil || !a.untouched() {
		a.t = L.CreateTable(len(vals), 0)
		a.n = 0
	}
	t := a.t
	// An element that holds the same bytes already stays (the arguments
	// that do not change from call to call, a TTL or a limit, cost no new
	// string); the others are made from one string.
	fresh := vals
	var idx []int // where fresh's values go (nil: at their own index)
	if a.n > 0 {
		same := 0
		for i, v := range vals[:min(len(vals), a.n)] {
			if s, ok := t.RawGetInt(i + 1).(lua.LString); ok && string(s) == string(v) {
				same++
			}
		}
		if same == len(vals) {
			fresh = nil
		} else if same > 0 {
			fresh, idx = a.changed(t, vals), a.idx
		}
	}
	if fresh != nil {
		setStrings(fresh, func(i int, s lua.LValue) {
			j := i
			if idx != nil {
				j = idx[i]
			}
			t.RawSetInt(j+1, s)
		})
		clear(a.buf) // (they point into the request)
	}
	for i := len(vals); i < a.n; i++ {
		t.RawSetInt(i+1, lua.LNil)
	}
	a.n = len(vals)
	return t
}

// fillGlobal is fill for a table among the globals (g, their backing
// table), under the argTable's name.
func (a *argTable) fillGlobal(L *lua.LState, g *lua.LTable, vals [][]byte) {
	if last := a.t; a.fill(L, vals) != last {
		g.RawSetString(a.name, a.t)
	}
}

// untouched reports whether the table holds exactly what the last fill
// put there.
func (a *argTable) untouched() bool {
	t := a.t
	if t.Metatable != lua.LNil || t.MaxN() != a.n {
		return false
	}
	for i := 1; i <= a.n; i++ {
		if t.RawGetInt(i) == lua.LNil {
			return false
		}
	}
	// Past the array's last element, Next finds any key of another kind.
	var last lua.LValue = lua.LNil
	if a.n > 0 {
		last = lua.LNumber(a.n)
	}
	k, _ := t.Next(last)
	return k == lua.LNil
}

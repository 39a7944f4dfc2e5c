package command

import (
	"slices"
	"strings"
	"testing"
)

// TestSortKeyPositions checks SORT's keys as Redis's sortGetKeys finds
// them: the sorted key, then the last STORE's destination, skipping the
// arguments of LIMIT, GET and BY (a GET pattern spelled "store" is no
// option).
func TestSortKeyPositions(t *testing.T) {
	s := NewTable(Specs()).Lookup([]byte("sort"))
	for _, c := range []struct {
		line string
		want []int
	}{
		{"SORT k", []int{1}},
		{"SORT k STORE d", []int{1, 3}},
		{"SORT k GET store STORE d", []int{1, 5}},
		{"SORT k LIMIT 0 store BY x STORE a STORE b", []int{1, 10}},
		{"SORT k STORE", []int{1}},
	} {
		var args [][]byte
		for _, w := range strings.Fields(c.line) {
			args = append(args, []byte(w))
		}
		if got := s.KeyPositions(args, nil); !slices.Equal(got, c.want) {
			t.Errorf("%s: keys at %v, want %v", c.line, got, c.want)
		}
	}
	// Both are movablekeys in Redis 7.0's COMMAND INFO; SORT_RO's only
	// key is the sorted one.
	ro := NewTable(Specs()).Lookup([]byte("sort_ro"))
	if !s.Movable() || !ro.Movable() {
		t.Error("SORT and SORT_RO must have movable keys")
	}
	if got := ro.KeyPositions([][]byte{[]byte("SORT_RO"), []byte("k"), []byte("BY"), []byte("w"), []byte("GET"), []byte("g")}, nil); !slices.Equal(got, []int{1}) {
		t.Errorf("SORT_RO k BY w GET g: keys at %v, want [1]", got)
	}
}

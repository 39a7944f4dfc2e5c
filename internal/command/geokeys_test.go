package command

import (
	"slices"
	"strings"
	"testing"
)

// TestGeoKeyPositions checks GEORADIUS's and GEORADIUSBYMEMBER's keys as
// Redis's georadiusGetKeys finds them: the source, then the last STORE or
// STOREDIST destination; GEOSEARCHSTORE names its destination and source.
func TestGeoKeyPositions(t *testing.T) {
	tab := NewTable(Specs())
	for _, c := range []struct {
		line string
		want []int
	}{
		{"GEORADIUS k 0 0 1 km", []int{1}},
		{"GEORADIUS k 0 0 1 km STORE d", []int{1, 7}},
		{"GEORADIUS k 0 0 1 km STORE d STOREDIST e", []int{1, 9}},
		{"GEORADIUS k 0 0 1 km STORE", []int{1}},
		{"GEORADIUSBYMEMBER k m 1 km storedist d", []int{1, 6}},
		{"GEORADIUS_RO k 0 0 1 km STORE d", []int{1}},
		{"GEOSEARCHSTORE d k FROMLONLAT 0 0 BYRADIUS 1 km", []int{1, 2}},
	} {
		var args [][]byte
		for _, w := range strings.Fields(c.line) {
			args = append(args, []byte(w))
		}
		s := tab.Lookup(args[0])
		if got := s.KeyPositions(args, nil); !slices.Equal(got, c.want) {
			t.Errorf("%s: keys at %v, want %v", c.line, got, c.want)
		}
	}
}

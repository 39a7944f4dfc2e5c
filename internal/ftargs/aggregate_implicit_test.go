package ftargs

import (
	"reflect"
	"strings"
	"testing"
)

// TestCheckStepsImplicitLoad: a schema field a GROUPBY, its reducers or a
// SORTBY read is loaded implicitly until the first GROUPBY, APPLY before
// it or not; APPLY and FILTER load only before any APPLY. As in
// RediSearch 2.8's src/aggregate/aggregate_request.c: only GROUPBY starts
// a lookup (AGPLN_GetLookup), buildGroupRP and the reducers
// (reducer.c) load a schema field when theirs is the first lookup, and
// the arrange step loads its sort keys into the lookup before it.
func TestCheckStepsImplicitLoad(t *testing.T) {
	schema := func(name string) bool { return name == "source" || name == "year" }
	for _, tc := range []struct {
		args string
		want []string
		err  string
	}{
		{"* APPLY 1 AS one GROUPBY 1 @one REDUCE COUNT_DISTINCT 1 @source AS n", []string{"source"}, ""},
		{"* APPLY 1 AS one GROUPBY 1 @source", []string{"source"}, ""},
		{"* APPLY 1 AS one SORTBY 1 @year", []string{"year"}, ""},
		{"* GROUPBY 1 @source REDUCE COUNT 0 AS n GROUPBY 1 @n REDUCE MAX 1 @year AS y", nil, "Property `year` not present in document or pipeline"},
		{"* GROUPBY 1 @source SORTBY 1 @year", nil, "Property `year` not loaded nor in schema"},
	} {
		var args [][]byte
		for _, a := range strings.Fields(tc.args) {
			args = append(args, []byte(a))
		}
		a, err := ParseAggregate(args)
		if err != nil {
			t.Fatalf("%s: %v", tc.args, err)
		}
		got, err := CheckSteps(a.Steps, nil, schema)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%s: %v, want error %q", tc.args, err, tc.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: %v %v, want %v", tc.args, got, err, tc.want)
		}
	}
}

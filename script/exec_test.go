package script

import (
	"context"
	"testing"
)

// TestExecRunsStartAfresh: a run that changes its own environment
// (setfenv) does not change the next run of the same script.
func TestExecRunsStartAfresh(t *testing.T) {
	e := NewWith(Config{DeprecatedAPI: true})
	defer e.Close()
	s, err := e.Load("if ARGV[1] == 'swap' then setfenv(1, {KEYS = {'other'}}) end return KEYS[1]")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ arg, want string }{{"swap", "other"}, {"", "k"}, {"swap", "other"}, {"", "k"}} {
		r := e.Exec(context.Background(), s, &Run{Keys: [][]byte{[]byte("k")}, Args: [][]byte{[]byte(tc.arg)}, Caller: valueCaller{}})
		if r.Kind != Bulk || r.Str != tc.want {
			t.Fatalf("run with %q: %+v, want %q", tc.arg, r, tc.want)
		}
	}
}

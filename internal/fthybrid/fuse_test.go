package fthybrid

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

var testStart = time.Now()

func parse(t *testing.T, line string) *Request {
	t.Helper()
	var args [][]byte
	for _, w := range strings.Fields(line) {
		args = append(args, []byte(w))
	}
	r, err := Parse(args)
	if err != nil {
		t.Fatalf("Parse(%q): %v", line, err)
	}
	return r
}

// TestFuseRRFAndLinear: the fused order and scores of a small case worked
// by hand.
func TestFuseRRFAndLinear(t *testing.T) {
	text := []Hit{{Key: "a", Score: 3}, {Key: "b", Score: 2}, {Key: "c", Score: 1}}
	vec := []Hit{{Key: "c", Score: 0}, {Key: "d", Score: 1}, {Key: "a", Score: 3}}
	r := parse(t, "i SEARCH x VSIM @v $p COMBINE RRF 2 CONSTANT 1 PARAMS 2 p q")
	// a: 1/2 + 1/4, c: 1/4 + 1/2, b: 1/3, d: 1/3 (ties by key).
	got := fmt.Sprint(r.Fuse(text, vec, L2))
	want := "[{a 0.75 3 3 true true []} {c 0.75 1 0 true true []} {b 0.3333333333333333 2 0 true false []} {d 0.3333333333333333 0 1 false true []}]"
	if got != want {
		t.Errorf("RRF:\n got %s\nwant %s", got, want)
	}
	r = parse(t, "i SEARCH x VSIM @v $p COMBINE LINEAR 6 ALPHA 0.5 BETA 2 WINDOW 2 PARAMS 2 p q")
	// Window 2: a (text 3), b (text 2); c (text out of window, L2 sim 1), d (sim 1/2).
	var keys []string
	for _, x := range r.Fuse(text, vec, L2) {
		keys = append(keys, fmt.Sprintf("%s=%g", x.Key, x.Score))
	}
	if got := strings.Join(keys, " "); got != "c=2 a=1.5 b=1 d=1" {
		t.Errorf("LINEAR: %s", got)
	}
}

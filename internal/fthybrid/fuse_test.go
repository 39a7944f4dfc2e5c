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
	var got []string
	for _, x := range r.Fuse(text, vec, L2) {
		got = append(got, fmt.Sprintf("%s=%.4f/%d/%d", x.Key, x.Score, x.TextRank, x.VecRank))
	}
	if want := "a=0.7500/1/3 c=0.7500/3/1 b=0.3333/2/0 d=0.3333/0/2"; strings.Join(got, " ") != want {
		t.Errorf("RRF:\n got %s\nwant %s", strings.Join(got, " "), want)
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

// TestVectorScore: RediSearch 8.4's normalizations of a distance.
func TestVectorScore(t *testing.T) {
	for _, c := range []struct {
		m    Metric
		d    float64
		want float64
	}{{L2, 1, 0.5}, {L2, 0, 1}, {Cosine, 0, 1}, {Cosine, 1, 0.5}, {Cosine, 2, 0}, {IP, 0.2, 0.6}, {IP, 1, 1}} {
		if got := VectorScore(c.m, c.d); got != c.want {
			t.Errorf("VectorScore(%d, %g) = %g, want %g", c.m, c.d, got, c.want)
		}
	}
}

// TestParseDefaultsAndErrors: LINEAR's default weights and the texts of
// bad input, as RediSearch 8.4 words them.
func TestParseDefaultsAndErrors(t *testing.T) {
	r := parse(t, "i SEARCH x VSIM @v $p COMBINE LINEAR 2 WINDOW 5 PARAMS 2 p q")
	if r.Alpha != 0.3 || r.Beta != 0.7 || r.Window != 5 {
		t.Errorf("LINEAR defaults: alpha %g beta %g window %d", r.Alpha, r.Beta, r.Window)
	}
	r = parse(t, "i 2 SEARCH x SCORER 3 bm25std 1.5 0.6 VSIM @v $p FILTER 5 @t:{a} POLICY batches BATCH_SIZE 7 PARAMS 2 p q")
	if r.Scorer != "BM25STD" || strings.Join(r.ScorerArgs, " ") != "1.5 0.6" || r.Filter != "@t:{a}" || r.Policy != "BATCHES" || r.BatchSize != 7 {
		t.Errorf("parsed %+v", r)
	}
	for line, want := range map[string]string{
		"i SEARCH x VSIM @v $p KNN 4 K 1 K 2":                                               "Duplicate K argument",
		"i SEARCH x VSIM @v $p RANGE 4 RADIUS 1 radius 2":                                   "Duplicate RADIUS argument",
		"i SEARCH x VSIM @v $p COMBINE RRF 4 WINDOW 1 window 2":                             "Duplicate WINDOW argument",
		"i SEARCH x VSIM @v $p COMBINE RRF 3 WINDOW 1 x":                                    "RRF expects pairs of key value arguments, argument count must be an even number",
		"i SEARCH x VSIM @v $p COMBINE LINEAR 4 ALPHA 1":                                    "Not enough arguments in LINEAR, specified 4 but provided only 2",
		"i SEARCH x VSIM @v $p COMBINE LINEAR 2 ALPHA 1":                                    "Missing value for BETA",
		"i SEARCH x VSIM @v $p RANGE 2 epsilon 1":                                           "Missing required argument RADIUS",
		"i 3 SEARCH x VSIM @v $p":                                                           "FT.HYBRID currently supports only two subqueries",
		"i 2 VSIM @v $p":                                                                    "SEARCH keyword is required",
		"i SEARCH x VSIM @v $p FILTER 3 @t:{a} POLICY NONE":                                 "Bad value for POLICY: NONE (allowed: ADHOC, BATCHES)",
		"i SEARCH x VSIM @v $p FILTER 4 @t:{a} POLICY":                                      "Not enough arguments in FILTER, specified 4 but provided only 2",
		"i SEARCH x SCORER 3 TFIDF 1 2 VSIM @v $p":                                          "SCORER TFIDF takes no parameters",
		"i SEARCH x SCORER 2 BM25 1 VSIM @v $p":                                             "SCORER BM25 takes two parameters, k1 and b",
		"i SEARCH x VSIM @v $p LIMIT 2 0":                                                   "The `offset` of the LIMIT must be 0 when `num` is 0",
		"i SEARCH x VSIM @v $p SORTBY 1 @a NOSORT":                                          "NOSORT is not allowed with SORTBY",
		"i SEARCH x VSIM @v $p GROUPBY 1 @a REDUCE COUNT 0 AS c APPLY @b AS d PARAMS 2 p q": "Property `b` not loaded nor in schema",
		"i SEARCH x VSIM @v $p APPLY whoami PARAMS 2 p q":                                   "Unknown symbol 'whoami'",
		"i SEARCH x VSIM @v $p WITHCURSOR COUNT 0":                                          "Bad arguments for COUNT: Value is outside acceptable bounds",
		"i SEARCH x VSIM @v $p FORMAT JSON":                                                 "Bad value for FORMAT: JSON (allowed: STRING, EXPAND)",
	} {
		var args [][]byte
		for _, w := range strings.Fields(line) {
			args = append(args, []byte(w))
		}
		if _, err := Parse(args); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", line, err, want)
		}
	}
}

package fthybrid

import (
	"bytes"
	"testing"
)

// FuzzParse: any argument list parses or fails with an error, never
// panics, and what parses builds two FT.SEARCH commands and a fusion
// whose reply has the documented form.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"idx SEARCH apple VSIM @emb $v PARAMS 2 v xxxxxxxx",
		"idx SEARCH apple SCORER TFIDF YIELD_SCORE_AS ts VSIM @emb $v KNN 4 K 5 EF_RUNTIME 20 YIELD_SCORE_AS vd FILTER @tag:{red} COMBINE RRF 4 CONSTANT 5 WINDOW 7 YIELD_SCORE_AS fs LIMIT 0 3 PARAMS 2 v b",
		"idx SEARCH * VSIM @emb blob RANGE 4 RADIUS 0.5 EPSILON 0.1 COMBINE LINEAR 6 ALPHA 0.3 BETA 0.7 WINDOW 30 SORTBY 2 @n DESC LOAD 3 @n AS num TIMEOUT 10",
		"idx SEARCH a VSIM @e $v LOAD * NOSORT SORTBY 1 @n DESC DIALECT 2 PARAMS 2 v 1",
		"idx SEARCH a VSIM @e $v KNN 2 K",
		"idx SEARCH a VSIM @e $v COMBINE LINEAR 2 ALPHA",
		"idx VSIM",
		"idx SEARCH",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		args := bytes.Fields(line)
		r, err := Parse(args)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		for _, cmd := range [][][]byte{r.TextSearch(), r.VectorSearch()} {
			if len(cmd) < 2 || string(cmd[0]) != r.Index {
				t.Fatalf("search command %q", cmd)
			}
		}
		if r.Window < 1 || r.Num < 0 || r.Offset < 0 {
			t.Fatalf("window %d, limit %d %d", r.Window, r.Offset, r.Num)
		}
		text := []Hit{{Key: "a", Score: 2}, {Key: "b", Score: 1}}
		vec := []Hit{{Key: "b", Score: 0.1, Fields: []string{distField, "0.1", "n", "3"}}, {Key: "c", Score: 0.5}}
		rows := r.Fuse(text, vec, L2)
		reply := r.Reply(rows, nil, testStart)
		if len(reply) != 8 || reply[1].(int64) != int64(len(rows)) || len(rows) > 3 {
			t.Fatalf("reply %v for %d rows", reply, len(rows))
		}
	})
}

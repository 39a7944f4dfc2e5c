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
		"idx 2 SEARCH a SCORER 3 BM25STD 1.2 0.75 VSIM @e $v FILTER 5 @t:{x} POLICY BATCHES BATCH_SIZE 10 PARAMS 2 v 1",
		"idx SEARCH a VSIM @e $v LOAD 1 @n APPLY @n*2 AS d FILTER @d>1 SORTBY 1 @d LIMIT 0 2 PARAMS 2 v 1",
		"idx SEARCH a VSIM @e $v GROUPBY 1 @n REDUCE COUNT 0 AS c REDUCE SUM 1 @__score AS s SORTBY 2 @c DESC PARAMS 2 v 1",
		"idx SEARCH a VSIM @e $v APPLY 2*@__score AS x FILTER @x>0 EXPLAINSCORE FORMAT STRING PARAMS 2 v 1",
		"idx SEARCH a VSIM @e $v WITHCURSOR COUNT 1 MAXIDLE 100 PARAMS 2 v 1",
		"idx SEARCH a VSIM @e $v COMBINE LINEAR 4 ALPHA 1 BETA 1 EXPLAINSCORE LIMIT 0 0 PARAMS 2 v 1",
		"idx SEARCH a VSIM @e $v GROUPBY 1 @n APPLY @nope AS y PARAMS 2 v 1",
		"idx SEARCH a VSIM @e $v KNN 2 K",
		"idx SEARCH a VSIM @e $v COMBINE LINEAR 2 ALPHA",
		"idx 3 SEARCH a VSIM @e $v",
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
		off, num := r.Limit()
		if r.Window < 1 || num < 0 || off < 0 {
			t.Fatalf("window %d, limit %d %d", r.Window, off, num)
		}
		text := []Hit{{Key: "a", Score: 2, Explain: []any{"x", []any{"y"}}}, {Key: "b", Score: 1}}
		vec := []Hit{{Key: "b", Score: 0.1, Fields: []string{distField, "0.1", "n", "3"}}, {Key: "c", Score: 0.5}}
		if r.WithCursor {
			s, v := r.Cursors(text, vec, L2)
			if len(s) != min(2, r.Window) || len(v) != min(2, r.Window) {
				t.Fatalf("cursor rows %d %d", len(s), len(v))
			}
			return
		}
		rows, total, err := r.Run(r.Fuse(text, vec, IP))
		if err != nil {
			return // a pipeline error (APPLY of a missing field)
		}
		reply := r.Reply(rows, total, nil, testStart)
		if len(reply) != 8 || reply[1].(int64) != total || int64(len(rows)) > max(num, 0) || total > 3 {
			t.Fatalf("reply %v for %d rows", reply, len(rows))
		}
	})
}

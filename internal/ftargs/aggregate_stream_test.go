package ftargs

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestStreamAsRun: rows carried one by one through a Stream make the
// groups Run makes of them all, for pipelines of every reducer, APPLY
// and FILTER before the GROUPBY and steps after it, over rows with
// missing, numeric, text and repeated values; when a row raises an
// error, Run raises one too.
func TestStreamAsRun(t *testing.T) {
	pipelines := []string{
		"GROUPBY 1 @g REDUCE COUNT 0 AS n",
		"GROUPBY 2 @g @h REDUCE SUM 1 @x AS s REDUCE AVG 1 @x AS a REDUCE MIN 1 @x AS lo REDUCE MAX 1 @x AS hi",
		"GROUPBY 0 REDUCE COUNT_DISTINCT 1 @g AS d REDUCE TOLIST 1 @h AS l REDUCE STDDEV 1 @x AS sd",
		"GROUPBY 1 @h REDUCE QUANTILE 2 @x 0.5 AS q REDUCE FIRST_VALUE 4 @g BY @x DESC AS f REDUCE COUNT_DISTINCTISH 1 @x AS c",
		"APPLY \"@x * 2\" AS y GROUPBY 1 @g REDUCE SUM 1 @y AS s",
		"FILTER \"exists(@x)\" APPLY \"@x * 2\" AS y GROUPBY 1 @g REDUCE SUM 1 @y AS s",
		"FILTER \"exists(@x) && @x > 3\" GROUPBY 1 @g REDUCE COUNT 0 AS n SORTBY 2 @n DESC LIMIT 0 2",
		"FILTER \"@g != 'g1'\" FILTER \"@x > 3\" GROUPBY 1 @g REDUCE COUNT 0 AS n",
		"APPLY \"upper(@h)\" AS H FILTER \"@H != 'B'\" GROUPBY 1 @H REDUCE COUNT 0 AS n GROUPBY 1 @n REDUCE COUNT 0 AS m",
		"FILTER \"exists(@x)\" APPLY \"split(@h)\" AS parts GROUPBY 1 @parts REDUCE COUNT 0 AS n",
	}
	ran := map[string]int{}
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 50; round++ {
		rows := make([]Row, r.IntN(60))
		for i := range rows {
			rows[i].Set("g", Str(fmt.Sprint("g", r.IntN(4))))
			if r.IntN(5) > 0 {
				rows[i].Set("h", Str([]string{"a", "b", "a,b", ""}[r.IntN(4)]))
			}
			if r.IntN(6) > 0 {
				rows[i].Set("x", Str(fmt.Sprint(r.IntN(10)-2)))
			}
		}
		for _, p := range pipelines {
			a, err := ParseAggregate(splitQuoted("* " + p))
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			k := StreamSteps(a.Steps)
			if k == 0 {
				t.Fatalf("%s: not streamed", p)
			}
			want, wantN, wantErr := Run(a.Steps, cloneRows(rows), int64(len(rows)))
			st := NewStream(a.Steps)
			var err2 error
			var row Row
			for i := range rows {
				row.Names = append(row.Names[:0], rows[i].Names...)
				row.Vals = append(row.Vals[:0], rows[i].Vals...)
				if err2 = st.Add(&row); err2 != nil {
					break
				}
			}
			if err2 != nil {
				if wantErr == nil {
					t.Fatalf("%s: the stream failed (%v), Run did not", p, err2)
				}
				continue
			}
			ran[p]++
			got := st.Rows()
			got, gotN, err := Run(a.Steps[k:], got, int64(len(got)))
			if (err == nil) != (wantErr == nil) || gotN != wantN || fmt.Sprint(replies(got)) != fmt.Sprint(replies(want)) {
				t.Fatalf("%s over %d rows:\n stream %d %v (%v)\n run    %d %v (%v)", p, len(rows), gotN, replies(got), err, wantN, replies(want), wantErr)
			}
		}
	}
	for _, p := range pipelines {
		if ran[p] < 5 {
			t.Errorf("%s: only %d runs without an error", p, ran[p])
		}
	}
}

func cloneRows(rows []Row) []Row {
	out := make([]Row, len(rows))
	for i, r := range rows {
		out[i] = Row{Names: append([]string(nil), r.Names...), Vals: append([]Value(nil), r.Vals...)}
	}
	return out
}

func replies(rows []Row) []any {
	out := make([]any, len(rows))
	for i := range rows {
		out[i] = rows[i].Reply()
	}
	return out
}

// splitQuoted splits s at blanks outside double quotes (which go).
func splitQuoted(s string) [][]byte {
	var out [][]byte
	for i, part := range strings.Split(s, "\"") {
		if i%2 == 1 {
			out = append(out, []byte(part))
			continue
		}
		for _, w := range strings.Fields(part) {
			out = append(out, []byte(w))
		}
	}
	return out
}

package node

import (
	"strings"
	"time"

	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/vector/ft"
)

// isProfileAggregate reports whether FT.PROFILE's args ask to profile
// FT.AGGREGATE.
func isProfileAggregate(args [][]byte) bool {
	return len(args) > 2 && strings.EqualFold(string(args[2]), "AGGREGATE")
}

// profileAggregate is FT.PROFILE index AGGREGATE [LIMITED] QUERY
// query args...: FT.AGGREGATE's reply, then the profile as for SEARCH.
// The result processors are the index and one per pipeline step, each
// with the rows that leave it (the pipeline is run once per step, cut
// after that step, to count them) and the time that step added.
func profileAggregate(cx *Ctx) {
	start := time.Now()
	i := 3
	if i < len(cx.Args) && strings.EqualFold(string(cx.Args[i]), "LIMITED") {
		i++
	}
	if i >= len(cx.Args)-1 || !strings.EqualFold(string(cx.Args[i]), "QUERY") {
		cx.Error(errProfileQuery.Error())
		return
	}
	aargs := append([][]byte{cx.Args[1]}, cx.Args[i+1:]...)
	req, err := ft.ParseAggregateArgs(aargs)
	if err != nil {
		ftError(cx, err)
		return
	}
	if req.Args.WithCursor {
		cx.Error("FT.PROFILE does not support cursor")
		return
	}
	cx.Node.search.Config.ApplyAggregateDialect(req) // the query is read in its dialect
	ix := openSearch(cx, req.Index, req.Expand, req.ParseQueryFor)
	if ix == nil {
		return
	}
	req.Admit = aggregateAdmit(cx.Node, req.Args.Slots)
	parsed := time.Now()
	load := aggregateDocs(cx.Node.ks, ix, req)
	steps := req.Args.Steps
	type stage struct {
		name string
		rows int64
		took time.Duration
	}
	var stages []stage
	var rows []ftargs.Row
	var total int64
	prev := time.Duration(0)
	cut := *req.Args
	creq := *req
	creq.Args = &cut
	for n := 0; n <= len(steps); n++ {
		cut.Steps = steps[:n]
		t0 := time.Now()
		rows, total, err = ix.Aggregate(&creq, load)
		if err != nil {
			ftError(cx, err)
			return
		}
		took := time.Since(t0)
		name := "Index"
		if n > 0 {
			name = steps[n-1].Processor()
		}
		stages = append(stages, stage{name, int64(len(rows)), max(0, took-prev)})
		prev = took
	}
	ms := func(d time.Duration) string { return formatDouble(float64(d.Nanoseconds()) / 1e6) }
	iters := ix.ProfileIterators(&ft.SearchRequest{Filter: req.Filter, KNN: req.KNN, Admit: req.Admit},
		ft.ProfileOptions{Limited: profileLimited(cx.Args), Time: ms})
	procs := []any{"Result processors profile"}
	for _, s := range stages {
		procs = append(procs, []any{"Type", s.name, "Time", ms(s.took), "Counter", s.rows})
	}
	results := []any{total}
	for i := range rows {
		results = append(results, rows[i].Reply())
	}
	writeAny(cx, []any{
		results,
		[]any{
			[]any{"Total profile time", ms(time.Since(start))},
			[]any{"Parsing time", ms(parsed.Sub(start))},
			[]any{"Pipeline creation time", "0"},
			[]any{"Iterators profile", iters},
			procs,
		},
	})
}

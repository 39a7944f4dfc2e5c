package node

import (
	"strings"
	"time"

	"github.com/vcache/vcache/vector/ft"
)

// isProfileHybrid reports whether FT.PROFILE's args ask to profile
// FT.HYBRID.
func isProfileHybrid(args [][]byte) bool {
	return len(args) > 2 && strings.EqualFold(string(args[2]), "HYBRID")
}

// profileHybrid is FT.PROFILE index HYBRID [LIMITED] QUERY hybrid args...,
// in RediSearch 8.4's shape: FT.HYBRID's reply (total_results, results,
// warnings, execution_time) with the profile after it,
//
//	Shards, [[SEARCH, profile, VSIM, profile]], Coordinator, profile
//
// each subquery's profile with its iterators and result processors, the
// coordinator's with the fusion ("Hybrid Merger") and the pipeline's
// steps after it.
func profileHybrid(cx *Ctx) {
	start := time.Now()
	i := 3
	if i < len(cx.Args) && strings.EqualFold(string(cx.Args[i]), "LIMITED") {
		i++
	}
	if i >= len(cx.Args)-1 || !strings.EqualFold(string(cx.Args[i]), "QUERY") {
		cx.Error(errProfileQuery.Error())
		return
	}
	hargs := append([][]byte{cx.Args[1]}, cx.Args[i+1:]...)
	var subs [2]hybridSubquery
	h, ix, lists, metric, ok := hybridLists(cx, hargs, &subs)
	if !ok {
		return
	}
	if h.WithCursor {
		cx.Error("FT.PROFILE does not support cursor")
		return
	}
	ms := func(d time.Duration) string { return formatDouble(float64(d.Nanoseconds()) / 1e6) }
	rows, total, procs, err := h.RunProfile(lists[0], lists[1], metric, ms)
	if err != nil {
		ftError(cx, err)
		return
	}
	limited := profileLimited(cx.Args)
	sub := func(q hybridSubquery, names []string) []any {
		iters := ix.ProfileIterators(q.req, ft.ProfileOptions{Limited: limited, Time: ms})
		rp := make([]any, len(names))
		for j, name := range names {
			took := time.Duration(0)
			if j == 0 {
				took = q.took
			}
			rp[j] = []any{"Type", name, "Time", ms(took), "Results processed", int64(q.hits)}
		}
		return []any{
			"Total profile time", ms(q.took),
			"Parsing time", "0",
			"Pipeline creation time", "0",
			"Warning", []any{"None"},
			"Iterators profile", iters,
			"Result processors profile", rp,
		}
	}
	shard := []any{
		"SEARCH", sub(subs[0], []string{"Index", "Scorer", "Sorter", "Loader", "Depleter"}),
		"VSIM", sub(subs[1], []string{"Index", "Metrics Applier", "Vector Normalizer", "Loader", "Depleter"}),
	}
	coord := []any{
		"Total profile time", ms(time.Since(start)),
		"Parsing time", "0",
		"Pipeline creation time", "0",
		"Warning", []any{"None"},
		"Result processors profile", procs,
	}
	reply := h.Reply(rows, total, nil, start)
	writeAny(cx, append(reply, []any{"Shards", []any{shard}, "Coordinator", coord}))
}

package node

import (
	"fmt"
	"strconv"
	"time"

	"github.com/vcache/vcache/internal/ftargs"
	"github.com/vcache/vcache/internal/fthybrid"
	"github.com/vcache/vcache/vector/ft"
)

// cmdFTHybrid runs FT.HYBRID: the full-text list and the vector list as
// two searches of the index, each cut to the fusion window, then their
// fusion (internal/fthybrid).
func cmdFTHybrid(cx *Ctx) {
	started := time.Now()
	h, ix, lists, metric, ok := hybridLists(cx, cx.Args[1:], nil)
	if !ok {
		return
	}
	if h.WithCursor {
		writeHybridCursors(cx, h, ix.Schema().Prefixes, lists, metric)
		return
	}
	rows, total, err := h.Run(h.Fuse(lists[0], lists[1], metric))
	if err != nil {
		ftError(cx, err)
		return
	}
	writeAny(cx, h.Reply(rows, total, nil, started))
}

// hybridSubquery is what FT.PROFILE shows of one of FT.HYBRID's
// subqueries: its search, the time it took and the documents it kept.
type hybridSubquery struct {
	req  *ft.SearchRequest
	took time.Duration
	hits int
}

// hybridLists parses FT.HYBRID's arguments (index first) and runs its
// two subqueries; ok is false when it has replied with an error. prof,
// when not nil, receives each subquery's search and time.
func hybridLists(cx *Ctx, hargs [][]byte, prof *[2]hybridSubquery) (h *fthybrid.Request, ix *ft.Index, lists [2][]fthybrid.Hit, metric fthybrid.Metric, ok bool) {
	args, slots, err := searchSlots(hargs)
	if err != nil {
		ftError(cx, err)
		return
	}
	h, err = fthybrid.Parse(args)
	if err != nil {
		ftError(cx, err)
		return
	}
	text, err := ft.ParseSearchArgs(h.TextSearch())
	if err != nil {
		ftError(cx, err)
		return
	}
	vec, err := ft.ParseSearchArgs(h.VectorSearch())
	if err != nil {
		ftError(cx, err)
		return
	}
	ix = openSearch(cx, h.Index, false, text.ParseQueryFor)
	if ix == nil {
		return
	}
	if err := vec.ParseQueryFor(ix); err != nil {
		ftError(cx, err)
		return
	}
	if expandDenied(cx, h.Format == "EXPAND", ix) {
		return
	}
	metric, found := hybridMetric(ix, h.Field)
	if !found {
		cx.Error(fmt.Sprintf("Unknown vector field `%s`", h.Field))
		return
	}
	if refuseGone(cx, slots) {
		return
	}
	for i, req := range []*ft.SearchRequest{text, vec} {
		t0 := time.Now()
		capResults(cx.Node.search.Config, req)
		req.Admit = searchAdmit(cx.Node, slots)
		res, err := ix.SearchDocs(req, searchDocs(cx.Node.ks, ix, req))
		if err != nil {
			ftError(cx, err)
			return
		}
		if lists[i], err = hybridHits(res.ReplyFor(req), i == 1); err != nil {
			ftError(cx, err)
			return
		}
		if prof != nil {
			prof[i] = hybridSubquery{req: req, took: time.Since(t0), hits: len(lists[i])}
		}
	}
	return h, ix, lists, metric, true
}

// writeHybridCursors keeps WITHCURSOR's two lists as FT.AGGREGATE
// cursors (read with FT.CURSOR READ, whose reader needs read access to
// the index's prefixes, as an aggregate's) and replies with their ids.
func writeHybridCursors(cx *Ctx, h *fthybrid.Request, prefixes []string, lists [2][]fthybrid.Hit, metric fthybrid.Metric) {
	search, vsim := h.Cursors(lists[0], lists[1], metric)
	var ids [2]uint64
	for i, rows := range [][]ftargs.Row{search, vsim} {
		c := ftargs.NewCursor(h.Index, prefixes, rows, int64(len(rows)), h.CursorCount, h.MaxIdle)
		c.Expand = h.Format == "EXPAND"
		id, err := cx.Node.cursors.Add(c)
		if err != nil {
			if i == 1 {
				cx.Node.cursors.Del(ids[0])
			}
			ftError(cx, err)
			return
		}
		ids[i] = id
		defer cx.Node.cursors.Put(id, c)
	}
	writeAny(cx, fthybrid.CursorReply(ids[0], ids[1]))
}

// hybridMetric returns the distance metric of the vector field VSIM
// names (by its alias).
func hybridMetric(ix *ft.Index, field string) (fthybrid.Metric, bool) {
	for _, f := range ix.Schema().Fields {
		if f.Alias == field && f.Type == ft.Vector {
			return fthybrid.ParseMetric(f.Vec.Metric.String()), true
		}
	}
	return 0, false
}

// hybridHits reads an FT.SEARCH reply (total, key, score?, fields?...)
// as one of FT.HYBRID's lists: the text list's rows have scores
// (WITHSCORES), the vector list's carry their distance as a field.
func hybridHits(reply []any, vector bool) ([]fthybrid.Hit, error) {
	var hits []fthybrid.Hit
	e := reply[1:]
	for len(e) > 0 {
		key, _ := e[0].(string)
		h := fthybrid.Hit{Key: key}
		e = e[1:]
		if !vector && len(e) > 0 {
			s, _ := e[0].(string)
			if ex, ok := e[0].([]any); ok && len(ex) > 0 {
				// EXPLAINSCORE: [score, explanation]
				s, _ = ex[0].(string)
				if len(ex) > 1 {
					h.Explain = ex[1]
				}
			}
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fmt.Errorf("internal: bad score %q", s)
			}
			h.Score = f
			e = e[1:]
		}
		if len(e) > 0 {
			if fields, ok := e[0].([]any); ok {
				for _, x := range fields {
					h.Fields = append(h.Fields, anyString(x))
				}
				e = e[1:]
			}
		}
		if vector {
			d, ok := fthybrid.DistanceOf(h.Fields)
			if !ok {
				return nil, fmt.Errorf("internal: no distance for %s", key)
			}
			h.Score = d
		}
		hits = append(hits, h)
	}
	return hits, nil
}

func anyString(x any) string {
	switch v := x.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case int64:
		return strconv.FormatInt(v, 10)
	}
	return ""
}
